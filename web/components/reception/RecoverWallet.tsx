"use client";
/**
 * A patient lost their wallet: after checking who they are (an identity document, in person), the
 * receptionist takes the registration code the patient made with their NEW wallet and moves the
 * patient's record to it (core/patients/recovery.ts, the same workflow as `medledger patient
 * recover`). The old wallet loses every right at once; the hospital's records custodian then
 * delivers every report's key to the new wallet. The outcome is announced by the transaction's toast.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Address } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import type { RecoveryStep } from "#core/patients/recovery.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { clearsOutcome } from "#web/lib/forms.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { shorten } from "../AddressText.tsx";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { Spinner } from "../Progress.tsx";
import { RegistrationCodeField, useResolvedRegistration } from "./RegistrationCodeField.tsx";

const doRecover = async (
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  lost: Address,
  code: string,
  onProgress: (step: RecoveryStep) => void,
) => {
  const [{ recoverPatient }, { decodeRegistrationRequest }] = await Promise.all([
    import("#core/patients/recovery.ts"),
    import("#core/patients/registration.ts"),
  ]);
  return recoverPatient(writer, store, identity, lost, decodeRegistrationRequest(code, writer), { onProgress });
};

const STEP_TEXT: Readonly<Record<RecoveryStep, string>> = {
  checking: "Checking the new wallet…",
  sealing: "Sealing the patient's details for the new wallet…",
  recovering: "Moving the patient's records to the new wallet…",
  done: "Done",
};

export function RecoverWallet({ patient, patientName, identity }: { patient: Address; patientName: string; identity: EncryptionIdentity }) {
  const store = useContentStore();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState("");
  const [step, setStep] = useState<RecoveryStep | null>(null);
  const resolved = useResolvedRegistration(code);
  const action = useLedgerAction(doRecover, {
    pending: () => `Moving ${patientName}'s records to their new wallet…`,
    success: (result) =>
      `Moved ${patientName}'s records to the new wallet ${shorten(result.successor, 4)}. The old wallet can no longer open or share anything.`,
    failure: `${patientName}'s records were not moved`,
  });
  if (!open) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        Lost wallet…
      </button>
    );
  }
  const ready = resolved.data?.code;
  return (
    <div className="recover-wallet" role="group" aria-label={`Replace ${patientName}'s lost wallet`}>
      <p className="small">
        First check who the patient is, as for a lost password: an identity document, in person. Then ask them to open MedLedger with their new wallet and make
        a registration code (as a new patient does), and enter it here.
      </p>
      <RegistrationCodeField value={code} onChange={clearsOutcome(action, setCode)} error={undefined} resolved={resolved} />
      <div className="row">
        <ConfirmButton
          label="Move records to the new wallet"
          confirmLabel="Move the records"
          className="btn btn-small btn-primary"
          disabled={!ready || action.pending}
          explanation={`${patientName}'s reports, doctors and sharing move to the new wallet ${resolved.data ? shorten(resolved.data.account, 4) : ""}. The lost wallet loses every right for good, even if it is found again. Do this only after checking the patient's identity.`}
          onConfirm={() => {
            if (!ready) return;
            void action
              .run(store, identity, patient, ready, (next) => setStep(next))
              .then((result) => {
                if (!result) return;
                setOpen(false);
                setCode("");
                void queryClient.invalidateQueries({ queryKey: queryKeys.ledger.patients() });
              });
          }}
        />
        {action.pending ? <Spinner label={step ? STEP_TEXT[step] : "Checking the new wallet…"} /> : null}
        <button type="button" className="btn-link small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
