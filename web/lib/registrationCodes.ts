/**
 * The short codes of registration codes (server/registration/shortCodes.ts): the patient's page
 * hands its code in; the reception fetches a code back and checks it belongs to the short code
 * typed (core/patients/shortCode.ts) before using it like a pasted code.
 */
import { apiRequest } from "./api.ts";

export async function handInRegistrationCode(code: string): Promise<{ short: string; expiresAt: string }> {
  return apiRequest("/api/registration-codes", { method: "POST", body: { code } });
}

/** The full registration code of `short` (normalised), checked against it: a swapped code throws SHORT_CODE_MISMATCH. */
export async function fetchRegistrationCode(short: string, signal?: AbortSignal): Promise<string> {
  const answer = await apiRequest<{ code: string }>(`/api/registration-codes/${encodeURIComponent(short)}`, { signal });
  const { checkShortCode } = await import("#core/patients/shortCode.ts"); // the hash, when a code is fetched
  checkShortCode(short, answer.code);
  return answer.code;
}
