"use client";
/**
 * The hospital's relayer, for the administrator (GET /api/relay/status, which needs an admin
 * sign-in session): its address, its balance, about how many patient actions that pays for, and
 * a warning when it runs low — fund it before patients are told it is out of funds.
 */
import { useQuery } from "@tanstack/react-query";
import { formatEther, type Address } from "viem";
import { apiRequest } from "#web/lib/api.ts";
import { usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useSession } from "#web/lib/session.tsx";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

/** GET /api/relay/status (bigints as decimal strings). */
interface RelayerStatusAnswer {
  readonly address: Address;
  readonly balanceWei: string;
  readonly actionsLeft: string;
  readonly lowFunds: boolean;
}

export function RelayerStatus() {
  const config = usePublicConfig();
  const { session, signedInAsWallet } = useSession();
  const isAdmin = signedInAsWallet && session?.signedIn === true && session.roles.admin;
  const status = useQuery({
    queryKey: queryKeys.api.relayStatus(),
    queryFn: ({ signal }) => apiRequest<RelayerStatusAnswer>("/api/relay/status", { signal }),
    enabled: config.relayerEnabled && isAdmin,
  });
  return (
    <section className="card" aria-labelledby="relayer-title" data-testid="relayer-status">
      <h2 id="relayer-title">Relayer for patients</h2>
      {!config.relayerEnabled ? (
        <>
          <p>No relayer is set up: patients need ETH in their wallet to share or stop sharing.</p>
          <details className="small">
            <summary>Technical details</summary>
            The server sends patients&apos; signed changes once MEDLEDGER_RELAYER_KEY holds the private key of a funded account.
          </details>
        </>
      ) : !isAdmin ? (
        <p className="small muted">Sign in (button at the top right) to see the relayer&apos;s balance.</p>
      ) : (
        <>
          {status.isPending ? <Spinner label="Reading the relayer's balance…" /> : null}
          <ErrorBox error={status.error} title="Could not read the relayer's status" />
          {status.data ? (
            <>
              <p>
                The hospital pays the fees of patients&apos; changes from the account <AddressText value={status.data.address} copy />. It holds{" "}
                <strong>{formatEther(BigInt(status.data.balanceWei))} ETH</strong>, enough for about {status.data.actionsLeft} changes at the current fee.
              </p>
              {status.data.actionsLeft === "0" ? (
                <Notice kind="warning">The relayer is out of funds: patients are told it cannot send their changes. Send ETH to its account.</Notice>
              ) : status.data.lowFunds ? (
                <Notice kind="warning">
                  The relayer runs low on funds: send ETH to its account soon, or patients will be told it cannot send their changes.
                </Notice>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
