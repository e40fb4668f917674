/** GET /api/activity: the admin's activity log (JSON or ?format=csv) — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.activity);
}
