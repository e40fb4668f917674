/** POST /api/registration-codes: a patient's registration code kept under its short code — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.registrationCodeCreate);
}
