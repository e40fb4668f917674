/**
 * The typed client of the indexer's list API (indexer/src/api): every answer is checked against
 * the wire schemas; a service that does not answer, or answers nonsense, is INDEXER_UNAVAILABLE —
 * the records themselves are on the chain and unaffected. The web app reaches it through its own
 * server (/api/indexer), the CLI, tests and benchmarks directly.
 */
import * as z from "zod/mini";
import { MedLedgerError } from "../errors.ts";
import {
  emergencyRowSchema,
  errorBodySchema,
  grantRowSchema,
  guardianRowSchema,
  pageSchema,
  patientRowSchema,
  reportRowSchema,
  staffRowSchema,
  timelineRowSchema,
  type IndexedEmergency,
  type IndexedEvent,
  type IndexedGrant,
  type IndexedGuardian,
  type IndexedPatient,
  type IndexedReport,
  type IndexedStaff,
  type Page,
} from "./wire.ts";

export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface IndexerClient {
  readonly baseUrl: string;
  reports(query: PageRequest & { readonly patient?: string; readonly doctor?: string }): Promise<Page<IndexedReport>>;
  sharedWith(query: PageRequest & { readonly reader: string }): Promise<Page<IndexedReport>>;
  grants(query: PageRequest & { readonly patient?: string; readonly reportId?: string }): Promise<Page<IndexedGrant>>;
  staff(query?: PageRequest): Promise<Page<IndexedStaff>>;
  patients(query?: PageRequest & { readonly doctor?: string }): Promise<Page<IndexedPatient>>;
  /** Emergency accesses, newest first: a patient's access history (`patient`: their current account), a doctor's, or all (the admin's review list). */
  emergencies(query?: PageRequest & { readonly patient?: string; readonly doctor?: string }): Promise<Page<IndexedEmergency>>;
  /** Current guardianships, newest appointment first: a patient's guardians (`patient`), whose guardian `guardian` is, or all. */
  guardians(query?: PageRequest & { readonly patient?: string; readonly guardian?: string }): Promise<Page<IndexedGuardian>>;
  /** `patient`: the events about that patient's record (by their current account). */
  timeline(
    query?: PageRequest & {
      readonly actor?: string;
      readonly patient?: string;
      readonly event?: string;
      readonly from?: number;
      readonly to?: number;
    },
  ): Promise<Page<IndexedEvent>>;
  /** The accounts that sent the timeline's transactions. */
  actors(): Promise<string[]>;
  /** The last block the indexer has processed. */
  indexedBlock(): Promise<bigint>;
  /** Whether the indexer has finished its historical sync. */
  ready(): Promise<boolean>;
}

export interface IndexerClientOptions {
  /** e.g. http://127.0.0.1:42069, or /api/indexer in the browser. */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
}

const UNAVAILABLE_HINT = "Your records are safe on the blockchain; the list service is only catching up or restarting. Try again in a minute.";

function unavailable(detail: string, cause?: unknown): MedLedgerError {
  return new MedLedgerError("INDEXER_UNAVAILABLE", `The list of records cannot be loaded right now (${detail}).`, UNAVAILABLE_HINT, { cause });
}

type Query = Readonly<Record<string, string | number | null | undefined>>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

const statusSchema = z.record(z.string(), z.object({ id: z.number(), block: z.object({ number: z.number() }) }));
const actorsSchema = z.object({ items: z.array(z.string()) });

export function createIndexerClient(options: IndexerClientOptions): IndexerClient {
  const baseUrl = options.baseUrl.replace(/\/$/, "");
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function request(path: string): Promise<Response> {
    try {
      return await fetchFn(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    } catch (error) {
      throw unavailable("the service does not answer", error);
    }
  }

  async function getJson<S extends z.ZodMiniType>(path: string, schema: S): Promise<z.output<S>> {
    const response = await request(path);
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 400) {
      const parsed = errorBodySchema.safeParse(body);
      throw new MedLedgerError(
        "INVALID_INPUT",
        parsed.success ? parsed.data.error.message : "The list request was refused.",
        parsed.success ? parsed.data.error.hint : "Reload the list.",
      );
    }
    if (!response.ok) throw unavailable(`the service answered ${response.status}`);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw unavailable("the service's answer is not a list MedLedger understands", parsed.error);
    return parsed.data;
  }

  const page = <R extends z.ZodMiniType>(row: R) => {
    const schema = pageSchema(row);
    return (path: string, query: Query): Promise<Page<z.output<R>>> => getJson(`${path}${queryString(query)}`, schema) as Promise<Page<z.output<R>>>;
  };
  const reportPage = page(reportRowSchema);

  return {
    baseUrl,
    reports: ({ cursor, limit, patient, doctor }) => reportPage("/v1/reports", { cursor, limit, patient, doctor }),
    sharedWith: ({ cursor, limit, reader }) => reportPage("/v1/reports/shared", { cursor, limit, reader }),
    grants: ({ cursor, limit, patient, reportId }) => page(grantRowSchema)("/v1/grants", { cursor, limit, patient, reportId }),
    staff: (query = {}) => page(staffRowSchema)("/v1/staff", { cursor: query.cursor, limit: query.limit }),
    patients: (query = {}) => page(patientRowSchema)("/v1/patients", { cursor: query.cursor, limit: query.limit, doctor: query.doctor }),
    emergencies: (query = {}) =>
      page(emergencyRowSchema)("/v1/emergencies", { cursor: query.cursor, limit: query.limit, patient: query.patient, doctor: query.doctor }),
    guardians: (query = {}) =>
      page(guardianRowSchema)("/v1/guardians", { cursor: query.cursor, limit: query.limit, patient: query.patient, guardian: query.guardian }),
    timeline: (query = {}) =>
      page(timelineRowSchema)("/v1/timeline", {
        cursor: query.cursor,
        limit: query.limit,
        actor: query.actor,
        patient: query.patient,
        event: query.event,
        from: query.from,
        to: query.to,
      }),
    actors: async () => (await getJson("/v1/timeline/actors", actorsSchema)).items,
    async indexedBlock() {
      const status = await getJson("/status", statusSchema);
      const chain = Object.values(status)[0];
      if (!chain) throw unavailable("the service has not started indexing yet");
      return BigInt(chain.block.number);
    },
    async ready() {
      const response = await request("/ready");
      return response.status === 200;
    },
  };
}

/** Every row of a list, page by page (for the CLI and tests; the web shows one window at a time). */
export async function allPages<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const next: Page<T> = await fetchPage(cursor);
    rows.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== null);
  return rows;
}

/**
 * INDEXER_BEHIND when the indexer is more than `tolerance` blocks behind `head` (the chain's
 * latest block): its lists would miss the newest records.
 */
export async function requireCaughtUp(client: IndexerClient, head: bigint, tolerance = 0n): Promise<bigint> {
  const indexed = await client.indexedBlock();
  if (indexed + tolerance < head) {
    throw new MedLedgerError(
      "INDEXER_BEHIND",
      `The list is still catching up with the blockchain (at block ${indexed} of ${head}); the newest records may be missing.`,
      "Wait a moment and reload; nothing is lost.",
    );
  }
  return indexed;
}

/**
 * Waits (up to `timeoutMs`) until the indexer has processed block `head` — after a transaction,
 * so the list shows it — then INDEXER_BEHIND. Polls every `intervalMs`.
 */
export async function waitForIndexer(
  client: IndexerClient,
  head: bigint,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<bigint> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const indexed = await client.indexedBlock();
    if (indexed >= head) return indexed;
    if (Date.now() > deadline) return requireCaughtUp(client, head);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
