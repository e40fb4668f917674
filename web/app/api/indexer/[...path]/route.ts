/** GET /api/indexer/…: the indexer's list API through this server — the logic lives in server/http/api.ts and server/indexer/proxy.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.indexer);
}
