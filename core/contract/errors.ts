/**
 * Turns whatever viem throws (reverts with custom errors, rejected signatures, unreachable nodes,
 * wrong chains) into a MedLedgerError that says what happened and what to do.
 */
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  UserRejectedRequestError,
  WaitForTransactionReceiptTimeoutError,
  type Hex,
} from "viem";
import { MedLedgerError } from "../errors.ts";

/** User-facing explanation of each contract custom error: [message, hint]. */
const REVERT_MESSAGES: Readonly<Record<string, readonly [string, string]>> = {
  AccessControlUnauthorizedAccount: [
    "Your account does not have the role this action needs.",
    "Connect with an account that has the right role, or ask an administrator.",
  ],
  EnforcedPause: ["MedLedger is paused by its administrator: no changes are accepted right now.", "Try again once the administrator has lifted the pause."],
  ExpectedPause: ["MedLedger is not paused.", "Nothing to do."],
  ManagedRole: ["This role is managed through MedLedger's own staff and patient functions.", "Use add staff or register patient instead."],
  ZeroAddress: ["An account address is missing.", "Enter a valid 0x… address."],
  InvalidStaffRole: ["Staff can only be doctors or receptionists.", "Pick doctor or receptionist."],
  AlreadyStaff: ["This account is already on the staff.", "Edit or reactivate the existing staff member instead."],
  NotStaff: ["This account is not on the staff.", "Check the address, or add the person first."],
  StaffActive: ["This staff member is already active.", "Nothing to do."],
  StaffInactive: ["This staff member is deactivated.", "Reactivate them first if they are back."],
  EmptyName: ["A staff member needs a name.", "Fill in the name."],
  InvalidEncryptionKey: ["The encryption key is empty.", "Unlock your encryption key in the wallet again."],
  InvalidKeySignature: [
    "The patient's key signature is not valid for this account, chain and contract (or it was already used).",
    "Ask the patient to sign the key binding again on this network.",
  ],
  NoEncryptionKey: [
    "This account has not published an encryption key yet, so nothing can be encrypted for it.",
    "Ask them to open MedLedger once and publish their key.",
  ],
  AlreadyPatient: ["This account is already a registered patient.", "Update the patient's profile instead."],
  NotPatient: ["This account is not a registered patient.", "Register the patient at the reception first."],
  NotDoctor: ["This account is not an active doctor.", "Pick an active doctor."],
  EmptyCid: ["The IPFS reference is missing.", "Retry the upload."],
  AlreadyAssigned: ["This doctor is already assigned to the patient.", "Nothing to do."],
  NotAssigned: ["This patient is not assigned to this doctor.", "Ask the reception to assign the patient to the doctor first."],
  SelfAssignment: ["A doctor cannot be assigned to themselves.", "Pick another doctor."],
  InvalidDigest: ["The report's digest is empty.", "Retry with the report file."],
  MissingWrappedKey: ["A wrapped report key is missing.", "Retry the upload or share."],
  ReportExists: ["You already registered this exact file as a report.", "Nothing to upload: use verify to see its record, or amend it with a new file."],
  UnknownReport: ["No report has this id.", "Check the report id (as shown in the report list)."],
  AlreadySuperseded: ["This report was already amended.", "Amend the latest version instead."],
  PatientMismatch: ["The report being amended belongs to another patient.", "Amend a report of the same patient."],
  NotReportPatient: ["Only the report's patient can share it or revoke access.", "Sign in as the patient."],
  GrantToSelf: ["The patient can always read their own report.", "Share with another account."],
  AlreadyGranted: ["This reader already has access to the report.", "Nothing to do."],
  NotGranted: ["This reader has no access to revoke.", "Nothing to do."],
  NotGuardianManager: [
    "Only the patient, or the reception, can appoint or end this patient's guardians (a guardian the reception appointed, only the reception).",
    "Sign in as the patient, or ask the hospital's reception.",
  ],
  NotGuardian: ["This account is not (or no longer) a guardian of the patient.", "Ask the patient, or the reception, to appoint the guardian."],
  InvalidGuardian: ["A patient cannot be their own guardian.", "Name another person's account as the guardian."],
  InvalidGuardianshipEnd: ["The guardianship's end date is not in the future.", "Choose a later end date, or none."],
  InvalidAnchor: ["The audit anchor is empty.", "Anchor a non-empty activity log."],
  InvalidSignature: [
    "The signature is not valid for this account, network and contract, or it was already used.",
    "Ask the account holder to sign again on this network (a new registration code, for a patient).",
  ],
  UnsupportedSignature: [
    "This signature is not a plain wallet signature: MedLedger accepts only ordinary (ECDSA) account signatures, not smart-contract wallets.",
    "Sign with an ordinary account (MetaMask, Rabby, Frame, a hardware wallet).",
  ],
  ExpiredSignature: ["The signed request has expired.", "Ask the account holder to sign it again (a new registration code, for a patient)."],
  KeyVersionMismatch: [
    "This encryption key does not follow the account's current key version (it was already published or rotated meanwhile).",
    "Unlock your key again and retry; for a patient, create a new registration code.",
  ],
  TooManyReports: ["This doctor has registered the maximum number of reports for this patient.", "Ask the hospital's administrator for help."],
  NotReportIssuer: ["Only the doctor who issued a report can amend it.", "Ask the issuing doctor to amend it, or register a new report of your own."],
  AlreadyFraudulent: ["This report claim is already marked fraudulent.", "Nothing to do."],
  LengthMismatch: [
    "The lists of reports and keys do not have the same length.",
    "Retry the action; if it persists, report it to the hospital's administrator.",
  ],
  InvalidExpiry: ["The access end date is in the past.", "Choose an end date in the future, or no end date."],
  NotReportParty: ["Only the report's patient or its issuing doctor can do this.", "Sign in as the patient or the issuing doctor."],
  NotReader: ["You cannot read this report, so you cannot renew its key.", "Ask the patient to share it with you again."],
  NotHeld: ["This result is not held for review (any more): the patient can open it.", "Nothing to do."],
  ReleaseNotDue: ["This result's automatic release time has not come yet.", "Wait until its release date, or ask its doctor to release it."],
  ReportHeld: ["This result is held for review: it can be re-encrypted only once it is released.", "Release it first, then re-key it."],
  HeldReportPatientKey: [
    "A result held for review cannot carry a key for the patient yet.",
    "Retry the upload: the key is given to the patient at the release.",
  ],
};

export function describeRevert(errorName: string): readonly [string, string] {
  return REVERT_MESSAGES[errorName] ?? ["MedLedger refused this change.", "Check what you entered and that your account may do this, then retry."];
}

/**
 * Whether `error` (from {@link toLedgerError}) is the contract refusing the call — a revert with
 * its reason (a custom error, a require message) — rather than a node, network or wallet failure.
 */
export function isContractRevert(error: unknown): error is MedLedgerError {
  if (!(error instanceof MedLedgerError) || error.code !== "CONTRACT_REVERT") return false;
  const cause = error.cause;
  return cause instanceof BaseError && cause.walk((e) => e instanceof ContractFunctionRevertedError) instanceof ContractFunctionRevertedError;
}

/** Maps any error from a contract read or write to a MedLedgerError (already-mapped errors pass through). */
export function toLedgerError(error: unknown, context: { rpcUrl?: string; action?: string } = {}): MedLedgerError {
  if (error instanceof MedLedgerError) return error;
  const node = `Ethereum node: ${context.rpcUrl ?? "the configured one"} (MEDLEDGER_RPC_URL or --rpc; \`npm start\` runs one locally)`;
  const details = (cause: unknown) => `${node}${context.action ? `; while: ${context.action}` : ""}. ${shortMessage(cause)}`;
  if (error instanceof BaseError) {
    const rejected = error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: number }).code === 4001);
    if (rejected) {
      return new MedLedgerError("USER_REJECTED", "You rejected the request in your wallet; nothing was sent.", "Retry when ready: your inputs are kept.", {
        cause: error,
      });
    }
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName ?? revert.reason ?? "unknown";
      const [message, hint] = describeRevert(name);
      return new MedLedgerError("CONTRACT_REVERT", message, hint, { cause: error, details: `The contract refused the transaction (${name}).` });
    }
    if (error.walk((e) => e instanceof ChainMismatchError)) {
      return new MedLedgerError(
        "WRONG_CHAIN",
        "Your wallet is connected to another network than MedLedger's.",
        "Switch your wallet to MedLedger's network and retry.",
        { cause: error },
      );
    }
    if (error.walk((e) => e instanceof WaitForTransactionReceiptTimeoutError)) {
      return new MedLedgerError(
        "RPC_UNREACHABLE",
        "The network did not confirm the transaction in time: it is slow or cannot be reached right now.",
        "Check your connection, then look again in a moment before retrying: the change may still go through.",
        { cause: error, details: details(error) },
      );
    }
    if (error.walk((e) => e instanceof TimeoutError)) {
      return new MedLedgerError(
        "RPC_UNREACHABLE",
        "The network did not answer in time.",
        "Check your connection and retry in a moment; if it keeps failing, tell the hospital's IT team.",
        { cause: error, details: details(error) },
      );
    }
    if (error.walk((e) => e instanceof HttpRequestError)) {
      return unreachable(error, details(error));
    }
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|network error/i.test(text)) {
    return unreachable(error, details(error));
  }
  return new MedLedgerError(
    "CONTRACT_REVERT",
    "The request to the network failed.",
    "Check what you entered and retry; if it keeps failing, tell the hospital's IT team.",
    {
      cause: error,
      details: `${context.action ? `${context.action}: ` : ""}${shortMessage(error)}`,
    },
  );
}

function unreachable(error: unknown, details: string): MedLedgerError {
  return new MedLedgerError(
    "RPC_UNREACHABLE",
    "The network MedLedger runs on cannot be reached right now.",
    "Check your connection and retry in a moment; if it keeps failing, tell the hospital's IT team.",
    { cause: error, details },
  );
}

function shortMessage(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? (error.message.split("\n")[0] ?? "unknown error") : String(error);
}

export type { Hex };
