/**
 * Demo data for the local stack: an admin, two receptionists, three doctors, five patients and a
 * dozen PDF reports (one amended, one shared), all through the same core flows the app uses.
 */
import type { Address } from "viem";
import type { Deployment, LedgerWriter } from "#core/contract/ledger.ts";
import { DEMO_PEOPLE, type DemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createLedgerWriter } from "#core/node/clients.ts";
import { assignDoctor, registerPatient } from "#core/patients/patients.ts";
import { resealPatientProfile } from "#core/patients/reseal.ts";
import { createRegistrationRequest } from "#core/patients/registration.ts";
import type { PatientProfile } from "#core/patients/profile.ts";
import { shareReport } from "#core/reports/share.ts";
import type { ReportKind } from "#core/reports/metadata.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { addStaff } from "#core/staff/staff.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import { makeReportPdf } from "./pdf.ts";

export interface SeedOptions {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly deployment: Deployment;
  readonly log?: (line: string) => void;
}

const PATIENT_DETAILS: Readonly<Record<string, Omit<PatientProfile, "name">>> = {
  patient1: { dateOfBirth: "1984-03-12", phone: "+1 555 0201", email: "alice.martin@example.org", notes: "Allergic to penicillin." },
  patient2: { dateOfBirth: "1991-07-30", phone: "+1 555 0202", email: "bob.nguyen@example.org", notes: "" },
  patient3: { dateOfBirth: "1967-11-02", phone: "+1 555 0203", email: "carla.rossi@example.org", notes: "Type 2 diabetes." },
  patient4: { dateOfBirth: "2001-01-19", phone: "+1 555 0204", email: "david.cohen@example.org", notes: "" },
  patient5: { dateOfBirth: "1958-05-25", phone: "+1 555 0205", email: "eva.schmidt@example.org", notes: "Pacemaker since 2019." },
};

/** [patient, doctors] */
const ASSIGNMENTS: readonly (readonly [string, readonly string[]])[] = [
  ["patient1", ["doctor1", "doctor2"]],
  ["patient2", ["doctor1"]],
  ["patient3", ["doctor2", "doctor3"]],
  ["patient4", ["doctor3"]],
  ["patient5", ["doctor1", "doctor3"]],
];

/** The kind of each seeded report, by title. */
const KINDS: Readonly<Record<string, ReportKind>> = {
  Echocardiogram: "imaging",
  "Lipid panel": "lab",
  "Differential diagnosis": "consult",
  "Stress test": "procedure",
  "HbA1c follow-up": "lab",
  "Pre-operative assessment": "consult",
  "Appendectomy report": "procedure",
  "Post-operative check": "progress",
  "Pacemaker interrogation": "procedure",
  "Hernia consultation": "consult",
  "Holter ECG": "imaging",
};

/** [doctor, patient, title, findings] */
const REPORTS: readonly (readonly [string, string, string, readonly string[]])[] = [
  ["doctor1", "patient1", "Echocardiogram", ["Left ventricular ejection fraction 58 %.", "No valvular disease."]],
  ["doctor1", "patient1", "Lipid panel", ["LDL 3.1 mmol/L (borderline).", "Diet advice given."]],
  ["doctor2", "patient1", "Differential diagnosis", ["Recurring fever of unknown origin.", "Blood cultures ordered."]],
  ["doctor1", "patient2", "Stress test", ["Normal exercise tolerance.", "No ischaemic changes."]],
  ["doctor2", "patient3", "HbA1c follow-up", ["HbA1c 7.2 %.", "Metformin dose unchanged."]],
  ["doctor3", "patient3", "Pre-operative assessment", ["ASA class II.", "Fit for laparoscopic surgery."]],
  ["doctor3", "patient4", "Appendectomy report", ["Uncomplicated laparoscopic appendectomy.", "Discharge day 2."]],
  ["doctor3", "patient4", "Post-operative check", ["Wounds healing well.", "Sutures removed."]],
  ["doctor1", "patient5", "Pacemaker interrogation", ["Battery 8.5 years remaining.", "Normal sensing and pacing."]],
  ["doctor3", "patient5", "Hernia consultation", ["Small inguinal hernia, reducible.", "Watchful waiting."]],
  ["doctor1", "patient5", "Holter ECG", ["Sinus rhythm, rare ectopics.", "No pauses."]],
];

function person(handle: string): DemoPerson {
  const p = DEMO_PEOPLE.find((x) => x.handle === handle);
  if (!p) throw new Error(`unknown demo person ${handle}`);
  return p;
}

export async function seedDemo(options: SeedOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const config = { rpcUrl: options.rpcUrl, ipfsApiUrl: options.ipfsApiUrl, deployment: options.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
  const store = createKuboStore(options.ipfsApiUrl);
  const ledgers = new Map<string, LedgerWriter>();
  const as = (handle: string): LedgerWriter => {
    let ledger = ledgers.get(handle);
    if (!ledger) {
      ledger = createLedgerWriter(config, demoAccount(person(handle)));
      ledgers.set(handle, ledger);
    }
    return ledger;
  };
  const address = (handle: string): Address => as(handle).walletClient.account.address;
  const identities = new Map<string, EncryptionIdentity>();
  const identity = async (handle: string): Promise<EncryptionIdentity> => {
    const known = identities.get(handle);
    if (known) return known;
    const unlocked = await unlockIdentity(as(handle).walletClient, options.deployment, as(handle));
    identities.set(handle, unlocked);
    return unlocked;
  };

  log("seeding staff");
  for (const p of DEMO_PEOPLE.filter((x) => x.role === "receptionist" || x.role === "doctor")) {
    await addStaff(as("admin"), address(p.handle), p.role as "doctor" | "receptionist", {
      name: p.displayName,
      department: p.department ?? "",
      contact: p.contact ?? "",
    });
    await ensureKeyPublished(as(p.handle), await identity(p.handle));
  }

  log("seeding patients");
  for (const p of DEMO_PEOPLE.filter((x) => x.role === "patient")) {
    const profile: PatientProfile = { name: p.displayName, ...PATIENT_DETAILS[p.handle]! };
    const request = await createRegistrationRequest(as(p.handle), as(p.handle).walletClient, await identity(p.handle));
    await registerPatient(as("receptionist1"), store, request, profile);
  }
  for (const [patient, doctors] of ASSIGNMENTS) {
    for (const doctor of doctors) await assignDoctor(as("receptionist2"), address(patient), address(doctor));
    // Re-seal the profile (once, after all of them) so the newly assigned doctors can read it.
    await resealPatientProfile(as("receptionist2"), store, await identity("receptionist2"), address(patient));
  }

  log("seeding reports");
  const ids: `0x${string}`[] = [];
  let day = 1;
  for (const [doctor, patient, title, findings] of REPORTS) {
    const d = person(doctor);
    const date = `2026-10-${String(day++).padStart(2, "0")}`;
    const file = await makeReportPdf({
      title,
      patientName: person(patient).displayName,
      doctorName: d.displayName,
      department: d.department ?? "",
      date,
      findings,
    });
    const metadata = { title, kind: KINDS[title] ?? "other", dateOfService: date };
    const { reportId } = await uploadReport(as(doctor), store, { file, patient: address(patient), metadata });
    ids.push(reportId);
  }
  // An amendment: the lipid panel is corrected.
  const amended = await makeReportPdf({
    title: "Lipid panel (amended)",
    patientName: person("patient1").displayName,
    doctorName: person("doctor1").displayName,
    department: person("doctor1").department ?? "",
    date: "2026-10-20",
    findings: ["LDL 2.6 mmol/L (repeat, fasting).", "Previous value was non-fasting; no treatment needed."],
  });
  await uploadReport(as("doctor1"), store, {
    file: amended,
    patient: address("patient1"),
    supersedes: ids[1]!,
    metadata: { title: "Lipid panel", kind: "lab", dateOfService: "2026-10-20", note: "Corrects an earlier report: the first sample was not fasting." },
  });
  // A share: Alice shares her echocardiogram with Dr. Grey.
  await shareReport(as("patient1"), ids[0]!, address("doctor3"), await identity("patient1"));
  log(`seeded ${DEMO_PEOPLE.length - 1} people and ${REPORTS.length + 1} reports`);
}
