"use client";
/**
 * The one way the app runs an async action (a ledger write, an API call, a wallet signature, a
 * workflow with steps): react-query's `useMutation`, with the state every form shows.
 *
 *   const save = useAction((progress, id: Hex) => core.work(id, { onProgress: ({ step }) => progress(step) }), {
 *     invalidates: [queryKeys.ledger.all()],
 *   });
 *   … if (await save.run(id)) resetTheForm();
 *   <ErrorBox error={save.error} />  {save.step ? <StepList current={save.step} … /> : null}
 *
 * `run` never throws: a failure (a wallet rejection, a revert, a network error) is kept in `error`
 * for ErrorBox (which maps it with toUserError), and `run` resolves to undefined. The caller's own
 * state (the inputs of a form) is untouched, so a retry sends the same thing again. Queries named in
 * `invalidates` are refetched in the background after a success.
 *
 * An action that sends a transaction names its `toast`: its outcome is then announced in one place,
 * a toast going from pending to confirmed (after the configured confirmations) or failed (web/lib/txToast.tsx);
 * the page shows no second success or failure notice for it. `reset()` (its input changed) takes
 * the toast away with the error and the result: no stale message stays on screen.
 */
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { useOptionalLedger } from "./ledgerContext.tsx";
import { resultHash } from "./explorer.ts";
import { startTransactionToast, type ToastHandle, type TransactionToast } from "./txToast.tsx";

/** Reports the step a running action is at (for a StepList); a no-op for actions without steps. */
export type Progress<S extends string> = (step: S) => void;

export interface Action<A extends unknown[], R, S extends string = never> {
  /** Runs the action; resolves to its result, or to undefined when it failed (see `error`). */
  run(...args: A): Promise<R | undefined>;
  /** True from the call until the action settles. */
  readonly pending: boolean;
  /** The last failure (null when none): from the action, or given to `fail`. */
  readonly error: unknown;
  /** The result of the last successful run (undefined before, and while running again). */
  readonly result: R | undefined;
  /** The arguments of the last run (which row, which button…), undefined before the first. */
  readonly args: A | undefined;
  /** The step the running action reported last (null when idle or when it reports none). */
  readonly step: S | null;
  /** Shows a failure found before running (e.g. a form's missing file) as this action's error. */
  fail(error: unknown): void;
  /** Back to idle: no error, no result. */
  reset(): void;
}

export interface ActionOptions<A extends unknown[], R> {
  /** Queries to refetch (in the background) after a success: keys from queryKeys.ts. */
  readonly invalidates?: readonly QueryKey[] | ((result: R, args: A) => readonly QueryKey[]);
  /** Announce the action's transaction in a toast (pending → confirmed / failed) instead of inline. */
  readonly toast?: TransactionToast<A, R>;
}

export function useAction<A extends unknown[], R, S extends string = never>(
  action: (progress: Progress<S>, ...args: A) => Promise<R>,
  options: ActionOptions<A, R> = {},
): Action<A, R, S> {
  const client = useQueryClient();
  const [step, setStep] = useState<S | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const { invalidates, toast } = options;
  const ledger = useOptionalLedger();
  const toastRef = useRef<ToastHandle | null>(null);
  const mutation = useMutation<R, unknown, A>({
    mutationFn: async (args) => {
      if (!toast || !ledger) return action(setStep, ...args);
      toastRef.current?.dismiss();
      const handle = startTransactionToast(typeof toast.pending === "string" ? toast.pending : toast.pending(...args), ledger.config, ledger.reader);
      toastRef.current = handle;
      try {
        const result = await action(setStep, ...args);
        await handle.confirmed(result, toast.success(result, ...args), (toast.hashOf ?? resultHash)(result));
        return result;
      } catch (error) {
        handle.failed(typeof toast.failure === "string" ? toast.failure : toast.failure(...args), error);
        throw error;
      }
    },
    // Writes go to the configured node whatever the browser thinks of its connectivity.
    networkMode: "always",
    onSuccess: (result, args) => {
      const keys = typeof invalidates === "function" ? invalidates(result, args) : (invalidates ?? []);
      // Not awaited: the caller (e.g. a form reset) goes on while the lists refetch.
      for (const queryKey of keys) void client.invalidateQueries({ queryKey });
    },
    onSettled: () => setStep(null),
  });
  const { mutateAsync, reset: resetMutation } = mutation;

  const run = useCallback(
    async (...args: A) => {
      setFailure(null);
      try {
        return await mutateAsync(args);
      } catch {
        return undefined; // kept in mutation.error
      }
    },
    [mutateAsync],
  );
  const fail = useCallback(
    (error: unknown) => {
      resetMutation();
      setFailure({ error });
    },
    [resetMutation],
  );
  const reset = useCallback(() => {
    toastRef.current?.dismiss();
    toastRef.current = null;
    resetMutation();
    setFailure(null);
    setStep(null);
  }, [resetMutation]);

  return {
    run,
    pending: mutation.isPending,
    error: failure ? failure.error : (mutation.error ?? null),
    result: mutation.data,
    args: mutation.variables,
    step,
    fail,
    reset,
  };
}
