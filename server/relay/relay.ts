/**
 * POST /api/relay: the hospital's relayer sends a patient-signed action (core/relay/relayer.ts
 * does the checks and the sending; this module is the hospital's policy around it).
 *
 * Who is served: accounts that hold the patient role on the contract, read at request time — the
 * people who must never need ETH. Staff pay their own transactions. No session is needed: the
 * EIP-712 signature at the account's current nonce is the authentication, checked off chain
 * before anything else is spent. Only the four typed SignedAction kinds are relayed, never
 * arbitrary calldata.
 *
 * What bounds the hospital's spending: quotas in the database's token buckets (shared by every
 * server process) per client network (taken before any work), per signing account and in all
 * (taken once the request is proven genuine, before simulating); a claim per (account, nonce) so a
 * request sent twice at once is paid once (a claim whose transaction the node dropped, or that a
 * crashed process left, is taken over); a simulation before sending (a revert costs nothing);
 * and the relayer's funds check (RELAYER_OUT_OF_FUNDS, logged for the operator).
 */
import { and, eq } from "drizzle-orm";
import { TransactionNotFoundError, type Hash } from "viem";
import { relaySignedAction, RelayerOutOfFundsError, relayerStatus, type RelayOutcome, type RelayerStatus } from "#core/relay/relayer.ts";
import { parseSignedAction, type SignedAction } from "#core/relay/signedAction.ts";
import { MedLedgerError } from "#core/errors.ts";
import type { RelayerConfig, ServerContext } from "../context.ts";
import { relayedActions } from "../db/schema.ts";
import { enforce } from "../limits/enforce.ts";

/** The relayer, or RELAYER_UNAVAILABLE. */
export function requireRelayer(ctx: ServerContext): RelayerConfig {
  if (!ctx.relayer) {
    throw new MedLedgerError(
      "RELAYER_UNAVAILABLE",
      "This MedLedger server does not send changes for patients (no relayer is set up).",
      "Ask the hospital; meanwhile your wallet can send the change itself if it holds ETH.",
    );
  }
  return ctx.relayer;
}

/** A claim without a transaction older than this belongs to a send that died (a crashed process): it is taken over. */
export const STALE_CLAIM_MS = 2 * 60 * 1000;

/**
 * Whether an existing claim still stands. The request's nonce was just checked to be the
 * account's current one, so the claimed send was not mined: it stands while its transaction is
 * known to the node (pending), or, before it had one, for {@link STALE_CLAIM_MS}. A dropped
 * transaction would otherwise lock the patient's nonce for ever.
 */
async function claimStands(ctx: ServerContext, relayer: RelayerConfig, request: SignedAction): Promise<boolean> {
  const [row] = await ctx.db.select().from(relayedActions).where(claimOf(request));
  if (!row) return false;
  if (!row.txHash) return ctx.now().getTime() - row.at.getTime() < STALE_CLAIM_MS;
  try {
    await relayer.writer.publicClient.getTransaction({ hash: row.txHash as Hash });
    return true;
  } catch (error) {
    if (error instanceof TransactionNotFoundError) return false;
    throw error;
  }
}

/** Claims (chain, account, nonce) for this send; CONFLICT when it is already claimed by a send still under way. */
async function claim(ctx: ServerContext, relayer: RelayerConfig, request: SignedAction, client: string): Promise<void> {
  const insert = () =>
    ctx.db
      .insert(relayedActions)
      .values({ chainId: request.chainId, account: request.account.toLowerCase(), nonce: request.nonce, kind: request.action.kind, client, at: ctx.now() })
      .onConflictDoNothing()
      .returning({ nonce: relayedActions.nonce });
  if ((await insert()).length > 0) return;
  if (!(await claimStands(ctx, relayer, request))) {
    await ctx.db.delete(relayedActions).where(claimOf(request));
    if ((await insert()).length > 0) return;
  }
  throw new MedLedgerError(
    "CONFLICT",
    "This change is already being sent by the hospital. It is not sent twice.",
    "Wait a moment and reload the page to see the change.",
  );
}

function claimOf(request: SignedAction) {
  return and(eq(relayedActions.chainId, request.chainId), eq(relayedActions.account, request.account.toLowerCase()), eq(relayedActions.nonce, request.nonce));
}

/** Sends `body` (a SignedAction, untrusted) for the patient who signed it. */
export async function relayForPatient(ctx: ServerContext, body: unknown, client: string): Promise<RelayOutcome> {
  const relayer = requireRelayer(ctx);
  const { buckets } = ctx.limits;
  await enforce(ctx, buckets.relayClient, client, "Too many changes sent through the hospital from this network", "Try again later.");
  const request = parseSignedAction(body);
  let claimed = false;
  let sent: Hash | undefined;
  try {
    return await relaySignedAction(relayer.writer, request, {
      waitMs: relayer.waitMs,
      authorize: async ({ account }) => {
        const roles = await ctx.chain.roles(account);
        if (!roles.patient) {
          throw new MedLedgerError(
            "NO_ACCESS",
            "The hospital sends changes for registered patients only.",
            "Staff send their own transactions: use a wallet that holds ETH.",
          );
        }
        await enforce(ctx, buckets.relayAccount, account.toLowerCase(), "You have sent many changes through the hospital today", "Try again later.");
        await enforce(ctx, buckets.relayGlobal, "all", "The hospital's relayer has sent its share of changes for today", "Try again later.");
        // Before simulating: the same request posted twice at once is refused here, at no cost.
        await claim(ctx, relayer, request, client);
        claimed = true;
      },
      onSent: async (hash) => {
        sent = hash;
        console.info(`[medledger relay] sent ${request.action.kind} signed by ${request.account} at nonce ${request.nonce}: ${hash}`);
        await ctx.db.update(relayedActions).set({ txHash: hash }).where(claimOf(request));
      },
    });
  } catch (error) {
    // Not accepted by the node: free the claim, so the patient can sign again at the same nonce.
    if (claimed && !sent) await ctx.db.delete(relayedActions).where(claimOf(request));
    if (error instanceof RelayerOutOfFundsError) console.error(`[medledger relay] ${error.operatorLine()}`);
    throw error;
  }
}

/** The relayer's status; a low balance is also logged for the operator. */
export async function relayStatus(ctx: ServerContext): Promise<RelayerStatus> {
  const status = await relayerStatus(requireRelayer(ctx).writer);
  if (status.lowFunds) console.warn(`[medledger relay] relayer ${status.address} runs low: about ${status.actionsLeft} actions left. Send it ETH.`);
  return status;
}
