"use client";
/**
 * {@link useAction} for one write against the ledger with the connected wallet: the action gets a
 * LedgerWriter first, and every ledger query is refreshed (in the background) after a success.
 */
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { useLedgerWriter } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";
import type { TransactionToast } from "./txToast.tsx";
import { useAction, type Action, type Progress } from "./useAction.ts";

export type LedgerAction<A extends unknown[], R> = Action<A, R>;

const LEDGER = [queryKeys.ledger.all()];

/** `toast`: announce the transaction's outcome in a toast (see useAction's `toast`). */
export function useLedgerAction<A extends unknown[], R>(
  action: (writer: LedgerWriter, ...args: A) => Promise<R>,
  toast?: TransactionToast<A, R>,
): LedgerAction<A, R> {
  const getWriter = useLedgerWriter();
  return useAction(async (_progress: Progress<never>, ...args: A) => action(await getWriter(), ...args), { invalidates: LEDGER, ...(toast ? { toast } : {}) });
}
