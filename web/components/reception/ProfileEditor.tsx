"use client";
/**
 * Editing a patient's profile at the reception: the current profile opened with the receptionist's
 * key, changed, re-sealed for its current readers and pointed to on chain — the same core workflow
 * as `medledger patient update` (core/patients/patients.ts updatePatientProfile). Saved or not is
 * announced by the transaction's toast.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import type { PatientProfile } from "#core/patients/profile.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { validate, type FieldErrors } from "#web/lib/forms.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { ProfileFields } from "./ProfileFields.tsx";

// The profile workflows (cipher, schema) load when a profile is opened or saved, not with the page.
const doUpdate = async (writer: LedgerWriter, store: ContentStore, patient: Address, profile: PatientProfile) =>
  (await import("#core/patients/patients.ts")).updatePatientProfile(writer, store, patient, profile);

function EditForm({ patient, initial, onDone }: { patient: Address; initial: PatientProfile; onDone: (profile: PatientProfile) => void }) {
  const store = useContentStore();
  const action = useLedgerAction(doUpdate, {
    pending: (_store, _patient, profile) => `Saving the profile of ${profile.name}…`,
    success: (_result, _store, _patient, profile) => `Saved the profile of ${profile.name}.`,
    failure: `The profile of ${initial.name} was not changed`,
  });
  const [values, setValues] = useState<PatientProfile>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof PatientProfile) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { patientProfileSchema } = await import("#core/patients/profile.ts");
    const checked = validate(patientProfileSchema, values);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    const updated = await action.run(store, patient, checked.data);
    if (updated) onDone(checked.data);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={`Edit the profile of ${initial.name}`}>
      <ProfileFields values={values} errors={errors} set={set} />
      <div className="row">
        <button type="submit" className="btn btn-primary btn-small" disabled={action.pending}>
          {action.pending ? "Saving…" : "Save profile"}
        </button>
        {action.pending ? <Spinner label="Sealing the profile again and recording it on the ledger…" /> : null}
      </div>
    </form>
  );
}

export function ProfileEditor({ patient, profileCid, identity }: { patient: Address; profileCid: string; identity: EncryptionIdentity }) {
  const store = useContentStore();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  /**
   * The profile just saved, and the profile CID the row showed before: until the list reads the
   * chain again (with an indexer, once it has caught up) the row still names the old CID, and
   * reopening must show what was saved, not the old profile.
   */
  const [justSaved, setJustSaved] = useState<{ profile: PatientProfile; replacedCid: string } | null>(null);
  const pendingSave = justSaved && justSaved.replacedCid === profileCid ? justSaved.profile : null;
  const profile = useQuery({
    queryKey: queryKeys.ipfs.profile(profileCid, identity.address),
    queryFn: async () => (await import("#core/patients/profile.ts")).loadPatientProfile(store, profileCid, identity),
    enabled: open && !pendingSave,
    retry: false,
    staleTime: Infinity,
  });
  const shown = pendingSave ?? profile.data;
  return (
    <div className="profile-editor">
      {open ? null : (
        <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
          Edit profile
        </button>
      )}
      {open && !pendingSave && profile.isPending ? <Spinner label="Opening the profile…" /> : null}
      <ErrorBox error={open && !pendingSave ? profile.error : null} title="The profile cannot be opened" />
      {open && shown ? (
        <EditForm
          patient={patient}
          initial={shown}
          onDone={(next) => {
            setOpen(false);
            setJustSaved({ profile: next, replacedCid: profileCid });
            void queryClient.invalidateQueries({ queryKey: queryKeys.ledger.patients() });
          }}
        />
      ) : null}
      {open ? (
        <button type="button" className="btn-link small" onClick={() => setOpen(false)}>
          Close without saving
        </button>
      ) : null}
    </div>
  );
}
