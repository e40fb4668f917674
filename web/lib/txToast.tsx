"use client";
/**
 * The one place a transaction's outcome is announced: a toast (sonner) that goes from pending to
 * confirmed or failed. "Confirmed" only once the network has the transaction with the configured
 * number of confirmations (MEDLEDGER_CONFIRMATIONS, in the public configuration; the core's write
 * already waited for the first); "failed" with the plain reason and the technical part behind a
 * closed "Technical details". A link to the network's block explorer when it has one (none on the
 * local chain). sonner is loaded with the first toast (or by the lazily mounted <Toaster>), not
 * with the page; each toast has its own id from the start, so its later states find it.
 */
import type { ReactNode } from "react";
import type * as Sonner from "sonner";
import type { Hash } from "viem";
import { ErrorText } from "#web/components/ErrorBox.tsx";
import { transactionUrl } from "./explorer.ts";
import type { LedgerReader } from "#core/contract/ledger.ts";
import type { PublicConfig } from "./publicConfig.ts";
import { toUserError } from "./userError.ts";

/** How an action's transaction is announced: words for each state (plain, for patients and staff). */
export interface TransactionToast<A extends unknown[], R> {
  /** While it runs, e.g. "Stopping the sharing with Dr Rivera…" (the wallet may ask to confirm first). */
  readonly pending: string | ((...args: A) => string);
  /** Once confirmed, e.g. "Dr Rivera can no longer open this report." */
  readonly success: (result: R, ...args: A) => ReactNode;
  /** The title of a failure, e.g. "Sharing not stopped". */
  readonly failure: string | ((...args: A) => string);
  /** The transaction of a result (default: the result itself when it is a hash, or its `hash` / `transactionHash`). */
  readonly hashOf?: (result: R) => Hash | undefined;
}

/** One announced transaction: update it as it goes, or take it away (its input changed). */
export interface ToastHandle {
  confirmed(result: unknown, message: ReactNode, hash: Hash | undefined): Promise<void>;
  failed(title: string, error: unknown): void;
  dismiss(): void;
}

let sonnerModule: Promise<typeof Sonner> | undefined;
/** One load of sonner, shared: its callbacks run in the order they were asked for. */
const sonner = () => (sonnerModule ??= import("sonner"));
let lastToast = 0;

/** Shows `pending` now; returns the handle that turns it into the outcome. */
export function startTransactionToast(pending: string, config: PublicConfig, reader: LedgerReader): ToastHandle {
  const id = `tx-${++lastToast}`;
  void sonner().then(({ toast }) =>
    toast.loading(pending, { id, testId: "tx-toast", description: "Confirm in your wallet if it asks, then wait for the network." }),
  );
  return {
    async confirmed(_result, message, hash) {
      const { toast } = await sonner();
      if (hash && config.confirmations > 1) {
        toast.loading(pending, { id, testId: "tx-toast", description: `Sent. Waiting for the network to confirm it (${config.confirmations} blocks)…` });
        await reader.publicClient.waitForTransactionReceipt({ hash, confirmations: config.confirmations });
      }
      const link = hash ? await transactionUrl(config.chainId, hash) : undefined;
      toast.success(message, {
        id,
        testId: "tx-toast",
        description: link ? (
          <a href={link.url} target="_blank" rel="noreferrer">
            View on {link.name}
          </a>
        ) : (
          "Confirmed by the network."
        ),
        duration: 8_000,
        closeButton: true,
      });
    },
    failed(title, error) {
      void sonner().then(({ toast }) =>
        toast.error(title, {
          id,
          testId: "tx-toast",
          description: <ErrorText error={toUserError(error)} />,
          // Stays until closed or until its input changes: the reason must be read, not raced.
          duration: Infinity,
          closeButton: true,
        }),
      );
    },
    dismiss() {
      void sonner().then(({ toast }) => toast.dismiss(id));
    },
  };
}
