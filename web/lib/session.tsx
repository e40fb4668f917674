"use client";
/**
 * Sign-in with Ethereum (EIP-4361) in the browser, and the session it opens on MedLedger's server.
 * The server issues a nonce; the browser builds the message with viem's `createSiweMessage`, the
 * connected wallet signs it, the server checks it and sets an httpOnly session cookie. The session
 * (read once on load from GET /api/auth/session, and again when it is due to expire) is shared
 * by every component through `useSession()`.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from "react";
import type { Address, Hex } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import { MedLedgerError } from "#core/errors.ts";
import { apiRequest } from "./api.ts";
import { useLedgerWriter, useWallet } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";
import type { NonceAnswer } from "./signInMessage.ts";
import { useAction } from "./useAction.ts";
import { toUserError } from "./userError.ts";

/** What GET /api/auth/session and POST /api/auth/login answer for a live session. */
export interface SignedInSession {
  readonly signedIn: true;
  readonly address: Address;
  readonly chainId: number;
  /** Read from the contract by the server when the session was checked. */
  readonly roles: Roles;
  /** ISO times. */
  readonly issuedAt: string;
  readonly expiresAt: string;
}

/** No session; `reason` says why an earlier one ended ("expired", "ended", "unknown"). */
export interface SignedOutSession {
  readonly signedIn: false;
  readonly reason?: string;
}

export type SessionState = SignedInSession | SignedOutSession;

export interface SessionContextValue {
  /** Undefined until the server has answered. */
  readonly session: SessionState | undefined;
  /** Failure to read the session (server unreachable…). */
  readonly loadError: unknown;
  /** Signed in, and as the account the wallet is connected with. */
  readonly signedInAsWallet: boolean;
  readonly pending: "signing-in" | "signing-out" | null;
  /** The last failed sign-in or sign-out (the session is left as it was). */
  readonly error: unknown;
  readonly failedAction: "sign-in" | "sign-out" | null;
  /** Why the last session ended, when the user should be told ("expired"). */
  readonly endedBecause: string | null;
  /** Signs in the connected wallet's account; false when it did not happen (see `error`). */
  signIn(): Promise<boolean>;
  /**
   * The same sign-in for a caller that shows its own progress and failure (the combined
   * "unlock and sign in" step): throws instead of setting `error`.
   */
  signInOrThrow(): Promise<SignedInSession>;
  signOut(): Promise<void>;
  /** Reads the session again (e.g. after the API refused a call as NOT_SIGNED_IN). */
  refresh(): Promise<void>;
  clearError(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647;

function signInFailure(error: unknown): unknown {
  const user = toUserError(error);
  if (user.code === "USER_REJECTED") {
    return new MedLedgerError(
      "USER_REJECTED",
      "You declined to sign the sign-in message, so you were not signed in.",
      "Click “Sign in” again when you are ready.",
    );
  }
  return error;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const wallet = useWallet();
  const getWriter = useLedgerWriter();
  const query = useQuery({
    queryKey: queryKeys.session(),
    queryFn: ({ signal }) => apiRequest<SessionState>("/api/auth/session", { signal }),
    staleTime: 30_000,
    refetchOnWindowFocus: true,
  });
  const session = query.data;

  // Ask again when the session is due to expire: the server then ends it and logs the expiry.
  const expiresAt = session?.signedIn ? Date.parse(session.expiresAt) : undefined;
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = setTimeout(
      () => void client.invalidateQueries({ queryKey: queryKeys.session() }),
      Math.min(Math.max(expiresAt - Date.now() + 1000, 0), MAX_TIMER_MS),
    );
    return () => clearTimeout(timer);
  }, [client, expiresAt]);

  /** Nonce → EIP-4361 message → the wallet's signature → the server's session (its own message, never the identity signature). */
  const signInOrThrow = useCallback(async (): Promise<SignedInSession> => {
    const writer = await getWriter();
    const account = writer.walletClient.account;
    const nonce = await apiRequest<NonceAnswer>("/api/auth/nonce", { method: "POST" });
    const { buildSignInMessage } = await import("./signInMessage.ts"); // viem's SIWE formatter, on sign-in only
    const message = buildSignInMessage(nonce, account.address, window.location.origin);
    const signature: Hex = await writer.walletClient.signMessage({ account, message });
    const signedIn = await apiRequest<SignedInSession>("/api/auth/login", { method: "POST", body: { message, signature } });
    client.setQueryData<SessionState>(queryKeys.session(), signedIn);
    void client.invalidateQueries({ queryKey: queryKeys.api.all() });
    return signedIn;
  }, [client, getWriter]);
  const signingIn = useAction(async () => {
    try {
      await signInOrThrow();
      return true;
    } catch (caught) {
      throw signInFailure(caught);
    }
  });
  const signingOut = useAction(async () => {
    // Signed out on the page first, so that nothing starts a request the ended session would
    // answer 401 (a view still loading would), and what is on its way is cancelled; the session
    // is put back if the server could not end it.
    const before = client.getQueryData<SessionState>(queryKeys.session());
    client.setQueryData<SessionState>(queryKeys.session(), { signedIn: false });
    await client.cancelQueries({ queryKey: queryKeys.api.all() });
    try {
      await apiRequest<{ signedIn: false }>("/api/auth/logout", { method: "POST" });
    } catch (error) {
      if (before) client.setQueryData<SessionState>(queryKeys.session(), before);
      throw error;
    }
    client.removeQueries({ queryKey: queryKeys.api.all() });
  });

  // One failure is shown at a time: starting either action clears the other's.
  const { run: runSignIn, reset: resetSignIn } = signingIn;
  const { run: runSignOut, reset: resetSignOut } = signingOut;
  const signIn = useCallback(async () => {
    resetSignOut();
    return (await runSignIn()) === true;
  }, [runSignIn, resetSignOut]);
  const signOut = useCallback(async () => {
    resetSignIn();
    await runSignOut();
  }, [runSignOut, resetSignIn]);

  const refresh = useCallback(() => client.invalidateQueries({ queryKey: queryKeys.session() }), [client]);
  const clearError = useCallback(() => {
    resetSignIn();
    resetSignOut();
  }, [resetSignIn, resetSignOut]);

  const failedAction = signingIn.error ? "sign-in" : signingOut.error ? "sign-out" : null;
  const pending = signingIn.pending ? "signing-in" : signingOut.pending ? "signing-out" : null;
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      loadError: query.error,
      signedInAsWallet: session?.signedIn === true && wallet.address !== undefined && session.address.toLowerCase() === wallet.address.toLowerCase(),
      pending,
      error: signingIn.error ?? signingOut.error ?? null,
      failedAction,
      endedBecause: session && !session.signedIn && session.reason === "expired" ? "expired" : null,
      signIn,
      signInOrThrow,
      signOut,
      refresh,
      clearError,
    }),
    [session, query.error, wallet.address, pending, signingIn.error, signingOut.error, failedAction, signIn, signInOrThrow, signOut, refresh, clearError],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The sign-in session (inside <SessionProvider>). */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside <SessionProvider>.");
  return value;
}

/** Reads the session again when the server says it is gone (an API read failed), so the page asks to sign in. */
export function useSessionLossWatch(error: unknown): void {
  const { refresh } = useSession();
  const code = error ? toUserError(error).code : undefined;
  useEffect(() => {
    if (code === "NOT_SIGNED_IN" || code === "SESSION_EXPIRED") void refresh();
  }, [code, refresh]);
}
