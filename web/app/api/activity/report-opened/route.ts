/** POST /api/activity/report-opened: logs that the caller opened a report they may read — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.reportOpened);
}
