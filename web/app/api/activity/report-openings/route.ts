/** GET /api/activity/report-openings?reportId=…: who opened the caller's report, and when (its patient only) — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.reportOpenings);
}
