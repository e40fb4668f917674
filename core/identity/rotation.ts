/**
 * Rotating an encryption key (never implicit: the user asks for it). The wallet signs the identity
 * message of the current key version (checked against the published key) and of the next one
 * (signed twice: the wallet must be deterministic, core/crypto/keyDerivation.ts); the new key is
 * published as version + 1 (directly or relayed); then every report key wrapped to an older key —
 * the user's own reports as patient or issuing doctor, and what others shared with them — is
 * re-wrapped for the new key and published with `rewrapKeys`, {@link REWRAP_BATCH_SIZE} per
 * transaction, so the user reads everything afterwards. An interrupted rotation is finished with
 * {@link finishRotation}, which re-wraps only and rotates nothing. A patient without ETH rotates
 * through a relayer: `rewrapKeys` has no signed form, so their own reports are re-keyed instead
 * ({@link RelayedRewrap}).
 */
import type { Address, Hash, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { unwrapKey, wrapKey } from "../crypto/keyWrap.ts";
import { directSender, type ActionSender } from "../contract/actions.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { getReportRecord, grantOf, listReports, type ReportRecord } from "../reports/records.ts";
import { rekeyReport } from "../reports/rekey.ts";
import { currentKeysFor, type ReaderKey } from "../reports/versions.ts";
import { unlockIdentity, type EncryptionIdentity } from "./encryptionKey.ts";

/** Most report keys one `rewrapKeys` transaction carries (an event each, ~8k gas). */
export const REWRAP_BATCH_SIZE = 100;

export type RotationStep = "unlocking" | "publishing" | "collecting" | "rewrapping" | "done";

export type RotationProgress = (step: RotationStep, detail?: { readonly done: number; readonly total: number }) => void;

/**
 * For an account that pays no gas: `rewrapKeys` has no signed form, so its own reports (as
 * patient or issuing doctor) are re-keyed instead (core/reports/rekey.ts, a new ciphertext each,
 * stored in `store`), through `send` (relayed). Reports others shared with it cannot be re-wrapped
 * that way: they are returned as `pending` (the account re-wraps them once it has ETH, or asks for
 * them to be shared again).
 */
export interface RelayedRewrap {
  readonly send: ActionSender;
  readonly store: ContentStore;
}

export interface RewrapOptions {
  /** Older identities already unlocked, by key version. */
  readonly known?: readonly { readonly version: number; readonly identity: EncryptionIdentity }[];
  readonly onProgress?: RotationProgress;
  /** Re-key through a relayer instead of sending `rewrapKeys` (see {@link RelayedRewrap}). */
  readonly relayed?: RelayedRewrap;
}

export interface RotationOptions {
  /** How the new key is published: the account's own transaction by default, or relayed. */
  readonly send?: ActionSender;
  readonly onProgress?: RotationProgress;
  /** With a relayed `send`, where re-keyed reports are stored: nothing is then sent as the account's own transaction. */
  readonly rekeyThrough?: ContentStore;
}

export interface RewrapResult {
  /** The key version everything is now wrapped to. */
  readonly keyVersion: number;
  /** Reports whose key was re-wrapped for it (with `rewrapKeys`). */
  readonly rewrapped: readonly Hex[];
  /** Reports re-keyed for it instead (relayed rotation). */
  readonly rekeyed: readonly Hex[];
  /** Reports still wrapped to an older key (relayed rotation, shared with the account). */
  readonly pending: readonly Hex[];
  readonly transactionHashes: readonly Hash[];
}

export interface RotationResult extends RewrapResult {
  readonly previousVersion: number;
  readonly publishTransactionHash: Hash;
  /** The new identity: what the user reads with from now on. */
  readonly identity: EncryptionIdentity;
}

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Unlocks key version `version` of the writer's account and checks it against the key published
 * as that version (KEY_MISMATCH otherwise).
 */
export async function unlockKeyVersion(ledger: LedgerWriter, version: number): Promise<EncryptionIdentity> {
  const account = accountOf(ledger);
  const published = await getLedgerEvents(ledger, { eventName: "EncryptionKeyPublished", args: { account } });
  const entry = published.find((log) => log.args.version === version);
  if (!entry) {
    throw new MedLedgerError("NO_ENCRYPTION_KEY", `Your account never published an encryption key of version ${version}.`, "Check the key version.");
  }
  const identity = await unlockIdentity(ledger.walletClient, ledger.deployment, undefined, version);
  if (bytesToHex(identity.publicKey) !== entry.args.key) {
    throw new MedLedgerError(
      "KEY_MISMATCH",
      `This wallet produced a different key than the one you published as version ${version}.`,
      "Unlock with the wallet (and account) you used before.",
    );
  }
  return identity;
}

/** Every report `reader` may read now: as patient, as issuing doctor, or through an active grant. */
export async function readableReports(ledger: LedgerReader, reader: Address): Promise<ReportRecord[]> {
  const [asPatient, asDoctor, granted] = await Promise.all([
    listReports(ledger, { patient: reader }),
    listReports(ledger, { doctor: reader }),
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reader } }),
  ]);
  const own = new Map<Hex, ReportRecord>([...asPatient, ...asDoctor].map((record) => [record.reportId, record]));
  const sharedIds = [...new Set(granted.map((log) => log.args.reportId))].filter((id) => !own.has(id));
  const states = await Promise.all(sharedIds.map((id) => grantOf(ledger, id, reader)));
  const shared = await Promise.all(sharedIds.filter((_, i) => states[i]!.status === "active").map((id) => getReportRecord(ledger, id)));
  return [...own.values(), ...shared];
}

/**
 * Re-wraps for the account's current key (`current`) every report key still wrapped to one of its
 * older keys, unlocking each older version the first time it is needed (or taking it from
 * `options.known`), and publishes them with `rewrapKeys` in batches of {@link REWRAP_BATCH_SIZE}
 * as the account's own transactions — or, with `options.relayed`, re-keys them through a relayer.
 */
export async function rewrapForCurrentKey(ledger: LedgerWriter, current: EncryptionIdentity, options: RewrapOptions = {}): Promise<RewrapResult> {
  const onProgress = options.onProgress ?? (() => {});
  const account = accountOf(ledger);
  const keyVersion = await readLedger(ledger, "keyVersionOf", [account]);
  if (keyVersion === 0 || !same(current.address, account)) {
    throw new MedLedgerError(
      "NO_ENCRYPTION_KEY",
      "Your account has no encryption key on record to re-wrap for.",
      "Publish your key first (`medledger keys publish`).",
    );
  }
  onProgress("collecting");
  const records = await readableReports(ledger, account);
  const keys = await currentKeysFor(ledger, account, records);
  const stale = [...keys.values()].filter((key) => key.keyVersion < keyVersion);
  const identities = new Map<number, EncryptionIdentity>((options.known ?? []).map((k) => [k.version, k.identity]));
  const identityOf = async (version: number): Promise<EncryptionIdentity> => {
    let identity = identities.get(version);
    if (!identity) {
      identity = await unlockKeyVersion(ledger, version);
      identities.set(version, identity);
    }
    return identity;
  };
  if (options.relayed) return rekeyRelayed(ledger, keyVersion, stale, identityOf, options.relayed, onProgress);

  const reportIds: Hex[] = [];
  const wrappedKeys: Hex[] = [];
  for (const key of stale) {
    const identity = await identityOf(key.keyVersion);
    const context = { reportId: key.reportId, reader: account };
    const reportKey = unwrapKey(hexToBytes(key.wrappedKey), identity.secretKey, context);
    wrappedKeys.push(bytesToHex(wrapKey(reportKey, current.publicKey, context)));
    reportKey.fill(0);
    reportIds.push(key.reportId);
  }
  const transactionHashes: Hash[] = [];
  for (let start = 0; start < reportIds.length; start += REWRAP_BATCH_SIZE) {
    onProgress("rewrapping", { done: start, total: reportIds.length });
    const batch = [reportIds.slice(start, start + REWRAP_BATCH_SIZE), wrappedKeys.slice(start, start + REWRAP_BATCH_SIZE)] as const;
    transactionHashes.push((await writeLedger(ledger, "rewrapKeys", [batch[0], batch[1]])).hash);
  }
  onProgress("done", { done: reportIds.length, total: reportIds.length });
  return { keyVersion, rewrapped: reportIds, rekeyed: [], pending: [], transactionHashes };
}

/** The relayed form of the re-wrap: re-key the account's own reports, leave the others pending. */
async function rekeyRelayed(
  ledger: LedgerWriter,
  keyVersion: number,
  stale: readonly ReaderKey[],
  identityOf: (version: number) => Promise<EncryptionIdentity>,
  relayed: RelayedRewrap,
  onProgress: RotationProgress,
): Promise<RewrapResult> {
  const own = stale.filter((key) => key.relation !== "grantee");
  const rekeyed: Hex[] = [];
  const transactionHashes: Hash[] = [];
  for (const [i, key] of own.entries()) {
    onProgress("rewrapping", { done: i, total: own.length });
    const result = await rekeyReport(ledger, relayed.store, key.reportId, await identityOf(key.keyVersion), { send: relayed.send });
    rekeyed.push(key.reportId);
    transactionHashes.push(result.transactionHash);
  }
  onProgress("done", { done: own.length, total: own.length });
  const pending = stale.filter((key) => key.relation === "grantee").map((key) => key.reportId);
  return { keyVersion, rewrapped: [], rekeyed, pending, transactionHashes };
}

/**
 * Rotates the account's encryption key to the next version and re-wraps everything it reads.
 * Caller: the account holder, explicitly.
 */
export async function rotateEncryptionKey(ledger: LedgerWriter, options: RotationOptions = {}): Promise<RotationResult> {
  const progress = options.onProgress ?? (() => {});
  const send = options.send ?? directSender(ledger);
  const account = accountOf(ledger);
  const previousVersion = await readLedger(ledger, "keyVersionOf", [account]);
  if (previousVersion === 0) {
    throw new MedLedgerError(
      "NO_ENCRYPTION_KEY",
      "Your account has no encryption key to rotate yet.",
      "Publish your first key instead (`medledger keys publish`).",
    );
  }
  progress("unlocking");
  // The current key, checked against the published one; the next, signed twice (deterministic wallet).
  const previous = await unlockIdentity(ledger.walletClient, ledger.deployment, ledger, previousVersion);
  const identity = await unlockIdentity(ledger.walletClient, ledger.deployment, undefined, previousVersion + 1);
  progress("publishing");
  const { hash } = await send({ kind: "encryptionKey", key: bytesToHex(identity.publicKey), version: previousVersion + 1 });
  const rewrapped = await rewrapForCurrentKey(ledger, identity, {
    known: [{ version: previousVersion, identity: previous }],
    onProgress: progress,
    relayed: options.rekeyThrough ? { send, store: options.rekeyThrough } : undefined,
  });
  return { ...rewrapped, previousVersion, publishTransactionHash: hash, identity };
}

/**
 * Finishes an interrupted rotation: re-wraps for the current key whatever is still wrapped to an
 * older one. Rotates nothing.
 */
export async function finishRotation(ledger: LedgerWriter, options: Omit<RewrapOptions, "known"> = {}): Promise<RewrapResult> {
  const keyVersion = await readLedger(ledger, "keyVersionOf", [accountOf(ledger)]);
  const current = await unlockIdentity(ledger.walletClient, ledger.deployment, ledger, Math.max(keyVersion, 1));
  return rewrapForCurrentKey(ledger, current, options);
}
