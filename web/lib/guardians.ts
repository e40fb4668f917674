"use client";
/** A patient's guardians and the patients an account looks after (core/care/guardians.ts, from the chain's events). */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { Address } from "viem";
import { listGuardians, listPatientsOfGuardian, type Guardianship } from "#core/care/guardians.ts";
import { useLedgerReader } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

export function useGuardiansOf(patient: Address | undefined): UseQueryResult<Guardianship[]> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: queryKeys.ledger.guardiansOf(patient ?? "0x"),
    queryFn: () => listGuardians(reader, patient!),
    enabled: Boolean(patient),
  });
}

export function usePatientsOfGuardian(guardian: Address | undefined): UseQueryResult<Guardianship[]> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: queryKeys.ledger.patientsOfGuardian(guardian ?? "0x"),
    queryFn: () => listPatientsOfGuardian(reader, guardian!),
    enabled: Boolean(guardian),
  });
}

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "ends on 14 May 2032" (the day it ends, from 00:00 UTC), or "no end date". */
export function guardianshipEnd(until: number | null): string {
  return until === null ? "no end date" : `ends on ${DAY.format(new Date(until * 1000))}`;
}
