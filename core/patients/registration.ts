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
import { keyBindingTypedData } from "../contract/keyBinding.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";

const hex = (bytes: number) => z.string().check(z.regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`)));

export const registrationRequestSchema = z.object({
  v: z.literal(1),
  chainId: z.int().check(z.positive()),
  contract: hex(20),
  account: hex(20),
  encryptionKey: hex(32),
  signature: z.string().check(z.regex(/^0x[0-9a-fA-F]+$/)),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema> & { account: Address; contract: Address; encryptionKey: Hex; signature: Hex };

/** Patient side: signs the key binding at the account's current nonce. */
export async function createRegistrationRequest(
  ledger: LedgerReader,
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  identity: EncryptionIdentity,
): Promise<RegistrationRequest> {
  const account = walletClient.account.address;
  const nonce = await readLedger(ledger, "nonces", [account]);
  const encryptionKey = bytesToHex(identity.publicKey);
  let signature: Hex;
  try {
    signature = await walletClient.signTypedData({
      account: walletClient.account,
      ...keyBindingTypedData(ledger.deployment, { account, key: encryptionKey, nonce }),
    });
  } catch (error) {
    throw toLedgerError(error, { action: "Signing your registration" });
  }
  return { v: 1, chainId: ledger.deployment.chainId, contract: ledger.deployment.address, account, encryptionKey, signature };
}

/** A compact text form of the request, to paste or show as a QR code. */
export function encodeRegistrationRequest(request: RegistrationRequest): string {
  return `medledger-registration:${btoa(JSON.stringify(request))}`;
}

export function decodeRegistrationRequest(text: string, ledger: LedgerReader): RegistrationRequest {
  const body = text.trim().replace(/^medledger-registration:/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(body));
  } catch {
    throw new MedLedgerError("INVALID_INPUT", "This is not a MedLedger registration code.", "Ask the patient to create their registration code again on the Patient page and paste all of it.");
  }
  const result = registrationRequestSchema.safeParse(parsed);
  if (!result.success) {
    throw new MedLedgerError("INVALID_INPUT", "The registration code is incomplete or damaged.", "Ask the patient to create their registration code again and paste all of it.");
  }
  const request = result.data as RegistrationRequest;
  if (request.chainId !== ledger.deployment.chainId || request.contract.toLowerCase() !== ledger.deployment.address.toLowerCase()) {
    throw new MedLedgerError("WRONG_CHAIN", `The registration code was made for chain ${request.chainId}, contract ${request.contract}.`, "Ask the patient to create it on this MedLedger network.");
  }
  return request;
}
