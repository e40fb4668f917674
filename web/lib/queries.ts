"use client";
/** react-query hooks over the core's reads. Keys start with "ledger" so a write can refresh them all. */
import { useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Address } from "viem";
import { getRoles, type Roles } from "../../core/accounts/roles.ts";
import { readLedger } from "../../core/contract/calls.ts";
import { getStaffMember, listStaff, type StaffMember } from "../../core/staff/staff.ts";
import { useLedgerReader } from "./ledger.tsx";

/** The roles the contract grants `account` (undefined while not connected). */
export function useRoles(account: Address | undefined): UseQueryResult<Roles> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: ["ledger", "roles", account],
    queryFn: () => getRoles(reader, account!),
    enabled: account !== undefined,
  });
}

export function useStaff(): UseQueryResult<StaffMember[]> {
  const reader = useLedgerReader();
  return useQuery({ queryKey: ["ledger", "staff"], queryFn: () => listStaff(reader) });
}

export function useStaffMember(account: Address | undefined): UseQueryResult<StaffMember | null> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: ["ledger", "staffMember", account],
    queryFn: async () => (await getStaffMember(reader, account!)) ?? null,
    enabled: account !== undefined,
  });
}

export function usePaused(): UseQueryResult<boolean> {
  const reader = useLedgerReader();
  return useQuery({ queryKey: ["ledger", "paused"], queryFn: () => readLedger(reader, "paused") });
}

/** Refetches every ledger query (after a transaction). */
export function useRefreshLedger(): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: ["ledger"] }), [client]);
}
