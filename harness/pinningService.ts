/**
 * The IPFS Pinning Service API's reference implementation (ipfs-shipyard's
 * `mock-ipfs-pinning-service`, in-memory, checking every request and answer against the spec's
 * OpenAPI document) as a real server process for tests, on a free port, with an access token.
 * Its pins stay `queued` until told otherwise; the spec's own way of telling it is used: a pin
 * request for the same CID whose name starts with `<status>-` sets that status. `operator` does
 * that, as the service's own workers would (pinned, failed).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { childEnv, freePort, startProcess, waitUntil, type ManagedProcess } from "#local-stack/processes.ts";

const CLI = join(dirname(createRequire(import.meta.url).resolve("mock-ipfs-pinning-service/package.json")), "cli.js");

export interface PinRequestSeen {
  readonly requestid: string;
  readonly status: string;
  readonly pin: { readonly cid: string; readonly name?: string; readonly origins?: readonly string[] };
}

export interface PinningServiceProcess {
  readonly url: string;
  readonly token: string;
  /** Every request the service holds for `cid` (all statuses), as the service lists them. */
  requestsFor(cid: string): Promise<PinRequestSeen[]>;
  /** The service's workers finish (`pinned`) or give up on (`failed`) the request for `cid`. */
  settle(cid: string, status: "pinned" | "failed" | "pinning"): Promise<void>;
  /** Until stopped, the service pins whatever is requested (as a working provider does). */
  pinEverything(): { stop(): Promise<void> };
  stop(): Promise<void>;
}

export async function startPinningService(token = "medledger-test-token"): Promise<PinningServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc: ManagedProcess = startProcess(
    "pinning-service",
    process.execPath,
    [CLI, "--port", String(port), "--token", token, "--loglevel", "error"],
    childEnv(),
  );
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } });
  try {
    await waitUntil("the pinning service", async () => (await call("/pins")).ok, proc, 60_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const requestsFor = async (cid: string): Promise<PinRequestSeen[]> => {
    const response = await call(`/pins?cid=${encodeURIComponent(cid)}&status=queued,pinning,pinned,failed`);
    if (!response.ok) throw new Error(`GET /pins: HTTP ${response.status}`);
    return ((await response.json()) as { results: PinRequestSeen[] }).results;
  };
  const settle = async (cid: string, status: string) => {
    const response = await call("/pins", { method: "POST", body: JSON.stringify({ cid, name: `${status}-by-the-service` }) });
    if (response.status !== 202) throw new Error(`POST /pins: HTTP ${response.status} ${await response.text()}`);
  };
  return {
    url,
    token,
    requestsFor,
    settle,
    pinEverything() {
      let running = true;
      const loop = (async () => {
        while (running) {
          const response = await call("/pins?status=queued,pinning").catch(() => undefined);
          const waiting = response?.ok ? ((await response.json()) as { results: PinRequestSeen[] }).results : [];
          for (const request of waiting) await settle(request.pin.cid, "pinned");
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      return {
        async stop() {
          running = false;
          await loop;
        },
      };
    },
    stop: () => proc.stop(),
  };
}
