/**
 * Patients never need ETH: the account signs an action (EIP-712, at its current nonce, good for
 * {@link SIGNED_ACTION_LIFETIME_SECONDS}) and anyone — the hospital's relayer — submits it and pays.
 * The signed request is plain JSON (numbers as decimal strings), to carry over HTTP as is; the
 * relayer checks it names its chain and contract and has not expired before sending.
 */
import type { Address, ContractFunctionArgs, Hex } from "viem";
import { isAddressEqual, recoverTypedDataAddress } from "viem";
import * as z from "zod/mini";
import { readLedger, writeLedger, type WriteName, type WriteOptions, type WriteResult } from "../contract/calls.ts";
import { nowOnChain } from "../contract/clock.ts";
import { toLedgerError } from "../contract/errors.ts";
import { keyBindingTypedData } from "../contract/keyBinding.ts";
import { grantArgs, rekeyArgs, revokedReportId, type ActionSender, type LedgerAction } from "../contract/actions.ts";
import type { medLedgerAbi } from "../contract/generated/medLedger.ts";
import type { Deployment, LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { MAX_REPORTS_PER_GRANT } from "../reports/share.ts";
import { grantAccessTypedData, rekeyReportTypedData, revokeAccessTypedData, type Replay } from "./typedData.ts";

/** How long a signed action stays good. */
export const SIGNED_ACTION_LIFETIME_SECONDS = 60 * 60;

/** An action signed by `account`, ready for any relayer. JSON-serialisable. */
export interface SignedAction {
  readonly v: 1;
  readonly chainId: number;
  readonly contract: Address;
  readonly account: Address;
  readonly action: LedgerAction;
  /** The account's nonce the signature is made at, decimal. */
  readonly nonce: string;
  /** Last valid Unix second, decimal. */
  readonly deadline: string;
  readonly signature: Hex;
}

function typedDataOf(deployment: Deployment, account: Address, action: LedgerAction, replay: Replay) {
  switch (action.kind) {
    case "grant":
      return grantAccessTypedData(deployment, { patient: account, ...action.grant, ...replay });
    case "revoke":
      return revokeAccessTypedData(deployment, { patient: account, reader: action.reader, reportId: revokedReportId(action.reportId), ...replay });
    case "rekey":
      return rekeyReportTypedData(deployment, { account, ...action.rekey, ...replay });
    case "encryptionKey":
      return keyBindingTypedData(deployment, { account, key: action.key, version: action.version, ...replay });
  }
}

export interface SignOptions {
  /** Sign at this nonce instead of the account's current one (several actions relayed in order). */
  readonly nonce?: bigint;
}

/** Asks `signer`'s wallet to sign `action` for the relayer; sends nothing and costs nothing. */
export async function signPatientAction(signer: LedgerWriter, action: LedgerAction, options: SignOptions = {}): Promise<SignedAction> {
  const account = signer.walletClient.account;
  const [nonce, now] = await Promise.all([options.nonce ?? readLedger(signer, "nonces", [account.address]), nowOnChain(signer)]);
  const deadline = BigInt(now + SIGNED_ACTION_LIFETIME_SECONDS);
  const typedData = typedDataOf(signer.deployment, account.address, action, { nonce, deadline });
  let signature: Hex;
  try {
    signature = await signer.walletClient.signTypedData({ account, ...typedData } as Parameters<typeof signer.walletClient.signTypedData>[0]);
  } catch (error) {
    throw toLedgerError(error, { action: "Signing the request" });
  }
  return {
    v: 1,
    chainId: signer.deployment.chainId,
    contract: signer.deployment.address,
    account: account.address,
    action,
    nonce: nonce.toString(),
    deadline: deadline.toString(),
    signature,
  };
}

/**
 * Checks that `request` names `ledger`'s chain and contract and has not expired (by the chain's
 * clock); returns its deadline.
 */
export async function checkSignedAction(ledger: LedgerReader, request: SignedAction): Promise<bigint> {
  const { deployment } = ledger;
  if (request.chainId !== deployment.chainId || !isAddressEqual(request.contract, deployment.address)) {
    throw new MedLedgerError(
      "WRONG_CHAIN",
      `The signed request was made for chain ${request.chainId}, contract ${request.contract}.`,
      "Sign it again on this MedLedger network.",
    );
  }
  const deadline = BigInt(request.deadline);
  if (BigInt(await nowOnChain(ledger)) > deadline) {
    throw new MedLedgerError("MESSAGE_EXPIRED", "The signed request has expired.", "Sign it again: a signed request is good for one hour.");
  }
  return deadline;
}

/** Whether `request`'s signature, over exactly its action, nonce and deadline, was made by `request.account` (off chain, no gas). */
export async function isSignedByAccount(deployment: Deployment, request: SignedAction): Promise<boolean> {
  const typedData = typedDataOf(deployment, request.account, request.action, { nonce: BigInt(request.nonce), deadline: BigInt(request.deadline) });
  try {
    const signer = await recoverTypedDataAddress({ ...typedData, signature: request.signature } as Parameters<typeof recoverTypedDataAddress>[0]);
    return isAddressEqual(signer, request.account);
  } catch {
    return false; // not a signature at all (wrong length, bad recovery byte)
  }
}

/** Runs one contract function with its arguments (writeLedger, simulateLedger, a gas estimate…). */
export type SignedCallRunner<T> = <N extends WriteName>(functionName: N, args: ContractFunctionArgs<typeof medLedgerAbi, "nonpayable", N>) => Promise<T>;

/** The one `…BySig` contract call of `request`, given to `run`: only the typed action kinds, never arbitrary calldata. */
export function runSignedCall<T>(request: SignedAction, run: SignedCallRunner<T>): Promise<T> {
  const { account, action, signature } = request;
  const deadline = BigInt(request.deadline);
  switch (action.kind) {
    case "grant":
      return run("grantAccessBySig", [account, grantArgs(action.grant), deadline, signature]);
    case "revoke":
      return run("revokeAccessBySig", [account, revokedReportId(action.reportId), action.reader, deadline, signature]);
    case "rekey":
      return run("rekeyReportBySig", [account, rekeyArgs(action.rekey), deadline, signature]);
    case "encryptionKey":
      return run("rotateEncryptionKeyBySig", [account, action.key, action.version, deadline, signature]);
  }
}

/** Submits `request` as `relayer`'s transaction (the relayer pays); the contract checks the signature. */
export async function submitSignedAction(relayer: LedgerWriter, request: SignedAction, options: WriteOptions = {}): Promise<WriteResult> {
  await checkSignedAction(relayer, request);
  return runSignedCall(request, (functionName, args) => writeLedger(relayer, functionName, args, options));
}

/** Sends each action signed by `signer` and submitted by `relayer`: the signer needs no ETH. */
export function relayedSender(signer: LedgerWriter, relayer: LedgerWriter): ActionSender {
  return async (action) => submitSignedAction(relayer, await signPatientAction(signer, action));
}

/** Most entries of a list in a signed action (a grant's reports, a re-key's readers): the core never sends more in one action. */
const MAX_LIST = MAX_REPORTS_PER_GRANT;
/** Longest byte string of a signed action, in bytes (a wrapped key, a CID, a signature are far shorter). */
const MAX_BYTES = 512;
/** The contract's uint40 (times) and uint32 (key versions). */
const UINT40_MAX = 2 ** 40 - 1;
const UINT32_MAX = 2 ** 32 - 1;

const address = z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/));
const bytes = z.string().check(z.maxLength(2 + 2 * MAX_BYTES), z.regex(/^0x([0-9a-fA-F]{2})*$/));
const bytes32 = z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/));
const decimal = z.string().check(z.regex(/^\d{1,78}$/));
const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(MAX_LIST));

// Strict: a key the core does not know makes the request malformed (nothing is carried along unchecked).
const actionSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("grant"),
    grant: z.strictObject({
      reader: address,
      reportIds: list(bytes32),
      wrappedKeys: list(bytes),
      expiresAt: z.int().check(z.nonnegative(), z.lte(UINT40_MAX)),
    }),
  }),
  z.strictObject({ kind: z.literal("revoke"), reader: address, reportId: z.nullable(bytes32) }),
  z.strictObject({
    kind: z.literal("rekey"),
    rekey: z.strictObject({
      reportId: bytes32,
      cid: bytes,
      patientKey: bytes,
      doctorKey: bytes,
      custodianKey: bytes,
      readers: list(address),
      readerKeys: list(bytes),
    }),
  }),
  z.strictObject({ kind: z.literal("encryptionKey"), key: bytes32, version: z.int().check(z.positive(), z.lte(UINT32_MAX)) }),
]);

const signedActionSchema = z.strictObject({
  v: z.literal(1),
  chainId: z.int().check(z.positive()),
  contract: address,
  account: address,
  action: actionSchema,
  nonce: decimal,
  deadline: decimal,
  signature: bytes,
});

/** Checks that untrusted JSON (a relay service's request body) is a well-formed signed action. */
export function parseSignedAction(json: unknown): SignedAction {
  const result = signedActionSchema.safeParse(json);
  if (!result.success) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This is not a well-formed signed MedLedger request.",
      "Sign the action again in the MedLedger app and resend all of it.",
    );
  }
  return result.data as SignedAction;
}
