/** POST /api/activity/opening-challenge: a one-time nonce and the server's key for a proven opening — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.openingChallenge);
}
