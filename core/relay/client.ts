/**
 * The patient's side of relaying, for any client (the web app, the CLI): the wallet signs the
 * action (no ETH needed), the request is posted to the hospital's relay endpoint (POST
 * /api/relay), and the transaction the hospital sent is awaited on the chain, step by step.
 * A refusal comes back as MedLedgerError with the server's code, message and hint.
 */
import type { Hash } from "viem";
import type { ActionSender, LedgerAction } from "../contract/actions.ts";
import type { WriteResult } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import type { LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError, type MedLedgerErrorCode } from "../errors.ts";
import { signPatientAction, type SignedAction } from "./signedAction.ts";

/** The relay endpoint's path on the MedLedger server. */
export const RELAY_PATH = "/api/relay";

export { needsRelayer, OWN_GAS_MINIMUM_WEI } from "./threshold.ts";

/** The relay endpoint's answer: the hospital sent the transaction; `pending` if it was not confirmed yet. */
export interface RelayReply {
  readonly status: "confirmed" | "pending";
  readonly hash: Hash;
}

export type RelayStep = "signing" | "relaying" | "confirming";

export interface RelayClientOptions {
  /** The endpoint: {@link RELAY_PATH} on the same origin by default (browser); an absolute URL elsewhere (CLI). */
  readonly endpoint?: string;
  /** The Origin header to send (a non-browser client: the server's own origin, which the endpoint requires). */
  readonly origin?: string;
  readonly fetch?: typeof fetch;
  /** Each step as it starts. */
  readonly onStep?: (step: RelayStep, action: LedgerAction) => void;
}

const KNOWN_CODE = /^[A-Z_]+$/;

function refusal(status: number, body: unknown): MedLedgerError {
  const e = (body as { error?: { code?: unknown; message?: unknown; hint?: unknown } } | undefined)?.error;
  if (e && typeof e.code === "string" && KNOWN_CODE.test(e.code) && e.code !== "INTERNAL" && typeof e.message === "string") {
    return new MedLedgerError(e.code as MedLedgerErrorCode, e.message, typeof e.hint === "string" ? e.hint : "");
  }
  return new MedLedgerError(
    "RELAYER_UNAVAILABLE",
    `The hospital's relay service failed (HTTP ${status}); it is not known whether your change was sent.`,
    "Reload the page to see whether it was recorded, then retry if not.",
  );
}

/** Posts a signed request to the relay endpoint; resolves once the hospital has sent its transaction. */
export async function postSignedAction(request: SignedAction, options: RelayClientOptions = {}): Promise<RelayReply> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.endpoint ?? RELAY_PATH, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "content-type": "application/json", ...(options.origin ? { origin: options.origin } : {}) },
      body: JSON.stringify(request),
    });
  } catch (error) {
    throw new MedLedgerError(
      "RELAYER_UNAVAILABLE",
      "The hospital's relay service cannot be reached, so your change was not sent.",
      "Check your connection, then retry.",
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) throw refusal(response.status, body);
  const reply = body as Partial<RelayReply> | undefined;
  if (!reply || (reply.status !== "confirmed" && reply.status !== "pending") || typeof reply.hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(reply.hash)) {
    throw refusal(response.status, undefined);
  }
  return { status: reply.status, hash: reply.hash };
}

/**
 * An ActionSender for `signer` through the hospital's relayer: the wallet signs (step "signing"),
 * the hospital sends it ("relaying"), and the transaction is awaited on the chain ("confirming").
 */
export function relayClientSender(signer: LedgerWriter, options: RelayClientOptions = {}): ActionSender {
  return async (action): Promise<WriteResult> => {
    options.onStep?.("signing", action);
    const request = await signPatientAction(signer, action);
    options.onStep?.("relaying", action);
    const { hash } = await postSignedAction(request, options);
    options.onStep?.("confirming", action);
    let receipt: WriteResult["receipt"];
    try {
      receipt = await signer.publicClient.waitForTransactionReceipt({ hash, retryCount: 0 });
    } catch (error) {
      const cause = toLedgerError(error, { rpcUrl: signer.rpcUrl, action: "Waiting for the hospital's transaction" });
      throw new MedLedgerError(
        "TRANSACTION_PENDING",
        `The hospital sent your change (transaction ${hash}), but it is not confirmed yet.`,
        "Reload the page in a minute to see whether it was recorded.",
        { cause },
      );
    }
    if (receipt.status !== "success") {
      throw new MedLedgerError("CONTRACT_REVERT", `The hospital's transaction ${hash} was mined but reverted.`, "Reload the page, then retry.");
    }
    return { hash, receipt };
  };
}
