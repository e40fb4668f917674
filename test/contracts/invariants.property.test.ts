/**
 * Property tests: fast-check drives random sequences of operations by random actors against
 * the real contract on the in-process EVM, then checks the invariants against the chain's own
 * history (events and state at the block before each transaction), not against a model:
 *
 * 1. a report exists only for a patient assigned to its doctor at registration time;
 * 2. claim ids are unique and bound to their issuer (`keccak256(abi.encode(sha256, doctor))`), and
 *    a registration is only ever refused as a duplicate of the same doctor's own earlier claim;
 * 3. only the admin changes staff roles (and only receptionists grant the patient role);
 * 4. a revoked grant (one report, or all of a patient's for a reader) reads as revoked;
 * 5. a report is only ever superseded by a report of its own issuer.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { Result } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  as,
  type Cast,
  ethers,
  keyOf,
  networkHelpers,
  profile,
  registerPatient,
  reportIdOf,
  reportInput,
  ROLES,
  staffedLedger,
  wrappedKeyOf,
  ZERO20,
  ZERO32,
  type Deployed,
  type MedLedger,
} from "./fixture.ts";

const RUNS = 25;
const MIN_OPS = 8;
const MAX_OPS = 24;
/** Few report seeds, so that duplicates (same SHA-256) are tried often. */
const REPORT_SEEDS = 4;

const anyone = fc.integer({ min: 0, max: 11 });
/** Mostly an account in the range that can succeed (`min`..`max`), sometimes anyone. */
const likely = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 3 }, { arbitrary: anyone, weight: 1 });
const admin = likely(0, 0);
const receptionist = likely(1, 2);
const doctor = likely(3, 5);
const patient = likely(6, 8);
const account = anyone;
const seed = fc.integer({ min: 0, max: REPORT_SEEDS - 1 });

type Op =
  | { kind: "addStaff"; by: number; who: number; doctor: boolean }
  | { kind: "deactivate"; by: number; who: number }
  | { kind: "reactivate"; by: number; who: number }
  | { kind: "grantRole"; by: number; who: number; role: "doctor" | "receptionist" | "patient" }
  | { kind: "revokeRole"; by: number; who: number; role: "doctor" | "receptionist" | "patient" }
  | { kind: "registerPatient"; by: number; who: number }
  | { kind: "assign"; by: number; patient: number; doctor: number }
  | { kind: "unassign"; by: number; patient: number; doctor: number }
  | { kind: "report"; by: number; patient: number; seed: number; variant: number; supersedes: number | null }
  | { kind: "batch"; by: number; patient: number; seeds: number[] }
  | { kind: "publishKey"; by: number }
  | { kind: "grant"; by: Sharer; seed: number; issuer: number; reader: number; pick: number | null }
  | { kind: "revoke"; by: Sharer; seed: number; issuer: number; reader: number; pick: number | null }
  | { kind: "revokeAll"; by: number; reader: number };

/** Who shares: an account index, or "owner" for the report's patient (looked up on chain). */
type Sharer = number | "owner";
const sharer: fc.Arbitrary<Sharer> = fc.oneof({ arbitrary: fc.constant("owner" as const), weight: 3 }, { arbitrary: anyone, weight: 1 });
/** Readers: mostly accounts with a published key in the fixture (doctors and patients). */
const reader = fc.oneof({ arbitrary: fc.constantFrom(3, 4, 5, 6, 7, 8), weight: 3 }, { arbitrary: anyone, weight: 1 });

const roleName = fc.constantFrom("doctor" as const, "receptionist" as const, "patient" as const);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("addStaff" as const), by: admin, who: account, doctor: fc.boolean() }),
  fc.record({ kind: fc.constant("deactivate" as const), by: admin, who: account }),
  fc.record({ kind: fc.constant("reactivate" as const), by: admin, who: account }),
  fc.record({ kind: fc.constant("grantRole" as const), by: admin, who: account, role: roleName }),
  fc.record({ kind: fc.constant("revokeRole" as const), by: admin, who: account, role: roleName }),
  fc.record({ kind: fc.constant("registerPatient" as const), by: receptionist, who: patient }),
  fc.record({ kind: fc.constant("assign" as const), by: receptionist, patient, doctor }),
  fc.record({ kind: fc.constant("unassign" as const), by: receptionist, patient, doctor }),
  {
    arbitrary: fc.record({
      kind: fc.constant("report" as const),
      by: doctor,
      patient,
      seed,
      variant: fc.integer({ min: 0, max: 1 }),
      supersedes: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: seed, weight: 1 }),
    }),
    weight: 4,
  },
  fc.record({ kind: fc.constant("batch" as const), by: doctor, patient, seeds: fc.array(seed, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("publishKey" as const), by: anyone }),
  {
    arbitrary: fc.record({ kind: fc.constant("grant" as const), by: sharer, seed, issuer: doctor, reader, pick: fc.option(fc.nat(), { nil: null, freq: 4 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("revoke" as const), by: sharer, seed, issuer: doctor, reader, pick: fc.option(fc.nat(), { nil: null, freq: 4 }) }),
    weight: 3,
  },
  fc.record({ kind: fc.constant("revokeAll" as const), by: patient, reader }),
);

function reportOf(s: number, patient: string, variant: number, supersedes: string): ReturnType<typeof reportInput> {
  const input = reportInput(`seed-${s}`, patient, supersedes);
  // Same SHA-256 with another SHA-1 (variant 1): the same claim id for the same doctor.
  return variant === 0 ? input : { ...input, sha1Digest: ethers.dataSlice(ethers.id(`sha1-${s}-${variant}`), 0, 20) };
}

const shaOf = (s: number): string => reportInput(`seed-${s}`, ethers.ZeroAddress).sha256Digest;
/** Claim id of report seed `s` by the account with index `doctor`. */
const idOf = (cast: Cast, s: number, doctor: number): string => reportIdOf(shaOf(s), cast.all[doctor]!.address);

/** Driver memory of one run: claims registered and pairs granted so far, for grants and revokes to aim at. */
interface Run {
  readonly reports: { seed: number; issuer: number }[];
  readonly granted: { seed: number; issuer: number; reader: number }[];
}

/**
 * A grant with `pick` aims at a report registered earlier in the run, a revoke with `pick` at a
 * pair granted earlier (when there is one); without `pick` they take their random target.
 */
function aimed(o: Op, run: Run): Op {
  if (o.kind === "grant" && o.pick !== null && run.reports.length > 0) {
    return { ...o, ...run.reports[o.pick % run.reports.length]! };
  }
  if (o.kind === "revoke" && o.pick !== null && run.granted.length > 0) {
    const target = run.granted[o.pick % run.granted.length]!;
    return { ...o, seed: target.seed, issuer: target.issuer, reader: target.reader };
  }
  return o;
}

async function actorOf(ledger: MedLedger, cast: Cast, o: Op): Promise<HardhatEthersSigner> {
  if (o.by !== "owner") return cast.all[o.by]!;
  if (o.kind !== "grant" && o.kind !== "revoke") throw new Error("only sharing ops have an owner");
  const [status, report] = await ledger.verify(shaOf(o.seed), ZERO20, cast.all[o.issuer]!.address);
  const owner = status === 0n ? undefined : cast.all.find((s) => s.address === report.patient);
  return owner ?? cast.stranger;
}

async function apply(ledger: MedLedger, cast: Cast, o: Op): Promise<void> {
  const signer = (i: number): HardhatEthersSigner => cast.all[i]!;
  const by = as(ledger, await actorOf(ledger, cast, o));
  switch (o.kind) {
    case "addStaff":
      return void (await by.addStaff(signer(o.who).address, o.doctor ? ROLES.doctor : ROLES.receptionist, profile(`Staff ${o.who}`)));
    case "deactivate":
      return void (await by.deactivateStaff(signer(o.who).address));
    case "reactivate":
      return void (await by.reactivateStaff(signer(o.who).address));
    case "grantRole":
      return void (await by.grantRole(ROLES[o.role], signer(o.who).address));
    case "revokeRole":
      return void (await by.revokeRole(ROLES[o.role], signer(o.who).address));
    case "registerPatient":
      return void (await registerPatient(ledger, signer(o.by as number), signer(o.who)));
    case "assign":
      return void (await by.assignDoctor(signer(o.patient).address, signer(o.doctor).address));
    case "unassign":
      return void (await by.unassignDoctor(signer(o.patient).address, signer(o.doctor).address));
    case "report":
      return void (await by.registerReport(
        reportOf(o.seed, signer(o.patient).address, o.variant, o.supersedes === null ? ZERO32 : idOf(cast, o.supersedes, o.by as number)),
      ));
    case "batch":
      return void (await by.registerReports(o.seeds.map((s) => reportOf(s, signer(o.patient).address, 0, ZERO32))));
    case "publishKey":
      return void (await by.publishEncryptionKey(keyOf(`published-${o.by}`)));
    case "grant":
      return void (await by.grantAccess(idOf(cast, o.seed, o.issuer), signer(o.reader).address, wrappedKeyOf(`g-${o.seed}-${o.reader}`)));
    case "revoke":
      return void (await by.revokeAccess(idOf(cast, o.seed, o.issuer), signer(o.reader).address));
    case "revokeAll":
      return void (await by.revokeAllAccess(signer(o.reader).address));
  }
}

/** The revert data carried by an ethers or Hardhat provider error, if any. */
function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth += 1) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return data;
    current = (current as { error?: unknown; cause?: unknown }).error ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The ledger's (or its OpenZeppelin bases') custom error `error` reverted with, if any. */
function ledgerError(ledger: MedLedger, error: unknown): ReturnType<MedLedger["interface"]["parseError"]> {
  const data = revertData(error);
  return data === undefined ? null : ledger.interface.parseError(data);
}

interface Decoded {
  readonly eventName: string;
  readonly args: Result;
  readonly blockNumber: number;
  readonly index: number;
  readonly transactionHash: string;
}

/** Every event of the ledger since `fromBlock`, decoded with its ABI. */
async function decodedLogs(ledger: MedLedger, fromBlock: number): Promise<Decoded[]> {
  const logs = await ethers.provider.getLogs({ address: await ledger.getAddress(), fromBlock });
  return logs.map((log) => {
    const parsed = ledger.interface.parseLog(log);
    if (!parsed) throw new Error(`undecodable log in ${log.transactionHash}`);
    return { eventName: parsed.name, args: parsed.args, blockNumber: log.blockNumber, index: log.index, transactionHash: log.transactionHash };
  });
}

function events(logs: readonly Decoded[], name: string): Decoded[] {
  return logs.filter((l) => l.eventName === name);
}

/** The fixture's world plus pat3, with most (doctor, patient) pairs assigned, so that random reports often succeed. */
async function propertyWorld(): Promise<Deployed> {
  const deployed = await staffedLedger();
  const { ledger, cast } = deployed;
  await registerPatient(ledger, cast.rec1, cast.pat3);
  const rec = as(ledger, cast.rec2);
  await rec.assignDoctor(cast.pat2.address, cast.doc3.address);
  await rec.assignDoctor(cast.pat3.address, cast.doc2.address);
  await rec.assignDoctor(cast.pat3.address, cast.doc3.address);
  await as(ledger, cast.doc3).publishEncryptionKey(keyOf("doc3"));
  return deployed;
}

describe("MedLedger: invariants under random operation sequences (fast-check)", function () {
  this.timeout(120_000);

  it("hold for every sequence", async () => {
    let reportsSeen = 0;
    let successes = 0;
    let revokedSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: MIN_OPS, maxLength: MAX_OPS, size: "max" }), async (ops) => {
        const { ledger, cast } = await networkHelpers.loadFixture(propertyWorld);
        const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
        let succeeded = 0;
        const run: Run = { reports: [], granted: [] };
        /** Claims registered so far in this run, as "sha256/doctor". */
        const claimed = new Set<string>();
        for (const planned of ops) {
          const o = aimed(planned, run);
          try {
            await apply(ledger, cast, o);
            succeeded += 1;
            if (o.kind === "grant") run.granted.push({ seed: o.seed, issuer: o.issuer, reader: o.reader });
            if (o.kind === "report") run.reports.push({ seed: o.seed, issuer: o.by });
            if (o.kind === "batch") run.reports.push(...o.seeds.map((seed) => ({ seed, issuer: o.by })));
            if (o.kind === "report") claimed.add(`${shaOf(o.seed)}/${o.by}`);
            if (o.kind === "batch") for (const seed of o.seeds) claimed.add(`${shaOf(seed)}/${o.by}`);
          } catch (error) {
            // Every refusal must be one of the contract's own errors, never an unexpected failure.
            const parsed = ledgerError(ledger, error);
            if (parsed === null) throw error;
            // A registration is refused as a duplicate only of the same doctor's own claim: nobody squats another's.
            if (parsed.name === "ReportExists" && o.kind === "report") {
              expect(claimed.has(`${shaOf(o.seed)}/${o.by}`), "ReportExists only for the caller's own claim").to.equal(true);
            }
          }
        }
        const logs = await decodedLogs(ledger, fromBlock);

        // 1. Each report: at the block before its transaction, its doctor was an active doctor
        // assigned to its patient, and the patient was a patient. The stored record agrees.
        const registered = events(logs, "ReportRegistered");
        for (const e of registered) {
          const { patient, doctor, reportId } = e.args;
          const before = { blockTag: e.blockNumber - 1 };
          expect(await ledger.isAssigned(patient, doctor, before), "assigned at registration").to.equal(true);
          expect(await ledger.hasRole(ROLES.doctor, doctor, before), "doctor at registration").to.equal(true);
          expect(await ledger.hasRole(ROLES.patient, patient, before), "patient at registration").to.equal(true);
          const tx = await ethers.provider.getTransaction(e.transactionHash);
          expect(tx!.from).to.equal(doctor);
          const stored = await ledger.getReport(reportId);
          expect([stored.patient, stored.doctor]).to.deep.equal([patient, doctor]);
        }
        reportsSeen += registered.length;

        // 2. Claim ids are unique and bound to (SHA-256, issuer).
        const ids = registered.map((e) => e.args.reportId as string);
        expect(new Set(ids).size).to.equal(ids.length);
        for (const e of registered) expect(e.args.reportId).to.equal(reportIdOf(e.args.sha256Digest, e.args.doctor));

        // 3. Staff roles change only by the admin's transactions; the patient role only by receptionists'.
        for (const e of [...events(logs, "RoleGranted"), ...events(logs, "RoleRevoked")]) {
          const { role, sender } = e.args;
          const tx = await ethers.provider.getTransaction(e.transactionHash);
          expect(tx!.from).to.equal(sender);
          if (role === ROLES.doctor || role === ROLES.receptionist) {
            expect(sender, "staff role changed by the admin only").to.equal(cast.admin.address);
          } else if (role === ROLES.patient) {
            expect(await ledger.hasRole(ROLES.receptionist, sender, { blockTag: e.blockNumber - 1 })).to.equal(true);
          }
        }
        // ... and the final staff roles are exactly the active staff records.
        for (const signer of cast.all.slice(0, 12)) {
          const member = await ledger.staffMember(signer.address);
          for (const role of [ROLES.doctor, ROLES.receptionist]) {
            expect(await ledger.hasRole(role, signer.address)).to.equal(member.active && member.role === role);
          }
        }

        // 4. The last word on a (report, reader) pair decides: revoked (one, or all of the patient's) reads as revoked.
        const last = new Map<string, { granted: boolean; reportId: string; reader: string; patient: string }>();
        for (const e of [...events(logs, "AccessGranted"), ...events(logs, "AccessRevoked"), ...events(logs, "AllAccessRevoked")].sort(
          (a, b) => a.blockNumber - b.blockNumber || a.index - b.index,
        )) {
          if (e.eventName === "AllAccessRevoked") {
            for (const entry of last.values()) {
              if (entry.patient === e.args.patient && entry.reader === e.args.reader) entry.granted = false;
            }
            continue;
          }
          const { reportId, reader, patient } = e.args;
          last.set(`${reportId}/${reader}`, { granted: e.eventName === "AccessGranted", reportId, reader, patient });
        }
        for (const { granted, reportId, reader } of last.values()) {
          const [grantStatus] = await ledger.grantOf(reportId, reader);
          expect(grantStatus === 1n).to.equal(granted);
          const { patient, doctor } = await ledger.getReport(reportId);
          expect(await ledger.canRead(reportId, reader)).to.equal(granted || reader === patient || reader === doctor);
          if (!granted) revokedSeen += 1;
        }
        // 5. Amendments stay with their author.
        for (const e of events(logs, "ReportSuperseded")) {
          const [older, newer] = [await ledger.getReport(e.args.reportId), await ledger.getReport(e.args.by)];
          expect(newer.doctor, "superseded only by its own issuer").to.equal(older.doctor);
        }
        successes += succeeded;
      }),
      { numRuns: RUNS },
    );
    // The generators must actually reach the interesting states.
    expect(successes, "successful operations over all runs").to.be.greaterThan(RUNS);
    expect(reportsSeen, "reports registered over all runs").to.be.greaterThan(0);
    expect(revokedSeen, "revoked grants over all runs").to.be.greaterThan(0);
  });
});
