"use client";
/** The filter form of the activity page: user, role, kind of activity, date range, which sources. */
import type { Dispatch, SetStateAction } from "react";
import { ACTIVITY_KINDS, ACTIVITY_ROLES, type ActivityFilterInput } from "#web/lib/activity.ts";
import { SelectField, TextField } from "../Field.tsx";

export type SourceChoice = "both" | "off-chain" | "on-chain";

export interface ActivityFilterState extends ActivityFilterInput {
  readonly source: SourceChoice;
}

export const EMPTY_FILTER: ActivityFilterState = { user: "", role: "", kind: "", from: "", to: "", source: "both" };

const KIND_LABEL: Readonly<Record<(typeof ACTIVITY_KINDS)[number], string>> = {
  login: "Sign-ins",
  logout: "Sign-outs",
  session_expired: "Expired sessions",
  report_opened: "Opened reports",
};

export function ActivityFilters({
  value,
  onChange,
  userError,
  knownActors,
  nameOf,
}: {
  value: ActivityFilterState;
  onChange: Dispatch<SetStateAction<ActivityFilterState>>;
  userError?: string;
  knownActors: readonly string[];
  nameOf: (account: string) => string;
}) {
  const set = (key: keyof ActivityFilterState) => (e: { target: { value: string } }) => {
    const next = e.target.value;
    onChange((current) => ({ ...current, [key]: next }));
  };
  return (
    <form className="row" role="search" aria-label="Filter the activity" onSubmit={(e) => e.preventDefault()}>
      <TextField
        label="User (account address)"
        value={value.user}
        onChange={set("user")}
        placeholder="0x… (everyone)"
        list="activity-known-actors"
        spellCheck={false}
        autoComplete="off"
        error={userError}
      />
      <datalist id="activity-known-actors">
        {knownActors.map((a) => (
          <option key={a} value={a}>
            {nameOf(a)}
          </option>
        ))}
      </datalist>
      <SelectField label="Role" value={value.role} onChange={set("role")}>
        <option value="">All roles</option>
        {ACTIVITY_ROLES.map((r) => (
          <option key={r} value={r}>
            {r === "none" ? "No role" : r}
          </option>
        ))}
      </SelectField>
      <SelectField label="Activity" value={value.kind} onChange={set("kind")}>
        <option value="">All activity</option>
        {ACTIVITY_KINDS.map((k) => (
          <option key={k} value={k}>
            {KIND_LABEL[k]}
          </option>
        ))}
      </SelectField>
      <TextField label="From" type="date" value={value.from} onChange={set("from")} />
      <TextField label="To" type="date" value={value.to} onChange={set("to")} />
      <SelectField label="Show" value={value.source} onChange={set("source")}>
        <option value="both">Off-chain and on-chain</option>
        <option value="off-chain">Off-chain activity only</option>
        <option value="on-chain">On-chain events only</option>
      </SelectField>
    </form>
  );
}
