"use client";
/**
 * The patient's page: their reports (open = decrypt + verify + download), sharing several or all
 * of them with a doctor in one step (optionally until a day), who can read each report, stopping
 * that (with or without re-encrypting), and replacing their encryption key; for an account that is not a patient yet, the registration code to hand to the
 * reception (the signed binding of their encryption key).
 */
import dynamic from "next/dynamic";
import type { Address } from "viem";
import { useIdentity } from "#web/lib/identity.tsx";
import { useLedgerReader, useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useAction } from "#web/lib/useAction.ts";
import { AccessGate } from "../AccessGate.tsx";
import { ActionButton } from "../ActionButton.tsx";
import { AddressText } from "../AddressText.tsx";
import { NewPatientHelp } from "../NewPatientHelp.tsx";
import { Spinner } from "../Progress.tsx";
import { UnlockKey } from "../UnlockKey.tsx";
import { EmergencyHistory, EmergencyNotice } from "./EmergencyAccesses.tsx";
import { RegistrationHandout } from "./RegistrationHandout.tsx";

// The reports, sharing and key card appear once the key is unlocked: their code (and the crypto and
// schemas it loads) is fetched then, not with the page.
const MyReports = dynamic(() => import("./MyReports.tsx").then((module) => module.MyReports), {
  loading: () => <Spinner label="Opening your reports…" />,
});

/** For an account not registered as a patient: create the registration code for the reception. */
function RegistrationCode({ address }: { address: Address }) {
  const reader = useLedgerReader();
  const getWriter = useLedgerWriter();
  const { unlock } = useIdentity(address);
  const creating = useAction(async () => {
    const identity = await unlock();
    const writer = await getWriter();
    const { createRegistrationRequest, encodeRegistrationRequest } = await import("#core/patients/registration.ts");
    return encodeRegistrationRequest(await createRegistrationRequest(reader, writer.walletClient, identity));
  });
  const code = creating.result;
  return (
    <section className="card" aria-labelledby="register-title" data-testid="registration">
      <h2 id="register-title">Become a patient</h2>
      <p>
        Your account <AddressText value={address} copy /> is not registered as a patient yet. Nothing is sent to the chain and nothing costs ether.
      </p>
      <NewPatientHelp title="How to register:" />
      <ActionButton action={creating} pendingLabel="Waiting for the wallet…">
        Create my registration code
      </ActionButton>
      {code ? <RegistrationHandout code={code} address={address} /> : null}
    </section>
  );
}

export function PatientPage() {
  return (
    <AccessGate roles={["patient"]} purpose="see your reports" withoutRole={(address) => <RegistrationCode address={address} />}>
      {(address) => (
        <>
          <EmergencyNotice address={address} />
          <UnlockKey address={address} publish={false} signIn why="Your reports are encrypted for your key.">
            {(identity) => <MyReports address={address} identity={identity} />}
          </UnlockKey>
          <EmergencyHistory address={address} />
        </>
      )}
    </AccessGate>
  );
}
