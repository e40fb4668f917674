/**
 * Uploading a report, in two resumable halves:
 *  1. {@link prepareReport}: check the type by content (PDF, PNG, JPEG) → issue the file (embed a
 *     fresh report serial, core/documents/serial.ts) → hash the ISSUED bytes → encrypt (fresh key)
 *     → wrap the key for patient and doctor → store the ciphertext on IPFS. Its result is plain
 *     data the caller keeps; the issued file is the one to give the patient (the file as given no
 *     longer verifies: its digests are not the registered ones).
 *  2. {@link submitReport}: register on chain, once the IPFS node confirms it keeps the ciphertext
 *     (./stored.ts: a retry whose file vanished stores it again first). Idempotent by claim: if
 *     the report is already registered (a retry after a lost confirmation), it returns the
 *     existing record.
 * A rejected or failed transaction loses nothing: submit the same prepared report again, without
 * hashing or encrypting again (and uploading again only if the IPFS node lost the ciphertext).
 */
import type { Address, Hash, Hex, TransactionReceipt } from "viem";
import { bytesToHex, TransactionNotFoundError, zeroHash } from "viem";
import { digestFile } from "../crypto/digests.ts";
import { issueReportFile } from "../documents/serial.ts";
import { REPORT_MIME_TYPES, requireReportType } from "../documents/types.ts";
import { documentReferenceOf, encodeDocumentReference, metadataDigest, parseReportMetadata, type ReportMetadata } from "./metadata.ts";
import { encryptReport, generateReportKey } from "../crypto/reportCipher.ts";
import { wrapKey } from "../crypto/keyWrap.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import type { LedgerWriter } from "../contract/ledger.ts";
import { accountOf } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey } from "../identity/encryptionKey.ts";
import { cidToHex } from "../ipfs/cid.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { claimIdOf } from "./claimId.ts";
import { custodianKeyFor, recordsCustodianOf } from "../custody/custodian.ts";
import { ensureStored } from "./stored.ts";
import { getReportRecord, recordFromReceipt, type ReportRecord } from "./records.ts";
import { checkFileSize, DEFAULT_MAX_FILE_BYTES } from "./limits.ts";

export type UploadStep = "checking" | "hashing" | "encrypting" | "uploading" | "signing" | "confirming" | "done";

export interface UploadProgress {
  readonly step: UploadStep;
}

/** Everything needed to register a report; produced once, reusable for retries. */
export interface PreparedReport {
  /** The claim id ({@link claimIdOf}): the report's id on chain, in the ciphertext and the wrapped keys. */
  readonly reportId: Hex;
  readonly sha256: Hex;
  readonly sha1: Hex;
  readonly patient: Address;
  readonly doctor: Address;
  readonly supersedes: Hex | null;
  readonly cid: string;
  /** The report key wrapped for the patient; "0x" for a report held for review (released later). */
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  /** The report key wrapped for the hospital's records custodian; "0x" if the hospital has none (or a record prepared before it had one). */
  readonly custodianKey?: Hex;
  /** Held for review: the patient's copy is released later (core/reports/release.ts). */
  readonly held?: boolean;
  /** Size of the issued file. */
  readonly size: number;
  /** The report serial embedded in the issued file (shown to the doctor and the patient). */
  readonly serial: string;
  /** SHA-256 of the file as given, before the serial: how a retry finds this prepared upload again. */
  readonly sourceSha256: Hex;
  /** {@link metadataDigest} of the details encrypted with it (null: none), so a retry with other details is not mistaken for this one. */
  readonly metadataDigest?: Hex | null;
  /** The issued bytes (the file with its serial): what was hashed and encrypted. Never persisted. */
  readonly issuedFile?: Uint8Array;
  /**
   * The ciphertext stored under `cid`: a retry stores it again if the IPFS node lost it
   * (./stored.ts). Not secret; kept beside a pending record, not in it.
   */
  readonly ciphertext?: Uint8Array;
}

export interface ReportUploadInput {
  readonly file: Uint8Array;
  readonly patient: Address;
  /** Title, kind, date of service, note: encrypted with the report as a FHIR DocumentReference (core/reports/metadata.ts). */
  readonly metadata?: ReportMetadata;
  /** The report this one amends. */
  readonly supersedes?: Hex | null;
  /** Hold the result for review: the patient sees that it exists and when it will be released, and reads it once released. */
  readonly held?: boolean;
}

export interface UploadOptions {
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly maxBytes?: number;
  /** Confirmations to wait for before the report counts as registered (default 1: the block that includes it). */
  readonly confirmations?: number;
  /** Called (and awaited) with the registration's transaction hash as soon as the node accepted it: keep it for a retry. */
  readonly onSent?: (hash: Hash) => void | Promise<void>;
  /** The transaction of an earlier attempt of this prepared report: checked before anything is sent again. */
  readonly previousTransactionHash?: Hash;
  /** How long to wait for the confirmation, in milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * Steps 1–4: checks, issue (serial), hash, encrypt, store. Sends no transaction. Call it once per
 * upload: a retry submits the same prepared report and never re-serialises.
 */
export async function prepareReport(ledger: LedgerWriter, store: ContentStore, input: ReportUploadInput, options: UploadOptions = {}): Promise<PreparedReport> {
  const progress = options.onProgress ?? (() => {});
  const doctor = accountOf(ledger);
  progress({ step: "checking" });
  checkFileSize(input.file.byteLength, options.maxBytes ?? DEFAULT_MAX_FILE_BYTES);
  const fileType = requireReportType(input.file);
  // What the doctor entered is checked before anything is sent or stored.
  const metadata = input.metadata === undefined ? undefined : parseReportMetadata(input.metadata);
  // The assignment first: for a patient who is not yours, that is the reason to give.
  const assigned = await readLedger(ledger, "isAssigned", [input.patient, doctor]);
  if (!assigned) {
    throw new MedLedgerError(
      "NO_ACCESS",
      `Patient ${input.patient} is not assigned to you, so you cannot register reports for them.`,
      "Ask the reception to assign this patient to you first.",
    );
  }
  const [patientPublicKey, doctorPublicKey, custodian] = await Promise.all([
    requirePublishedKey(ledger, input.patient, "patient"),
    requirePublishedKey(ledger, doctor, "doctor (you)"),
    recordsCustodianOf(ledger),
  ]);
  const held = input.held === true;
  const supersedes = input.supersedes ?? null;
  if (supersedes) await checkAmendable(ledger, supersedes, input.patient, doctor);

  progress({ step: "hashing" });
  const sourceSha256 = (await digestFile(input.file)).sha256;
  const issued = await issueReportFile(input.file);
  checkFileSize(issued.bytes.byteLength, options.maxBytes ?? DEFAULT_MAX_FILE_BYTES);
  const file = issued.bytes;
  const { sha1, sha256 } = await digestFile(file);
  const reportId = claimIdOf(sha256, doctor);
  const existing = await readLedger(ledger, "verify", [sha256, sha1, doctor]);
  if (existing[0] !== 0) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `You already registered this exact file as report ${reportId}.`,
      "Nothing to upload: open or verify the existing report, or amend it with a corrected file.",
    );
  }

  progress({ step: "encrypting" });
  const key = generateReportKey();
  const document = metadata
    ? encodeDocumentReference(
        documentReferenceOf(metadata, { contentType: REPORT_MIME_TYPES[fileType], sha1, size: file.byteLength }, { replaces: supersedes }),
      )
    : undefined;
  const ciphertext = await encryptReport(file, key, reportId, document);
  // A held result is wrapped for the patient only at its release: until then nothing on chain opens it for them.
  const patientKey: Hex = held ? "0x" : bytesToHex(wrapKey(key, patientPublicKey, { reportId, reader: input.patient }));
  const doctorKey = bytesToHex(wrapKey(key, doctorPublicKey, { reportId, reader: doctor }));
  const custodianKey = custodianKeyFor(custodian, key, reportId);
  key.fill(0);

  progress({ step: "uploading" });
  const cid = await store.add(ciphertext);
  return {
    reportId,
    sha256,
    sha1,
    patient: input.patient,
    doctor,
    supersedes,
    cid,
    patientKey,
    doctorKey,
    custodianKey,
    held,
    size: file.byteLength,
    serial: issued.serial,
    sourceSha256,
    metadataDigest: metadataDigest(metadata),
    issuedFile: file,
    ciphertext,
  };
}

export interface SubmitResult {
  readonly reportId: Hex;
  /** Undefined when the report was already registered (an earlier attempt went through). */
  readonly transactionHash?: Hash;
  readonly record: ReportRecord;
}

/**
 * Step 5: registers a prepared report on chain (or finds it already registered). With
 * `previousTransactionHash` (an earlier attempt's transaction), a still-pending transaction is
 * reported (TRANSACTION_PENDING) instead of sending again, a mined one is awaited, and one the
 * chain no longer knows (dropped from the mempool, or reorganised out) is sent again, from the
 * same prepared data. The "confirming" step is reported as soon as the transaction is sent.
 */
export async function submitReport(ledger: LedgerWriter, store: ContentStore, prepared: PreparedReport, options: UploadOptions = {}): Promise<SubmitResult> {
  const progress = options.onProgress ?? (() => {});
  const already = await findRegistered(ledger, prepared);
  if (already) {
    progress({ step: "done" });
    return { reportId: prepared.reportId, record: already };
  }
  const confirmations = options.confirmations ?? 1;
  if (options.previousTransactionHash) {
    const hash = options.previousTransactionHash;
    const state = await transactionState(ledger, hash);
    if (state === "pending") throw pendingError(hash);
    if (state === "mined") {
      progress({ step: "confirming" });
      const receipt = await waitForReceipt(ledger, hash, confirmations, options.timeoutMs);
      if (receipt.status === "success") {
        const record = await recordFromReceipt(ledger, receipt, prepared.reportId);
        progress({ step: "done" });
        return { reportId: prepared.reportId, transactionHash: hash, record };
      }
    }
    // Gone (or mined and reverted): send the same registration again.
  }
  await ensureStored(store, prepared, progress);
  progress({ step: "signing" });
  const { hash, receipt } = await writeLedger(ledger, "registerReport", [toInput(prepared)], {
    confirmations,
    timeoutMs: options.timeoutMs,
    onSent: async (sent) => {
      await options.onSent?.(sent);
      progress({ step: "confirming" });
    },
  });
  const record = await recordFromReceipt(ledger, receipt, prepared.reportId);
  progress({ step: "done" });
  return { reportId: prepared.reportId, transactionHash: hash, record };
}

/** What the chain says of a prepared report after a failed or interrupted registration. */
export type RegistrationCheck =
  | { readonly status: "registered"; readonly record: ReportRecord }
  | { readonly status: "pending"; readonly transactionHash: Hash }
  | { readonly status: "not-registered" }
  /** The node could not be asked. */
  | { readonly status: "unknown"; readonly error: MedLedgerError };

/**
 * Asks the chain whether `prepared` is registered (by its claim) and, if not, whether the
 * transaction `transactionHash` of the attempt is still pending. Never throws: a node that does
 * not answer within `timeoutMs` gives "unknown".
 */
export async function checkRegistration(
  ledger: LedgerWriter,
  prepared: PreparedReport,
  transactionHash?: Hash,
  timeoutMs = 10_000,
): Promise<RegistrationCheck> {
  const check = async (): Promise<RegistrationCheck> => {
    const record = await findRegistered(ledger, prepared);
    if (record) return { status: "registered", record };
    if (transactionHash && (await transactionState(ledger, transactionHash)) !== "gone") return { status: "pending", transactionHash };
    return { status: "not-registered" };
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MedLedgerError(
            "RPC_UNREACHABLE",
            "The network did not answer in time.",
            "Check your connection and retry in a moment; if it keeps failing, tell the hospital's IT team.",
            { details: `Ethereum node: ${ledger.rpcUrl ?? "the configured one"} (MEDLEDGER_RPC_URL or --rpc).` },
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (error) {
    return { status: "unknown", error: toLedgerError(error, { rpcUrl: ledger.rpcUrl }) };
  } finally {
    clearTimeout(timer);
  }
}

function pendingError(hash: Hash): MedLedgerError {
  return new MedLedgerError(
    "TRANSACTION_PENDING",
    `Sent, not yet confirmed: transaction ${hash} is pending.`,
    "Rerun the same command in a moment to check: nothing is uploaded or sent again while it is pending.",
  );
}

/** Where transaction `hash` is: in a block of the canonical chain, waiting in the mempool, or unknown to the node (dropped, or reorganised out). */
export async function transactionState(ledger: LedgerWriter, hash: Hash): Promise<"pending" | "mined" | "gone"> {
  try {
    const tx = await ledger.publicClient.getTransaction({ hash });
    return tx.blockNumber === null ? "pending" : "mined";
  } catch (error) {
    if (error instanceof TransactionNotFoundError) return "gone";
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Looking up the transaction" });
  }
}

async function waitForReceipt(ledger: LedgerWriter, hash: Hash, confirmations: number, timeoutMs?: number): Promise<TransactionReceipt> {
  try {
    return await ledger.publicClient.waitForTransactionReceipt({
      hash,
      confirmations: Math.max(1, confirmations),
      retryCount: 0,
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    });
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Waiting for the registration" });
  }
}

/** Registers several prepared reports in one transaction (all or none), once their ciphertexts are confirmed kept. */
export async function submitReports(
  ledger: LedgerWriter,
  store: ContentStore,
  prepared: readonly PreparedReport[],
  options: { confirmations?: number } = {},
): Promise<Hash> {
  for (const report of prepared) await ensureStored(store, report);
  return (await writeLedger(ledger, "registerReports", [prepared.map(toInput)], options)).hash;
}

/** Prepare and submit in one go. */
export async function uploadReport(
  ledger: LedgerWriter,
  store: ContentStore,
  input: ReportUploadInput,
  options: UploadOptions = {},
): Promise<SubmitResult & { prepared: PreparedReport }> {
  const prepared = await prepareReport(ledger, store, input, options);
  return { ...(await submitReport(ledger, store, prepared, options)), prepared };
}

function toInput(prepared: PreparedReport) {
  return {
    sha256Digest: prepared.sha256,
    sha1Digest: prepared.sha1,
    patient: prepared.patient,
    supersedes: prepared.supersedes ?? zeroHash,
    cid: cidToHex(prepared.cid),
    patientKey: prepared.patientKey,
    doctorKey: prepared.doctorKey,
    custodianKey: prepared.custodianKey ?? "0x",
    held: prepared.held === true,
  } as const;
}

/** The chain's record of `prepared` if its claim is registered (checks it is this registration), else undefined. */
export async function findRegistered(ledger: LedgerWriter, prepared: PreparedReport): Promise<ReportRecord | undefined> {
  const [status] = await readLedger(ledger, "verify", [prepared.sha256, prepared.sha1, prepared.doctor]);
  if (status === 0) return undefined;
  const record = await getReportRecord(ledger, prepared.reportId, { sha256: prepared.sha256 });
  if (record.patient.toLowerCase() !== prepared.patient.toLowerCase() || record.sha1 !== prepared.sha1) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `You already registered a report with this file's SHA-256 for another record.`,
      "Verify the file to see its record.",
    );
  }
  return record;
}

async function checkAmendable(ledger: LedgerWriter, reportId: Hex, patient: Address, doctor: Address): Promise<void> {
  const record = await getReportRecord(ledger, reportId);
  if (record.doctor.toLowerCase() !== doctor.toLowerCase()) {
    throw new MedLedgerError(
      "NO_ACCESS",
      `Report ${reportId} was issued by another doctor (${record.doctor}); only the doctor who issued a report can amend it.`,
      "Ask the issuing doctor to amend it, or register a new report of your own.",
    );
  }
  if (record.patient.toLowerCase() !== patient.toLowerCase()) {
    throw new MedLedgerError("INVALID_INPUT", `Report ${reportId} belongs to another patient.`, "Amend a report of the same patient.");
  }
  if (record.supersededBy) {
    throw new MedLedgerError("INVALID_INPUT", `Report ${reportId} was already amended by ${record.supersededBy}.`, "Amend the latest version instead.");
  }
}
