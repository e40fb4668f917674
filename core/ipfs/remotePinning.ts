/**
 * Remote pinning through the IPFS Pinning Service API (https://ipfs.github.io/pinning-services-api-spec/),
 * with ipfs-shipyard's client generated from that spec: a second keeper of every ciphertext the
 * server's gateway stores (a pinning provider, or the hospital's own IPFS Cluster behind the API),
 * so the hospital's single node is not the only copy.
 *
 * The gateway asks the service to pin each CID it stores (POST /pins, the node's addresses as
 * `origins` so the service fetches it from there) and, when a workflow confirms a CID before
 * registering it, waits a bounded time for the service's status to become `pinned`; `failed`, or
 * still `queued`/`pinning` when the time is up, is NOT_PINNED (nothing is registered). Unpinning a
 * superseded ciphertext removes its remote pin too.
 */
import { Configuration, RemotePinningServiceClient, Status, type PinStatus } from "@ipfs-shipyard/pinning-service-client";
import { MedLedgerError } from "../errors.ts";

/** What MEDLEDGER_PINNING_SERVICE_* configure. */
export interface RemotePinningConfig {
  /** The service's API root (the part before `/pins`). */
  readonly url: string;
  /** The access token the service issued (sent as `Authorization: Bearer …`). */
  readonly token: string;
  /** How long a confirmation waits for `queued`/`pinning` to become `pinned` (default 60 s). */
  readonly timeoutMs?: number;
  /** How often the status is asked while waiting (default 1 s). */
  readonly pollMs?: number;
}

export const DEFAULT_REMOTE_PIN_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_MS = 1_000;
/** The name MedLedger gives its pin requests (the spec's `Pin.name`), for the operator's listings. */
export const REMOTE_PIN_NAME = "medledger-ciphertext";
const EVERY_STATUS = [Status.Queued, Status.Pinning, Status.Pinned, Status.Failed];
/** The best request first, when the service holds several for one CID. */
const RANK: Record<Status, number> = { pinned: 0, pinning: 1, queued: 2, failed: 3 };

export interface RemotePinning {
  /** The service's URL, for messages (never the token). */
  readonly endpoint: string;
  /** Asks the service to pin `cid`, fetching it from `origins`; an existing request for it is kept. */
  request(cid: string, origins: readonly string[]): Promise<PinStatus>;
  /** The service's best request for `cid`, if any. */
  status(cid: string): Promise<PinStatus | undefined>;
  /**
   * Resolves once the service reports `cid` pinned (asking it first if it has no request for it);
   * NOT_PINNED when it failed (its failed request is withdrawn, so a retry asks again) or is not
   * pinned within the timeout.
   */
  confirm(cid: string, origins: readonly string[]): Promise<void>;
  /** Withdraws every request for `cid`; true if there was one. */
  remove(cid: string): Promise<boolean>;
}

function unreachable(url: string, error: unknown): MedLedgerError {
  return new MedLedgerError(
    "IPFS_UNREACHABLE",
    `The pinning service at ${url} did not answer as expected${error instanceof Response ? ` (HTTP ${error.status})` : ""}.`,
    error instanceof Response && (error.status === 401 || error.status === 403)
      ? "The administrator should check MEDLEDGER_PINNING_SERVICE_TOKEN. Nothing was registered yet; retry later."
      : "The administrator should check the pinning service (MEDLEDGER_PINNING_SERVICE_URL). Nothing was registered yet; retry later.",
    { cause: error },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRemotePinning(config: RemotePinningConfig): RemotePinning {
  const endpoint = config.url.replace(/\/+$/, "");
  const client = new RemotePinningServiceClient(new Configuration({ endpointUrl: endpoint, accessToken: config.token }));
  const timeoutMs = config.timeoutMs ?? DEFAULT_REMOTE_PIN_TIMEOUT_MS;
  const pollMs = config.pollMs ?? DEFAULT_POLL_MS;

  /** The client throws the service's Response on a non-2xx answer, a TypeError when unreachable. */
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw unreachable(endpoint, error);
    }
  };
  const requestsFor = async (cid: string): Promise<PinStatus[]> =>
    (await guarded(() => client.pinsGet({ cid: [cid], status: EVERY_STATUS }))).results
      .filter((pin) => pin.pin.cid === cid)
      .sort((a, b) => RANK[a.status] - RANK[b.status]);
  const status = async (cid: string) => (await requestsFor(cid))[0];
  const post = (cid: string, origins: readonly string[]): Promise<PinStatus> =>
    guarded(() => client.pinsPost({ pin: { cid, name: REMOTE_PIN_NAME, ...(origins.length > 0 ? { origins: [...origins] } : {}) } }));
  const request = async (cid: string, origins: readonly string[]): Promise<PinStatus> => {
    const existing = await status(cid);
    if (existing && existing.status !== Status.Failed) return existing;
    return post(cid, origins);
  };
  const withdraw = async (pin: PinStatus) => guarded(() => client.pinsRequestidDelete({ requestid: pin.requestid }));

  return {
    endpoint,
    request,
    status,
    async confirm(cid, origins) {
      const deadline = Date.now() + timeoutMs;
      // A failed request is reported (and withdrawn) rather than silently asked again.
      let pin = (await status(cid)) ?? (await post(cid, origins));
      for (;;) {
        if (pin.status === Status.Pinned) return;
        if (pin.status === Status.Failed) {
          await withdraw(pin).catch(() => undefined);
          const details = pin.info?.status_details;
          throw new MedLedgerError(
            "NOT_PINNED",
            `The hospital's pinning service could not keep the encrypted file (${cid})${details ? `: ${details}` : ""}, so nothing was registered.`,
            "Retry: the service is asked again. If it keeps failing, ask the administrator to check the pinning service.",
          );
        }
        if (Date.now() >= deadline) {
          throw new MedLedgerError(
            "NOT_PINNED",
            `The hospital's pinning service has not confirmed it keeps the encrypted file yet (${cid} is ${pin.status}), so nothing was registered.`,
            "Retry in a few minutes: the file is stored already and the service keeps working on it.",
          );
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
        pin = (await status(cid)) ?? (await post(cid, origins));
      }
    },
    async remove(cid) {
      const pins = await requestsFor(cid);
      for (const pin of pins) await withdraw(pin);
      return pins.length > 0;
    },
  };
}
