/** GET /api/indexer/…: the indexer's list API through this server — the logic lives in server/indexer/proxy.ts. */
import { proxyToIndexer } from "#server/indexer/proxy.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  return proxyToIndexer(request, `/${path.join("/")}`);
}
