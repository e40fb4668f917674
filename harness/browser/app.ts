import type { LocalAccount } from "viem";
/** Page-level helpers shared by the browser tests: open the app with a wallet, connect, watch for errors. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { newContext, DESKTOP } from "./browser.ts";
import type { E2EStack } from "./stack.ts";
import { TestWallet } from "./testWallet.ts";

/** Console errors that are the browser reporting a request the test provoked on purpose. */
const EXPECTED_CONSOLE_ERRORS: readonly RegExp[] = [];

export interface AppSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly wallet: TestWallet;
  /** Uncaught page errors and console errors seen so far (a healthy page has none). */
  readonly pageErrors: string[];
  /** Requests any page of this context sent to the IPFS node's RPC API (there must be none: browsers use the server's gateway). */
  readonly ipfsRpcRequests: string[];
  close(): Promise<void>;
}

/**
 * How the page sees a wallet: the test wallet announced by EIP-6963 (the default), the test
 * wallet as a legacy window.ethereum only, or no wallet at all.
 */
export type WalletPresence = "announced" | "legacy" | "none";

/** A new browser context with the test wallet installed, signing as demo person `person`. */
export async function openSession(
  browser: Browser,
  stack: E2EStack,
  options: {
    person?: string;
    /** A wallet account of its own instead of a demo person's. */
    account?: LocalAccount;
    viewport?: { width: number; height: number };
    wallet?: WalletPresence;
    initScripts?: readonly string[];
  } = {},
): Promise<AppSession> {
  const context = await newContext(browser, options.viewport ?? DESKTOP);
  const page = await context.newPage();
  const wallet = new TestWallet({ rpcUrl: stack.rpcUrl, chainId: stack.deployment.chainId, person: options.person, account: options.account });
  const presence = options.wallet ?? "announced";
  if (presence !== "none") await wallet.install(page, { announce: presence === "announced" });
  for (const script of options.initScripts ?? []) await page.addInitScript(script);
  const pageErrors: string[] = [];
  const ipfsRpc = new URL(stack.ipfsApiUrl);
  const ipfsRpcRequests: string[] = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.port === ipfsRpc.port || url.pathname.startsWith("/api/v0/")) ipfsRpcRequests.push(`${request.method()} ${request.url()}`);
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.text().startsWith("Failed to load resource")) return; // reported with its URL by the response handler

    if (message.type() === "error" && !EXPECTED_CONSOLE_ERRORS.some((re) => re.test(message.text()))) pageErrors.push(`console: ${message.text()}`);
  });
  return { context, page, wallet, pageErrors, ipfsRpcRequests, close: () => context.close() };
}

/** Navigates to `path` of the app and waits for it to hydrate. */
export async function goto(page: Page, stack: E2EStack, path: string): Promise<void> {
  await page.goto(new URL(path, stack.webUrl).toString(), { waitUntil: "networkidle" });
}

/** Connects through the app's wallet dialog with the injected test wallet (wagmi's injected connector). */
export async function connectTestWallet(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
  await dialog.getByRole("button", { name: "MedLedger Test Wallet" }).click();
  await page.getByTestId("connected-address").waitFor();
}

/** Connects through the dev wallet picker (local chain only) as demo person `handle`. */
export async function connectDevWallet(page: Page, handle: string): Promise<void> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
  await dialog.getByLabel("Demo person").selectOption(handle);
  await dialog.getByRole("button", { name: "Use dev wallet" }).click();
  await page.getByTestId("connected-address").waitFor();
}

/** One session per demo person, reused across a suite's tests: opened on first use with the test wallet connected, then navigated. */
export interface SessionPool {
  /** The session of demo person `handle`, on `path`, wallet connected. */
  as(handle: string, path: string): Promise<AppSession>;
  readonly sessions: ReadonlyMap<string, AppSession>;
  closeAll(): Promise<void>;
}

export function sessionPool(env: () => { browser: Browser; stack: E2EStack }): SessionPool {
  const sessions = new Map<string, AppSession>();
  return {
    sessions,
    async as(handle, path) {
      const { browser, stack } = env();
      let session = sessions.get(handle);
      if (!session) {
        session = await openSession(browser, stack, { person: handle });
        sessions.set(handle, session);
        await goto(session.page, stack, path);
        await connectTestWallet(session.page);
      } else {
        await goto(session.page, stack, path);
        await session.page.getByTestId("connected-address").waitFor();
      }
      return session;
    },
    async closeAll() {
      for (const session of sessions.values()) await session.close();
      sessions.clear();
    },
  };
}
