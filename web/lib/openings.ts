"use client";
/**
 * "Report opened" in the patient's access history, for every reader — signed in or not: the
 * opening is proven with the reader's unlocked encryption key (core/reports/openings.ts), so no
 * wallet prompt and no sign-in are needed. Fire-and-forget: a failure never disturbs the reader.
 */
import { useCallback } from "react";
import type { Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { useLedgerReader } from "./ledgerContext.tsx";

export function useLogReportOpened(): (reportId: Hex, identity: EncryptionIdentity) => void {
  const reader = useLedgerReader();
  const deployment = reader.deployment;
  return useCallback(
    (reportId: Hex, identity: EncryptionIdentity) => {
      void import("#core/reports/openings.ts")
        .then(({ recordOpening }) => recordOpening({ serverUrl: window.location.origin, deployment, identity, reportId, via: "app" }))
        .catch(() => undefined);
    },
    [deployment],
  );
}
