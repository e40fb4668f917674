/**
 * The hospital's records custodian, as the chain names it (`carePolicy()`): the account every
 * report key is also wrapped to, so that a patient who loses their wallet, a guardian or an
 * emergency doctor can be given the key later (server/custody/ does that, only for accounts the
 * chain already allows to read). A hospital without one has no recovery: reports are wrapped to
 * their readers only.
 */
import type { Address, Hex } from "viem";
import { bytesToHex, zeroAddress, zeroHash } from "viem";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { wrapKey } from "../crypto/keyWrap.ts";
import { requirePublishedKey } from "../identity/encryptionKey.ts";

export interface RecordsCustodian {
  readonly account: Address;
  readonly publicKey: Uint8Array;
}

export interface CarePolicy {
  /** The records custodian's account, or null if the hospital has none. */
  readonly custodian: Address | null;
  /** Seconds an emergency access lasts. */
  readonly emergencyAccessSeconds: number;
  /** Seconds after which a result held for review is released automatically (0: only by its doctor). */
  readonly releaseDelaySeconds: number;
}

/** The hospital's settings as the contract holds them. */
export async function carePolicyOf(ledger: LedgerReader): Promise<CarePolicy> {
  const [custodian, emergency, release] = await readLedger(ledger, "carePolicy");
  return {
    custodian: custodian === zeroAddress ? null : custodian,
    emergencyAccessSeconds: Number(emergency),
    releaseDelaySeconds: Number(release),
  };
}

/**
 * The records custodian with its published key, or null when the hospital has none. A custodian
 * named without a key is NO_ENCRYPTION_KEY: the contract would refuse reports without its wrap.
 */
export async function recordsCustodianOf(ledger: LedgerReader): Promise<RecordsCustodian | null> {
  const { custodian } = await carePolicyOf(ledger);
  if (!custodian) return null;
  return { account: custodian, publicKey: await requirePublishedKey(ledger, custodian, "hospital's records custodian") };
}

/** `reportKey` wrapped for the custodian of report `reportId`, or "0x" when there is none. */
export function custodianKeyFor(custodian: RecordsCustodian | null, reportKey: Uint8Array, reportId: Hex): Hex {
  if (!custodian) return "0x";
  return bytesToHex(wrapKey(reportKey, custodian.publicKey, { reportId, reader: custodian.account }));
}

/**
 * Makes `custodian` the hospital's records custodian (admin), unless it already is, and publishes
 * its encryption key (as the custodian) unless published: what a deployment does once.
 */
export async function appointRecordsCustodian(admin: LedgerWriter, custodian: LedgerWriter, publicKey: Uint8Array): Promise<void> {
  const account = accountOf(custodian);
  const { custodian: current } = await carePolicyOf(admin);
  if (current?.toLowerCase() !== account.toLowerCase()) await writeLedger(admin, "setRecordsCustodian", [account]);
  const published = await readLedger(custodian, "encryptionKeyOf", [account]);
  const key = bytesToHex(publicKey);
  if (published === zeroHash) await writeLedger(custodian, "publishEncryptionKey", [key]);
  else if (published.toLowerCase() !== key.toLowerCase()) {
    throw new MedLedgerError(
      "KEY_MISMATCH",
      "The records custodian's account already published another encryption key than its keystore's.",
      "Use the keystore that belongs to this custodian account, or rotate its key on purpose.",
    );
  }
}
