"use client";
/**
 * Runs one write against the ledger with the connected wallet and tracks it: pending, error
 * (rejections included — the caller's form state is untouched, so the inputs are kept), and done.
 * Every ledger query is refreshed (in the background) after a success.
 */
import { useCallback, useState } from "react";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { useLedgerWriter } from "./ledgerContext.tsx";
import { useRefreshLedger } from "./queries.ts";

export interface LedgerAction<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  readonly pending: boolean;
  readonly error: unknown;
  readonly result: R | undefined;
  reset(): void;
}

export function useLedgerAction<A extends unknown[], R>(action: (writer: LedgerWriter, ...args: A) => Promise<R>): LedgerAction<A, R> {
  const getWriter = useLedgerWriter();
  const refresh = useRefreshLedger();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<R | undefined>(undefined);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      setResult(undefined);
      try {
        const value = await action(await getWriter(), ...args);
        setResult(value);
        // Refresh in the background: the caller (e.g. a form reset) runs before the lists update.
        void refresh();
        return value;
      } catch (caught) {
        setError(caught);
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [action, getWriter, refresh],
  );
  const reset = useCallback(() => {
    setError(null);
    setResult(undefined);
  }, []);
  return { run, pending, error, result, reset };
}
