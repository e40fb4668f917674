"use client";
/**
 * Who pays for a patient's change. When the server has a relayer and the connected account holds
 * (almost) no ETH (core/relay/client.ts `needsRelayer`), the wallet only signs and the hospital
 * sends the transaction (POST /api/relay) and pays for it; otherwise the wallet sends it itself,
 * as before. A patient never needs ETH; one who holds some keeps the choice of their wallet.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Address } from "viem";
import type { ActionSender } from "#core/contract/actions.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { RelayStep } from "#core/relay/client.ts";
import { needsRelayer } from "#core/relay/threshold.ts";
import { useLedgerReader, usePublicConfig } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

export type { RelayStep };

/** The steps of a relayed change, for a StepList. */
export const RELAY_STEPS = [
  { id: "signing", label: "Sign the change in your wallet (free: nothing is sent from your account)" },
  { id: "relaying", label: "The hospital sends it and pays the fee" },
  { id: "confirming", label: "Waiting for the network to confirm it" },
] as const;

/**
 * A function giving the ActionSender for a write by `writer`: the hospital's relayer, reporting
 * its steps to `onStep`, or undefined for the account's own transaction (the core's default).
 */
export function useActionSender(): (writer: LedgerWriter, onStep?: (step: RelayStep) => void) => Promise<ActionSender | undefined> {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  return useCallback(
    async (writer, onStep) => {
      if (!config.relayerEnabled) return undefined;
      const balance = await reader.publicClient.getBalance({ address: writer.walletClient.account.address });
      if (!needsRelayer(balance)) return undefined;
      const { relayClientSender } = await import("#core/relay/client.ts");
      return relayClientSender(writer, onStep ? { onStep: (step) => onStep(step) } : {});
    },
    [config.relayerEnabled, reader],
  );
}

/** Whether `account`'s changes go through the hospital's relayer (undefined while its balance is read). */
export function useRelayed(account: Address): boolean | undefined {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  const balance = useQuery({
    queryKey: queryKeys.ledger.balance(account),
    queryFn: () => reader.publicClient.getBalance({ address: account }),
    enabled: config.relayerEnabled,
  });
  if (!config.relayerEnabled) return false;
  return balance.data === undefined ? undefined : needsRelayer(balance.data);
}
