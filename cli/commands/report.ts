/** `medledger report …`: upload, amend, read, list, share (one, several, all; until a date), revoke (one or all). */
import { access, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Address, Hash, Hex } from "viem";
import { sentTransactionOf } from "#core/contract/sent.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { MedLedgerError } from "#core/errors.ts";
import { checkFileSize, formatBytes } from "#core/reports/limits.ts";
import { recordOpening } from "#core/reports/openings.ts";
import { readReport, readReportSummaries, type ReadStep } from "#core/reports/read.ts";
import {
  kindOf,
  metadataDigest,
  NOTE_MAX,
  parseReportMetadata,
  REPORT_KINDS,
  TITLE_MAX,
  type ReportKind,
  type ReportMetadata,
  type ReportSummary,
} from "#core/reports/metadata.ts";
import { revokeAndRekey, type RekeyStep } from "#core/reports/rekey.ts";
import { releaseWhenText } from "#core/reports/held.ts";
import { releaseReport } from "#core/reports/release.ts";
import { getReportRecord, listReports, listReportsSharedWith, type ReportRecord } from "#core/reports/records.ts";
import { guardianSender, requireGuardian } from "#core/care/guardians.ts";
import { expiryOfDay, listReportReaders, listShares, revokeAllShares, revokeShare, shareReports } from "#core/reports/share.ts";
import { checkRegistration, prepareReport, submitReport, type PreparedReport, type UploadStep } from "#core/reports/upload.ts";
import { checkFinality, settleRegistration } from "#core/reports/finality.ts";
import { finalityBlocksOf } from "#core/config.ts";
import type { RelayStep } from "#core/relay/client.ts";
import {
  hasSigner,
  openIdentity,
  openPublishedIdentity,
  openReader,
  openStore,
  openWriter,
  relaySenderOf,
  serverUrlOf,
  type GlobalOptions,
  type WriterContext,
} from "../context.ts";
import { createPrinter, formatTime, table, type CliRun, type Printer } from "../output.ts";
import { listPending, loadPending, pendingDir, removePending, savePending, type PendingUpload } from "../pending.ts";
import { parseAddress, parseReportId } from "#core/validation.ts";
import { fileSize } from "../files.ts";

const UPLOAD_STEPS: Readonly<Record<UploadStep, string>> = {
  checking: "Checking the file type, the patient's assignment and the encryption keys…",
  hashing: "Adding the report serial and hashing the issued file (SHA-256 and SHA-1)…",
  encrypting: "Encrypting it (AES-256-GCM, a fresh key wrapped for the patient and you)…",
  uploading: "Uploading the ciphertext to IPFS…",
  signing: "Signing and sending the registration transaction…",
  confirming: "Waiting for the confirmation…",
  done: "Done.",
};

const ISSUED_HELP = [
  "",
  "The file is issued first: a report serial is added to it, and that ISSUED file (scan.issued.pdf)",
  "is what is registered, so it is the one to give the patient or print; the original no longer verifies.",
  "If registering fails after the upload, rerun the same command: the upload is reused, not repeated.",
].join("\n");

const READ_STEPS: Readonly<Record<ReadStep, string>> = {
  locating: "Locating the report and your key…",
  unwrapping: "Unwrapping the report key…",
  downloading: "Downloading the ciphertext from IPFS…",
  decrypting: "Decrypting…",
  verifying: "Checking both digests against the chain…",
  done: "Done.",
};

const REKEY_STEPS: Readonly<Record<RekeyStep, string>> = {
  decrypting: "Decrypting the current version and checking it against the chain…",
  encrypting: "Encrypting it again under a new key (wrapped for you, the doctor and the remaining readers)…",
  uploading: "Uploading the new ciphertext to IPFS…",
  signing: "Signing and sending the re-key transaction…",
  unpinning: "Unpinning the old ciphertext…",
  done: "Done.",
};

const RELAY_STEPS: Readonly<Record<RelayStep, string>> = {
  signing: "Signing the change (nothing is sent from your account)…",
  relaying: "The hospital's relayer sends it and pays the fee…",
  confirming: "Waiting for the confirmation…",
};

/** Prints each step of a relayed action. */
function relayStep(out: Printer): (step: RelayStep) => void {
  return (step) => out.step(RELAY_STEPS[step]);
}

interface UploadJob {
  readonly path: string;
  readonly patient: Address;
  /** Title, kind, date of service, note (encrypted with the report). */
  readonly metadata?: ReportMetadata;
  readonly supersedes: Hex | null;
  /** Where to write the issued file (default: next to the input, `scan.pdf` → `scan.issued.pdf`). */
  readonly out?: string;
  readonly force?: boolean;
  /** Confirmations to wait for before saying "registered" (default 1). */
  readonly confirmations?: number;
  /** How long to wait for them, in seconds. */
  readonly waitSeconds?: number;
  /** Hold the result for review (released later by the doctor or the hospital's delay). */
  readonly held?: boolean;
}

interface MetadataOptions {
  readonly title?: string;
  readonly kind?: ReportKind;
  readonly date?: string;
  readonly note?: string;
}

/** The report's details from the flags; the title defaults to the file's name. Checked before anything is sent. */
function metadataOf(opts: MetadataOptions, path: string): ReportMetadata {
  return parseReportMetadata({
    title: opts.title ?? basename(path, extname(path)),
    kind: opts.kind ?? "other",
    dateOfService: opts.date ?? new Date().toISOString().slice(0, 10),
    ...(opts.note ? { note: opts.note } : {}),
  });
}

function parseConfirmations(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError("give a whole number of blocks from 1 to 1000.");
  return n;
}

function parseWait(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError("give a number of seconds, above 0.");
  return n;
}

/** `scan.pdf` → `scan.issued.pdf` (same folder). */
export function issuedPathFor(path: string): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.issued${ext || ".pdf"}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Upload (or amend) with retry safety: reuse a pending prepared upload of the same file if there is one. */
async function runUpload(run: CliRun, ctx: WriterContext, out: Printer, job: UploadJob): Promise<void> {
  const { config, ledger } = ctx;
  const size = await fileSize(job.path, "Check the path of the report file.");
  checkFileSize(size, config.maxFileBytes);
  const file = new Uint8Array(await readFile(job.path));
  const { sha256: sourceSha256 } = await digestFile(file);
  const dir = pendingDir(run.env, run.cwd);
  const onProgress = ({ step }: { step: UploadStep }) => {
    if (step !== "done") out.step(UPLOAD_STEPS[step]);
  };

  const pending = await loadPending(dir, ledger.deployment, sourceSha256);
  const reusable =
    pending &&
    pending.prepared.patient.toLowerCase() === job.patient.toLowerCase() &&
    pending.prepared.doctor.toLowerCase() === ctx.account.address.toLowerCase() &&
    (pending.prepared.supersedes ?? null) === (job.supersedes ?? null) &&
    // Held or not as this run asks: an earlier attempt's registration carries its own choice.
    (pending.registeredInBlock !== undefined || (pending.prepared.held === true) === (job.held === true)) &&
    // Other details (title, kind, date, note) than the earlier attempt's: that ciphertext carries the old ones.
    (pending.registeredInBlock !== undefined || (pending.prepared.metadataDigest ?? null) === metadataDigest(job.metadata));
  if (pending && !reusable && pending.transactionHash && (pending.prepared.held === true) !== (job.held === true)) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `An earlier upload of this file ${pending.prepared.held ? "held for review" : "not held for review"} was already sent (transaction ${pending.transactionHash}).`,
      "Run `medledger report pending` to settle it first (it keeps the earlier choice); release a held result with `medledger report release <id>`.",
    );
  }
  if (pending && !reusable && pending.transactionHash && (pending.prepared.metadataDigest ?? null) !== metadataDigest(job.metadata)) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `An earlier upload of this file with other details (title, kind, date or note) was already sent (transaction ${pending.transactionHash}).`,
      "Run `medledger report pending` to settle it first; to change the details afterwards, amend the report.",
    );
  }
  let prepared: PreparedReport;
  let issuedPath: string;
  if (reusable) {
    prepared = pending.prepared;
    issuedPath = pending.issuedPath ?? job.out ?? issuedPathFor(job.path);
    out.line(
      `Found the upload of an earlier attempt (CID ${prepared.cid}, serial ${prepared.serial}): registering it without encrypting again (the ciphertext is stored again first if the IPFS node lost it).`,
    );
  } else {
    issuedPath = job.out ?? issuedPathFor(job.path);
    if (!job.force && (await exists(issuedPath))) {
      throw new MedLedgerError(
        "INVALID_INPUT",
        `${issuedPath} already exists.`,
        "Choose another --out file for the issued report, or add --force to overwrite it.",
      );
    }
    await openPublishedIdentity(ledger, () => out.step("Publishing your encryption key on the ledger (first use of this account; one transaction)…"));
    prepared = await prepareReport(
      ledger,
      await openStore(config),
      { file, patient: job.patient, supersedes: job.supersedes, metadata: job.metadata, held: job.held === true },
      { onProgress, maxBytes: config.maxFileBytes },
    );
    if (!prepared.issuedFile) throw new MedLedgerError("INVALID_INPUT", "The issued file is missing.", "Retry the upload.");
    try {
      await writeFile(issuedPath, prepared.issuedFile);
    } catch (error) {
      throw new MedLedgerError(
        "INVALID_INPUT",
        `Cannot write the issued report to ${issuedPath}.`,
        "Check the folder exists and is writable, or choose another --out file.",
        { cause: error },
      );
    }
  }
  const savedAt = await savePending(dir, ledger.deployment, prepared, issuedPath, { transactionHash: reusable ? pending.transactionHash : undefined });
  const keptHint = `the encrypted upload (CID ${prepared.cid}) is kept in ${savedAt} and will not be encrypted again.`;

  const confirmations = job.confirmations ?? config.confirmations ?? 1;
  let sent: Hash | undefined;
  let result: Awaited<ReturnType<typeof submitReport>>;
  let registeredAfterAll = false;
  try {
    result = await submitReport(ledger, await openStore(config), prepared, {
      onProgress,
      confirmations,
      ...(job.waitSeconds ? { timeoutMs: job.waitSeconds * 1000 } : {}),
      previousTransactionHash: reusable ? pending.transactionHash : undefined,
      onSent: async (hash) => {
        sent = hash;
        await savePending(dir, ledger.deployment, prepared, issuedPath, { transactionHash: hash });
      },
    });
  } catch (error) {
    if (!(error instanceof MedLedgerError)) throw error;
    if (error.code === "NOT_PINNED") {
      // Nothing was sent, and this saved attempt can never be registered: say how to start afresh.
      throw new MedLedgerError(
        error.code,
        error.message,
        `Delete ${savedAt} (the saved attempt), then upload the file again: it is encrypted and stored afresh.`,
        {
          cause: error,
        },
      );
    }
    if (error.code === "TRANSACTION_PENDING") {
      throw new MedLedgerError(error.code, `${error.message} The report is not registered yet.`, `${error.hint} Rerun the same command: ${keptHint}`, {
        cause: error,
      });
    }
    // Before saying "not registered", ask the chain.
    const hash = sentTransactionOf(error) ?? sent;
    const check = await checkRegistration(ledger, prepared, hash);
    if (check.status === "registered") {
      out.warn(`${error.message} But the chain has the report: it was registered after all.`);
      result = { reportId: prepared.reportId, transactionHash: check.record.transactionHash ?? hash, record: check.record };
      registeredAfterAll = true;
    } else if (hash && check.status !== "not-registered") {
      // The code of what stopped the wait: a timeout stays a connection error (exit 2).
      throw new MedLedgerError(
        error.code,
        `Sent, not yet confirmed: transaction ${hash} is pending. ${error.message}`,
        `Rerun the same command to check: it looks the transaction up before sending anything again, and ${keptHint}`,
        { cause: error, details: error.details },
      );
    } else {
      // Without an answer from the node, the chain may still receive a transaction it did not acknowledge.
      const state = check.status === "unknown" ? "The chain could not be asked whether the report is registered." : "The report is not registered yet.";
      throw new MedLedgerError(error.code, `${error.message} ${state}`, `${error.hint} Then rerun the same command: ${keptHint}`, {
        cause: error,
        details: error.details,
      });
    }
  }
  const record = result.record;
  // Until its block is final a reorganisation may remove the registration: the retry record stays.
  const finality = await finalityAfterSuccess(ledger, prepared, result.transactionHash ?? record.transactionHash, finalityBlocksOf(config));
  if (finality.final) await removePending(dir, prepared.sourceSha256);
  else
    await savePending(dir, ledger.deployment, prepared, issuedPath, {
      transactionHash: result.transactionHash ?? record.transactionHash,
      registeredInBlock: record.blockNumber,
    });
  out.result(
    {
      ok: true,
      reportId: record.reportId,
      serial: prepared.serial,
      issuedFile: issuedPath,
      sha256: record.sha256,
      sha1: record.sha1,
      cid: record.cid,
      patient: record.patient,
      doctor: record.doctor,
      supersedes: record.supersedes,
      ...heldJson(record),
      ...(job.metadata ? { title: job.metadata.title, kind: job.metadata.kind, dateOfService: job.metadata.dateOfService } : {}),
      size: prepared.size,
      transactionHash: result.transactionHash ?? null,
      blockNumber: record.blockNumber,
      reusedPendingUpload: Boolean(reusable),
      alreadyRegistered: result.transactionHash === undefined,
      registeredAfterAll,
      confirmations,
      final: finality.final,
      finalityBlocks: finality.needed,
    },
    [
      registeredAfterAll
        ? `Registered report ${record.reportId} (it was registered after all).`
        : result.transactionHash
          ? `Registered report ${record.reportId}.`
          : `Report ${record.reportId} was already registered (an earlier attempt went through).`,
      ...(job.metadata ? [`  Title       ${job.metadata.title} (${kindOf(job.metadata.kind).label}, ${job.metadata.dateOfService})`] : []),
      `  Serial      ${prepared.serial}`,
      `  Issued file ${issuedPath} (${formatBytes(prepared.size)})`,
      `  SHA-256     ${record.sha256}`,
      `  SHA-1       ${record.sha1}`,
      `  Patient     ${record.patient}`,
      `  Doctor      ${record.doctor}`,
      `  IPFS CID    ${record.cid}`,
      ...(record.supersedes ? [`  Amends      ${record.supersedes}`] : []),
      ...(record.heldUntil !== null
        ? [
            Number.isFinite(record.heldUntil)
              ? `  Held        for review: the patient can open it ${releaseWhenText(record.heldUntil)} (released automatically), or when you release it sooner (medledger report release ${record.reportId})`
              : `  Held        for review: the patient can open it once you release it (medledger report release ${record.reportId})`,
          ]
        : []),
      ...(result.transactionHash ? [`  Transaction ${result.transactionHash} (block ${record.blockNumber})`] : []),
      ...(finality.final ? [] : ["", finality.note]),
      "",
      `Give the patient (or print) ${issuedPath}: it carries the report serial ${prepared.serial} and is the file that verifies.`,
      `The original ${job.path} does not verify as this report: do not hand it out.`,
    ],
  );
}

/** Whether a just-reported registration is final, and what to tell the user if not. */
interface FinalityNote {
  readonly final: boolean;
  readonly needed: number;
  readonly note: string;
}

async function finalityAfterSuccess(ledger: WriterContext["ledger"], prepared: PreparedReport, hash: Hash, finalityBlocks: number): Promise<FinalityNote> {
  if (finalityBlocks <= 1) return { final: true, needed: finalityBlocks, note: "" };
  const later = "`medledger report pending` checks it and registers it again if a reorganisation of the chain removed it (nothing is uploaded again).";
  try {
    const state = await checkFinality(ledger, prepared, hash, finalityBlocks);
    if (state.status === "final") return { final: true, needed: finalityBlocks, note: "" };
    if (state.status === "awaiting") {
      return {
        final: false,
        needed: finalityBlocks,
        note: `Not final yet: ${state.confirmations} of ${finalityBlocks} blocks. Until then the retry record is kept; ${later}`,
      };
    }
    return { final: false, needed: finalityBlocks, note: `A reorganisation of the chain has already removed this registration. ${later}` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { final: false, needed: finalityBlocks, note: `Could not check whether its block is final (${why}). The retry record is kept; ${later}` };
  }
}

/** One line of `report pending`. */
interface PendingRow {
  readonly file: string;
  readonly reportId: Hex;
  readonly patient: Address;
  readonly cid: string;
  readonly status: "final" | "awaiting-finality" | "pending" | "lost" | "registered-again" | "not-yours" | "failed";
  readonly blockNumber?: string;
  readonly confirmations?: number;
  readonly finalityBlocks: number;
  readonly transactionHash?: Hash;
  readonly error?: MedLedgerError;
}

const PENDING_STATUS: Readonly<Record<PendingRow["status"], string>> = {
  final: "final (retry record removed)",
  "awaiting-finality": "registered, not final yet",
  pending: "sent, waiting in the mempool",
  lost: "not on chain (reorganised out, dropped or never sent): run without --check to register it again",
  "registered-again": "registered again (the chain had lost it)",
  "not-yours": "another doctor's upload (sign in as them to settle it)",
  failed: "could not be settled",
};

/** Checks one pending upload and, unless `checkOnly`, registers it again when the chain lost it. */
async function settlePending(
  ctx: WriterContext,
  dir: string,
  entry: PendingUpload,
  finalityBlocks: number,
  confirmations: number,
  checkOnly: boolean,
): Promise<PendingRow> {
  const { prepared } = entry;
  const base = { file: entry.issuedPath ?? prepared.sourceSha256, reportId: prepared.reportId, patient: prepared.patient, cid: prepared.cid, finalityBlocks };
  if (prepared.doctor.toLowerCase() !== ctx.account.address.toLowerCase()) return { ...base, status: "not-yours" };
  try {
    if (checkOnly) {
      const state = await checkFinality(ctx.ledger, prepared, entry.transactionHash, finalityBlocks);
      if (state.status === "reorged-out") {
        return { ...base, status: state.transaction === "pending" ? "pending" : "lost", transactionHash: entry.transactionHash };
      }
      return {
        ...base,
        status: state.status === "final" ? "final" : "awaiting-finality",
        blockNumber: state.record.blockNumber.toString(),
        confirmations: state.confirmations,
        transactionHash: state.record.transactionHash,
      };
    }
    const outcome = await settleRegistration(ctx.ledger, await openStore(ctx.config), prepared, entry.transactionHash, {
      finalityBlocks,
      confirmations,
      onSent: async (hash) => {
        await savePending(dir, ctx.ledger.deployment, prepared, entry.issuedPath, { transactionHash: hash });
      },
    });
    if (outcome.outcome === "pending") return { ...base, status: "pending", transactionHash: outcome.transactionHash };
    const hash = outcome.outcome === "registered-again" ? (outcome.transactionHash ?? outcome.record.transactionHash) : outcome.record.transactionHash;
    const final = outcome.confirmations >= finalityBlocks;
    if (final) await removePending(dir, prepared.sourceSha256);
    else await savePending(dir, ctx.ledger.deployment, prepared, entry.issuedPath, { transactionHash: hash, registeredInBlock: outcome.record.blockNumber });
    const status: PendingRow["status"] = outcome.outcome === "registered-again" ? "registered-again" : final ? "final" : "awaiting-finality";
    return { ...base, status, blockNumber: outcome.record.blockNumber.toString(), confirmations: outcome.confirmations, transactionHash: hash };
  } catch (error) {
    if (!(error instanceof MedLedgerError)) throw error;
    return { ...base, status: "failed", error };
  }
}

/** A held result as `report list` says it: for its doctor, "until you release it"; for anyone else, "until your doctor releases it". */
function heldStatus(record: ReportRecord, relation: string): string | null {
  if (record.heldUntil === null) return null;
  if (Number.isFinite(record.heldUntil)) return `held for review until ${formatTime(record.heldUntil)}`;
  return relation === "doctor" ? "held for review until you release it" : "held for review until the doctor releases it";
}

/** `held` and `heldUntil` (Unix seconds; null when not held or when only the doctor releases it) for --json. */
function heldJson(record: ReportRecord) {
  return {
    held: record.heldUntil !== null,
    heldUntil: record.heldUntil !== null && Number.isFinite(record.heldUntil) ? record.heldUntil : null,
  };
}

function status(record: ReportRecord, relation = ""): string {
  if (record.fraudulent) return "marked fraudulent by the administrator";
  const held = heldStatus(record, relation);
  if (held) return record.supersededBy ? `${held}; amended by ${record.supersededBy.slice(0, 10)}…` : held;
  return record.supersededBy ? `amended by ${record.supersededBy.slice(0, 10)}…` : "current";
}

function recordJson(record: ReportRecord, relation?: string) {
  return {
    reportId: record.reportId,
    sha256: record.sha256,
    sha1: record.sha1,
    patient: record.patient,
    doctor: record.doctor,
    cid: record.cid,
    supersedes: record.supersedes,
    supersededBy: record.supersededBy,
    registeredAt: record.registeredAt,
    fraudulent: record.fraudulent,
    ...heldJson(record),
    blockNumber: record.blockNumber,
    transactionHash: record.transactionHash,
    ...(relation ? { relation } : {}),
  };
}

function isHeldError(value: unknown): boolean {
  return value instanceof MedLedgerError && value.code === "RESULT_HELD";
}

export function registerReportCommands(program: Command, run: CliRun): void {
  const report = program.command("report").description("Upload, read, list and share encrypted medical reports.");

  report
    .command("upload")
    .description("Issue a report file (adds its serial), encrypt it, store it on IPFS and register it for a patient (as their assigned doctor).")
    .argument("<file>", "the report file: PDF, PNG or JPEG")
    .requiredOption("--patient <address>", "the patient's account")
    .option("--title <text>", `what the patient sees in their list, e.g. "Full blood count" (at most ${TITLE_MAX} characters)`)
    .addOption(new Option("--kind <kind>", "what kind of report it is").choices(REPORT_KINDS.map((k) => k.id)).default("other"))
    .option("--date <YYYY-MM-DD>", "the date of service (default today)")
    .option("--note <text>", `a note for the patient (at most ${NOTE_MAX} characters)`)
    .option("--out <file>", "where to write the issued file (default: next to the input, scan.pdf → scan.issued.pdf)")
    .option("--force", "overwrite the issued file if it exists")
    .option("--confirmations <n>", "blocks to wait for before the report counts as registered (default MEDLEDGER_CONFIRMATIONS, else 1)", parseConfirmations)
    .option("--wait <seconds>", "how long to wait for the confirmations before checking the chain and stopping (default 180)", parseWait)
    .option(
      "--hold",
      "hold the result for review: recorded (and verifiable) now, the patient sees it exists and opens it once released — by you (medledger report release <id>) or automatically after the hospital's delay",
    )
    .addHelpText("after", ISSUED_HELP)
    .action(async (path: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<
        GlobalOptions & MetadataOptions & { patient: string; out?: string; force?: boolean; confirmations?: number; wait?: number; hold?: boolean }
      >();
      const out = createPrinter(run, Boolean(opts.json));
      const patient = parseAddress(opts.patient, "patient");
      const metadata = metadataOf(opts, path);
      const ctx = await openWriter(run, opts);
      await runUpload(run, ctx, out, {
        path,
        patient,
        metadata,
        supersedes: null,
        out: opts.out,
        force: opts.force,
        confirmations: opts.confirmations,
        waitSeconds: opts.wait,
        held: Boolean(opts.hold),
      });
    });

  report
    .command("release")
    .description("Release a result you registered held for review: its patient can open it from now on (recorded on chain).")
    .argument("<id>", "the report id")
    .option("--confirmations <n>", "blocks to wait for (default MEDLEDGER_CONFIRMATIONS, else 1)", parseConfirmations)
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { confirmations?: number }>();
      const out = createPrinter(run, Boolean(opts.json));
      const reportId = parseReportId(id);
      const ctx = await openWriter(run, opts);
      const identity = await openIdentity(ctx.ledger);
      out.step("Wrapping the report key for the patient's key and sending the release…");
      const result = await releaseReport(ctx.ledger, reportId, identity, { confirmations: opts.confirmations ?? ctx.config.confirmations ?? 1 });
      out.result({ ok: true, reportId, patient: result.patient, transactionHash: result.transactionHash }, [
        `Released report ${reportId}: patient ${result.patient} can open it now.`,
        `  Transaction ${result.transactionHash}`,
      ]);
    });

  report
    .command("amend")
    .description("Upload a corrected file that supersedes your report <id> (same patient; only its issuing doctor can amend it).")
    .argument("<id>", "the report id being amended")
    .argument("<file>", "the corrected report file: PDF, PNG or JPEG")
    .option("--title <text>", `what the patient sees in their list (at most ${TITLE_MAX} characters; default: the file's name)`)
    .addOption(new Option("--kind <kind>", "what kind of report it is").choices(REPORT_KINDS.map((k) => k.id)).default("other"))
    .option("--date <YYYY-MM-DD>", "the date of service (default today)")
    .option("--note <text>", `a note for the patient, e.g. what was corrected (at most ${NOTE_MAX} characters)`)
    .option("--out <file>", "where to write the issued file (default: next to the input, scan.pdf → scan.issued.pdf)")
    .option("--force", "overwrite the issued file if it exists")
    .option("--confirmations <n>", "blocks to wait for before the amendment counts as registered (default MEDLEDGER_CONFIRMATIONS, else 1)", parseConfirmations)
    .option("--wait <seconds>", "how long to wait for the confirmations before checking the chain and stopping (default 180)", parseWait)
    .addHelpText("after", ISSUED_HELP)
    .action(async (id: string, path: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & MetadataOptions & { out?: string; force?: boolean; confirmations?: number; wait?: number }>();
      const out = createPrinter(run, Boolean(opts.json));
      const metadata = metadataOf(opts, path);
      const reportId = parseReportId(id);
      const ctx = await openWriter(run, opts);
      const original = await getReportRecord(ctx.ledger, reportId);
      if (original.doctor.toLowerCase() !== ctx.account.address.toLowerCase()) {
        throw new MedLedgerError(
          "NO_ACCESS",
          `Report ${reportId} was issued by another doctor (${original.doctor}); only the doctor who issued a report can amend it.`,
          "Ask the issuing doctor to amend it, or register a new report of your own.",
        );
      }
      if (original.supersededBy) {
        throw new MedLedgerError(
          "INVALID_INPUT",
          `Report ${reportId} was already amended by ${original.supersededBy}.`,
          `Amend the latest version instead: medledger report amend ${original.supersededBy} <file>`,
        );
      }
      await runUpload(run, ctx, out, {
        path,
        patient: original.patient,
        metadata,
        supersedes: reportId,
        out: opts.out,
        force: opts.force,
        confirmations: opts.confirmations,
        waitSeconds: opts.wait,
      });
    });

  report
    .command("read")
    .description("Download, decrypt and check a report you may read (as its patient, its doctor or a reader it was shared with).")
    .argument("<id>", "the report id")
    .requiredOption("--out <file>", "where to write the decrypted file")
    .option("--force", "overwrite --out if it exists")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { out: string; force?: boolean }>();
      const out = createPrinter(run, Boolean(opts.json));
      const reportId = parseReportId(id);
      const ctx = await openWriter(run, opts);
      const identity = await openIdentity(ctx.ledger);
      const opened = await readReport(ctx.ledger, await openStore(ctx.config), reportId, identity, {
        maxBytes: ctx.config.maxFileBytes,
        onProgress: (step) => {
          if (step !== "done") out.step(READ_STEPS[step]);
        },
      });
      try {
        await writeFile(opts.out, opened.bytes, { flag: opts.force ? "w" : "wx" });
      } catch (error) {
        const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
        throw new MedLedgerError(
          "INVALID_INPUT",
          exists ? `${opts.out} already exists.` : `Cannot write ${opts.out}.`,
          exists ? "Choose another --out file, or add --force to overwrite it." : "Check the folder exists and is writable.",
          { cause: error },
        );
      }
      const r = opened.record;
      if (r.supersededBy) out.warn(`this report was amended by report ${r.supersededBy}; it is not the current version.`);
      // Into the patient's access history, proven with the reader's key (no sign-in); never fatal: the file is saved.
      const serverUrl = serverUrlOf(run, opts);
      let logged: boolean | "coalesced" = false;
      if (!serverUrl) {
        out.warn("no MedLedger server is configured (--server or MEDLEDGER_SERVER_URL), so this opening is not logged in the patient's access history.");
      } else {
        try {
          const reply = await recordOpening({ serverUrl, deployment: ctx.config.deployment, identity, reportId, via: "cli" });
          logged = reply.logged ? true : "coalesced";
        } catch (error) {
          const reason = error instanceof MedLedgerError ? error.message : String(error);
          out.warn(`the opening could not be logged at ${serverUrl}: ${reason}`);
        }
      }
      const summary = opened.summary;
      out.result(
        {
          ok: true,
          ...recordJson(r),
          ...(summary ? { title: summary.title, kind: summary.kind, dateOfService: summary.dateOfService, note: summary.note } : {}),
          out: opts.out,
          size: opened.bytes.byteLength,
          digestsMatch: true,
          openingLogged: logged !== false,
        },
        [
          ...(summary
            ? [
                `${summary.title} — ${summary.kindLabel}${summary.dateOfService ? `, ${summary.dateOfService}` : ""}`,
                ...(summary.note ? [`  Note: ${summary.note}`] : []),
              ]
            : []),
          `Saved report ${r.reportId} to ${opts.out} (${formatBytes(opened.bytes.byteLength)}); both digests match the chain.`,
          ...(logged ? [`The opening is logged in the patient's access history at ${serverUrl} (via CLI).`] : []),
        ],
      );
    });

  report
    .command("list")
    .description("List reports: yours (as patient, doctor or reader) by default, or those of --patient / --doctor.")
    .option("--patient <address>", "reports of this patient")
    .option("--doctor <address>", "reports issued by this doctor")
    .option("--for <patient>", "as a guardian: the reports of this patient you look after, with their titles")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient?: string; doctor?: string; for?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const patient = opts.patient ? parseAddress(opts.patient, "patient") : undefined;
      const doctor = opts.doctor ? parseAddress(opts.doctor, "doctor") : undefined;
      const ward = opts.for ? parseAddress(opts.for, "patient") : undefined;
      let rows: { record: ReportRecord; relation: string }[];
      let summaries = new Map<Hex, ReportSummary | null | MedLedgerError>();
      if (ward) {
        const ctx = await openWriter(run, opts);
        await requireGuardian(ctx.ledger, ward, ctx.account.address);
        rows = (await listReports(ctx.ledger, { patient: ward })).map((record) => ({ record, relation: "guardian" }));
        summaries = await readReportSummaries(
          ctx.ledger,
          await openStore(ctx.config),
          rows.map((r) => r.record),
          await openIdentity(ctx.ledger),
        );
      } else if (patient || doctor) {
        const { ledger } = await openReader(run, opts);
        rows = (await listReports(ledger, { patient, doctor })).map((record) => ({ record, relation: "" }));
      } else {
        if (!hasSigner(run, opts)) {
          throw new MedLedgerError(
            "CONFIG",
            "Listing your own reports needs to know who you are, but no signing key is configured.",
            "Pass --patient <address> or --doctor <address>, or configure your key (MEDLEDGER_PRIVATE_KEY, --keystore or, locally, --as).",
          );
        }
        const ctx = await openWriter(run, opts);
        const { ledger, account } = ctx;
        const me = account.address;
        const [asPatient, asDoctor, shared] = await Promise.all([
          listReports(ledger, { patient: me }),
          listReports(ledger, { doctor: me }),
          listReportsSharedWith(ledger, me),
        ]);
        const seen = new Set<string>();
        rows = [
          ...asPatient.map((record) => ({ record, relation: "patient" })),
          ...asDoctor.map((record) => ({ record, relation: "doctor" })),
          ...shared.map((record) => ({ record, relation: "shared with you" })),
        ].filter(({ record }) => !seen.has(record.reportId) && seen.add(record.reportId) !== undefined);
        rows.sort((a, b) => Number(b.record.blockNumber - a.record.blockNumber));
        // Titles: the head of each report's ciphertext, opened with your key (a few kilobytes each).
        summaries = await readReportSummaries(
          ledger,
          await openStore(ctx.config),
          rows.map((r) => r.record),
          await openIdentity(ledger),
        ).catch((error: unknown) => {
          out.warn(`titles are not shown: ${error instanceof Error ? error.message : String(error)}`);
          return new Map();
        });
        // A held result's title opens once it is released: its status says so, no warning.
        const unreadable = [...summaries.values()].filter((s) => s instanceof MedLedgerError && s.code !== "RESULT_HELD");
        if (unreadable.length > 0) out.warn(`${unreadable.length} report title(s) could not be read: ${(unreadable[0] as MedLedgerError).message}`);
      }
      const summaryOf = (record: ReportRecord): ReportSummary | null => {
        const summary = summaries.get(record.reportId);
        return summary instanceof MedLedgerError || summary === undefined ? null : summary;
      };
      out.result(
        {
          ok: true,
          reports: rows.map(({ record, relation }) => {
            const summary = summaryOf(record);
            return {
              ...recordJson(record, relation || undefined),
              ...(summary ? { title: summary.title, kind: summary.kind, dateOfService: summary.dateOfService } : {}),
            };
          }),
        },
        rows.length === 0
          ? ["No reports."]
          : table(
              [
                ...(summaries.size > 0 ? ["TITLE", "KIND", "DATE"] : []),
                "REPORT ID",
                "PATIENT",
                "DOCTOR",
                "REGISTERED",
                "STATUS",
                ...(rows.some((r) => r.relation) ? ["YOU ARE"] : []),
              ],
              rows.map(({ record, relation }) => [
                ...(summaries.size > 0
                  ? [
                      summaryOf(record)?.title ?? (isHeldError(summaries.get(record.reportId)) ? "(a result under review)" : "(untitled)"),
                      summaryOf(record)?.kindLabel ?? "",
                      summaryOf(record)?.dateOfService ?? "",
                    ]
                  : []),
                record.reportId,
                record.patient,
                record.doctor,
                formatTime(record.registeredAt),
                status(record, relation),
                ...(relation ? [relation] : []),
              ]),
            ),
      );
    });

  report
    .command("share")
    .description("Let another account read some or all of your reports (as their patient), in one transaction, optionally until a date.")
    .argument("[ids...]", "the report ids (or --all)")
    .requiredOption("--with <address>", "the reader's account (they must have published their key)")
    .option("--all", "share every one of your reports")
    .option("--for <patient>", "as this patient's guardian: share their reports in their name (you send and pay; no --relay)")
    .option(
      "--expires <YYYY-MM-DD|never>",
      "last day of access (UTC) for everything you share with this reader; `never` removes an end date (default: keep the current one)",
    )
    .action(async (ids: string[], _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { with: string; all?: boolean; expires?: string; for?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      if (opts.all && ids.length > 0) {
        throw new MedLedgerError(
          "INVALID_INPUT",
          "Give report ids or --all, not both.",
          "Use `medledger report share --all --with <address>` to share every report.",
        );
      }
      if (!opts.all && ids.length === 0) {
        throw new MedLedgerError("INVALID_INPUT", "No report to share was given.", "Name one or more report ids, or pass --all.");
      }
      const reports = opts.all ? "all" : ids.map((id) => parseReportId(id));
      const reader = parseAddress(opts.with, "reader");
      const expiresAt = opts.expires === undefined ? undefined : opts.expires.trim().toLowerCase() === "never" ? null : expiryOfDay(opts.expires);
      const ward = opts.for ? parseAddress(opts.for, "patient") : undefined;
      const ctx = await openWriter(run, opts);
      const identity = await openIdentity(ctx.ledger);
      const send = ward ? guardianSender(ctx.ledger, ward) : relaySenderOf(run, opts, ctx.ledger, relayStep(out));
      const result = await shareReports(ctx.ledger, identity, { reader, reports, expiresAt, ...(ward ? { forPatient: ward } : {}) }, send);
      const until = result.expiresAt === 0 ? "no end date" : `until ${formatTime(result.expiresAt)}`;
      out.result(
        {
          ok: true,
          ...(reports !== "all" && reports.length === 1 ? { reportId: reports[0] } : {}),
          reader,
          shared: result.shared,
          alreadyShared: result.alreadyShared,
          expiresAt: result.expiresAt === 0 ? null : result.expiresAt,
          transactionHash: result.transactionHashes[0] ?? null,
          transactionHashes: result.transactionHashes,
        },
        [
          result.shared.length === 0
            ? `Nothing new to share with ${reader}${result.alreadyShared.length > 0 ? ` (${result.alreadyShared.length} already shared)` : ""}.`
            : `Shared ${result.shared.length === 1 ? `report ${result.shared[0]}` : `${result.shared.length} reports`} with ${reader}, ${until}.`,
          ...(result.shared.length > 0 && result.alreadyShared.length > 0 ? [`  ${result.alreadyShared.length} already shared (now ${until}).`] : []),
          ...result.transactionHashes.map((hash) => `  Transaction ${hash}`),
        ],
      );
    });

  report
    .command("revoke")
    .description("Withdraw a reader's access to one of your reports, or to all of them (as their patient).")
    .argument("[id]", "the report id (SHA-256), or --all")
    .requiredOption("--from <address>", "the reader's account")
    .option("--all", "revoke everything you ever shared with this reader")
    .option("--rekey", "then re-encrypt the report under a new key, so a key the reader kept opens nothing new (one report only)")
    .option("--for <patient>", "as this patient's guardian: revoke in their name (you send and pay; no --rekey)")
    .action(async (id: string | undefined, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { from: string; all?: boolean; rekey?: boolean; for?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      if (opts.all && opts.rekey) {
        throw new MedLedgerError(
          "INVALID_INPUT",
          "--rekey re-encrypts one report: it does not go with --all.",
          "Revoke everything with --all, then re-key the reports that matter one by one.",
        );
      }
      if (Boolean(opts.all) === (id !== undefined)) {
        throw new MedLedgerError(
          "INVALID_INPUT",
          "Give one report id, or --all.",
          "Use `medledger report revoke <id> --from <address>`, or `--all --from <address>` for everything.",
        );
      }
      if (opts.for && opts.rekey) {
        throw new MedLedgerError("INVALID_INPUT", "A guardian stops sharing; re-encrypting stays with the patient.", "Leave out --rekey, or ask the patient.");
      }
      const reader = parseAddress(opts.from, "reader");
      const ctx = await openWriter(run, opts);
      const send = opts.for ? guardianSender(ctx.ledger, parseAddress(opts.for, "patient")) : relaySenderOf(run, opts, ctx.ledger, relayStep(out));
      if (id === undefined) {
        const hash = await revokeAllShares(ctx.ledger, reader, send);
        out.result({ ok: true, reportId: null, reader, all: true, transactionHash: hash }, [
          `Revoked everything you shared with ${reader}.`,
          `  Transaction ${hash}`,
        ]);
        return;
      }
      const reportId = parseReportId(id);
      if (opts.rekey) {
        const identity = await openIdentity(ctx.ledger);
        const result = await revokeAndRekey(ctx.ledger, await openStore(ctx.config), reportId, reader, identity, {
          maxBytes: ctx.config.maxFileBytes,
          ...(send ? { send } : {}),
          onProgress: (step) => {
            if (step !== "done") out.step(REKEY_STEPS[step]);
          },
        });
        out.result(
          {
            ok: true,
            reportId,
            reader,
            all: false,
            transactionHash: result.revokeTransactionHash ?? null,
            rekey: {
              version: result.version,
              cid: result.cid,
              previousCid: result.previousCid,
              readers: result.readers,
              transactionHash: result.transactionHash,
              unpinned: result.unpinned,
            },
          },
          [
            `Revoked ${reader}'s access to report ${reportId} and re-encrypted it (version ${result.version}).`,
            `  New IPFS CID ${result.cid}${result.unpinned ? ` (the old one, ${result.previousCid}, is unpinned)` : ""}`,
            `  Still shared with ${result.readers.length === 0 ? "nobody else" : result.readers.join(", ")}`,
            ...(result.revokeTransactionHash ? [`  Transaction ${result.revokeTransactionHash}`] : []),
            `  Transaction ${result.transactionHash}`,
          ],
        );
        return;
      }
      const hash = await revokeShare(ctx.ledger, reportId, reader, send);
      out.result({ ok: true, reportId, reader, all: false, transactionHash: hash }, [
        `Revoked ${reader}'s access to report ${reportId}.`,
        `  Transaction ${hash}`,
      ]);
    });

  report
    .command("shares")
    .description("Who a report was shared with, and whether each grant is current.")
    .argument("<id>", "the report id")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const reportId = parseReportId(id);
      const { ledger } = await openReader(run, opts);
      await getReportRecord(ledger, reportId);
      const [shares, readers] = await Promise.all([listShares(ledger, reportId), listReportReaders(ledger, reportId)]);
      const current = new Map(readers.map((r) => [r.reader, r]));
      const access = (reader: Address): string => {
        const grant = current.get(reader);
        if (!grant) return "revoked";
        const until = grant.expiresAt === null ? "" : ` until ${formatTime(grant.expiresAt)}`;
        return grant.status === "active" ? `current${until}` : `expired${until.replace(" until", "")}`;
      };
      out.result(
        { ok: true, reportId, shares, readers },
        shares.length === 0
          ? ["Not shared with anyone."]
          : table(
              ["READER", "ACCESS"],
              shares.map((s) => [s.reader, access(s.reader)]),
            ),
      );
    });

  report
    .command("pending")
    .description(
      "Settle your uploads that are not final yet: a registration whose block is final is done; one a reorganisation of the chain removed, or whose transaction was dropped, or that was never sent, is registered again from the same prepared upload (nothing is uploaded again).",
    )
    .option("--check", "only look: send nothing")
    .option("--confirmations <n>", "blocks to wait for after registering again", parseConfirmations)
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { check?: boolean; confirmations?: number }>();
      const out = createPrinter(run, Boolean(opts.json));
      const ctx = await openWriter(run, opts);
      const dir = pendingDir(run.env, run.cwd);
      const finalityBlocks = finalityBlocksOf(ctx.config);
      const confirmations = opts.confirmations ?? ctx.config.confirmations ?? 1;
      const rows: PendingRow[] = [];
      for (const entry of await listPending(dir, ctx.ledger.deployment)) {
        rows.push(await settlePending(ctx, dir, entry, finalityBlocks, confirmations, Boolean(opts.check)));
      }
      const failed = rows.filter((r) => r.status === "failed");
      out.result(
        {
          ok: failed.length === 0,
          finalityBlocks,
          uploads: rows.map(({ error, ...row }) => (error ? { ...row, error: { code: error.code, message: error.message } } : row)),
        },
        rows.length === 0
          ? ["No pending uploads: every upload of this folder is registered and final."]
          : [
              ...table(
                ["REPORT", "FILE", "STATUS", "BLOCK"],
                rows.map((r) => [
                  `${r.reportId.slice(0, 10)}…`,
                  basename(r.file),
                  r.status === "awaiting-finality" ? `${PENDING_STATUS[r.status]} (${r.confirmations} of ${finalityBlocks} blocks)` : PENDING_STATUS[r.status],
                  r.blockNumber ?? "",
                ]),
              ),
              ...failed.map((r) => `  ${r.reportId.slice(0, 10)}…: ${r.error?.message ?? "failed"}`),
            ],
      );
      if (failed.length > 0) {
        const first = failed[0]!.error!;
        throw new MedLedgerError(
          first.code,
          `${failed.length} of ${rows.length} pending uploads are not settled: ${first.message}`,
          `${first.hint} Then run \`medledger report pending\` again.`,
          {
            cause: first,
          },
        );
      }
    });
}
