/** What every server operation needs: the database, the contract, the IPFS node, and a clock. */
import type { Address } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import type { RemotePinning } from "#core/ipfs/remotePinning.ts";
import type { StreamingContentStore } from "#core/ipfs/types.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { ChainAccess } from "./chain/access.ts";
import type { Db } from "./db/open.ts";
import type { ServerLimits } from "./limits/config.ts";

export interface ServerContext {
  readonly db: Db;
  readonly chain: ChainAccess;
  /** The IPFS node behind the gateway (server/ipfs/gateway.ts): its admin API is the server's alone. */
  readonly ipfs: StreamingContentStore;
  /**
   * A remote pinning service that also keeps every stored ciphertext (MEDLEDGER_PINNING_SERVICE_URL):
   * a CID is then confirmed pinned only once the node and the service both keep it.
   */
  readonly remotePinning?: RemotePinning;
  /** The clock (injectable so session expiry can be tested without waiting). */
  readonly now: () => Date;
  /** How long a session lasts at most (default 8 h). */
  readonly sessionTtlMs: number;
  /** How long an issued sign-in nonce stays usable (default 5 min). */
  readonly nonceTtlMs: number;
  /** Body sizes, rate limits, caps and quotas (DEFAULT_LIMITS in limits/config.ts). */
  readonly limits: ServerLimits;
  /** The hospital's relayer (its funded key), if this server relays patient-signed actions. */
  readonly relayer?: RelayerConfig;
}

export interface RelayerConfig {
  /** Writes as the relayer's account (core/relay/relayerSigner.ts). */
  readonly writer: LedgerWriter;
  /** How long a relay request waits for the confirmation before answering "pending". */
  readonly waitMs: number;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_NONCE_TTL_MS = 5 * 60 * 1000;

/** The signed-in caller of a request, with roles freshly read from the contract. */
export interface Caller {
  readonly address: Address;
  readonly sessionId: string;
  readonly roles: Roles;
}
