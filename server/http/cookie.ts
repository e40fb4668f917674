/**
 * The session cookie: an iron-session sealed, httpOnly, SameSite=Lax cookie carrying only the
 * session id (secure when served over https). The secret comes from SESSION_SECRET.
 */
import { randomBytes } from "node:crypto";
import { getIronSession, type SessionOptions } from "iron-session";
import { isLocalChain } from "#core/dev/demoAccounts.ts";
import { MedLedgerError } from "#core/errors.ts";

export const SESSION_COOKIE = "medledger_session";

/** What the cookie holds. */
export interface CookieData {
  sid?: string;
}

/**
 * SESSION_SECRET (at least 32 characters). Without it, the local stack (chain 31337, or any
 * non-production run) gets a random per-run secret with a loud warning; production refuses.
 */
export function sessionSecret(env: NodeJS.ProcessEnv, chainId: number): string {
  const secret = env.SESSION_SECRET;
  if (secret) {
    if (secret.length < 32) {
      throw new MedLedgerError(
        "CONFIG",
        "SESSION_SECRET is too short (it needs at least 32 characters).",
        "Set SESSION_SECRET to a long random value, e.g. `openssl rand -base64 48`.",
      );
    }
    return secret;
  }
  if (env.NODE_ENV === "production" && !isLocalChain(chainId)) {
    throw new MedLedgerError(
      "CONFIG",
      "SESSION_SECRET is not set: sessions cannot be protected in production.",
      "Set SESSION_SECRET to a long random value, e.g. `openssl rand -base64 48`.",
    );
  }
  console.warn(
    "\n[medledger] WARNING: SESSION_SECRET is not set. Using a random secret for this run only (local stack);\n" +
      "[medledger] everyone is signed out when the server restarts. Set SESSION_SECRET in production.\n",
  );
  return randomBytes(32).toString("base64url");
}

export function cookieOptions(secret: string, secure: boolean, sessionTtlMs: number): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    password: secret,
    // The cookie outlives the session by a day so an expired session is still presented once and recorded.
    ttl: Math.ceil(sessionTtlMs / 1000) + 24 * 60 * 60,
    cookieOptions: { httpOnly: true, secure, sameSite: "lax", path: "/" },
  };
}

/** The cookie session of `request`; Set-Cookie headers land on `jar`. */
export function readCookieSession(request: Request, jar: Response, options: SessionOptions) {
  return getIronSession<CookieData>(request, jar, options);
}
