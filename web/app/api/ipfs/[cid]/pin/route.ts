/** GET /api/ipfs/<cid>/pin: whether the server's IPFS node keeps the CID — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.ipfsPin);
}
