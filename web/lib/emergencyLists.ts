"use client";
/**
 * The emergency (break-glass) lists of the pages: a patient's accesses, every access for the
 * administrator's review, the patients a doctor has emergency access to now. Today they are read
 * from the chain's events (core/care/emergency.ts); an indexer source (its /v1/emergencies lists)
 * plugs in here the way web/lib/reportLists.ts pages reports, giving the same rows.
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { EmergencyAccess, EmergencyPatient } from "#core/care/emergency.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useLedgerReader } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

export interface EmergencyListSource<T> {
  /** Newest first. */
  readonly rows: readonly T[] | undefined;
  readonly isPending: boolean;
  readonly error: Error | null;
}

const emergency = () => import("#core/care/emergency.ts");

/** Every emergency access to `patient`'s record, or every one of the hospital (`"all"`). */
export function useEmergencyAccesses(patient: Address | "all"): EmergencyListSource<EmergencyAccess> {
  const reader = useLedgerReader();
  const query = useQuery({
    queryKey: patient === "all" ? queryKeys.ledger.emergency.all() : queryKeys.ledger.emergency.ofPatient(patient),
    queryFn: async () => {
      const core = await emergency();
      return patient === "all" ? core.allEmergencyAccesses(reader) : core.emergencyAccessesOf(reader, patient);
    },
  });
  return { rows: query.data, isPending: query.isPending, error: query.error };
}

/** The patients `doctor` has emergency access to now. */
export function useEmergencyPatients(doctor: Address): EmergencyListSource<EmergencyPatient> {
  const reader = useLedgerReader();
  const query = useQuery({
    queryKey: queryKeys.ledger.emergency.patientsOf(doctor),
    queryFn: async () => (await emergency()).emergencyPatientsOf(reader, doctor),
  });
  return { rows: query.data, isPending: query.isPending, error: query.error };
}

/**
 * Whether `doctor` holds the key of every one of `reports` (the records custodian re-wraps them
 * shortly after the access began): asked again every two seconds until they all arrived.
 */
export function useEmergencyKeysReady(doctor: Address, patient: Address, reports: readonly ReportRecord[] | undefined): boolean {
  const reader = useLedgerReader();
  const query = useQuery({
    queryKey: [...queryKeys.ledger.emergency.keysFor(doctor, patient), reports?.length ?? 0],
    queryFn: async () => {
      const { currentKeysFor } = await import("#core/reports/versions.ts");
      return (await currentKeysFor(reader, doctor, reports ?? [])).size >= (reports?.length ?? 0);
    },
    enabled: reports !== undefined,
    refetchInterval: (q) => (q.state.data === true ? false : 2000),
  });
  return query.data === true;
}

/** How long an emergency access lasts at this hospital, in hours (the contract's `carePolicy()`). */
export function useEmergencyHours(): number | undefined {
  const reader = useLedgerReader();
  const query = useQuery({
    queryKey: queryKeys.ledger.emergency.policy(),
    queryFn: async () => (await import("#core/custody/custodian.ts")).carePolicyOf(reader),
    staleTime: 60_000,
  });
  return query.data ? Math.round(query.data.emergencyAccessSeconds / 3600) : undefined;
}
