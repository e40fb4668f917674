/**
 * What the server asks the contract, at request time: roles, doctor assignments and report
 * access. Roles are never taken from the client or from the session cookie.
 */
import { BaseError, ContractFunctionRevertedError, type Address, type Hex } from "viem";
import { getRoles, type RoleName, type Roles } from "#core/accounts/roles.ts";
import { readLedger } from "#core/contract/calls.ts";
import type { LedgerReader } from "#core/contract/ledger.ts";
import { MedLedgerError } from "#core/errors.ts";
import { publishedKeyOf } from "#core/identity/encryptionKey.ts";
import { getReportRecord, getStoredReport } from "#core/reports/records.ts";
import { supersededCids } from "#core/reports/versions.ts";
import { readAuditAnchors, type AuditAnchor } from "../activity/verify.ts";

export interface ChainAccess {
  /** The chain the contract lives on; sign-in messages must name it. */
  readonly chainId: number;
  /** The MedLedger contract's address (what proofs of an opening name). */
  readonly contract: Address;
  roles(account: Address): Promise<Roles>;
  isAssigned(patient: Address, doctor: Address): Promise<boolean>;
  /** Whether `reader` may open the report; throws UNKNOWN_REPORT for an unknown id. */
  canRead(reportId: Hex, reader: Address): Promise<boolean>;
  /** The patient and the issuing doctor of a report; throws UNKNOWN_REPORT for an unknown id. */
  reportParties(reportId: Hex): Promise<{ readonly patient: Address; readonly doctor: Address }>;
  /** The CIDs of a report's earlier encryptions (not the current one), from its events. */
  supersededCids(reportId: Hex): Promise<string[]>;
  /** The activity log's on-chain anchors, oldest first. */
  auditAnchors(): Promise<AuditAnchor[]>;
  /** The X25519 encryption key `account` published on chain, if any. */
  publishedKey(account: Address): Promise<Uint8Array | undefined>;
}

/** The names of the roles held, e.g. ["doctor"]. */
export function heldRoles(roles: Roles): RoleName[] {
  return (Object.keys(roles) as RoleName[]).filter((name) => roles[name]);
}

function revertName(error: unknown): string | undefined {
  const cause = error instanceof MedLedgerError ? error.cause : error;
  if (!(cause instanceof BaseError)) return undefined;
  const revert = cause.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined;
}

/** ChainAccess backed by a deployed MedLedger contract. */
export function chainAccessFromLedger(ledger: LedgerReader): ChainAccess {
  return {
    chainId: ledger.deployment.chainId,
    contract: ledger.deployment.address,
    roles: (account) => getRoles(ledger, account),
    isAssigned: (patient, doctor) => readLedger(ledger, "isAssigned", [patient, doctor]),
    async canRead(reportId, reader) {
      try {
        return await readLedger(ledger, "canRead", [reportId, reader]);
      } catch (error) {
        if (revertName(error) === "UnknownReport") {
          throw new MedLedgerError("UNKNOWN_REPORT", `No report has the id ${reportId}.`, "Check the report id (as shown in the report list).");
        }
        throw error;
      }
    },
    async reportParties(reportId) {
      const stored = await getStoredReport(ledger, reportId);
      return { patient: stored.patient, doctor: stored.doctor };
    },
    async supersededCids(reportId) {
      return supersededCids(ledger, await getReportRecord(ledger, reportId));
    },
    auditAnchors: () => readAuditAnchors(ledger),
    publishedKey: (account) => publishedKeyOf(ledger, account),
  };
}
