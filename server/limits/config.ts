import { reportCiphertextLength } from "#core/crypto/reportCipher.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";

/**
 * Every limit of the web server in one place: body sizes, token buckets, caps and quotas. The
 * numbers are the defaults of a running server; tests and benchmarks may pass their own.
 */

/** A token bucket: `burst` requests at once, refilled at `perMinute` requests a minute. */
export interface BucketRule {
  /** Names the bucket in the database key (e.g. "login-ip") and in logs. */
  readonly name: string;
  readonly burst: number;
  readonly perMinute: number;
}

export interface ServerLimits {
  /** Largest request body per route, in bytes; larger bodies are refused with 413. */
  readonly bodyBytes: {
    readonly login: number;
    readonly appointments: number;
    readonly reportOpened: number;
    /** A patient-signed action (POST /api/relay): a grant of the most reports one action carries fits. */
    readonly relay: number;
    /** A registration code handed in for a short code (POST /api/registration-codes). */
    readonly registrationCode: number;
    /** Routes that take no body (nonce, logout) and every GET. */
    readonly none: number;
  };
  /** Nonces issued and not yet expired, at most: in all, and per client network. */
  readonly outstandingNonces: { readonly global: number; readonly perClient: number };
  readonly buckets: {
    readonly nonceClient: BucketRule;
    readonly loginClient: BucketRule;
    readonly loginAccount: BucketRule;
    readonly reportOpenedClient: BucketRule;
    readonly reportOpenedAccount: BucketRule;
    readonly appointmentsClient: BucketRule;
    readonly appointmentsAccount: BucketRule;
    /** Uploads to IPFS through the gateway, per client network and per account. */
    readonly ipfsUploadClient: BucketRule;
    readonly ipfsUploadAccount: BucketRule;
    /** Reads (and pin checks) through the gateway, per client network. */
    readonly ipfsReadClient: BucketRule;
    /** List requests passed on to the indexer (GET /api/indexer/…), per client network. */
    readonly indexerClient: BucketRule;
    /** Relayed actions (each costs the hospital gas): per client network, per signing account, and in all. */
    readonly relayClient: BucketRule;
    readonly relayAccount: BucketRule;
    readonly relayGlobal: BucketRule;
    /** Registration codes handed in for short codes: per client network and in all (bounds the table). */
    readonly registrationCodeClient: BucketRule;
    readonly registrationCodeGlobal: BucketRule;
    /** Short codes looked up, per client network (40-bit codes: guessing one is hopeless at this rate). */
    readonly registrationLookupClient: BucketRule;
  };
  /** The IPFS gateway (server/ipfs/gateway.ts). */
  readonly ipfs: IpfsLimits;
  /** Open (requested, still in the future) appointment requests a patient may hold at once. */
  readonly openAppointmentRequests: number;
  /** A second opening of the same report by the same account within this window is not logged again. */
  readonly reportOpenedCoalesceMs: number;
  /** How often (per process) expired nonces and idle buckets are deleted, in bulk. */
  readonly sweepIntervalMs: number;
}

export interface IpfsLimits {
  /** Largest upload: the ciphertext of the largest accepted report (its padding and header included). */
  readonly uploadBytes: number;
  /** Largest object the read path serves. */
  readonly readBytes: number;
  /** What one account may store per UTC day, in bytes and in uploads. */
  readonly dailyBytesPerAccount: number;
  readonly dailyUploadsPerAccount: number;
}

/** The gateway's size limits for reports of at most `maxFileBytes` (MEDLEDGER_MAX_FILE_BYTES). */
export function ipfsLimitsFor(maxFileBytes: number): IpfsLimits {
  const uploadBytes = reportCiphertextLength(maxFileBytes);
  return { uploadBytes, readBytes: uploadBytes, dailyBytesPerAccount: 20 * uploadBytes, dailyUploadsPerAccount: 500 };
}
const DAY_MINUTES = 24 * 60;

export const DEFAULT_LIMITS: ServerLimits = {
  bodyBytes: { login: 8 * 1024, appointments: 4 * 1024, reportOpened: 1024, relay: 128 * 1024, registrationCode: 4 * 1024, none: 1024 },
  outstandingNonces: { global: 10_000, perClient: 60 },
  buckets: {
    nonceClient: { name: "nonce-ip", burst: 30, perMinute: 30 },
    loginClient: { name: "login-ip", burst: 30, perMinute: 30 },
    loginAccount: { name: "login-account", burst: 10, perMinute: 10 },
    reportOpenedClient: { name: "opened-ip", burst: 120, perMinute: 120 },
    reportOpenedAccount: { name: "opened-account", burst: 30, perMinute: 30 },
    appointmentsClient: { name: "appointments-ip", burst: 60, perMinute: 30 },
    appointmentsAccount: { name: "appointments-account", burst: 20, perMinute: 10 },
    ipfsUploadClient: { name: "ipfs-upload-ip", burst: 60, perMinute: 30 },
    ipfsUploadAccount: { name: "ipfs-upload-account", burst: 30, perMinute: 20 },
    ipfsReadClient: { name: "ipfs-read-ip", burst: 240, perMinute: 240 },
    // A page's lists, their next pages, and the status polls while the indexer catches up after a change.
    indexerClient: { name: "indexer-ip", burst: 600, perMinute: 600 },
    // A patient shares, revokes, re-keys a few times a day; a key rotation re-keys each of their
    // reports (one action each). 30 at once, 30 more a day.
    relayAccount: { name: "relay-account", burst: 30, perMinute: 30 / DAY_MINUTES },
    relayClient: { name: "relay-ip", burst: 60, perMinute: 120 / DAY_MINUTES },
    // The hospital's whole budget: at most this many relayed transactions a day, whoever signs.
    relayGlobal: { name: "relay-global", burst: 2_000, perMinute: 2_000 / DAY_MINUTES },
    // A patient makes a code or two; a front desk looks up a few a minute.
    registrationCodeClient: { name: "registration-code-ip", burst: 10, perMinute: 2 },
    registrationCodeGlobal: { name: "registration-code-global", burst: 5_000, perMinute: 5_000 / DAY_MINUTES },
    registrationLookupClient: { name: "registration-lookup-ip", burst: 30, perMinute: 10 },
  },
  ipfs: ipfsLimitsFor(DEFAULT_MAX_FILE_BYTES),
  openAppointmentRequests: 5,
  reportOpenedCoalesceMs: 60 * 1000,
  sweepIntervalMs: 30 * 1000,
};
