/**
 * Opens the server's database and brings its schema up to date: PostgreSQL when a connection URL
 * is given (or DATABASE_URL is set), otherwise embedded PGlite in a data folder (no server).
 * Both use the same drizzle schema and the same migrations (server/db/migrations).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { MedLedgerError } from "#core/errors.ts";
import { repositoryRoot } from "#core/node/config.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Backend = "pglite" | "postgres";

export interface Database {
  readonly db: Db;
  readonly backend: Backend;
  /** The PGlite data folder, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** The embedded PGlite instance (pglite backend only), e.g. to `dumpDataDir()` a template. */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL; defaults to DATABASE_URL. */
  readonly url?: string;
  /** PGlite data folder (used when no URL); defaults to $MEDLEDGER_DATA_DIR/pglite, else `.data/pglite` in the repository. "memory://" keeps it in memory. */
  readonly dataDir?: string;
  /** PGlite only: start a new database from this dump (`pglite.dumpDataDir()`), e.g. a migrated template. */
  readonly loadDataDir?: Blob;
  /** Folder of the drizzle migrations; found next to this file by default. */
  readonly migrationsFolder?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const DEFAULT_DATA_DIR = ".data/pglite";

/** Finds server/db/migrations: next to this module, or from the working directory (bundled servers). */
export function findMigrationsFolder(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.MEDLEDGER_MIGRATIONS_DIR, safeModuleRelative("./migrations"), join(repositoryRoot(), "server/db/migrations")].filter(
    (p): p is string => typeof p === "string",
  );
  const found = candidates.find((dir) => existsSync(join(dir, "meta", "_journal.json")));
  if (!found) {
    throw new MedLedgerError(
      "CONFIG",
      `The database migrations were not found (looked in ${candidates.join(", ")}).`,
      "Run the server from the project folder, or set MEDLEDGER_MIGRATIONS_DIR to server/db/migrations.",
    );
  }
  return found;
}

function safeModuleRelative(path: string): string | undefined {
  try {
    const url = new URL(path, import.meta.url);
    return url.protocol === "file:" ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgresql://…";
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite serves one process per data folder: a lock file with our pid keeps a second process
 * (say, the CLI while the web server runs) from opening it. A lock of a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir.replace(/[\\/]+$/, "")}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new MedLedgerError(
          "CONFIG",
          `The embedded database in ${dataDir} is in use by process ${owner} (the web server?).`,
          "Stop that process first, or use PostgreSQL (DATABASE_URL) so several processes can share the database.",
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new MedLedgerError("CONFIG", `The embedded database in ${dataDir} cannot be locked.`, "Check the folder's permissions.");
}

/** Opens the database, runs pending migrations, and returns it ready for use. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  const migrationsFolder = options.migrationsFolder ?? findMigrationsFolder(env);
  const url = options.url ?? (env.DATABASE_URL || undefined);
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection that the server ends (a restart, a failover, an administrator) emits its
    // error on the pool; unhandled, that would crash the process. The pool replaces it on the next query.
    pool.on("error", (error) => console.warn(`[medledger] an idle PostgreSQL connection was closed (${error.message}); it is replaced on the next query.`));
    const db = drizzlePg({ client: pool, schema });
    try {
      await migratePg(db, { migrationsFolder });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new MedLedgerError(
        "CONFIG",
        `The PostgreSQL database at ${redact(url)} cannot be opened or migrated: ${error instanceof Error ? error.message : String(error)}.`,
        "Check DATABASE_URL and that the server is running, or unset DATABASE_URL to use the embedded database.",
        { cause: error },
      );
    }
    return { db: db as unknown as Db, backend: "postgres", location: redact(url), close: () => pool.end() };
  }
  const configured = options.dataDir ?? (env.MEDLEDGER_DATA_DIR ? join(env.MEDLEDGER_DATA_DIR, "pglite") : DEFAULT_DATA_DIR);
  const dataDir = configured.startsWith("memory://") || isAbsolute(configured) ? configured : resolve(repositoryRoot(), configured);
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const unlock = inMemory ? () => undefined : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create({ ...(inMemory ? {} : { dataDir }), ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } catch (error) {
    unlock();
    throw new MedLedgerError(
      "CONFIG",
      `The embedded database in ${dataDir} cannot be opened: ${error instanceof Error ? error.message : String(error)}.`,
      "Another MedLedger server may be using it: stop it, or point MEDLEDGER_DATA_DIR elsewhere.",
      { cause: error },
    );
  }
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await client.close().catch(() => undefined);
    unlock();
    throw new MedLedgerError(
      "CONFIG",
      `The embedded database in ${dataDir} cannot be migrated: ${error instanceof Error ? error.message : String(error)}.`,
      "Move the folder aside to start afresh, or restore a backup.",
      { cause: error },
    );
  }
  let closed = false;
  return {
    db: db as unknown as Db,
    backend: "pglite",
    location: dataDir,
    pglite: client,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}
