/**
 * What a command runs against: the configuration (flags > environment > deployments/<chainId>.json),
 * a checked connection to the ledger, the IPFS store and, for commands that sign, the signer:
 * `--as <demo-handle>` (local chain only), `--keystore <file>`, or MEDLEDGER_PRIVATE_KEY.
 * A private key is never accepted as a flag (it would end up in the shell history).
 */
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { MedLedgerConfig } from "#core/config.ts";
import type { ActionSender } from "#core/contract/actions.ts";
import { assertLedgerReachable } from "#core/contract/calls.ts";
import { toLedgerError } from "#core/contract/errors.ts";
import { setExternalSendLock, type SendLock } from "#core/contract/nonces.ts";
import type { LedgerReader, LedgerWriter } from "#core/contract/ledger.ts";
import { DEMO_PEOPLE, LOCAL_CHAIN_ID, findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { MedLedgerError } from "#core/errors.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { resolveConfig } from "#core/node/config.ts";
import { RELAY_PATH, relayClientSender, type RelayStep } from "#core/relay/client.ts";
import type { CliRun } from "./output.ts";
import { promptHidden } from "./password.ts";

/** The options every command accepts (declared on the root program). */
export interface GlobalOptions {
  readonly rpc?: string;
  readonly chainId?: number;
  readonly contract?: string;
  readonly deployBlock?: number;
  readonly ipfs?: string;
  readonly maxBytes?: number;
  readonly as?: string;
  readonly keystore?: string;
  readonly json?: boolean;
  /** The MedLedger server whose relayer sends the patient's actions (or MEDLEDGER_RELAY_URL). */
  readonly relay?: string;
  /** The MedLedger server that logs openings in the patient's access history (or MEDLEDGER_SERVER_URL). */
  readonly server?: string;
}

/** Resolves the configuration: flags over environment over the deployment file. */
export function configOf(run: CliRun, opts: GlobalOptions): MedLedgerConfig {
  return resolveConfig(
    { rpcUrl: opts.rpc, chainId: opts.chainId, contract: opts.contract, deployBlock: opts.deployBlock, ipfsApiUrl: opts.ipfs, maxFileBytes: opts.maxBytes },
    run.env,
  );
}

export interface ReaderContext {
  readonly config: MedLedgerConfig;
  readonly ledger: LedgerReader;
}

export interface WriterContext {
  readonly config: MedLedgerConfig;
  readonly ledger: LedgerWriter;
  readonly account: LocalAccount;
}

/** A reader on a checked connection (right chain, contract present). Needs no key. */
export async function openReader(run: CliRun, opts: GlobalOptions): Promise<ReaderContext> {
  const config = configOf(run, opts);
  const ledger = createLedgerReader(config);
  await assertLedgerReachable(ledger);
  return { config, ledger };
}

/** Whether any signer is configured (flag or environment), without resolving it. */
export function hasSigner(run: CliRun, opts: GlobalOptions): boolean {
  return Boolean(opts.as || opts.keystore || run.env.MEDLEDGER_KEYSTORE || run.env.MEDLEDGER_PRIVATE_KEY);
}

/** A writer signing as the configured account, on a checked connection. */
export async function openWriter(run: CliRun, opts: GlobalOptions): Promise<WriterContext> {
  const config = configOf(run, opts);
  const reader = createLedgerReader(config);
  const account = await resolveAccount(run, opts, reader);
  const ledger = createLedgerWriter(config, account);
  await assertLedgerReachable(ledger);
  setExternalSendLock(config.deployment.chainId, account.address, signerFileLock(stateDirOf(run), config.deployment.chainId, account.address));
  return { config, ledger, account };
}

/**
 * How a patient action is sent: through the hospital's relayer when `--relay <url>` (or
 * MEDLEDGER_RELAY_URL) names a MedLedger server — the key only signs, the account needs no ETH —
 * else undefined (the account's own transaction, the core's default). `onStep` reports each step.
 */
export function relaySenderOf(run: CliRun, opts: GlobalOptions, ledger: LedgerWriter, onStep?: (step: RelayStep) => void): ActionSender | undefined {
  const url = opts.relay ?? run.env.MEDLEDGER_RELAY_URL;
  if (!url) return undefined;
  let server: URL;
  try {
    server = new URL(url);
    if (server.protocol !== "http:" && server.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `The relay server "${url}" is not an http(s) URL.`,
      "Give the MedLedger server's address, e.g. https://medledger.example.",
    );
  }
  return relayClientSender(ledger, {
    endpoint: new URL(RELAY_PATH, server).toString(),
    // The endpoint takes requests from its own site only: say which site this is.
    origin: server.origin,
    ...(onStep ? { onStep: (step: RelayStep) => onStep(step) } : {}),
  });
}

/**
 * The MedLedger (web) server of this hospital: `--server <url>`, else MEDLEDGER_SERVER_URL, else
 * the relay server (`--relay` / MEDLEDGER_RELAY_URL, the same server); undefined when none is set.
 */
export function serverUrlOf(run: CliRun, opts: GlobalOptions): string | undefined {
  const url = opts.server ?? run.env.MEDLEDGER_SERVER_URL ?? opts.relay ?? run.env.MEDLEDGER_RELAY_URL;
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.origin;
  } catch {
    // refused below
  }
  throw new MedLedgerError(
    "INVALID_INPUT",
    `The MedLedger server "${url}" is not an http(s) URL.`,
    "Give the MedLedger server's address, e.g. https://medledger.example.",
  );
}

/** The CLI's state folder: MEDLEDGER_STATE_DIR, by default `.medledger` in the current directory. */
export function stateDirOf(run: CliRun): string {
  return run.env.MEDLEDGER_STATE_DIR ?? join(run.cwd, ".medledger");
}

const LOCK_WAIT_MS = 120_000;

/**
 * The lock that several `medledger` processes of one signer take around reading the next nonce,
 * signing and sending (core/contract/nonces.ts): the file `<state dir>/locks/<chainId>-<address>.lock`
 * holding the owner's PID, created atomically (a hard link of a complete file). A lock whose PID
 * is no longer running (a process that was killed) is broken.
 */
export function signerFileLock(stateDir: string, chainId: number, address: Address): SendLock {
  const dir = join(stateDir, "locks");
  const path = join(dir, `${chainId}-${address.toLowerCase()}.lock`);
  return async <T>(send: () => Promise<T>): Promise<T> => {
    await acquireLock(dir, path);
    try {
      return await send();
    } finally {
      await rm(path, { force: true });
    }
  };
}

async function acquireLock(dir: string, path: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, `${process.pid}\n`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  try {
    for (;;) {
      try {
        await link(mine, path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      await breakIfStale(path);
      if (Date.now() > deadline) {
        throw new MedLedgerError(
          "CONFLICT",
          "Another MedLedger command signing with your account has been sending a transaction for over two minutes.",
          `Wait for it to finish and retry; if no such command is running, delete ${path}.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
  } finally {
    await rm(mine, { force: true });
  }
}

/** Removes the lock if the process that holds it is gone (moved aside first, so a fresh lock is never removed). */
async function breakIfStale(path: string): Promise<void> {
  const owner = await lockOwner(path);
  if (owner === undefined || isRunning(owner)) return;
  const aside = `${path}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else broke it
  }
  const moved = await lockOwner(aside);
  if (moved !== undefined && moved !== owner && isRunning(moved)) {
    // A live process took the lock meanwhile: give it back if the place is still free.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

async function lockOwner(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The IPFS store of the configuration (Kubo RPC API); its client is loaded only by commands that need it. */
export async function openStore(config: MedLedgerConfig): Promise<ContentStore> {
  const { createKuboStore } = await import("#core/ipfs/kuboStore.ts");
  return createKuboStore(config.ipfsApiUrl);
}

/** The signer's encryption identity (derived from a signature; never leaves the process). */
export async function openIdentity(ledger: LedgerWriter): Promise<EncryptionIdentity> {
  return unlockIdentity(ledger.walletClient, ledger.deployment, ledger);
}

/** Unlocks the identity and publishes its key if the chain does not hold it yet; reports whether a transaction was sent. */
export async function openPublishedIdentity(ledger: LedgerWriter, onPublishing?: () => void): Promise<{ identity: EncryptionIdentity; published: boolean }> {
  const identity = await openIdentity(ledger);
  const published = await ensureKeyPublished(ledger, identity, { onPublishing });
  return { identity, published };
}

const NO_SIGNER_HINT =
  "Set MEDLEDGER_PRIVATE_KEY to your 0x… private key, or pass --keystore <file> (an encrypted JSON keystore; password from MEDLEDGER_KEYSTORE_PASSWORD or a prompt). On the local chain, --as <demo-handle> (e.g. --as doctor1) uses a demo account.";

async function resolveAccount(run: CliRun, opts: GlobalOptions, reader: LedgerReader): Promise<LocalAccount> {
  if (opts.as) return demoSigner(opts.as, reader);
  const keystore = opts.keystore ?? run.env.MEDLEDGER_KEYSTORE;
  if (keystore) return keystoreSigner(run, keystore);
  const key = run.env.MEDLEDGER_PRIVATE_KEY;
  if (key) return privateKeySigner(key, "MEDLEDGER_PRIVATE_KEY");
  throw new MedLedgerError("CONFIG", "This command signs as you, but no signing key is configured.", NO_SIGNER_HINT);
}

/** A demo account, refused unless the node really serves the local chain. */
async function demoSigner(handle: string, reader: LedgerReader): Promise<LocalAccount> {
  const person = findDemoPerson(handle);
  if (!person) {
    throw new MedLedgerError("INVALID_INPUT", `There is no demo account "${handle}".`, `Use one of: ${DEMO_PEOPLE.map((p) => p.handle).join(", ")}.`);
  }
  let chainId: number;
  try {
    chainId = await reader.publicClient.getChainId();
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: reader.rpcUrl });
  }
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new MedLedgerError(
      "CONFIG",
      `--as uses the public demo keys, which are accepted on the local chain (${LOCAL_CHAIN_ID}) only; the node at ${reader.rpcUrl ?? "the RPC URL"} serves chain ${chainId}.`,
      "Sign with your own key on this network: set MEDLEDGER_PRIVATE_KEY or pass --keystore <file>.",
    );
  }
  return demoAccount(person);
}

function privateKeySigner(value: string, source: string): LocalAccount {
  const clean = value.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new MedLedgerError("CONFIG", `${source} is not a private key.`, "It must be 64 hex digits (optionally 0x-prefixed).");
  }
  return privateKeyToAccount(`0x${clean}`);
}

async function keystoreSigner(run: CliRun, file: string): Promise<LocalAccount> {
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (error) {
    throw new MedLedgerError("CONFIG", `Cannot read the keystore file ${file}.`, "Check the path given to --keystore (or MEDLEDGER_KEYSTORE).", {
      cause: error,
    });
  }
  const password = run.env.MEDLEDGER_KEYSTORE_PASSWORD ?? (run.interactive ? await promptHidden(`Password for ${file}: `) : undefined);
  if (password === undefined) {
    throw new MedLedgerError(
      "CONFIG",
      `The keystore ${file} needs a password and there is no terminal to ask for it.`,
      "Set MEDLEDGER_KEYSTORE_PASSWORD, or run the command in a terminal.",
    );
  }
  const { decryptKeystoreJson, isKeystoreJson } = await import("ethers");
  if (!isKeystoreJson(json)) {
    throw new MedLedgerError(
      "CONFIG",
      `${file} is not an encrypted JSON keystore.`,
      "Give a keystore file (Web3 Secret Storage, as written by geth, MetaMask export or ethers).",
    );
  }
  try {
    const decrypted = await decryptKeystoreJson(json, password);
    return privateKeySigner(decrypted.privateKey, file);
  } catch (error) {
    if (error instanceof MedLedgerError) throw error;
    throw new MedLedgerError(
      "CONFIG",
      `Cannot decrypt ${file}: wrong password or damaged file.`,
      "Check MEDLEDGER_KEYSTORE_PASSWORD (or the password you typed).",
      { cause: error },
    );
  }
}
