"use client";
/**
 * The admin's staff list with add, edit, deactivate and reactivate (forms validated with zod). The
 * schemas (./staffForms.ts) and the staff workflows (core/staff/staff.ts) are loaded on submit.
 */
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { StaffMember, StaffProfile, StaffRole } from "#core/staff/staff.ts";
import { clearsOutcome, validate, type FieldErrors } from "#web/lib/forms.ts";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AddressText } from "../AddressText.tsx";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField, TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { SearchBox } from "../SearchBox.tsx";
import { Table } from "../Table.tsx";

const EMPTY = { account: "", role: "doctor", name: "", department: "", contact: "" };

function formatDate(seconds: number): string {
  return seconds > 0 ? new Date(seconds * 1000).toLocaleDateString() : "—";
}

const staffWorkflows = () => import("#core/staff/staff.ts");
const doAdd = async (writer: LedgerWriter, account: Address, role: StaffRole, profile: StaffProfile) =>
  (await staffWorkflows()).addStaff(writer, account, role, profile);
const doUpdate = async (writer: LedgerWriter, account: Address, profile: StaffProfile) => (await staffWorkflows()).updateStaff(writer, account, profile);
const doSetActive = async (writer: LedgerWriter, account: Address, active: boolean) => (await staffWorkflows()).setStaffActive(writer, account, active);

function AddStaffForm() {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useLedgerAction(doAdd, {
    pending: (_account, _role, profile) => `Adding ${profile.name}…`,
    success: (_hash, _account, role, profile) => `${profile.name} was added as ${role}.`,
    failure: "The staff member was not added",
  });
  const set = (key: keyof typeof EMPTY) =>
    clearsOutcome(action, (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value })));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { newStaffSchema } = await import("./staffForms.ts");
    const checked = validate(newStaffSchema, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const { account, role, ...profile } = checked.data;
    const hash = await action.run(account, role, profile);
    if (hash) setValues(EMPTY);
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="add-staff-title">
      <h3 id="add-staff-title">Add a staff member</h3>
      <TextField
        label="Account address"
        name="account"
        value={values.account}
        onChange={set("account")}
        error={errors.account}
        placeholder="0x…"
        autoComplete="off"
        spellCheck={false}
      />
      <SelectField label="Role" name="role" value={values.role} onChange={set("role")} error={errors.role}>
        <option value="doctor">Doctor</option>
        <option value="receptionist">Receptionist</option>
      </SelectField>
      <TextField label="Name" name="name" value={values.name} onChange={set("name")} error={errors.name} autoComplete="off" />
      <TextField label="Department or specialty" name="department" value={values.department} onChange={set("department")} error={errors.department} />
      <TextField
        label="Professional contact"
        name="contact"
        value={values.contact}
        onChange={set("contact")}
        error={errors.contact}
        help="Public on chain: use work contact details only."
      />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.pending}>
          {action.pending ? "Adding…" : "Add staff member"}
        </button>
        {action.pending ? <Spinner label="Waiting for the wallet and the chain…" /> : null}
      </div>
    </form>
  );
}

function EditStaffForm({ member, onDone }: { member: StaffMember; onDone: () => void }) {
  const [values, setValues] = useState<StaffProfile>(member.profile);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useLedgerAction(doUpdate, {
    pending: (_account, profile) => `Saving the changes to ${profile.name}…`,
    success: (_hash, _account, profile) => `The changes to ${profile.name} are saved.`,
    failure: "The changes were not saved",
  });
  const set = (key: keyof StaffProfile) =>
    clearsOutcome(action, (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value })));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { staffProfileSchema } = await import("./staffForms.ts");
    const checked = validate(staffProfileSchema, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (await action.run(member.account, checked.data)) onDone();
  };
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label={`Edit ${member.profile.name}`}>
      <h3>Edit {member.profile.name}</h3>
      <TextField label="Name" value={values.name} onChange={set("name")} error={errors.name} />
      <TextField label="Department or specialty" value={values.department} onChange={set("department")} error={errors.department} />
      <TextField label="Professional contact" value={values.contact} onChange={set("contact")} error={errors.contact} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.pending}>
          {action.pending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const COLUMNS = ["Name", "Role", "Department", "Contact", "Account", "Status", "Since", <span className="visually-hidden">Actions</span>];

export function StaffManager() {
  const staff = useStaff();
  const [editing, setEditing] = useState<Address | null>(null);
  const nameOf = useNameOf();
  const toggle = useLedgerAction(doSetActive, {
    pending: (account, active) => `${active ? "Reactivating" : "Deactivating"} ${nameOf(account)}…`,
    success: (_hash, account, active) => (active ? `${nameOf(account)} is active again.` : `${nameOf(account)} is deactivated.`),
    failure: (account, active) => `${nameOf(account)} was not ${active ? "reactivated" : "deactivated"}`,
  });
  const editingMember = staff.data?.find((m) => m.account === editing);
  const [search, setSearch] = useState("");
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (staff.data ?? []).filter((m) => {
    const haystack = [m.profile.name, m.role, m.profile.department, m.profile.contact, m.account].join(" ").toLowerCase();
    return words.every((w) => haystack.includes(w));
  });

  return (
    <section className="card" aria-labelledby="staff-title">
      <div className="section-head">
        <h2 id="staff-title">Staff</h2>
        {staff.isFetching ? <Spinner label="Refreshing…" /> : null}
      </div>
      <ErrorBox error={staff.error} />
      {staff.data && staff.data.length === 0 ? <p className="muted">No staff yet. Add the first doctor or receptionist below.</p> : null}
      {staff.data && staff.data.length > 0 ? (
        <SearchBox label="Search staff" value={search} onChange={setSearch} placeholder="Name, role, department or account" testId="staff-search" />
      ) : null}
      {staff.data && staff.data.length > 0 && shown.length === 0 ? <p className="muted">No staff member matches “{search.trim()}”.</p> : null}
      {shown.length > 0 ? (
        <Table testId="staff-table" columns={COLUMNS}>
          {shown.map((member) => (
            <tr key={member.account} data-account={member.account}>
              <td data-label="Name">{member.profile.name}</td>
              <td data-label="Role">{member.role === "doctor" ? "Doctor" : "Receptionist"}</td>
              <td data-label="Department">{member.profile.department || "—"}</td>
              <td data-label="Contact">{member.profile.contact || "—"}</td>
              <td data-label="Account">
                <AddressText value={member.account} copy />
              </td>
              <td data-label="Status">
                {member.active ? <span className="badge badge-ok">active</span> : <span className="badge badge-off">deactivated</span>}
              </td>
              <td data-label="Since">{formatDate(member.since)}</td>
              <td>
                <div className="row">
                  <button type="button" className="btn btn-small" onClick={() => setEditing(member.account)} aria-label={`Edit ${member.profile.name}`}>
                    Edit
                  </button>
                  {member.active ? (
                    <ConfirmButton
                      label="Deactivate"
                      ariaLabel={`Deactivate ${member.profile.name}`}
                      confirmLabel={`Deactivate ${member.profile.name}`}
                      disabled={toggle.pending}
                      explanation={
                        member.role === "doctor"
                          ? `${member.profile.name} will no longer be able to register or amend reports, or be assigned to patients, until reactivated. Reports already issued stay valid, and their patients keep them.`
                          : `${member.profile.name} will no longer be able to register patients or assign doctors, until reactivated.`
                      }
                      onConfirm={() => void toggle.run(member.account, false)}
                    />
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={toggle.pending}
                      aria-label={`Reactivate ${member.profile.name}`}
                      onClick={() => void toggle.run(member.account, true)}
                    >
                      Reactivate
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
      {staff.isPending ? <Spinner label="Reading the staff list from the chain…" /> : null}
      {toggle.pending ? <Spinner label="Updating the staff member…" /> : null}
      {editingMember ? <EditStaffForm key={editingMember.account} member={editingMember} onDone={() => setEditing(null)} /> : null}
      <AddStaffForm />
    </section>
  );
}
