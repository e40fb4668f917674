"use client";
/**
 * "My patients": the patients assigned to the doctor, with their profiles decrypted in the
 * browser, a search (name, contact, account) and "Upload a report" on each row; from an indexer,
 * a page at a time ("Show more patients").
 */
import { useState } from "react";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { Table } from "../Table.tsx";
import type { MyPatient, MyPatients as MyPatientsState } from "./useMyPatients.ts";

const COLUMNS = ["Name", "Born", "Contact", "Notes", "Account", <span className="visually-hidden">Actions</span>];

/** Whether `patient` matches the search `query` (name, contact or account, any case). */
export function matchesPatient(patient: MyPatient, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const { name = "", email = "", phone = "" } = patient.profile ?? {};
  return [name, email, phone, patient.account].some((field) => field.toLowerCase().includes(q));
}

function ProfileCells({ patient }: { patient: MyPatient }) {
  if (patient.profile) {
    const { name, dateOfBirth, phone, email, notes } = patient.profile;
    return (
      <>
        <td data-label="Name">
          <strong>{name}</strong>
        </td>
        <td data-label="Born">{dateOfBirth || "—"}</td>
        <td data-label="Contact">{[phone, email].filter(Boolean).join(" · ") || "—"}</td>
        <td data-label="Notes">{notes || "—"}</td>
      </>
    );
  }
  let status = <Spinner label="Decrypting the profile…" />;
  if (patient.profile === null)
    status = (
      <span className="muted">
        profile not shared with you yet <span className="small">(the reception re-seals it for you after the assignment)</span>
      </span>
    );
  else if (patient.error) status = <ErrorBox error={patient.error} title="The profile could not be read" />;
  return <td colSpan={4}>{status}</td>;
}

export function MyPatients({ state, onUploadFor }: { state: MyPatientsState; onUploadFor: (account: string) => void }) {
  const { patients, error, hasMore, loadMore, total } = state;
  const [query, setQuery] = useState("");
  const shown = patients?.filter((p) => matchesPatient(p, query));
  return (
    <section className="card" aria-labelledby="my-patients-title">
      <h2 id="my-patients-title">My patients</h2>
      <p className="muted small">The patients assigned to you. Their profiles are encrypted on IPFS and decrypted here with your key.</p>
      {patients === undefined && !error ? <Spinner label="Reading your assignments…" /> : null}
      <ErrorBox error={error} />
      {patients?.length === 0 ? (
        <p className="muted" data-testid="my-patients">
          No patients are assigned to you yet.
        </p>
      ) : null}
      {patients && patients.length > 3 ? (
        <div className="field">
          <label htmlFor="my-patients-search">Search</label>
          <input
            id="my-patients-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Name, email, phone or account"
            autoComplete="off"
          />
        </div>
      ) : null}
      {shown && patients && patients.length > 0 && shown.length === 0 ? <p className="muted">No patient matches “{query}”.</p> : null}
      {shown && shown.length > 0 ? (
        <Table testId="my-patients" columns={COLUMNS}>
          {shown.map((p) => (
            <tr key={p.account} data-patient={p.account} data-profile={p.profile ? "open" : p.profile === null ? "not-shared" : "loading"}>
              <ProfileCells patient={p} />
              <td data-label="Account">
                <AddressText value={p.account} copy />
              </td>
              <td className="cell-actions">
                <button type="button" className="btn btn-small" onClick={() => onUploadFor(p.account)}>
                  Upload a report
                </button>
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
      {hasMore && patients ? (
        <p className="row small">
          <span className="muted">
            {patients.length} of {total} shown.
          </span>
          <button type="button" className="btn btn-small" onClick={loadMore}>
            Show more patients
          </button>
        </p>
      ) : null}
    </section>
  );
}
