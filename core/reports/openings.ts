/**
 * "Who has seen my record": a proven opening of a report, logged by the MedLedger server without
 * a sign-in and without a wallet prompt. The reader proves they hold the X25519 secret key of the
 * encryption key published on chain for their account — the key that opened the report — without
 * revealing it:
 *
 *   1. the server hands out a one-time nonce and its static X25519 public key (POST
 *      {@link OPENING_CHALLENGE_PATH});
 *   2. the reader computes `shared = X25519(readerSecret, serverPublic)`,
 *      `k = HKDF-SHA256(shared, salt = readerPublic ‖ serverPublic, info)` and
 *      `tag = HMAC-SHA256(k, canonical record)`, the record naming the chain, the contract, the
 *      account, its published key, the report, how it was opened ("app"/"cli"), the nonce and the
 *      server key, and posts it (POST {@link OPENING_PATH});
 *   3. the server takes the nonce once, reads the account's published key from the chain,
 *      computes the same `k` from its own secret (X25519 is symmetric), compares the tag in
 *      constant time, checks on chain that the account may read the report, and logs the opening.
 *
 * Nobody without the reader's secret key (or the server's) can compute the tag, so an opening
 * cannot be logged in someone else's name; the nonce makes each proof good for one entry; the
 * record binds every field, so no field can be changed. The server learns nothing of the key.
 * Only the server can check a tag — this proves the opening to the hospital's log, not to third
 * parties (the log itself is hash-chained and anchored on chain).
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes } from "@noble/curves/utils.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import type { Deployment } from "../contract/ledger.ts";
import { MedLedgerError, type MedLedgerErrorCode } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import { addressSchema, reportIdSchema } from "../validation.ts";

/** Where a client asks for a nonce and the server's key. */
export const OPENING_CHALLENGE_PATH = "/api/activity/opening-challenge";
/** Where a client posts its proven opening. */
export const OPENING_PATH = "/api/activity/opening";

/** How the report was opened, as the patient's history shows it. */
export const OPENING_VIAS = ["app", "cli"] as const;
export type OpeningVia = (typeof OPENING_VIAS)[number];

const RECORD_TAG = "medledger-opening-proof/1";
const HKDF_INFO = utf8ToBytes("medledger/opening-proof/hmac-key/v1");

const hex32 = z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/));

/** The server's challenge: a one-time nonce and the key the proof is made for. */
export const openingChallengeSchema = z.object({
  nonce: z.string().check(z.regex(/^[A-Za-z0-9]{8,64}$/)),
  serverKey: hex32,
  expiresAt: z.string(),
});
export type OpeningChallenge = z.infer<typeof openingChallengeSchema>;

/** What a client posts; nothing else is accepted. */
export const provenOpeningSchema = z.strictObject({
  account: addressSchema,
  reportId: reportIdSchema,
  via: z.enum(OPENING_VIAS),
  nonce: z.string().check(z.regex(/^[A-Za-z0-9]{8,64}$/)),
  tag: hex32,
});
export type ProvenOpening = z.infer<typeof provenOpeningSchema>;

/** The fields a tag covers. */
export interface OpeningRecord {
  readonly deployment: Pick<Deployment, "chainId" | "address">;
  readonly account: Address;
  /** The account's encryption key as published on chain. */
  readonly readerKey: Uint8Array;
  readonly reportId: Hex;
  readonly via: OpeningVia;
  readonly nonce: string;
  readonly serverKey: Uint8Array;
}

/** The canonical bytes of a record: a JSON array in a fixed order, addresses and ids lower-case. */
export function encodeOpeningRecord(record: OpeningRecord): Uint8Array {
  return utf8ToBytes(
    JSON.stringify([
      RECORD_TAG,
      record.deployment.chainId,
      record.deployment.address.toLowerCase(),
      record.account.toLowerCase(),
      bytesToHex(record.readerKey),
      record.reportId.toLowerCase(),
      record.via,
      record.nonce,
      bytesToHex(record.serverKey),
    ]),
  );
}

/** The HMAC key both sides derive: from X25519(mySecret, theirPublic), bound to both public keys. */
function proofKey(mySecret: Uint8Array, theirPublic: Uint8Array, readerKey: Uint8Array, serverKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(mySecret, theirPublic);
  } catch (error) {
    // A low-order point (all-zero shared secret) or a malformed key proves nothing.
    throw new MedLedgerError("BAD_SIGNATURE", "The opening could not be proven with this key.", "Unlock your key again, then reopen the report.", {
      cause: error,
    });
  }
  return hkdf(sha256, shared, concatBytes(readerKey, serverKey), HKDF_INFO, 32);
}

/** The reader's tag over `record` (the reader holds the secret key of `record.readerKey`). */
export function openingTag(readerSecret: Uint8Array, record: OpeningRecord): Hex {
  const key = proofKey(readerSecret, record.serverKey, record.readerKey, record.serverKey);
  return `0x${bytesToHex(hmac(sha256, key, encodeOpeningRecord(record)))}`;
}

/** The server's check of a tag (constant-time comparison). */
export function checkOpeningTag(serverSecret: Uint8Array, record: OpeningRecord, tag: Hex): boolean {
  const key = proofKey(serverSecret, record.readerKey, record.readerKey, record.serverKey);
  return equalBytes(hmac(sha256, key, encodeOpeningRecord(record)), hexToBytes(tag.slice(2)));
}

/** The server's answer to a proven opening. */
export interface OpeningLogged {
  /** False when the same reader's opening of the same report was logged moments ago (that entry stands). */
  readonly logged: boolean;
  readonly seq: number;
  readonly at: string;
}

export interface RecordOpeningOptions {
  /** The MedLedger server, e.g. https://medledger.example (the page's own origin in the browser). */
  readonly serverUrl: string;
  readonly deployment: Pick<Deployment, "chainId" | "address">;
  /** The reader's unlocked key: it must be the one published on chain for `identity.address`. */
  readonly identity: EncryptionIdentity;
  readonly reportId: Hex;
  readonly via: OpeningVia;
  readonly fetch?: typeof fetch;
}

const KNOWN_CODE = /^[A-Z_]+$/;

async function refusal(response: Response): Promise<MedLedgerError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown; hint?: unknown } } | undefined;
  const e = body?.error;
  if (e && typeof e.code === "string" && KNOWN_CODE.test(e.code) && e.code !== "INTERNAL" && typeof e.message === "string") {
    return new MedLedgerError(e.code as MedLedgerErrorCode, e.message, typeof e.hint === "string" ? e.hint : "");
  }
  return new MedLedgerError(
    "CONFIG",
    `The MedLedger server did not log the opening (HTTP ${response.status}).`,
    "The report was opened; the hospital's log may be missing this opening.",
  );
}

/**
 * Logs that `identity` opened `reportId` at the MedLedger server, with a proof of the reader's
 * key (no wallet prompt, no sign-in). Every client calls this after a report was opened.
 */
export async function recordOpening(options: RecordOpeningOptions): Promise<OpeningLogged> {
  const doFetch = options.fetch ?? fetch;
  const server = new URL(options.serverUrl);
  // The server takes state-changing requests from its own site only: a non-browser client says which site that is.
  const headers = { "content-type": "application/json", origin: server.origin };
  let challengeResponse: Response;
  let response: Response;
  try {
    challengeResponse = await doFetch(new URL(OPENING_CHALLENGE_PATH, server), { method: "POST", headers, body: "{}" });
  } catch (error) {
    throw new MedLedgerError("CONFIG", `The MedLedger server at ${server.origin} cannot be reached.`, "Check MEDLEDGER_SERVER_URL.", { cause: error });
  }
  if (!challengeResponse.ok) throw await refusal(challengeResponse);
  const challenge = openingChallengeSchema.parse(await challengeResponse.json());
  const record: OpeningRecord = {
    deployment: options.deployment,
    account: options.identity.address,
    readerKey: options.identity.publicKey,
    reportId: options.reportId,
    via: options.via,
    nonce: challenge.nonce,
    serverKey: hexToBytes(challenge.serverKey.slice(2)),
  };
  const body: ProvenOpening = {
    account: options.identity.address,
    reportId: options.reportId,
    via: options.via,
    nonce: challenge.nonce,
    tag: openingTag(options.identity.secretKey, record),
  };
  try {
    response = await doFetch(new URL(OPENING_PATH, server), { method: "POST", headers, body: JSON.stringify(body) });
  } catch (error) {
    throw new MedLedgerError("CONFIG", `The MedLedger server at ${server.origin} cannot be reached.`, "Check MEDLEDGER_SERVER_URL.", { cause: error });
  }
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as OpeningLogged;
}
