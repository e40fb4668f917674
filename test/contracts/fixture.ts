/**
 * Shared fixture of the contract tests: MedLedger deployed through its Ignition module on a fresh
 * in-process Hardhat EVM, with the demo cast (admin, receptionists, doctors, patients, stranger)
 * as ethers signers, and helpers for the multi-step set-ups (staff, patients, reports).
 */
import { network } from "hardhat";
import type { Contract, ContractTransactionResponse, Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import MedLedgerModule from "../../ignition/modules/MedLedger.ts";

/** The connection every contract test file shares (one in-process EVM; fixtures snapshot it). */
export const connection = await network.create();
export const { ethers, networkHelpers, ignition } = connection;

export const ADMIN_DELAY = 24n * 60n * 60n;
export const ZERO32 = `0x${"00".repeat(32)}`;
export const ZERO20 = `0x${"00".repeat(20)}`;

/** Role ids as the contract computes them. */
export const ROLES = {
  admin: ZERO32,
  receptionist: ethers.id("RECEPTIONIST_ROLE"),
  doctor: ethers.id("DOCTOR_ROLE"),
  patient: ethers.id("PATIENT_ROLE"),
} as const;

/** `VerificationStatus` of the contract. */
export const Status = { NotRegistered: 0n, Current: 1n, Superseded: 2n, DigestMismatch: 3n } as const;

export interface Cast {
  readonly admin: HardhatEthersSigner;
  readonly rec1: HardhatEthersSigner;
  readonly rec2: HardhatEthersSigner;
  readonly doc1: HardhatEthersSigner;
  readonly doc2: HardhatEthersSigner;
  readonly doc3: HardhatEthersSigner;
  readonly pat1: HardhatEthersSigner;
  readonly pat2: HardhatEthersSigner;
  readonly pat3: HardhatEthersSigner;
  readonly pat4: HardhatEthersSigner;
  readonly pat5: HardhatEthersSigner;
  readonly stranger: HardhatEthersSigner;
  readonly all: readonly HardhatEthersSigner[];
}

export interface Deployed {
  readonly ledger: Contract;
  readonly address: string;
  readonly cast: Cast;
}

/** The signer-bound view of the ledger (ethers' `connect` loses the method index type). */
export function as(ledger: Contract, signer: Signer): Contract {
  return ledger.connect(signer) as Contract;
}

async function castOf(): Promise<Cast> {
  const all = await ethers.getSigners();
  const at = (i: number): HardhatEthersSigner => {
    const signer = all[i];
    if (!signer) throw new Error(`no signer #${i}`);
    return signer;
  };
  return {
    admin: at(0),
    rec1: at(1),
    rec2: at(2),
    doc1: at(3),
    doc2: at(4),
    doc3: at(5),
    pat1: at(6),
    pat2: at(7),
    pat3: at(8),
    pat4: at(9),
    pat5: at(10),
    stranger: at(11),
    all,
  };
}

/** A fresh MedLedger, deployed by its Ignition module with the default parameters. */
export async function deployedLedger(): Promise<Deployed> {
  const cast = await castOf();
  const { medLedger } = await ignition.deploy(MedLedgerModule);
  return { ledger: medLedger, address: await medLedger.getAddress(), cast };
}

/** A deterministic, non-zero 32-byte X25519-like key for `seed`. */
export function keyOf(seed: string): string {
  return ethers.id(`x25519:${seed}`);
}

/** A realistic binary CIDv1 (raw, sha2-256): 36 bytes. */
export function cidOf(seed: string): string {
  return ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes(seed))]);
}

/** An 80-byte wrapped key (ephemeral X25519 public key + nonce + AES-GCM(key) + tag, as sized by the core). */
export function wrappedKeyOf(seed: string): string {
  return ethers.hexlify(ethers.getBytes(ethers.concat([ethers.id(`a:${seed}`), ethers.id(`b:${seed}`), ethers.id(`c:${seed}`)])).slice(0, 80));
}

/** EIP-712 signature by `signer` binding `key` to its address at `nonce`. */
export async function signKey(
  signer: Signer,
  verifyingContract: string,
  key: string,
  nonce: bigint,
  chainId?: bigint,
): Promise<string> {
  const domain = {
    name: "MedLedger",
    version: "1",
    chainId: chainId ?? (await ethers.provider.getNetwork()).chainId,
    verifyingContract,
  };
  const types = {
    EncryptionKey: [
      { name: "account", type: "address" },
      { name: "key", type: "bytes32" },
      { name: "nonce", type: "uint256" },
    ],
  };
  return signer.signTypedData(domain, types, { account: await signer.getAddress(), key, nonce });
}

export function profile(name: string, department = "Cardiology", contact = "room 1"): [string, string, string] {
  return [name, department, contact];
}

/** Registers `patient` through `receptionist`, with a signed key at the patient's current nonce. */
export async function registerPatient(
  ledger: Contract,
  receptionist: Signer,
  patient: Signer,
  seed?: string,
): Promise<ContractTransactionResponse> {
  const address = await patient.getAddress();
  const key = keyOf(seed ?? address);
  const nonce = (await ledger.nonces(address)) as bigint;
  const signature = await signKey(patient, await ledger.getAddress(), key, nonce);
  return as(ledger, receptionist).registerPatient(address, cidOf(`profile:${address}`), key, signature) as Promise<ContractTransactionResponse>;
}

export interface ReportInput {
  sha256Digest: string;
  sha1Digest: string;
  patient: string;
  supersedes: string;
  cid: string;
  patientKey: string;
  doctorKey: string;
}

/** A valid report input for `patient` whose digests derive from `seed`. */
export function reportInput(seed: string, patient: string, supersedes: string = ZERO32): ReportInput {
  const body = ethers.toUtf8Bytes(`report:${seed}`);
  return {
    sha256Digest: ethers.sha256(body),
    sha1Digest: ethers.dataSlice(ethers.keccak256(body), 0, 20),
    patient,
    supersedes,
    cid: cidOf(`file:${seed}`),
    patientKey: wrappedKeyOf(`p:${seed}`),
    doctorKey: wrappedKeyOf(`d:${seed}`),
  };
}

/**
 * The usual world: receptionists rec1, rec2; doctors doc1, doc2, doc3; patients pat1, pat2
 * registered; doc1 and doc2 assigned to pat1, doc1 to pat2; doc3 and pat3..pat5 have keys
 * published only where noted (doc1, doc2 publish keys).
 */
export async function staffedLedger(): Promise<Deployed> {
  const deployed = await deployedLedger();
  const { ledger, cast } = deployed;
  const admin = as(ledger, cast.admin);
  await admin.addStaff(cast.rec1.address, ROLES.receptionist, profile("Rita Reyes", "Front desk", "rita@example.org"));
  await admin.addStaff(cast.rec2.address, ROLES.receptionist, profile("Sam Okafor", "Outpatients", "sam@example.org"));
  await admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. Ada Lovelace"));
  await admin.addStaff(cast.doc2.address, ROLES.doctor, profile("Dr. Gregory House", "Diagnostics"));
  await admin.addStaff(cast.doc3.address, ROLES.doctor, profile("Dr. Meredith Grey", "Surgery"));
  await as(ledger, cast.doc1).publishEncryptionKey(keyOf("doc1"));
  await as(ledger, cast.doc2).publishEncryptionKey(keyOf("doc2"));
  await registerPatient(ledger, cast.rec1, cast.pat1);
  await registerPatient(ledger, cast.rec1, cast.pat2);
  const rec = as(ledger, cast.rec1);
  await rec.assignDoctor(cast.pat1.address, cast.doc1.address);
  await rec.assignDoctor(cast.pat1.address, cast.doc2.address);
  await rec.assignDoctor(cast.pat2.address, cast.doc1.address);
  return deployed;
}
