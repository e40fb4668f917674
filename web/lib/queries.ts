"use client";
/**
 * react-query hooks over the core's reads, keyed by queryKeys.ts (under "ledger": a write refreshes them all).
 * The staff reads load core/staff/staff.ts (and its zod schemas) on demand: the header uses them on
 * every page, and they need not be part of the first load.
 */
import { useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { Address } from "viem";
import { getRoles, type Roles } from "#core/accounts/roles.ts";
import { readLedger } from "#core/contract/calls.ts";
import type { StaffMember } from "#core/staff/staff.ts";
import { DEMO_PEOPLE, isLocalChain } from "#core/dev/demoAccounts.ts";
import { useLedgerReader, usePublicConfig } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

/** The roles the contract grants `account` (undefined while not connected). */
export function useRoles(account: Address | undefined): UseQueryResult<Roles> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: queryKeys.ledger.roles(account),
    queryFn: () => getRoles(reader, account!),
    enabled: account !== undefined,
  });
}

/** The staff directory: from the indexer (each member checked against the contract) when the server has one, else from the chain's events. */
export function useStaff(): UseQueryResult<StaffMember[]> {
  const reader = useLedgerReader();
  const indexer = usePublicConfig().indexer;
  return useQuery({
    queryKey: queryKeys.ledger.staff(),
    queryFn: async () => {
      if (!indexer) return (await import("#core/staff/staff.ts")).listStaff(reader);
      // Loaded when the directory is first read, not with every page (the lists bring zod and multiformats).
      const [client, { allPages }, { checkedStaff }] = await Promise.all([
        import("./reportLists.ts").then(({ indexerCaughtUp }) => indexerCaughtUp(reader)),
        import("#core/indexer/client.ts"),
        import("#core/indexer/staff.ts"),
      ]);
      return checkedStaff(reader, await allPages((cursor) => client.staff({ cursor, limit: 500 })));
    },
  });
}

export function useStaffMember(account: Address | undefined): UseQueryResult<StaffMember | null> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: queryKeys.ledger.staffMember(account),
    queryFn: async () => (await (await import("#core/staff/staff.ts")).getStaffMember(reader, account!)) ?? null,
    enabled: account !== undefined,
  });
}

export function usePaused(): UseQueryResult<boolean> {
  const reader = useLedgerReader();
  return useQuery({ queryKey: queryKeys.ledger.paused(), queryFn: () => readLedger(reader, "paused") });
}

/** Refetches every ledger query (after a transaction). */
export function useRefreshLedger(): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: queryKeys.ledger.all() }), [client]);
}

/** A display name for an address: staff names from the chain, demo names on the local chain, else shortened. */
export function useNameOf(): (account: string) => string {
  const staff = useStaff();
  const config = usePublicConfig();
  const names = useMemo(() => {
    const map = new Map<string, string>();
    if (isLocalChain(config.chainId)) for (const p of DEMO_PEOPLE) map.set(p.address.toLowerCase(), p.displayName);
    for (const m of staff.data ?? []) map.set(m.account.toLowerCase(), m.profile.name);
    return map;
  }, [staff.data, config.chainId]);
  return useCallback((account: string) => names.get(account.toLowerCase()) ?? `${account.slice(0, 8)}…${account.slice(-4)}`, [names]);
}
