/**
 * The server under a sign-in flood: `signInNoncePerSecUnderFlood` is the number of nonce requests
 * per second served (201) to normal clients while another client floods POST /api/auth/nonce,
 * measured after 1,000,000 flood attempts. Everything runs in-process against the real API
 * handler and a real database: PostgreSQL (a throw-away database on the server of DATABASE_URL)
 * when DATABASE_URL is set, else embedded PGlite in memory — `signInNonceBenchBackend` says which.
 * The flood comes from one network (32 concurrent lanes, flat out); the normal clients (8 lanes)
 * each from their own network, as real users do. `signInNoncePerSecNoFlood` is the same
 * measurement before the flood, for comparison.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { MedLedgerError } from "#core/errors.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import type { ChainAccess } from "#server/chain/access.ts";
import { DEFAULT_NONCE_TTL_MS, DEFAULT_SESSION_TTL_MS, type ServerContext } from "#server/context.ts";
import { openDatabase, type Database } from "#server/db/open.ts";
import { nonces } from "#server/db/schema.ts";
import { createApi, type Handler } from "#server/http/api.ts";
import { DEFAULT_LIMITS } from "#server/limits/config.ts";
import { round } from "./stats.ts";

const FLOOD_ATTEMPTS = 1_000_000;
const FLOOD_CONCURRENCY = 32;
const NORMAL_CONCURRENCY = 8;
const MEASURE_MS = 5_000;
const ORIGIN = "http://localhost:3000";

/** The nonce route reads only the chain id; anything else would be a bug of this benchmark. */
const chain: ChainAccess = {
  chainId: 31337,
  contract: "0x0000000000000000000000000000000000000000",
  roles: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  isAssigned: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  canRead: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  reportParties: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  supersededCids: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  auditAnchors: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
  publishedKey: () => Promise.reject(new MedLedgerError("CONFIG", "not used by the nonce route", "")),
};

async function scratchDatabase(url: string | undefined): Promise<{ database: Database; drop(): Promise<void> }> {
  if (!url) return { database: await openDatabase({ dataDir: "memory://", env: {} }), drop: async () => undefined };
  const name = `medledger_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ url: target.toString() });
  return {
    database,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

function nonceRequest(ip: string): Request {
  return new Request(`${ORIGIN}/api/auth/nonce`, { method: "POST", headers: { origin: ORIGIN, "x-forwarded-for": ip } });
}

/** Runs `worker` on `concurrency` lanes until `more()` is false. */
async function lanes(concurrency: number, more: () => boolean, worker: () => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) await worker();
    }),
  );
}

export async function benchServer(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, number | string>> {
  const { database, drop } = await scratchDatabase(env.DATABASE_URL || undefined);
  try {
    const ctx: ServerContext = {
      db: database.db,
      chain,
      // No IPFS node: the nonce route never stores or reads anything.
      ipfs: createKuboStore("http://127.0.0.1:9"),
      now: () => new Date(),
      sessionTtlMs: DEFAULT_SESSION_TTL_MS,
      nonceTtlMs: DEFAULT_NONCE_TTL_MS,
      limits: DEFAULT_LIMITS,
    };
    const nonce: Handler = createApi({ ctx, sessionSecret: randomBytes(32).toString("hex") }).nonce;
    const floodStatuses = new Map<number, number>();
    // Each request first yields to the event loop, as one arriving on a socket would (a chain of
    // microtasks only would starve the database driver's I/O, which no network flood can do).
    const flood = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const response = await nonce(nonceRequest("203.0.113.66"));
      floodStatuses.set(response.status, (floodStatuses.get(response.status) ?? 0) + 1);
    };

    let client = 0;
    /** Nonces served per second to normal clients (each from its own network) over MEASURE_MS, optionally during the flood. */
    const normalRate = async (withFlood: boolean): Promise<{ perSec: number; refused: number }> => {
      let served = 0;
      let refused = 0;
      const end = performance.now() + MEASURE_MS;
      const running = () => performance.now() < end;
      await Promise.all([
        withFlood ? lanes(FLOOD_CONCURRENCY, running, flood) : Promise.resolve(),
        lanes(NORMAL_CONCURRENCY, running, async () => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          const n = client++;
          const response = await nonce(nonceRequest(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`));
          if (response.status === 201) served += 1;
          else refused += 1;
        }),
      ]);
      return { perSec: round(served / (MEASURE_MS / 1000), 1), refused };
    };

    log(`server: normal clients for ${MEASURE_MS / 1000} s, no flood (baseline)`);
    const baseline = await normalRate(false);

    log(`server: ${FLOOD_ATTEMPTS.toLocaleString("en")} flood attempts on POST /api/auth/nonce (${database.backend})`);
    let attempts = 0;
    const floodStart = performance.now();
    await lanes(FLOOD_CONCURRENCY, () => attempts++ < FLOOD_ATTEMPTS, flood);
    const floodSeconds = (performance.now() - floodStart) / 1000;

    log(`server: normal clients for ${MEASURE_MS / 1000} s while the flood goes on`);
    const underFlood = await normalRate(true);
    const rows = (await database.db.select({ value: nonces.value }).from(nonces)).length;
    return {
      signInNoncePerSecUnderFlood: underFlood.perSec,
      signInNonceBenchBackend: database.backend,
      signInNonceNormalRefusedUnderFlood: underFlood.refused,
      signInNoncePerSecNoFlood: baseline.perSec,
      signInNonceFloodAttempts: FLOOD_ATTEMPTS,
      signInNonceFloodAttemptsPerSec: round(FLOOD_ATTEMPTS / floodSeconds, 0),
      signInNonceFloodServed: floodStatuses.get(201) ?? 0,
      signInNonceTableRows: rows,
    };
  } finally {
    await drop();
  }
}
