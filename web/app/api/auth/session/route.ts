/** GET /api/auth/session: who is signed in, with roles read from the contract — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.session);
}
