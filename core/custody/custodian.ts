/**
 * The hospital's records custodian, as the chain names it (`carePolicy()`): the account every
 * report key is also wrapped to, so that a patient who loses their wallet, a guardian or an
 * emergency doctor can be given the key later (server/custody/ does that, only for accounts the
 * chain already allows to read). A hospital without one has no recovery: reports are wrapped to
 * their readers only.
 */
import type { Address, Hex } from "viem";
import { bytesToHex, zeroAddress } from "viem";
import { readLedger } from "../contract/calls.ts";
import type { LedgerReader } from "../contract/ledger.ts";
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
