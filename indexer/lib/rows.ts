/** Table rows → the wire rows of core/indexer/wire.ts (integers that may exceed 2^53 as strings). */
import type { Hex } from "viem";

const orNullNumber = (seconds: bigint) => (seconds === 0n ? null : Number(seconds));

export function reportRow(r: {
  reportId: Hex;
  sha256: Hex;
  sha1: Hex;
  patient: Hex;
  doctor: Hex;
  cid: string;
  patientKey: Hex;
  doctorKey: Hex;
  supersedes: Hex | null;
  supersededBy: Hex | null;
  fraudulent: boolean;
  version: number;
  registeredAt: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}) {
  return { ...r, registeredAt: Number(r.registeredAt), blockNumber: r.blockNumber.toString() };
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

export function patientRow(r: { account: Hex; registeredBy: Hex; profileCid: Hex; transactionHash: Hex; doctor?: Hex }) {
  return {
    account: r.account,
    registeredBy: r.registeredBy,
    profileCid: r.profileCid,
    transactionHash: r.transactionHash,
    ...(r.doctor ? { doctor: r.doctor } : {}),
  };
}
