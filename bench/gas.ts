/**
 * Gas benchmark of MedLedger's writes on the in-process Hardhat EVM (no coverage instrumentation):
 * `npm run bench:gas` (= `hardhat run scripts/bench-gas.ts`).
 *
 * Prints each operation's gas with an estimated floor next to it, and writes
 * bench/results/gas.json. Inputs have realistic sizes: 36-byte binary CIDs (CIDv1, raw,
 * sha2-256) and 80-byte wrapped keys. The hospital has a records custodian (an account with a
 * published key, set by the admin at deployment), so every report and every re-key also carries
 * the report key wrapped for it, as in a hospital that can recover a patient's lost wallet.
 * Each operation is measured twice, once on a fresh registry and once after `BACKGROUND` more
 * reports (and their patients, some recovered, guarded, opened in an emergency or held) exist;
 * the operations on a patient's whole record (recovery, the custodian's re-wraps) are measured
 * on a patient who has `BATCH` reports on the fresh registry and `BACKGROUND` + `BATCH` on the
 * busy one. The figures less their calldata cost (which varies by a few gas with the zero bytes
 * of random digests and addresses) must be equal, showing that no operation depends on the
 * number of records, nor on how many reports the patient has.
 *
 * The floor of an operation is what any implementation storing the same state and emitting
 * the same events must pay (EIP-2929/2200/2028 prices):
 *   21000 transaction base
 *   + calldata: 16 gas per non-zero byte, 4 per zero byte (counted on the real transaction)
 *   + 2100 per cold storage slot that must be read (role, pause flag, assignment, ...)
 *   + 22100 per new storage slot (20000 for zero -> non-zero, 2100 cold access), 2900 (+2100
 *     cold) per changed non-zero slot, 20000 per extra new slot in an already-warm mapping entry
 *   + events: 375 + 375 per topic + 8 per data byte (ABI-encoded, words padded)
 * It ignores the few hundred gas of dispatch, ABI decoding, hashing and memory, so the
 * measured figure sits a little above it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { Address, Hex } from "viem";
import { keyBindingTypes } from "#core/contract/keyBinding.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import { grantAccessTypes } from "#core/relay/typedData.ts";
import MedLedgerModule from "#ignition/modules/MedLedger.ts";
import type { MedLedger } from "../types/ethers-contracts/index.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "bench", "results", "gas.json");
const BACKGROUND = 200;
const BATCH = 20;

const connection = await network.create();
const { ethers } = connection;
const signers = await ethers.getSigners();
const at = (i: number): Signer => {
  const s = signers[i];
  if (!s) throw new Error(`no signer #${i}`);
  return s;
};
const [admin, receptionist, doctor, doctor2, custodian] = [at(0), at(1), at(3), at(4), at(5)];
const DOCTOR_ROLE = ethers.id("DOCTOR_ROLE");
const RECEPTIONIST_ROLE = ethers.id("RECEPTIONIST_ROLE");
const ZERO32 = ethers.ZeroHash;

const cid = (seed: string): string => ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes(seed))]);
const wrapped = (seed: string): string =>
  ethers.hexlify(ethers.getBytes(ethers.concat([ethers.id(`a${seed}`), ethers.id(`b${seed}`), ethers.id(`c${seed}`)])).slice(0, 80));
const key = (seed: string): string => ethers.id(`x25519 ${seed}`);
const profile = (name: string) => ({ name, department: "Cardiology", contact: "ada.lovelace@hospital.example, +1 555 0100, room 3.14" });
/** A report input as a doctor's client sends it: key wrapped for patient, doctor and the records custodian; `held`: no patient key yet. */
function report(seed: string, patient: string, supersedes = ZERO32, held = false) {
  const body = ethers.toUtf8Bytes(`report ${seed}`);
  return {
    sha256Digest: ethers.sha256(body),
    sha1Digest: ethers.dataSlice(ethers.keccak256(body), 0, 20),
    patient,
    supersedes,
    cid: cid(seed),
    patientKey: held ? "0x" : wrapped(`p${seed}`),
    doctorKey: wrapped(`d${seed}`),
    custodianKey: wrapped(`c${seed}`),
    held,
  };
}
/** End of a guardianship appointed by the reception (a minor's 18th birthday): 2100-01-01. */
const GUARDIAN_UNTIL = 4_102_444_800n;
/** `EmergencyReason.LifeThreatening`. */
const EMERGENCY_REASON = 2;

let accounts = 0;
/** A new wallet (deterministic, so runs are repeatable) with some ETH: a new patient, reader or staff member. */
async function newAccount(): Promise<Signer> {
  accounts += 1;
  const wallet = new ethers.Wallet(ethers.id(`medledger bench account ${accounts}`), ethers.provider);
  await (await admin.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
  return wallet;
}

const DEADLINE = 2n ** 48n;
const domainOf = async (ledger: MedLedger) => ({ name: "MedLedger", version: "1", chainId: 31337n, verifyingContract: await ledger.getAddress() });

/** The patient's EIP-712 binding of its first key `k` (version 1). */
async function signKey(signer: Signer, ledger: MedLedger, k: string): Promise<string> {
  const account = await signer.getAddress();
  const types = { EncryptionKey: [...keyBindingTypes.EncryptionKey] };
  return signer.signTypedData(await domainOf(ledger), types, { account, key: k, version: 1n, nonce: await ledger.nonces(account), deadline: DEADLINE });
}

interface GrantArgs {
  reader: string;
  reportIds: string[];
  wrappedKeys: string[];
  expiresAt: bigint;
}

/** The patient's EIP-712 signature of a GrantAccess message. */
async function signGrant(signer: Signer, ledger: MedLedger, grant: GrantArgs): Promise<string> {
  const patient = await signer.getAddress();
  const types = { GrantAccess: [...grantAccessTypes.GrantAccess] };
  return signer.signTypedData(await domainOf(ledger), types, { patient, ...grant, nonce: await ledger.nonces(patient), deadline: DEADLINE });
}

/** The id of `doctor`'s claim on the file with SHA-256 `sha256Digest` (the core's rule). */
const claimId = (sha256Digest: string, doctorAddress: string): string => claimIdOf(sha256Digest as Hex, doctorAddress as Address);

interface Measured {
  readonly gas: number;
  readonly calldata: number;
}

async function measure(pending: Promise<ContractTransactionResponse>): Promise<Measured> {
  const tx = await pending;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
  let calldata = 0;
  for (const byte of ethers.getBytes(tx.data)) calldata += byte === 0 ? 4 : 16;
  return { gas: Number(receipt.gasUsed), calldata };
}

/** Event cost: LOG base 375, 375 per topic (the signature topic included), 8 per data byte. */
const event = (topics: number, dataBytes: number): number => 375 + 375 * topics + 8 * dataBytes;
/** ABI-encoded size of a dynamic `bytes` of `n` bytes in event data (offset + length + padded content). */
const dyn = (n: number): number => 32 + 32 + Math.ceil(n / 32) * 32;
const COLD = 2100;
const NEW_SLOT = 22100;
const BASE = 21000;

interface Row {
  readonly name: string;
  readonly gas: number;
  readonly gasAfterBackground: number;
  /** Execution gas (total less calldata) on the fresh and on the busy registry. */
  readonly execution: readonly [number, number];
  readonly floor: number;
  readonly note: string;
}

/** One scenario: set up what the operation needs, then measure it. */
interface Scenario {
  readonly name: string;
  /** Floor without calldata (added from the measured transaction). */
  readonly floorWithoutCalldata: number;
  readonly note: string;
  /** Divides the transaction's gas (and floor) for per-item figures. */
  readonly per?: number;
  run(ledger: MedLedger, tag: string): Promise<Measured>;
}

const staffProfileBytes = (name: string): number => {
  const p = profile(name);
  // tuple(string,string,string) in event data: offset to tuple + 3 offsets + 3 (length + padded content)
  return 32 + 32 * 3 + [p.name, p.department, p.contact].reduce((sum, s) => sum + 32 + Math.ceil(Buffer.byteLength(s) / 32) * 32, 0);
};

/** A registered patient assigned to `doctor`, as the report scenarios need. */
async function assignedPatient(ledger: MedLedger): Promise<Signer> {
  const patient = await newAccount();
  const k = key(await patient.getAddress());
  await (await ledger.connect(receptionist).registerPatient(await patient.getAddress(), cid("profile"), k, DEADLINE, await signKey(patient, ledger, k))).wait();
  await (await ledger.connect(receptionist).assignDoctor(await patient.getAddress(), await doctor.getAddress())).wait();
  return patient;
}

/** A report of `patient` by `doctor`, already registered. */
async function registeredReport(ledger: MedLedger, patient: Signer, seed: string): Promise<string> {
  const input = report(seed, await patient.getAddress());
  await (await ledger.connect(doctor).registerReport(input)).wait();
  return claimId(input.sha256Digest, await doctor.getAddress());
}

/** `count` reports of `patient` by `doctor`, registered in batches of up to `BATCH`; their claim ids. */
async function registeredReports(ledger: MedLedger, patient: Signer, seed: string, count: number): Promise<string[]> {
  const address = await patient.getAddress();
  const issuer = await doctor.getAddress();
  const ids: string[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const inputs = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => report(`${seed} ${i + j}`, address));
    await (await ledger.connect(doctor).registerReports(inputs)).wait();
    ids.push(...inputs.map((input) => claimId(input.sha256Digest, issuer)));
  }
  return ids;
}

/** How many reports the patient of a whole-record operation has: `BATCH` on the fresh registry, `BACKGROUND` more on the busy one. */
const recordSize = (tag: string): number => (tag === "busy" ? BACKGROUND + BATCH : BATCH);

/** The reception's recovery of `patient`'s record to a new account, which signs its key binding; not yet sent. */
async function recovery(ledger: MedLedger, patient: Signer): Promise<{ successor: Signer; send: () => Promise<ContractTransactionResponse> }> {
  const successor = await newAccount();
  const address = await successor.getAddress();
  const k = key(`successor ${address}`);
  const signature = await signKey(successor, ledger, k);
  const lost = await patient.getAddress();
  return { successor, send: () => ledger.connect(receptionist).recoverPatient(lost, address, cid(`resealed ${address}`), k, DEADLINE, signature) };
}

/** A new account with a published key: a reader. */
async function newReader(ledger: MedLedger, tag: string): Promise<string> {
  const reader = await newAccount();
  await (await ledger.connect(reader).publishEncryptionKey(key(`reader ${tag}`))).wait();
  return reader.getAddress();
}

const grantOf = (reader: string, reportIds: string[], expiresAt = 0n): GrantArgs => ({
  reader,
  reportIds,
  wrappedKeys: reportIds.map((id) => wrapped(`g ${reader} ${id}`)),
  expiresAt,
});

// ReportRegistered: 3 indexed (sha256, patient, doctor); data: reportId, sha1, supersedes, heldUntil,
// CID, 3 keys (patient, doctor, custodian).
const reportEvent = event(4, 4 * 32 + dyn(36) + 3 * dyn(80));
// The same for a report held for review: no patient key.
const heldReportEvent = event(4, 4 * 32 + dyn(36) + dyn(0) + 2 * dyn(80));
const grantEvent = event(4, dyn(80));
// ReportKeyRewrapped: 2 indexed (reportId, reader); data: key version, report version, the wrapped key.
const rewrapEvent = event(3, 64 + dyn(80));
// RoleGranted / RoleRevoked: 3 indexed (role, account, sender), no data.
const roleEvent = event(4, 0);

const SCENARIOS: readonly Scenario[] = [
  {
    name: "registerReport",
    // role, pause flag, the patient's record link, assignment (cold reads); the assignment's report
    // counter (changed: 2900 after the cold read); the report slot (new); ReportRegistered (3 indexed).
    // The custodian is not read: the custodian key is there.
    floorWithoutCalldata: BASE + 4 * COLD + 2900 + NEW_SLOT + reportEvent,
    note: "1 new slot + counter + ReportRegistered (36 B CID, 3 x 80 B keys)",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      return measure(ledger.connect(doctor).registerReport(report(`single ${tag}`, await patient.getAddress())));
    },
  },
  {
    name: "registerReportBatch20PerReport",
    // per tx: role, pause, record link, assignment (cold once), counter (2900 once, then warm 100);
    // per report: 1 new slot + event.
    floorWithoutCalldata: BASE + 4 * COLD + 2900 + BATCH * (NEW_SLOT + reportEvent + 100),
    note: `batch of ${BATCH}, one patient, per report`,
    per: BATCH,
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const address = await patient.getAddress();
      const inputs = Array.from({ length: BATCH }, (_, i) => report(`batch ${tag} ${i}`, address));
      return measure(ledger.connect(doctor).registerReports(inputs));
    },
  },
  {
    name: "amendment",
    // as registerReport + old report slot and its care's 2 slots (cold reads), supersededBy (new slot), ReportSuperseded.
    floorWithoutCalldata: BASE + 7 * COLD + 2900 + 2 * NEW_SLOT + reportEvent + event(3, 0),
    note: "registerReport superseding an earlier report",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const old = await registeredReport(ledger, patient, `amended ${tag}`);
      return measure(ledger.connect(doctor).registerReport(report(`amendment ${tag}`, await patient.getAddress(), old)));
    },
  },
  {
    name: "grantAccess",
    // pause, the patient's record link, report, care, (record, reader) terms (cold reads); the grant
    // bitmap word (new slot); AccessGranted (3 indexed, 80 B key).
    floorWithoutCalldata: BASE + 5 * COLD + NEW_SLOT + grantEvent,
    note: "80 B wrapped key; bitmap word + terms read",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const id = await registeredReport(ledger, patient, `grant ${tag}`);
      const reader = await newAccount();
      await (await ledger.connect(reader).publishEncryptionKey(key(`reader ${tag}`))).wait();
      return measure(ledger.connect(patient).grantAccess(id, await reader.getAddress(), wrapped(`g ${tag}`)));
    },
  },
  {
    name: "revokeAccess",
    // pause, record link, report, care, terms (cold reads); the bitmap word set to zero (5000 incl.
    // cold, refund 4800 capped at 1/5); AccessRevoked (3 indexed, no data).
    floorWithoutCalldata: BASE + 5 * COLD + 5000 + event(4, 0) - 4800,
    note: "non-zero -> zero slot, with the refund",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const id = await registeredReport(ledger, patient, `revoke ${tag}`);
      const reader = await newAccount();
      await (await ledger.connect(reader).publishEncryptionKey(key(`reader ${tag}`))).wait();
      await (await ledger.connect(patient).grantAccess(id, await reader.getAddress(), wrapped(`g ${tag}`))).wait();
      return measure(ledger.connect(patient).revokeAccess(id, await reader.getAddress()));
    },
  },
  {
    name: "grantAccessBatch10",
    // pause, record link, terms, care (cold once); 10 report slots (cold); 1 bitmap word (new) + 9
    // warm updates; 10 AccessGranted.
    floorWithoutCalldata: BASE + 4 * COLD + 10 * COLD + NEW_SLOT + 9 * 100 + 10 * grantEvent,
    note: "10 reports of one care pair, one reader, no expiry",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const ids = await registeredReports(ledger, patient, `batch grant ${tag}`, 10);
      const reader = await newReader(ledger, `batch ${tag}`);
      return measure(ledger.connect(patient).grantAccessBatch(grantOf(reader, ids)));
    },
  },
  {
    name: "grantAccessBatch10WithExpiry",
    // as grantAccessBatch10 + the terms slot written (new) + AccessTermsSet.
    floorWithoutCalldata: BASE + 4 * COLD + 10 * COLD + 2 * NEW_SLOT - COLD + 9 * 100 + 10 * grantEvent + event(3, 64),
    note: "as above, first expiry of the (patient, reader) terms",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const ids = await registeredReports(ledger, patient, `batch expiry ${tag}`, 10);
      const reader = await newReader(ledger, `expiry ${tag}`);
      return measure(ledger.connect(patient).grantAccessBatch(grantOf(reader, ids, 2n ** 39n)));
    },
  },
  {
    name: "grantAccessRelayedOverhead",
    // over the direct grantAccessBatch of the same report: ecrecover (3000), the patient's nonce slot
    // (non-zero since key registration: 2100 cold + 2900), the signature's calldata (counted).
    floorWithoutCalldata: 3000 + COLD + 2900,
    note: "grantAccessBySig - grantAccessBatch, 1 report, same state",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const [direct, relayed] = await registeredReports(ledger, patient, `relayed ${tag}`, 2);
      const readerDirect = await newReader(ledger, `direct ${tag}`);
      const readerRelayed = await newReader(ledger, `relayed ${tag}`);
      const d = await measure(ledger.connect(patient).grantAccessBatch(grantOf(readerDirect, [direct!])));
      const g = grantOf(readerRelayed, [relayed!]);
      const signature = await signGrant(patient, ledger, g);
      const r = await measure(ledger.connect(receptionist).grantAccessBySig(await patient.getAddress(), g, DEADLINE, signature));
      return { gas: r.gas - d.gas, calldata: r.calldata - d.calldata };
    },
  },
  {
    name: "revokeAllAccess",
    // pause, patient role, record link, terms (cold reads); the terms slot (new: epoch 1); AllAccessRevoked
    // (3 topics, 1 word).
    floorWithoutCalldata: BASE + 4 * COLD + NEW_SLOT - COLD + event(3, 32),
    note: "O(1) whatever was shared",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const ids = await registeredReports(ledger, patient, `revoke all ${tag}`, 10);
      const reader = await newReader(ledger, `revoke all ${tag}`);
      await (await ledger.connect(patient).grantAccessBatch(grantOf(reader, ids))).wait();
      return measure(ledger.connect(patient).revokeAllAccess(reader));
    },
  },
  {
    name: "rekeyReport",
    // pause, report, the caller's patient role and record link, care's patient, hold (cold reads; the
    // custodian is not read: its key is there); version slot (new); ReportRekeyed (2 indexed: version,
    // CID, 3 keys); 1 reader: terms, bitmap, key, rotations (cold; report and care warm) + ReportKeyRewrapped.
    floorWithoutCalldata: BASE + 6 * COLD + NEW_SLOT + event(3, 32 + dyn(36) + 3 * dyn(80)) + 4 * COLD + rewrapEvent,
    note: "new CID, keys for patient, doctor, custodian and 1 remaining reader",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const [id] = await registeredReports(ledger, patient, `rekey ${tag}`, 1);
      const reader = await newReader(ledger, `rekey ${tag}`);
      await (await ledger.connect(patient).grantAccess(id!, reader, wrapped(`g ${tag}`))).wait();
      return measure(
        ledger.connect(patient).rekeyReport({
          reportId: id!,
          cid: cid(`rekeyed ${tag}`),
          patientKey: wrapped(`rp ${tag}`),
          doctorKey: wrapped(`rd ${tag}`),
          custodianKey: wrapped(`rc ${tag}`),
          readers: [reader],
          readerKeys: [wrapped(`rr ${tag}`)],
        }),
      );
    },
  },
  {
    name: "rotateEncryptionKey",
    // pause, key, rotations (cold); the key (changed: 2900), rotations (new slot); EncryptionKeyPublished.
    floorWithoutCalldata: BASE + 3 * COLD + 2900 + NEW_SLOT - COLD + event(2, 64),
    note: "first rotation (version 2)",
    async run(ledger, tag) {
      const account = await newAccount();
      await (await ledger.connect(account).publishEncryptionKey(key(`rotate ${tag}`))).wait();
      return measure(ledger.connect(account).rotateEncryptionKey(key(`rotated ${tag}`), 2));
    },
  },
  {
    name: "markClaimFraudulent",
    // admin role, pause, report (cold reads); the flag (new slot); ClaimMarkedFraudulent (3 topics, short reason).
    floorWithoutCalldata: BASE + 3 * COLD + NEW_SLOT + event(3, dyn(20)),
    note: "admin resolves a dispute, 20 B reason",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const id = await registeredReport(ledger, patient, `fraud ${tag}`);
      return measure(ledger.connect(admin).markClaimFraudulent(id, "copied registration"));
    },
  },
  {
    name: "registerPatient",
    // role, pause, the account's record link (is it retired?) (cold reads); patient role, nonce, key,
    // profile length + 2 content words (new slots: the 36 B CID takes a length slot and 2 content
    // slots, each its own cold slot); PatientRegistered + EncryptionKeyPublished (key, version) +
    // RoleGranted; ~3000 for ecrecover and the EIP-712 hashing.
    floorWithoutCalldata: BASE + 3 * COLD + 6 * NEW_SLOT + event(3, dyn(36)) + event(2, 64) + roleEvent + 3000,
    note: "EIP-712 signed key, 36 B profile CID",
    async run(ledger) {
      const patient = await newAccount();
      const address = await patient.getAddress();
      const k = key(address);
      return measure(ledger.connect(receptionist).registerPatient(address, cid("profile"), k, DEADLINE, await signKey(patient, ledger, k)));
    },
  },
  {
    name: "assignDoctor",
    // role, pause, patient role, record link, doctor role (cold reads); assignment, care (2 slots),
    // last care id (changed: 5000); DoctorAssigned (4 topics, 1 word).
    floorWithoutCalldata: BASE + 5 * COLD + 3 * NEW_SLOT + 5000 + event(4, 32),
    note: "first assignment of the pair (new care id)",
    async run(ledger) {
      const patient = await newAccount();
      const address = await patient.getAddress();
      const k = key(address);
      await (await ledger.connect(receptionist).registerPatient(address, cid("profile"), k, DEADLINE, await signKey(patient, ledger, k))).wait();
      return measure(ledger.connect(receptionist).assignDoctor(address, await doctor.getAddress()));
    },
  },
  {
    name: "addDoctor",
    // admin role, pause (cold reads); staff role word, active+since word, profile hash, doctor role: 4 new
    // slots (the profile itself lives in the event only); StaffAdded (3 topics, the profile tuple) + RoleGranted.
    floorWithoutCalldata: BASE + 2 * COLD + 4 * NEW_SLOT + event(3, staffProfileBytes("Dr. New Doctor")) + roleEvent,
    note: "addStaff(DOCTOR_ROLE) with a realistic profile",
    async run(ledger) {
      const account = await newAccount();
      return measure(ledger.connect(admin).addStaff(await account.getAddress(), DOCTOR_ROLE, profile("Dr. New Doctor")));
    },
  },
  {
    name: "updateStaff",
    // admin role, pause, staff role (cold reads); the changed profile hash (5000 incl. cold access);
    // StaffUpdated (2 topics, the whole profile tuple).
    floorWithoutCalldata: BASE + 3 * COLD + 5000 + event(2, staffProfileBytes("Dr. Renamed Doc")),
    note: "new name, same department and contact",
    async run(ledger, tag) {
      const account = await newAccount();
      await (await ledger.connect(admin).addStaff(await account.getAddress(), DOCTOR_ROLE, profile(`Dr. Update ${tag.slice(0, 4)}`))).wait();
      return measure(ledger.connect(admin).updateStaff(await account.getAddress(), profile("Dr. Renamed Doc")));
    },
  },
  {
    name: "deactivateStaff",
    // admin role, pause (cold reads); staff role word read, active flag changed (5000 incl. cold), role
    // cleared (5000 incl. cold, refund 4800); StaffDeactivated + RoleRevoked.
    floorWithoutCalldata: BASE + 3 * COLD + 5000 + 5000 - 4800 + event(3, 0) + roleEvent,
    note: "role revoked, record kept",
    async run(ledger) {
      const account = await newAccount();
      await (await ledger.connect(admin).addStaff(await account.getAddress(), DOCTOR_ROLE, profile("Dr. Leaving"))).wait();
      return measure(ledger.connect(admin).deactivateStaff(await account.getAddress()));
    },
  },
  {
    name: "publishEncryptionKey",
    // pause (cold read); the key (new slot; the rotation count is not read for a keyless account);
    // EncryptionKeyPublished (2 topics, key + version).
    floorWithoutCalldata: BASE + COLD + NEW_SLOT + event(2, 64),
    note: "first key of the account",
    async run(ledger, tag) {
      const account = await newAccount();
      return measure(ledger.connect(account).publishEncryptionKey(key(`publish ${tag}`)));
    },
  },
  {
    name: "registerReportHeld",
    // as registerReport + the hospital policy slot (release delay, cold) and the hold's release time (new
    // slot); ReportRegistered without a patient key.
    floorWithoutCalldata: BASE + 5 * COLD + 2900 + 2 * NEW_SLOT + heldReportEvent,
    note: "held for review: no patient key, release time stored",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      return measure(ledger.connect(doctor).registerReport(report(`held ${tag}`, await patient.getAddress(), ZERO32, true)));
    },
  },
  {
    name: "releaseReport",
    // pause, report, hold, care's doctor and patient, doctor role, the record's holder, the patient's
    // key and rotations, the report's version (cold reads); the hold cleared (5000 incl. the cold read,
    // refund 4800); ReportReleased (2 indexed) + ReportKeyRewrapped for the patient.
    floorWithoutCalldata: BASE + 9 * COLD + 5000 - 4800 + event(3, 0) + rewrapEvent,
    note: "issuing doctor releases a held result (patient key, 80 B)",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const input = report(`release ${tag}`, await patient.getAddress(), ZERO32, true);
      await (await ledger.connect(doctor).registerReport(input)).wait();
      const id = claimId(input.sha256Digest, await doctor.getAddress());
      return measure(ledger.connect(doctor).releaseReport(id, wrapped(`released ${tag}`)));
    },
  },
  {
    name: "recoverPatient",
    // receptionist role, pause, the profile's length word (cold reads); the lost account's patient role
    // cleared (5000 incl. the cold read, refund 4800); new slots: the lost account's link (retired), the
    // successor's patient role, link, nonce and key, the record's holder; the profile's 2 content words
    // changed (5000 each); RoleRevoked + RoleGranted + EncryptionKeyPublished + PatientRecovered (4
    // topics, 1 word) + PatientProfileUpdated (36 B CID); ~3000 for ecrecover and the EIP-712 hashing.
    // Nothing per report: the record's reports follow the record.
    floorWithoutCalldata: BASE + 3 * COLD + 5000 - 4800 + 6 * NEW_SLOT + 2 * 5000 + 2 * roleEvent + event(2, 64) + event(4, 32) + event(3, dyn(36)) + 3000,
    note: `record of ${BATCH} reports (${BACKGROUND + BATCH} when busy) to a new account; signed key, re-sealed profile`,
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      await registeredReports(ledger, patient, `recovered ${tag}`, recordSize(tag));
      const { send } = await recovery(ledger, patient);
      return measure(send());
    },
  },
  {
    name: "custodianRewrapBatch20PerReport",
    // per batch: pause, the policy (custodian), the successor's key and rotations, patient role and
    // record link, the care's patient (cold reads) + KeysRewrappedByCustodian (2 topics, 1 word); per
    // report: report, hold, version (cold reads) + ReportKeyRewrapped. canRead also reads the care's
    // doctor, the grant terms and word and the emergency slot before it finds the patient (4 cold reads
    // per batch, about 420 gas per report): not counted, a check in another order would skip them.
    floorWithoutCalldata: BASE + 7 * COLD + event(2, 32) + BATCH * (3 * COLD + rewrapEvent),
    note: `custodian re-wraps ${BATCH} keys for a recovered patient's new account, per report`,
    per: BATCH,
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const ids = (await registeredReports(ledger, patient, `rewrapped ${tag}`, recordSize(tag))).slice(-BATCH);
      const { successor, send } = await recovery(ledger, patient);
      await (await send()).wait();
      const reader = await successor.getAddress();
      return measure(
        ledger.connect(custodian).custodianRewrap(
          reader,
          ids,
          ids.map((id) => wrapped(`cr ${reader} ${id}`)),
        ),
      );
    },
  },
  {
    name: "breakGlass",
    // doctor role, pause, patient role, record link, the doctor's (absent) assignment, the policy
    // (emergency duration) (cold reads); the emergency access (new slot); EmergencyAccessed (4 topics,
    // reason + end).
    floorWithoutCalldata: BASE + 6 * COLD + NEW_SLOT + event(4, 64),
    note: "unassigned doctor, coded reason, time-limited",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      await registeredReports(ledger, patient, `emergency ${tag}`, 3);
      return measure(ledger.connect(doctor2).breakGlass(await patient.getAddress(), EMERGENCY_REASON));
    },
  },
  {
    name: "appointGuardian",
    // pause, patient role, record link, the caller's receptionist role (cold reads); the guardian slot
    // (new); GuardianAppointed (4 topics, end + by whom).
    floorWithoutCalldata: BASE + 4 * COLD + NEW_SLOT + event(4, 64),
    note: "by the reception (a minor), until a date",
    async run(ledger) {
      const patient = await assignedPatient(ledger);
      const guardian = await newReader(ledger, `guardian ${await patient.getAddress()}`);
      return measure(ledger.connect(receptionist).appointGuardian(await patient.getAddress(), guardian, GUARDIAN_UNTIL));
    },
  },
  {
    name: "grantAccessAsGuardian",
    // pause, patient role, record link, the guardian slot, terms, report, care (cold reads); the grant
    // bitmap word (new); ActedAsGuardian (3 topics, selector) + AccessGranted.
    floorWithoutCalldata: BASE + 7 * COLD + NEW_SLOT + event(3, 32) + grantEvent,
    note: "guardian shares 1 report for the patient",
    async run(ledger, tag) {
      const patient = await assignedPatient(ledger);
      const address = await patient.getAddress();
      const [id] = await registeredReports(ledger, patient, `guarded ${tag}`, 1);
      const guardian = await newAccount();
      await (await ledger.connect(guardian).publishEncryptionKey(key(`guardian ${tag}`))).wait();
      await (await ledger.connect(receptionist).appointGuardian(address, await guardian.getAddress(), GUARDIAN_UNTIL)).wait();
      const reader = await newReader(ledger, `guarded ${tag}`);
      return measure(ledger.connect(guardian).grantAccessAsGuardian(address, grantOf(reader, [id!])));
    },
  },
  {
    name: "endGuardianship",
    // pause, patient role, record link, the caller's receptionist role (cold reads); the guardian slot
    // cleared (5000 incl. the cold read, refund 4800); GuardianshipEnded (4 topics, no data).
    floorWithoutCalldata: BASE + 4 * COLD + 5000 - 4800 + event(4, 0),
    note: "by the patient, of a guardian they appointed",
    async run(ledger) {
      const patient = await assignedPatient(ledger);
      const address = await patient.getAddress();
      const guardian = await newReader(ledger, `ended guardian ${address}`);
      await (await ledger.connect(patient).appointGuardian(address, guardian, 0)).wait();
      return measure(ledger.connect(patient).endGuardianship(address, guardian));
    },
  },
];

/**
 * Adds `count` reports of one patient and 10 more patients to the registry (the "many records"
 * state): of these, some recovered to a new account, some with a guardian, opened in an
 * emergency, or with a result held for review.
 */
async function background(ledger: MedLedger, count: number): Promise<void> {
  const patient = await assignedPatient(ledger);
  await registeredReports(ledger, patient, "background", count);
  for (let i = 0; i < 10; i += 1) {
    const other = await assignedPatient(ledger);
    const address = await other.getAddress();
    await registeredReports(ledger, other, `background ${i}`, 2);
    if (i % 4 === 0) await (await (await recovery(ledger, other)).send()).wait();
    else if (i % 4 === 1) await (await ledger.connect(receptionist).appointGuardian(address, await newReader(ledger, `bg ${i}`), GUARDIAN_UNTIL)).wait();
    else if (i % 4 === 2) await (await ledger.connect(doctor2).breakGlass(address, EMERGENCY_REASON)).wait();
    else await (await ledger.connect(doctor).registerReport(report(`background held ${i}`, address, ZERO32, true))).wait();
  }
}

async function deploy(): Promise<MedLedger> {
  const { medLedger } = await connection.ignition.deploy(MedLedgerModule);
  const ledger = medLedger as unknown as MedLedger;
  await (await ledger.connect(admin).addStaff(await receptionist.getAddress(), RECEPTIONIST_ROLE, profile("Rita Reyes"))).wait();
  await (await ledger.connect(admin).addStaff(await doctor.getAddress(), DOCTOR_ROLE, profile("Dr. Ada Lovelace"))).wait();
  await (await ledger.connect(admin).addStaff(await doctor2.getAddress(), DOCTOR_ROLE, profile("Dr. Gregory House"))).wait();
  await (await ledger.connect(doctor).publishEncryptionKey(key("doctor"))).wait();
  // The hospital's records custodian: every report and re-key is also wrapped for its key.
  await (await ledger.connect(admin).setRecordsCustodian(await custodian.getAddress())).wait();
  await (await ledger.connect(custodian).publishEncryptionKey(key("records custodian"))).wait();
  return ledger;
}

try {
  const fresh = await deploy();
  const busy = await deploy();
  await background(busy, BACKGROUND);
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    const first = await scenario.run(fresh, "fresh");
    const second = await scenario.run(busy, "busy");
    const per = scenario.per ?? 1;
    rows.push({
      name: scenario.name,
      gas: Math.round(first.gas / per),
      gasAfterBackground: Math.round(second.gas / per),
      execution: [first.gas - first.calldata, second.gas - second.calldata],
      floor: Math.round((scenario.floorWithoutCalldata + first.calldata) / per),
      note: scenario.note,
    });
  }

  const header = ["operation", "gas", `gas (+${BACKGROUND} reports)`, "est. floor", "over floor", "note"];
  const lines = rows.map((r) => [
    r.name,
    String(r.gas),
    String(r.gasAfterBackground),
    String(r.floor),
    `${(((r.gas - r.floor) / r.floor) * 100).toFixed(1)} %`,
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(format(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(format(l));

  const dependent = rows.filter((r) => r.execution[0] !== r.execution[1]);
  if (dependent.length > 0) {
    console.error(`Gas depends on the number of records for: ${dependent.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  } else {
    console.log(`\nEvery operation's execution gas (total less calldata) is the same with ${BACKGROUND} more reports on record.`);
  }
  // What an L2 charges for: the calldata of one registerReport (selector + ABI-encoded ReportInput,
  // with the keys for patient, doctor and custodian).
  const sample = report("calldata sample", ethers.ZeroAddress);
  const registerReportCalldataBytes = ethers.getBytes(fresh.interface.encodeFunctionData("registerReport", [sample])).length;
  console.log(`registerReport calldata: ${registerReportCalldataBytes} bytes`);
  mkdirSync(dirname(OUT), { recursive: true });
  const results = { ...Object.fromEntries(rows.map((r) => [r.name, r.gas])), registerReportCalldataBytes };
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Wrote ${OUT}`);
} finally {
  await connection.close();
}
