/** POST /api/activity/opening: logs a proven opening of a report (no sign-in) — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.provenOpening);
}
