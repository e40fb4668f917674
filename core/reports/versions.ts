/**
 * Which encryption of a report is current, and which wrapped key opens it for a given reader.
 *
 * A report starts at version 0 (the ciphertext and keys of its registration). Each re-key
 * (`ReportRekeyed`) records a new version with a new CID and new keys for the patient and the
 * doctor, and re-wraps the key for each remaining reader (`ReportKeyRewrapped`). After a key
 * rotation a reader re-publishes the keys they may read for their new key (`ReportKeyRewrapped`
 * again). A grant (`AccessGranted`) wraps the version current when it was made: the newest
 * `ReportRekeyed` before it in log order. The key that opens the current version for a reader is
 * the newest of those entries of the current version; the key version it was wrapped to is the
 * reader's published key at that point of the log (`EncryptionKeyPublished`).
 */
import type { Address, Hex } from "viem";
import { emergencyEndedError } from "../care/emergency.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents, type LedgerLog } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { cidFromBytes } from "../ipfs/cid.ts";
import { grantOf } from "./records.ts";
import { heldResultError } from "./held.ts";

/** What a report's registration says about its first encryption (a `ReportRecord` has all of it). */
export interface RegisteredEncryption {
  readonly reportId: Hex;
  readonly patient: Address;
  readonly doctor: Address;
  /** CID of the ciphertext registered with the report (version 0). */
  readonly cid: string;
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  /** The key wrapped for the hospital's records custodian ("0x" or absent: none). */
  readonly custodianKey?: Hex;
  /** The account the registration's patient key is wrapped for (absent: the patient's). */
  readonly registeredFor?: Address;
  /** Held for review until (null / absent: not held). */
  readonly heldUntil?: number | null;
  /** Block of the registration. */
  readonly blockNumber: bigint;
}

/** The current encryption of a report. */
export interface ReportVersion {
  readonly reportId: Hex;
  /** 0 at registration, + 1 per re-key. */
  readonly version: number;
  /** CID of the current ciphertext. */
  readonly cid: string;
  /** The current report key wrapped for the patient and for the issuing doctor. */
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  /** The current report key wrapped for the records custodian ("0x": none). */
  readonly custodianKey: Hex;
}

/** How a reader came by a wrapped key. */
export type ReaderRelation = "patient" | "doctor" | "grantee";

/** The wrapped key that opens the current version of a report for one reader. */
export interface ReaderKey extends ReportVersion {
  readonly reader: Address;
  readonly relation: ReaderRelation;
  /** The report key of `version`, wrapped for `reader`. */
  readonly wrappedKey: Hex;
  /** The version of the reader's encryption key it was wrapped to (0 if the reader had none then). */
  readonly keyVersion: number;
}

/** A point in the event log, to order entries of different events. */
interface LogPosition {
  readonly blockNumber: bigint;
  readonly logIndex: number;
}

function before(a: LogPosition, b: LogPosition): boolean {
  return a.blockNumber === b.blockNumber ? a.logIndex < b.logIndex : a.blockNumber < b.blockNumber;
}

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

interface VersionEntry extends ReportVersion {
  /** Where the version was recorded (before everything for version 0). */
  readonly at: LogPosition;
}

function newestRekeys(logs: readonly LedgerLog<"ReportRekeyed">[]): Map<Hex, LedgerLog<"ReportRekeyed">> {
  const newest = new Map<Hex, LedgerLog<"ReportRekeyed">>();
  for (const log of logs) {
    const known = newest.get(log.args.reportId);
    if (!known || known.args.version < log.args.version) newest.set(log.args.reportId, log);
  }
  return newest;
}

function versionEntry(registered: RegisteredEncryption, rekey: LedgerLog<"ReportRekeyed"> | undefined): VersionEntry {
  if (!rekey) {
    const { reportId, cid, patientKey, doctorKey } = registered;
    const custodianKey = registered.custodianKey ?? "0x";
    // The start of the registration's block: a grant cannot come before the registration, and the keys were wrapped before it was sent.
    return { reportId, version: 0, cid, patientKey, doctorKey, custodianKey, at: { blockNumber: registered.blockNumber, logIndex: -1 } };
  }
  return {
    reportId: registered.reportId,
    version: rekey.args.version,
    cid: cidFromBytes(rekey.args.cid),
    patientKey: rekey.args.patientKey,
    doctorKey: rekey.args.doctorKey,
    custodianKey: rekey.args.custodianKey,
    at: rekey,
  };
}

async function rekeysOf(ledger: LedgerReader, reportIds: readonly Hex[]): Promise<LedgerLog<"ReportRekeyed">[]> {
  if (reportIds.length === 0) return [];
  return getLedgerEvents(ledger, { eventName: "ReportRekeyed", args: reportIds.length === 1 ? { reportId: reportIds[0] } : {} });
}

/** The current encryption (version, CID, keys for patient and doctor) of each report given. */
export async function currentVersions(ledger: LedgerReader, reports: readonly RegisteredEncryption[]): Promise<Map<Hex, ReportVersion>> {
  const newest = newestRekeys(
    await rekeysOf(
      ledger,
      reports.map((r) => r.reportId),
    ),
  );
  return new Map(
    reports.map((report) => {
      const { at: _at, ...version } = versionEntry(report, newest.get(report.reportId));
      return [report.reportId, version];
    }),
  );
}

/** The CIDs of a report's earlier encryptions (every version but the current one), oldest first: what a re-key leaves to unpin. */
export async function supersededCids(ledger: LedgerReader, report: RegisteredEncryption): Promise<string[]> {
  const rekeys = [...(await rekeysOf(ledger, [report.reportId]))]
    .filter((log) => log.args.reportId === report.reportId)
    .sort((a, b) => a.args.version - b.args.version);
  const current = versionEntry(report, newestRekeys(rekeys).get(report.reportId)).cid;
  const all = [report.cid, ...rekeys.map((log) => cidFromBytes(log.args.cid))];
  return [...new Set(all)].filter((cid) => cid !== current);
}

/** The current encryption of one report. */
export async function currentVersion(ledger: LedgerReader, report: RegisteredEncryption): Promise<ReportVersion> {
  return (await currentVersions(ledger, [report])).get(report.reportId)!;
}

/** The reader's encryption-key version at each point of the log. */
function keyVersionAt(published: readonly LedgerLog<"EncryptionKeyPublished">[], at: LogPosition): number {
  let version = 0;
  for (const log of published) {
    if (before(at, log)) break;
    version = log.args.version;
  }
  return version;
}

/**
 * For each report `reader` is a party to or was given, the wrapped key of its current version
 * (reports with no such key are absent: never shared, or shared only before the latest re-key).
 * Grant status is not checked here: {@link readerKeyOf} does, for a single report.
 * Four event queries however many reports there are.
 */
export async function currentKeysFor(ledger: LedgerReader, reader: Address, reports: readonly RegisteredEncryption[]): Promise<Map<Hex, ReaderKey>> {
  const ids = reports.map((r) => r.reportId);
  const [rekeys, rewrapped, granted, published] = await Promise.all([
    rekeysOf(ledger, ids),
    getLedgerEvents(ledger, { eventName: "ReportKeyRewrapped", args: { reader } }),
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reader } }),
    getLedgerEvents(ledger, { eventName: "EncryptionKeyPublished", args: { account: reader } }),
  ]);
  const newest = newestRekeys(rekeys);
  const keys = new Map<Hex, ReaderKey>();
  for (const report of reports) {
    const current = versionEntry(report, newest.get(report.reportId));
    const relation: ReaderRelation = same(reader, report.patient) ? "patient" : same(reader, report.doctor) ? "doctor" : "grantee";
    const { at: versionAt, ...version } = current;
    let best: { wrappedKey: Hex; at: LogPosition; keyVersion?: number } | undefined;
    const consider = (wrappedKey: Hex, at: LogPosition, keyVersion?: number) => {
      // "0x": the patient's key of a result held for review, published at its release.
      if (wrappedKey === "0x") return;
      if (!best || before(best.at, at)) best = { wrappedKey, at, keyVersion };
    };
    // After a recovery the registration's patient key is wrapped for the lost account: the new one waits for the custodian's.
    const forThisAccount = current.version > 0 || report.registeredFor === undefined || same(report.registeredFor, reader);
    if (relation === "patient" && forThisAccount) consider(current.patientKey, versionAt);
    if (relation === "doctor") consider(current.doctorKey, versionAt);
    for (const log of granted) {
      if (log.args.reportId === report.reportId && before(versionAt, log)) consider(log.args.wrappedKey, log);
    }
    for (const log of rewrapped) {
      if (log.args.reportId === report.reportId && log.args.reportVersion === current.version) consider(log.args.wrappedKey, log, log.args.keyVersion);
    }
    if (!best) continue;
    const at = best.at;
    keys.set(report.reportId, {
      ...version,
      reader,
      relation,
      wrappedKey: best.wrappedKey,
      keyVersion: best.keyVersion ?? keyVersionAt(published, at),
    });
  }
  return keys;
}

/** Why the patient has no key for their own report: held for review, or (after a recovery) not delivered yet. */
function patientKeyMissing(report: RegisteredEncryption): MedLedgerError {
  if ((report.heldUntil ?? null) !== null) return heldResultError(report);
  return new MedLedgerError(
    "NO_ACCESS",
    "This report is being made readable for your new wallet by the hospital.",
    "Try again in a few minutes. If it stays like this, ask the reception.",
  );
}

/**
 * The key that opens the current version of `report` for `reader` (with that version's CID),
 * checking that a grantee's grant is current, or that the chain lets them read it otherwise
 * (`canRead`: a guardian, a doctor with emergency access). Fails with NO_ACCESS (never shared, or
 * not since the latest re-key), ACCESS_EXPIRED (also an emergency access that ended) or ACCESS_REVOKED. What core/reports/read.ts reads with.
 */
export async function readerKeyOf(ledger: LedgerReader, report: RegisteredEncryption, reader: Address): Promise<ReaderKey> {
  const key = (await currentKeysFor(ledger, reader, [report])).get(report.reportId);
  if (key && key.relation !== "grantee") return key;
  if (!key && same(reader, report.patient)) throw patientKeyMissing(report);
  // A guardian, a doctor with emergency access or a current grantee: the chain says whether they may open it now.
  if (key && (await readLedger(ledger, "canRead", [report.reportId, reader]))) return key;
  const grant = await grantOf(ledger, report.reportId, reader);
  if (grant.status === "active" && key) return key;
  // Allowed by the chain (a guardian, a doctor with emergency access) before the records custodian re-wrapped the key for them.
  if (!key && grant.status !== "active" && (await readLedger(ledger, "canRead", [report.reportId, reader]))) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "You may read this report, but the hospital has not given you its key yet.",
      "Try again in a minute: the hospital's records service re-wraps the keys shortly after your access began.",
    );
  }
  if (grant.status === "expired") {
    const when = grant.expiresAt === null ? "" : ` on ${new Date(grant.expiresAt * 1000).toUTCString()}`;
    throw new MedLedgerError("ACCESS_EXPIRED", `Your access to this report expired${when}.`, "Ask the patient to share it again if you still need it.");
  }
  if (grant.status === "active") {
    throw new MedLedgerError(
      "NO_ACCESS",
      "This report was re-encrypted since it was shared with you, and its new key was not given to you.",
      "Ask the patient to share it with you again.",
    );
  }
  if (grant.status === "none") {
    const emergencyUntil = Number(await readLedger(ledger, "emergencyAccessUntil", [report.patient, reader]));
    if (emergencyUntil > 0) throw emergencyEndedError(emergencyUntil);
  }
  const everGranted = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId: report.reportId, reader } });
  if (everGranted.length > 0) {
    throw new MedLedgerError("ACCESS_REVOKED", "The patient revoked your access to this report.", "Ask the patient to share it again if you still need it.");
  }
  throw new MedLedgerError("NO_ACCESS", "This report was not shared with you.", "Ask the patient to share it with your account.");
}
