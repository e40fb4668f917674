/**
 * Every react-query key of the app, in one place. Keys are prefixes of each other on purpose:
 *  - `ledger.all()` covers every read of the chain (and what is derived from it): a write refreshes them all;
 *  - `api.all()` covers the reads of MedLedger's server that need a sign-in session: refetched at
 *    sign-in, dropped at sign-out;
 *  - `ipfs.*` is content addressed (a CID never changes) and `qrCode` is computed locally: never refreshed by a write.
 * Query with the leaf keys; invalidate with a leaf or with the prefix of a group.
 */
import type { Address, Hex } from "viem";
import type { TimelineFilter } from "#core/contract/events.ts";

export const queryKeys = {
  ledger: {
    all: () => ["ledger"] as const,
    roles: (account: Address | undefined) => ["ledger", "roles", account] as const,
    staff: () => ["ledger", "staff"] as const,
    staffMember: (account: Address | undefined) => ["ledger", "staffMember", account] as const,
    paused: () => ["ledger", "paused"] as const,
    patients: () => ["ledger", "patients"] as const,
    /** The doctors assigned to `patient`. */
    assignedDoctors: (patient: Address) => ["ledger", "assignedDoctors", patient] as const,
    /** The patients assigned to `doctor`. */
    doctorPatients: (doctor: Address) => ["ledger", "doctorPatients", doctor] as const,
    /** `patient`'s current profile as `reader` opens it (under "ledger": a re-sealed profile has a new CID). */
    patientProfileFor: (patient: Address, reader: Address) => ["ledger", "patientProfileFor", patient, reader] as const,
    reports: {
      all: () => ["ledger", "reports"] as const,
      ofPatient: (patient: Address) => ["ledger", "reports", "patient", patient] as const,
      byDoctor: (doctor: Address) => ["ledger", "reports", "doctor", doctor] as const,
      sharedWith: (reader: Address) => ["ledger", "reports", "sharedWith", reader] as const,
    },
    /** A listed report checked against the contract's record. */
    reportCheck: (reportId: Hex) => ["ledger", "reportCheck", reportId] as const,
    /** Who can read each of `patient`'s reports now (grants active or expired, not revoked). */
    readersOfPatient: (patient: Address) => ["ledger", "readers", "patient", patient] as const,
    /** `account`'s ETH balance (whether the hospital's relayer sends its changes). */
    balance: (account: Address) => ["ledger", "balance", account] as const,
    /** The key version `account` published last (0: none). */
    keyVersion: (account: Address) => ["ledger", "keyVersion", account] as const,
    /** One report's history on chain: registered, shared, unshared, re-keyed (core/reports/disclosures.ts). */
    disclosures: (reportId: Hex) => ["ledger", "disclosures", reportId] as const,
    /** `patient`'s current guardians (core/care/guardians.ts). */
    guardiansOf: (patient: Address) => ["ledger", "guardians", "patient", patient] as const,
    /** The patients `guardian` looks after now. */
    patientsOfGuardian: (guardian: Address) => ["ledger", "guardians", "guardian", guardian] as const,
    /** Emergency (break-glass) accesses: to one patient's record, every one (the admin's review), the patients a doctor has one to now. */
    emergency: {
      ofPatient: (patient: Address) => ["ledger", "emergency", "patient", patient] as const,
      all: () => ["ledger", "emergency", "all"] as const,
      patientsOf: (doctor: Address) => ["ledger", "emergency", "doctor", doctor] as const,
      keysFor: (doctor: Address, patient: Address) => ["ledger", "emergency", "keys", doctor, patient] as const,
      /** The hospital's care policy (how long an emergency access lasts). */
      policy: () => ["ledger", "emergency", "policy"] as const,
    },
    /** The hospital's settings (records custodian, emergency duration, automatic release delay). */
    carePolicy: () => ["ledger", "carePolicy"] as const,
    /** The results `doctor` issued that are still held for review. */
    heldReports: (doctor: Address) => ["ledger", "heldReports", doctor] as const,
    /** The contract's events; no filter and an empty filter are the same query. */
    timeline: (filter: TimelineFilter = {}) => ["ledger", "timeline", filter] as const,
  },
  ipfs: {
    /** The patient's name in the profile stored at `cid`, as `reader` opens it. */
    profileName: (cid: string, reader: Address) => ["ipfs", "profile", cid, reader] as const,
    /** A report's title, kind and date as `reader` opens its head (a report's details never change, even re-keyed). */
    reportSummary: (reportId: Hex, reader: Address) => ["ipfs", "reportSummary", reportId, reader] as const,
    /** The whole profile stored at `cid`, as `reader` opens it (for editing). */
    profile: (cid: string, reader: Address) => ["ipfs", "profile", cid, reader, "all"] as const,
  },
  /** A QR code (data URL) of `text`: computed in the browser, never stale. */
  qrCode: (text: string) => ["qr", text] as const,
  /** GET /api/auth/session. */
  session: () => ["medledger-session"] as const,
  api: {
    all: () => ["medledger-api"] as const,
    appointments: () => ["medledger-api", "appointments"] as const,
    relayStatus: () => ["medledger-api", "relay-status"] as const,
    /** The short code the server keeps a registration code under (POST /api/registration-codes). */
    shortCode: (code: string) => ["medledger-api", "short-code", code] as const,
    /** The registration code kept under a short code, checked against it. */
    registrationCode: (short: string) => ["medledger-api", "registration-code", short] as const,
    activity: (params: Readonly<Record<string, string | undefined>>) => ["medledger-api", "activity", params] as const,
    /** Who opened one of the patient's reports, and when (the activity log). */
    reportOpenings: (reportId: Hex) => ["medledger-api", "reportOpenings", reportId] as const,
  },
};
