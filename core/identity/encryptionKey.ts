/**
 * A user's encryption identity: the X25519 key pair derived from their wallet's signature over a
 * fixed EIP-712 message (so a user needs nothing but their wallet), and its publication on chain.
 *
 * A key is only ever derived from a signature that is provably the account's own deterministic
 * ECDSA signature: before a key is first published the message is signed twice and both must agree;
 * afterwards every unlock must give exactly the published key. A wallet that gives another key is
 * refused (KEY_MISMATCH) and nothing is republished: a silent replacement would make everything
 * wrapped to the old key unreadable for good. Changing the key is an explicit rotation.
 */
import type { Hash, Account, Address, Chain, Hex, Transport, WalletClient } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { checkIdentitySignature, deriveEncryptionKeyPair, encryptionIdentityTypedData, FIRST_KEY_VERSION } from "../crypto/keyDerivation.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import type { Deployment, LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";

export interface EncryptionIdentity {
  readonly address: Address;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

type IdentityWallet = WalletClient<Transport, Chain | undefined, Account>;

async function signIdentity(walletClient: IdentityWallet, deployment: Deployment, keyVersion: number): Promise<Hex> {
  const account = walletClient.account;
  const typedData = encryptionIdentityTypedData(deployment.chainId, deployment.address, account.address, keyVersion);
  let signature: Hex;
  try {
    signature = await walletClient.signTypedData({ account, ...typedData });
  } catch (error) {
    throw toLedgerError(error, { action: "Unlocking your encryption key" });
  }
  await checkIdentitySignature(signature, typedData);
  return signature;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => bytesToHex(a) === bytesToHex(b);

/**
 * Asks the wallet to sign the identity message and derives the key pair from the signature.
 * With `reader`, the result is compared with the key the account published: a different key is
 * refused (KEY_MISMATCH); with no key published yet (or no `reader`), the wallet signs a second time
 * and both signatures must agree, or the wallet is refused as non-deterministic. The message signed
 * carries `keyVersion`: by default the account's current key version on chain (1 without `reader`).
 */
export async function unlockIdentity(
  walletClient: IdentityWallet,
  deployment: Deployment,
  reader?: LedgerReader,
  keyVersion?: number,
): Promise<EncryptionIdentity> {
  const address = walletClient.account.address;
  // Without an explicit version, the account's current one (the first if it has none yet).
  const version = keyVersion ?? (reader ? Math.max(FIRST_KEY_VERSION, await readLedger(reader, "keyVersionOf", [address])) : FIRST_KEY_VERSION);
  const signature = await signIdentity(walletClient, deployment, version);
  const { publicKey, secretKey } = deriveEncryptionKeyPair(signature);
  const published = reader ? await publishedKeyOf(reader, address) : undefined;
  if (published) {
    if (!sameBytes(published, publicKey)) {
      throw new MedLedgerError(
        "KEY_MISMATCH",
        "This wallet produced a different encryption key than the one published for your account, so it cannot open your reports. Nothing was changed.",
        "Unlock with the wallet (and account) you used before. If your wallet signs differently each time, it cannot be used for MedLedger.",
      );
    }
  } else if ((await signIdentity(walletClient, deployment, version)) !== signature) {
    throw new MedLedgerError(
      "UNSUPPORTED_WALLET",
      "This wallet signs the same message differently each time, so it cannot keep a stable encryption key: your reports would become unreadable.",
      "Use a wallet with deterministic signatures (MetaMask, Rabby, Frame, Ledger, Trezor).",
    );
  }
  return { address, publicKey, secretKey };
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

/**
 * Publishes the identity's public key if the account has none yet. Returns true if a transaction
 * was sent. Never replaces a different published key (KEY_MISMATCH): that is a rotation.
 */
export async function ensureKeyPublished(
  ledger: LedgerWriter,
  identity: EncryptionIdentity,
  options: { readonly onPublishing?: () => void; readonly onSent?: (hash: Hash) => void } = {},
): Promise<boolean> {
  const current = await publishedKeyOf(ledger, identity.address);
  if (current && sameBytes(current, identity.publicKey)) return false;
  if (current) {
    throw new MedLedgerError(
      "KEY_MISMATCH",
      "Your account already has a different encryption key on record; it was not replaced.",
      "Unlock with the wallet you used before, or rotate your key explicitly.",
    );
  }
  options.onPublishing?.();
  await writeLedger(ledger, "publishEncryptionKey", [bytesToHex(identity.publicKey)], { onSent: options.onSent });
  return true;
}
