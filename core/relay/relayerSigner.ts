/**
 * The key the hospital's relayer pays gas with, behind one small interface: {@link RelayerSigner}
 * signs transactions and nothing else. In production it comes from MEDLEDGER_RELAYER_KEY (a hex
 * private key in the server's environment); a keystore, a KMS or an HSM implements the same
 * interface (the address, and a `signTransaction` that returns the signed serialised
 * transaction) and is passed where {@link relayerSignerFromEnv} is used today. The key never
 * leaves the server: the browser only learns whether a relayer is configured.
 */
import type { Address, Hex, LocalAccount, TransactionSerializable } from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";
import { MedLedgerError } from "../errors.ts";

/** What the relayer needs from its key: sign a transaction. A KMS/HSM adapter implements exactly this. */
export interface RelayerSigner {
  readonly address: Address;
  /** Signs `transaction` and returns it serialised, ready for `eth_sendRawTransaction`. */
  signTransaction(transaction: TransactionSerializable): Promise<Hex>;
}

/** A signer over a raw private key (MEDLEDGER_RELAYER_KEY). */
export function privateKeyRelayerSigner(privateKey: Hex): RelayerSigner {
  const account = privateKeyToAccount(privateKey);
  return { address: account.address, signTransaction: (transaction) => account.signTransaction(transaction) };
}

const signsTransactionsOnly = () =>
  Promise.reject(
    new MedLedgerError("CONFIG", "The relayer's key signs transactions only, never messages.", "This is a bug in the caller: report it to the developers."),
  );

/**
 * The viem account of a relayer signer: a local account (viem signs, the node only relays), so
 * the core's writes give it managed nonces under the per-signer send lock (core/contract/nonces.ts).
 */
export function relayerAccount(signer: RelayerSigner): LocalAccount {
  return toAccount({
    address: signer.address,
    signTransaction: (transaction) => signer.signTransaction(transaction),
    signMessage: signsTransactionsOnly,
    signTypedData: signsTransactionsOnly,
  });
}

/** The relayer's signer from MEDLEDGER_RELAYER_KEY, or undefined when the server relays nothing. */
export function relayerSignerFromEnv(env: NodeJS.ProcessEnv = process.env): RelayerSigner | undefined {
  const value = env.MEDLEDGER_RELAYER_KEY?.trim();
  if (!value) return undefined;
  const key = value.startsWith("0x") ? value : `0x${value}`;
  // The value itself is never repeated in a message: it is a secret.
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new MedLedgerError(
      "CONFIG",
      "MEDLEDGER_RELAYER_KEY is not a private key (64 hexadecimal digits, optionally after 0x).",
      "Set it to the relayer account's private key, or unset it to run without a relayer.",
    );
  }
  return privateKeyRelayerSigner(key as Hex);
}
