/** GET /api/activity/verify: checks the activity log's hash chain and on-chain anchors (admin) — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.activityVerify);
}
