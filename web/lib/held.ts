"use client";
/**
 * Results held for review in the page: the hospital's automatic release delay in words (from the
 * contract's `carePolicy()`), and when a held result opens for its patient.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { CarePolicy } from "#core/custody/custodian.ts";
import { useLedgerReader } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

const RELEASE_TIME = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "numeric" });
const DAY = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** The hospital's settings as the contract holds them. */
export function useCarePolicy(): UseQueryResult<CarePolicy> {
  const reader = useLedgerReader();
  return useQuery({
    queryKey: queryKeys.ledger.carePolicy(),
    queryFn: async () => (await import("#core/custody/custodian.ts")).carePolicyOf(reader),
    staleTime: 60_000,
  });
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** A delay in seconds in words: "3 days", "12 hours", "1 day and 6 hours", "45 minutes". */
export function delayInWords(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.round((seconds % 3_600) / 60);
  if (days > 0) return hours > 0 ? `${plural(days, "day")} and ${plural(hours, "hour")}` : plural(days, "day");
  if (hours > 0) return minutes > 0 ? `${plural(hours, "hour")} and ${plural(minutes, "minute")}` : plural(hours, "hour");
  return plural(Math.max(1, minutes), "minute");
}

/** What holding a result means at this hospital, for the doctor choosing it (delay 0: only the doctor releases it). */
export function holdExplanation(policy: CarePolicy | undefined): string {
  if (!policy) return "The patient sees that a result exists and when it will be released, and opens it once released.";
  return policy.releaseDelaySeconds > 0
    ? `The patient sees that a result exists and opens it once released: automatically after ${delayInWords(policy.releaseDelaySeconds)} unless you release it sooner.`
    : "The patient sees that a result exists and opens it once you release it (this hospital releases nothing automatically).";
}

/** When held result with `heldUntil` opens: "on 5 Dec 2026, 09:30" (Infinity: null, only its doctor releases it). */
export function releaseTimeText(heldUntil: number): string | null {
  return Number.isFinite(heldUntil) ? RELEASE_TIME.format(new Date(heldUntil * 1000)) : null;
}

/** A day as the held-result lines say it: "30 Nov 2026". */
export function dayText(seconds: number): string {
  return DAY.format(new Date(seconds * 1000));
}
