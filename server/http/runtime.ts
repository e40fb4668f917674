/**
 * The API of the running web server, built once per process from the environment:
 * DATABASE_URL (PostgreSQL) or the embedded PGlite folder (MEDLEDGER_DATA_DIR, default .data),
 * MEDLEDGER_RPC_URL / MEDLEDGER_CHAIN_ID / MEDLEDGER_CONTRACT (or deployments/<chainId>.json in the
 * repository, or in MEDLEDGER_DEPLOYMENTS_DIR),
 * MEDLEDGER_IPFS_API_URL (the Kubo RPC API behind the IPFS gateway: the server's alone, never sent
 * to browsers), MEDLEDGER_PINNING_SERVICE_URL / _TOKEN / _TIMEOUT_MS (a remote pinning service that
 * also keeps every stored file), MEDLEDGER_MAX_FILE_BYTES, SESSION_SECRET, MEDLEDGER_TRUST_PROXY=1 behind a reverse proxy, MEDLEDGER_RELAYER_KEY (the
 * hospital's funded relayer key; unset: no relaying — see core/relay/relayerSigner.ts for a
 * keystore/KMS behind the same interface), MEDLEDGER_INDEXER_URL (the indexer behind /api/indexer). Nothing is opened at import
 * time (Next.js imports route modules while building).
 */
import { resolveConfig } from "#core/node/config.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { DEFAULT_RELAY_WAIT_MS } from "#core/relay/relayer.ts";
import { relayerAccount, relayerSignerFromEnv } from "#core/relay/relayerSigner.ts";
import { chainAccessFromLedger } from "../chain/access.ts";
import { DEFAULT_NONCE_TTL_MS, DEFAULT_SESSION_TTL_MS, type ServerContext } from "../context.ts";
import { openDatabase, type Database } from "../db/open.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createRemotePinning } from "#core/ipfs/remotePinning.ts";
import { DEFAULT_LIMITS, ipfsLimitsFor } from "../limits/config.ts";
import { indexerUrlOf } from "../indexer/proxy.ts";
import { createApi, type Api, type Handler } from "./api.ts";
import { sessionSecret } from "./cookie.ts";
import { errorResponse } from "./responses.ts";

interface RuntimeState {
  api?: Promise<{ api: Api; database: Database }>;
}

// One instance per process, shared by every route module (and kept across dev hot reloads).
const state: RuntimeState = ((globalThis as { __medledgerServer?: RuntimeState }).__medledgerServer ??= {});

async function build(env: NodeJS.ProcessEnv): Promise<{ api: Api; database: Database }> {
  const config = resolveConfig({}, env);
  const chain = chainAccessFromLedger(createLedgerReader(config));
  const secret = sessionSecret(env, chain.chainId);
  const database = await openDatabase({ env });
  console.info(`[medledger] database: ${database.backend} (${database.location})`);
  if (config.pinningService) console.info(`[medledger] remote pinning: every stored file is also pinned by ${config.pinningService.url}`);
  const relayerSigner = relayerSignerFromEnv(env);
  if (relayerSigner) console.info(`[medledger] relayer: ${relayerSigner.address} sends patient-signed actions`);
  const ctx: ServerContext = {
    db: database.db,
    chain,
    ipfs: createKuboStore(config.ipfsApiUrl),
    ...(config.pinningService ? { remotePinning: createRemotePinning(config.pinningService) } : {}),
    now: () => new Date(),
    sessionTtlMs: DEFAULT_SESSION_TTL_MS,
    nonceTtlMs: DEFAULT_NONCE_TTL_MS,
    limits: { ...DEFAULT_LIMITS, ipfs: ipfsLimitsFor(config.maxFileBytes) },
    ...(relayerSigner ? { relayer: { writer: createLedgerWriter(config, relayerAccount(relayerSigner)), waitMs: DEFAULT_RELAY_WAIT_MS } } : {}),
  };
  return {
    api: createApi({ ctx, sessionSecret: secret, trustProxy: env.MEDLEDGER_TRUST_PROXY === "1", indexerUrl: indexerUrlOf(env) }),
    database,
  };
}

/** The process's API, created on first use; a failed start is retried on the next request. */
export function getApi(env: NodeJS.ProcessEnv = process.env): Promise<Api> {
  if (!state.api) {
    const pending = build(env);
    state.api = pending;
    pending.catch(() => {
      if (state.api === pending) delete state.api;
    });
  }
  return state.api.then((s) => s.api);
}

/** Closes the process's database (graceful shutdown, tests); the next request opens it again. */
export async function closeApi(): Promise<void> {
  const pending = state.api;
  delete state.api;
  const built = await pending?.catch(() => undefined);
  await built?.database.close();
}

/** Runs the handler `pick` selects; a configuration failure becomes a JSON error too. */
export async function handle(request: Request, pick: (api: Api) => Handler): Promise<Response> {
  try {
    return await pick(await getApi())(request);
  } catch (error) {
    return errorResponse(error);
  }
}
