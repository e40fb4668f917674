/**
 * A user's encryption identity: the X25519 key pair derived from their wallet's signature over a
 * fixed EIP-712 message (so a user needs nothing but their wallet), and its publication on chain.
 */
import type { Account, Address, Chain, Hex, Transport, WalletClient } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { deriveEncryptionKeyPair, encryptionIdentityTypedData } from "../crypto/keyDerivation.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import type { Deployment, LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";

export interface EncryptionIdentity {
  readonly address: Address;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Asks the wallet to sign the identity message and derives the key pair from the signature. */
export async function unlockIdentity(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  deployment: Deployment,
): Promise<EncryptionIdentity> {
  const account = walletClient.account;
  let signature: Hex;
  try {
    signature = await walletClient.signTypedData({ account, ...encryptionIdentityTypedData(deployment.chainId, deployment.address, account.address) });
  } catch (error) {
    throw toLedgerError(error, { action: "Unlocking your encryption key" });
  }
  const { publicKey, secretKey } = deriveEncryptionKeyPair(signature);
  return { address: account.address, publicKey, secretKey };
}

/** The X25519 public key `account` published, or undefined. */
export async function publishedKeyOf(ledger: LedgerReader, account: Address): Promise<Uint8Array | undefined> {
  const key = await readLedger(ledger, "encryptionKeyOf", [account]);
  return /^0x0+$/.test(key) ? undefined : hexToBytes(key);
}

/** Like {@link publishedKeyOf} but fails with an actionable error when there is none. */
export async function requirePublishedKey(ledger: LedgerReader, account: Address, who: string): Promise<Uint8Array> {
  const key = await publishedKeyOf(ledger, account);
  if (!key) {
    throw new MedLedgerError(
      "NO_ENCRYPTION_KEY",
      `The ${who} (${account}) has not published an encryption key, so nothing can be encrypted for them.`,
      `Ask the ${who} to open MedLedger once with their wallet and unlock their key.`,
    );
  }
  return key;
}

/** Publishes the identity's public key unless the chain already holds exactly it. Returns true if a transaction was sent. */
export async function ensureKeyPublished(ledger: LedgerWriter, identity: EncryptionIdentity): Promise<boolean> {
  const current = await publishedKeyOf(ledger, identity.address);
  if (current && bytesToHex(current) === bytesToHex(identity.publicKey)) return false;
  await writeLedger(ledger, "publishEncryptionKey", [bytesToHex(identity.publicKey)]);
  return true;
}
