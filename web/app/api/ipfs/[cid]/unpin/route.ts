/** POST /api/ipfs/<cid>/unpin?report=<id>: drop a report's superseded ciphertext after a re-key — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.ipfsUnpin);
}
