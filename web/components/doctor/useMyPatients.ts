"use client";
/**
 * The patients currently assigned to a doctor, each with their profile decrypted in the browser
 * with the doctor's unlocked key. A profile not (yet) sealed for the doctor — the reception
 * re-seals it after an assignment — is reported as `profile: null`, not as a failure. The profile
 * code (its cipher and schema, the CID codec) loads with the first profile read, once the key is
 * unlocked, not with the page.
 */
import { useQueries } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { Address } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { isMedLedgerError } from "#core/errors.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { PatientProfile } from "#core/patients/profile.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useDoctorPatientList } from "#web/lib/reportLists.ts";

export interface MyPatient {
  readonly account: Address;
  /** The decrypted profile; null when it is not sealed for this doctor; undefined while loading or after an error. */
  readonly profile: PatientProfile | null | undefined;
  readonly loading: boolean;
  readonly error: unknown;
}

export interface MyPatients {
  /** Undefined while the assignments are read. */
  readonly patients: readonly MyPatient[] | undefined;
  readonly error: unknown;
  /** Assignments of the whole list (more than `patients` while the indexer has pages to come). */
  readonly total: number;
  readonly hasMore: boolean;
  loadMore(): void;
  /** The patient's name from their profile when readable, else the app's display name. */
  nameOf(account: string): string;
  /** The entry of `account` when it is assigned to the doctor. */
  find(account: string): MyPatient | undefined;
}

export function useMyPatients(doctor: Address, identity: EncryptionIdentity): MyPatients {
  const reader = useLedgerReader();
  const store = useContentStore();
  const fallbackName = useNameOf();
  // From the indexer a page at a time, each assignment checked on chain (isAssigned); else the chain's events.
  const assigned = useDoctorPatientList(doctor);
  const profiles = useQueries({
    queries: (assigned.patients ?? []).map((patient) => ({
      queryKey: queryKeys.ledger.patientProfileFor(patient, identity.address),
      queryFn: async (): Promise<PatientProfile | null> => {
        const [stored, { cidFromBytes }, { loadPatientProfile }] = await Promise.all([
          readLedger(reader, "patientProfile", [patient]),
          import("#core/ipfs/cid.ts"),
          import("#core/patients/profile.ts"),
        ]);
        const cid = cidFromBytes(stored);
        try {
          return await loadPatientProfile(store, cid, identity);
        } catch (error) {
          if (isMedLedgerError(error, "NO_ACCESS") || isMedLedgerError(error, "WRONG_KEY")) return null;
          throw error;
        }
      },
      retry: 1,
    })),
  });

  const patients = useMemo(
    () =>
      assigned.patients?.map((account, i): MyPatient => ({
        account,
        profile: profiles[i]?.data,
        loading: profiles[i]?.isPending ?? true,
        error: profiles[i]?.error ?? null,
      })),
    [assigned.patients, profiles],
  );
  const find = useCallback((account: string) => patients?.find((p) => p.account.toLowerCase() === account.toLowerCase()), [patients]);
  const nameOf = useCallback((account: string) => find(account)?.profile?.name ?? fallbackName(account), [find, fallbackName]);
  return { patients, error: assigned.error, total: assigned.total, hasMore: assigned.hasMore, loadMore: assigned.loadMore, nameOf, find };
}
