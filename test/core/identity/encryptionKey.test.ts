/**
 * Keys that no wallet can leak or lose: the attacks of the security review, performed.
 * - A smart account's signature wrapper (public constant headers in the first 64 bytes) used to give
 *   every such user the same, publicly computable key: now refused.
 * - A wallet that signs non-deterministically (hedged ECDSA, MPC, passkeys) used to get a new key at
 *   every unlock, silently republished: now refused before the first publication, and a different
 *   key never replaces a published one.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import {
  bytesToHex,
  concatHex,
  createWalletClient,
  custom,
  encodeAbiParameters,
  hashTypedData,
  hexToBytes,
  type Hex,
  type LocalAccount,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";
import { checkIdentitySignature, deriveEncryptionKeyPair, encryptionIdentityTypedData } from "#core/crypto/keyDerivation.ts";
import { isMedLedgerError, type MedLedgerErrorCode } from "#core/errors.ts";
import { ensureKeyPublished, publishedKeyOf, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";

async function expectCode(promise: Promise<unknown>, code: MedLedgerErrorCode): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isMedLedgerError(error, code), String(error)).to.equal(true);
    return;
  }
  expect.fail(`expected ${code}`);
}

/** An account that signs typed data with fresh randomness every time (hedged ECDSA, as some MPC and passkey wallets do). */
function hedgedAccount(privateKey: Hex): LocalAccount {
  const base = privateKeyToAccount(privateKey);
  return toAccount({
    address: base.address,
    signMessage: (args) => base.signMessage(args),
    signTransaction: (tx) => base.signTransaction(tx),
    async signTypedData(typedData) {
      const hash = hexToBytes(hashTypedData(typedData as TypedDataDefinition));
      const sig = secp256k1.sign(hash, hexToBytes(privateKey), { prehash: false, extraEntropy: true, format: "recovered" });
      // noble's recovered format is recovery ‖ r ‖ s; Ethereum's is r ‖ s ‖ v.
      return concatHex([bytesToHex(sig.subarray(1)), sig[0] === 1 ? "0x1c" : "0x1b"]);
    },
  });
}

/** A smart account's signature: an ABI-encoded wrapper (owner index, inner signature), as Coinbase Smart Wallet returns. */
function smartAccount(privateKey: Hex): LocalAccount {
  const owner = privateKeyToAccount(privateKey);
  return toAccount({
    address: "0x00000000000000000000000000000000000000c5",
    signMessage: (args) => owner.signMessage(args),
    signTransaction: (tx) => owner.signTransaction(tx),
    async signTypedData(typedData) {
      const inner = await owner.signTypedData(typedData as TypedDataDefinition);
      return encodeAbiParameters([{ type: "uint256" }, { type: "bytes" }], [0n, inner]);
    },
  });
}

describe("Encryption keys no wallet can leak or lose", function () {
  this.timeout(60_000);
  let ledger: LedgerFixture;
  const person = (handle: string) => {
    const found = DEMO_PEOPLE.find((p) => p.handle === handle);
    if (!found) throw new Error(handle);
    return found;
  };
  const wallet = (account: LocalAccount) => createWalletClient({ account, transport: custom({ request: async () => null }) });

  before(async () => {
    ledger = await inProcessLedger();
  });
  after(async () => ledger.close());

  it("refuses a smart account's wrapped signature, whose first 64 bytes are public constants", async () => {
    const typed = encryptionIdentityTypedData(ledger.deployment.chainId, ledger.deployment.address, "0x00000000000000000000000000000000000000c5");
    const a = await smartAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d").signTypedData!(typed);
    const b = await smartAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a").signTypedData!(typed);
    // The attack the review found: the bytes the old derivation used are the same for every user.
    expect(a.slice(0, 130)).to.equal(b.slice(0, 130));
    await expectCode(checkIdentitySignature(a, typed), "UNSUPPORTED_WALLET");
    expect(() => deriveEncryptionKeyPair(a)).to.throw(/65-byte/);
    await expectCode(
      unlockIdentity(wallet(smartAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")), ledger.deployment),
      "UNSUPPORTED_WALLET",
    );
  });

  it("refuses a signature made by another key than the account's", async () => {
    const typed = encryptionIdentityTypedData(ledger.deployment.chainId, ledger.deployment.address, demoAccount(person("patient1")).address);
    const forged = await demoAccount(person("patient2")).signTypedData(typed);
    await expectCode(checkIdentitySignature(forged, typed), "UNSUPPORTED_WALLET");
  });

  it("refuses a wallet that signs non-deterministically before anything is published", async () => {
    const stranger = person("stranger");
    const hedged = wallet(hedgedAccount(demoPrivateKey(stranger.handle)));
    await expectCode(unlockIdentity(hedged, ledger.deployment, ledger.reader()), "UNSUPPORTED_WALLET");
    expect(await publishedKeyOf(ledger.reader(), hedged.account.address)).to.equal(undefined);
  });

  it("never replaces a published key: a wallet giving another key is refused and nothing is republished", async () => {
    const doctor = ledger.as("doctor1");
    const identity = await unlockIdentity(doctor.walletClient, ledger.deployment, doctor);
    expect(await ensureKeyPublished(doctor, identity)).to.equal(true);
    expect(await ensureKeyPublished(doctor, identity)).to.equal(false);
    // Same account, but a wallet that now signs with fresh randomness: another derived key.
    const hedged = wallet(hedgedAccount(demoPrivateKey("doctor1")));
    await expectCode(unlockIdentity(hedged, ledger.deployment, doctor), "KEY_MISMATCH");
    // And a different key handed to the publisher is refused, the published one kept.
    const other = await unlockIdentity(doctor.walletClient, ledger.deployment, undefined, 2);
    await expectCode(ensureKeyPublished(doctor, other), "KEY_MISMATCH");
    expect(bytesToHex((await publishedKeyOf(doctor, identity.address))!)).to.equal(bytesToHex(identity.publicKey));
  });

  it("derives another key for another key version (rotation), the same one for the same version", async () => {
    const patient = ledger.as("patient1");
    const v1 = await unlockIdentity(patient.walletClient, ledger.deployment);
    const v1again = await unlockIdentity(patient.walletClient, ledger.deployment);
    const v2 = await unlockIdentity(patient.walletClient, ledger.deployment, undefined, 2);
    expect(bytesToHex(v1.publicKey)).to.equal(bytesToHex(v1again.publicKey));
    expect(bytesToHex(v2.publicKey)).not.to.equal(bytesToHex(v1.publicKey));
  });
});

/** The demo person's private key (the public Hardhat mnemonic; local chain only). */
function demoPrivateKey(handle: string): Hex {
  const found = DEMO_PEOPLE.find((p) => p.handle === handle);
  if (!found) throw new Error(handle);
  const key = demoAccount(found).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for ${handle}`);
  return bytesToHex(key);
}
