/**
 * Patient registration without ETH: the patient signs an EIP-712 binding of their encryption key
 * (in their own wallet), hands the resulting registration code to the reception, and the
 * receptionist's transaction carries it.
 */
import type { Account, Address, Chain, Hex, Transport, WalletClient } from "viem";
import { bytesToHex } from "viem";
import * as z from "zod/mini";
import { readLedger } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import { nowOnChain } from "../contract/clock.ts";
import { keyBindingTypedData } from "../contract/keyBinding.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";

const hex = (bytes: number) => z.string().check(z.regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`)));

/** How long a registration code stays good: the reception has this long to register the patient. */
export const REGISTRATION_VALIDITY_SECONDS = 7 * 24 * 60 * 60;

export const registrationRequestSchema = z.object({
  v: z.literal(2),
  chainId: z.int().check(z.positive()),
  contract: hex(20),
  account: hex(20),
  encryptionKey: hex(32),
  /** The key version the binding publishes (the account's current version + 1). */
  keyVersion: z.int().check(z.positive()),
  /** Last valid Unix second of the signature. */
  deadline: z.int().check(z.positive()),
  signature: z.string().check(z.regex(/^0x[0-9a-fA-F]+$/)),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema> & { account: Address; contract: Address; encryptionKey: Hex; signature: Hex };

/**
 * Patient side: signs the key binding of the next key version at the account's current nonce,
 * good for {@link REGISTRATION_VALIDITY_SECONDS}.
 */
export async function createRegistrationRequest(
  ledger: LedgerReader,
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  identity: EncryptionIdentity,
): Promise<RegistrationRequest> {
  const account = walletClient.account.address;
  const [nonce, currentVersion, now] = await Promise.all([
    readLedger(ledger, "nonces", [account]),
    readLedger(ledger, "keyVersionOf", [account]),
    nowOnChain(ledger),
  ]);
  const keyVersion = currentVersion + 1;
  const deadline = now + REGISTRATION_VALIDITY_SECONDS;
  const encryptionKey = bytesToHex(identity.publicKey);
  let signature: Hex;
  try {
    signature = await walletClient.signTypedData({
      account: walletClient.account,
      ...keyBindingTypedData(ledger.deployment, { account, key: encryptionKey, version: keyVersion, nonce, deadline: BigInt(deadline) }),
    });
  } catch (error) {
    throw toLedgerError(error, { action: "Signing your registration" });
  }
  return { v: 2, chainId: ledger.deployment.chainId, contract: ledger.deployment.address, account, encryptionKey, keyVersion, deadline, signature };
}

/** A compact text form of the request, to paste or show as a QR code. */
export function encodeRegistrationRequest(request: RegistrationRequest): string {
  return `medledger-registration:${btoa(JSON.stringify(request))}`;
}

/**
 * The request in a registration code: its format, fields and deadline (checked at `nowMs`), not
 * yet which chain it was made for (see {@link decodeRegistrationRequest}).
 */
export function parseRegistrationCode(text: string, nowMs: number = Date.now()): RegistrationRequest {
  const body = text.trim().replace(/^medledger-registration:/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(body));
  } catch {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This is not a MedLedger registration code.",
      "Ask the patient to create their registration code again on the Patient page and paste all of it.",
    );
  }
  if ((parsed as { v?: unknown } | null)?.v === 1) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This registration code was made by an older version of MedLedger and can no longer be used.",
      "Ask the patient to create a new registration code on the Patient page.",
    );
  }
  const result = registrationRequestSchema.safeParse(parsed);
  if (!result.success) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "The registration code is incomplete or damaged.",
      "Ask the patient to create their registration code again and paste all of it.",
    );
  }
  const request = result.data as RegistrationRequest;
  if (request.deadline * 1000 < nowMs) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `This registration code expired on ${new Date(request.deadline * 1000).toUTCString()}.`,
      "Ask the patient to create a new registration code on the Patient page.",
    );
  }
  return request;
}

/** The request in a registration code made for `ledger`'s chain and contract. */
export function decodeRegistrationRequest(text: string, ledger: LedgerReader): RegistrationRequest {
  const request = parseRegistrationCode(text);
  if (request.chainId !== ledger.deployment.chainId || request.contract.toLowerCase() !== ledger.deployment.address.toLowerCase()) {
    throw new MedLedgerError(
      "WRONG_CHAIN",
      `The registration code was made for chain ${request.chainId}, contract ${request.contract}.`,
      "Ask the patient to create it on this MedLedger network.",
    );
  }
  return request;
}
