/** Table rows → the wire rows of core/indexer/wire.ts (integers that may exceed 2^53 as strings). */
import type { Hex } from "viem";

const orNullNumber = (seconds: bigint) => (seconds === 0n ? null : Number(seconds));

/** The contract's "no end" of a uint40 time (`type(uint40).max`). */
const NO_END = 2n ** 40n - 1n;

export function reportRow(r: {
  reportId: Hex;
  sha256: Hex;
  sha1: Hex;
  /** The record's current account. */
  patient: Hex;
  doctor: Hex;
  cid: string;
  patientKey: Hex;
  doctorKey: Hex;
  supersedes: Hex | null;
  supersededBy: Hex | null;
  fraudulent: boolean;
  version: number;
  heldUntil: bigint | null;
  registeredAt: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}) {
  return {
    reportId: r.reportId,
    sha256: r.sha256,
    sha1: r.sha1,
    patient: r.patient,
    doctor: r.doctor,
    cid: r.cid,
    patientKey: r.patientKey,
    doctorKey: r.doctorKey,
    supersedes: r.supersedes,
    supersededBy: r.supersededBy,
    fraudulent: r.fraudulent,
    version: r.version,
    heldUntil: r.heldUntil === null ? null : Number(r.heldUntil),
    registeredAt: Number(r.registeredAt),
    blockNumber: r.blockNumber.toString(),
    logIndex: r.logIndex,
    transactionHash: r.transactionHash,
  };
}

export function timelineRow(r: {
  eventName: string;
  actor: Hex;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
  timestamp: bigint;
}) {
  return {
    eventName: r.eventName,
    actor: r.actor,
    args: r.args,
    blockNumber: r.blockNumber.toString(),
    logIndex: r.logIndex,
    transactionHash: r.transactionHash,
    timestamp: Number(r.timestamp),
  };
}

export function staffRow(r: { account: Hex; role: Hex; name: string; department: string; contact: string; active: boolean }) {
  return { account: r.account, role: r.role, name: r.name, department: r.department, contact: r.contact, active: r.active };
}

export function grantRow(r: { reportId: Hex; patient: Hex; reader: Hex; active: boolean; expiresAt: bigint }) {
  return { reportId: r.reportId, patient: r.patient, reader: r.reader, active: r.active, expiresAt: orNullNumber(r.expiresAt) };
}

export function patientRow(r: { account: Hex; record: Hex; registeredBy: Hex; profileCid: Hex; transactionHash: Hex; doctor?: Hex }) {
  return {
    account: r.account,
    record: r.record,
    registeredBy: r.registeredBy,
    profileCid: r.profileCid,
    transactionHash: r.transactionHash,
    ...(r.doctor ? { doctor: r.doctor } : {}),
  };
}

export function emergencyRow(r: {
  record: Hex;
  patient: Hex;
  doctor: Hex;
  reason: number;
  until: bigint;
  accessedAt: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}) {
  return {
    record: r.record,
    patient: r.patient,
    doctor: r.doctor,
    reason: r.reason,
    until: Number(r.until),
    accessedAt: Number(r.accessedAt),
    blockNumber: r.blockNumber.toString(),
    logIndex: r.logIndex,
    transactionHash: r.transactionHash,
  };
}

export function guardianRow(r: { record: Hex; patient: Hex; guardian: Hex; until: bigint; byReception: boolean }) {
  return { record: r.record, patient: r.patient, guardian: r.guardian, until: r.until >= NO_END ? null : Number(r.until), byReception: r.byReception };
}
