/**
 * A test wallet that behaves like a browser extension: the page gets an EIP-1193 provider
 * (window.ethereum, announced by EIP-6963 with its name and SVG icon) whose requests cross to this Node-side handler through
 * `page.exposeFunction`. It signs with a viem local account (switchable between demo people) and
 * forwards every other JSON-RPC call to the node. Like MetaMask it answers [] to eth_accounts
 * until eth_requestAccounts, and it can pretend to be on another chain or reject the next request.
 * This drives wagmi's production `injected()` connector, with no test-only code in the app.
 */
import type { Page } from "playwright-core";
import { createWalletClient, http, numberToHex, type Address, type Hex, type LocalAccount, type TypedDataDefinition } from "viem";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";

interface RpcError {
  readonly code: number;
  readonly message: string;
}
type HandlerResult = { result: unknown } | { error: RpcError };

interface TransactionParams {
  from?: Address;
  to?: Address;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
  nonce?: Hex;
}

export class TestWallet {
  readonly rpcUrl: string;
  readonly nodeChainId: number;
  private account: LocalAccount;
  private authorized = false;
  private chainId: number;
  private rejectMethods = new Set<string>();
  private pages = new Set<Page>();
  /** Every method the page asked for, in order (for assertions). */
  readonly calls: string[] = [];
  /** Every signature the wallet gave, with the method that asked for it, in order. */
  readonly signatures: { readonly method: "personal_sign" | "eth_signTypedData_v4"; readonly signature: Hex }[] = [];

  /** `account`: a wallet of its own (e.g. a patient's new wallet), instead of demo person `person`. */
  constructor(options: { rpcUrl: string; chainId: number; person?: string; account?: LocalAccount }) {
    this.rpcUrl = options.rpcUrl;
    this.nodeChainId = options.chainId;
    this.chainId = options.chainId;
    this.account = options.account ?? TestWallet.accountOf(options.person ?? "admin");
  }

  static accountOf(handle: string): LocalAccount {
    const person = findDemoPerson(handle);
    if (!person) throw new Error(`No demo person "${handle}"`);
    return demoAccount(person);
  }

  get address(): Address {
    return this.account.address;
  }

  /** Switches the signing account, as a user choosing another account in the extension. */
  async useAccount(handle: string): Promise<void> {
    this.account = TestWallet.accountOf(handle);
    if (this.authorized) await this.emit("accountsChanged", [this.account.address]);
  }

  /** Pretends the wallet is on another chain (the wrong-network case). */
  async pretendChain(chainId: number): Promise<void> {
    this.chainId = chainId;
    await this.emit("chainChanged", numberToHex(chainId));
  }

  /** The next request of `method` is rejected by the "user" (EIP-1193 code 4001). */
  rejectNext(method: string): void {
    this.rejectMethods.add(method);
  }

  /**
   * Installs the provider into `page` (before any navigation): window.ethereum, announced by
   * EIP-6963 unless `announce` is false (a legacy wallet that only sets window.ethereum).
   */
  async install(page: Page, options: { readonly announce?: boolean } = {}): Promise<void> {
    this.pages.add(page);
    page.once("close", () => this.pages.delete(page));
    await page.exposeFunction("__medledgerWalletRequest", (method: string, params: unknown) => this.handle(method, params));
    await page.addInitScript(providerScript(options.announce ?? true));
  }

  private async emit(event: string, payload: unknown): Promise<void> {
    await Promise.all(
      [...this.pages].map((page) =>
        page
          .evaluate(([e, p]) => (window as unknown as { __medledgerWalletEmit(e: string, p: unknown): void }).__medledgerWalletEmit(e, p), [
            event,
            payload,
          ] as const)
          .catch(() => {}),
      ),
    );
  }

  /** Handles one EIP-1193 request from the page. */
  async handle(method: string, params: unknown): Promise<HandlerResult> {
    this.calls.push(method);
    const args = (Array.isArray(params) ? params : []) as unknown[];
    try {
      if (this.rejectMethods.delete(method)) return { error: { code: 4001, message: "User rejected the request." } };
      switch (method) {
        case "eth_requestAccounts":
          this.authorized = true;
          return { result: [this.account.address] };
        case "eth_accounts":
          return { result: this.authorized ? [this.account.address] : [] };
        case "eth_chainId":
          return { result: numberToHex(this.chainId) };
        case "net_version":
          return { result: String(this.chainId) };
        case "wallet_requestPermissions":
          this.authorized = true;
          return { result: [{ parentCapability: "eth_accounts" }] };
        case "wallet_getPermissions":
          return { result: this.authorized ? [{ parentCapability: "eth_accounts" }] : [] };
        case "wallet_revokePermissions":
          this.authorized = false;
          return { result: null };
        case "wallet_switchEthereumChain": {
          const wanted = Number((args[0] as { chainId: Hex }).chainId);
          if (wanted !== this.nodeChainId) return { error: { code: 4902, message: `Unrecognized chain ID ${wanted}.` } };
          this.chainId = wanted;
          setTimeout(() => void this.emit("chainChanged", numberToHex(wanted)), 0);
          return { result: null };
        }
        case "wallet_addEthereumChain":
          return { result: null };
        case "personal_sign": {
          const signature = await this.account.signMessage({ message: { raw: args[0] as Hex } });
          this.signatures.push({ method, signature });
          return { result: signature };
        }
        case "eth_signTypedData_v4": {
          const typed = (typeof args[1] === "string" ? JSON.parse(args[1]) : args[1]) as TypedDataDefinition & { types: Record<string, unknown> };
          const { EIP712Domain: _domain, ...types } = typed.types;
          const signature = await this.account.signTypedData({ ...typed, types } as TypedDataDefinition);
          this.signatures.push({ method, signature });
          return { result: signature };
        }
        case "eth_sendTransaction":
          return { result: await this.sendTransaction(args[0] as TransactionParams) };
        default:
          return { result: await this.forward(method, args) };
      }
    } catch (error) {
      const e = error as { code?: number; message?: string; shortMessage?: string };
      return { error: { code: typeof e.code === "number" ? e.code : -32603, message: e.shortMessage ?? e.message ?? String(error) } };
    }
  }

  private async sendTransaction(tx: TransactionParams): Promise<Hex> {
    if (this.chainId !== this.nodeChainId) throw Object.assign(new Error("The wallet is on another chain."), { code: 4901 });
    const client = createWalletClient({ account: this.account, transport: http(this.rpcUrl, { retryCount: 0 }) });
    return client.sendTransaction({
      chain: null,
      to: tx.to,
      data: tx.data,
      value: tx.value ? BigInt(tx.value) : undefined,
      gas: tx.gas ? BigInt(tx.gas) : undefined,
    });
  }

  private async forward(method: string, params: unknown[]): Promise<unknown> {
    const response = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: RpcError };
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
    return body.result;
  }
}

/** The test wallet's EIP-6963 icon: an SVG data URI (a blue square with a white cross). */
export const TEST_WALLET_ICON = svgDataUri("#0b6bcb", "M4 2h2v2h2v2H6v2H4V6H2V4h2z");

/** An EIP-6963 icon: a square of `fill` with a white `path`, as a base64 SVG data URI. */
export function svgDataUri(fill: string, path: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" rx="2" fill="${fill}"/><path d="${path}" fill="#fff"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/**
 * An init script announcing one more EIP-6963 wallet (name, icon, rdns) whose provider refuses
 * every request, as a second extension the user has installed but does not pick.
 */
export function otherWalletScript(info: { readonly uuid: string; readonly name: string; readonly icon: string; readonly rdns: string }): string {
  return `(() => {
  const provider = {
    async request() { const error = new Error("This wallet is not used in the test."); error.code = 4100; throw error; },
    on() { return provider; },
    removeListener() { return provider; },
  };
  const detail = Object.freeze({ info: Object.freeze(${JSON.stringify(info)}), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;
}

/** Runs in the page before any of its scripts: window.ethereum (+ its EIP-6963 announcement when `announce`). */
const providerScript = (announce: boolean): string => `(() => {
  const listeners = new Map();
  const provider = {
    isMedLedgerTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__medledgerWalletRequest(method, params ?? []);
      if (answer && answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        throw error;
      }
      return answer.result;
    },
    on(event, fn) { if (!listeners.has(event)) listeners.set(event, new Set()); listeners.get(event).add(fn); return provider; },
    removeListener(event, fn) { listeners.get(event)?.delete(fn); return provider; },
  };
  window.__medledgerWalletEmit = (event, payload) => { for (const fn of listeners.get(event) ?? []) fn(payload); };
  Object.defineProperty(window, "ethereum", { value: provider, configurable: true });
  const info = Object.freeze({
    uuid: "3b8e4a52-6f7b-4a8e-9f0c-2d1b0a9c8e7f",
    name: "MedLedger Test Wallet",
    icon: ${JSON.stringify(TEST_WALLET_ICON)},
    rdns: "org.medledger.testwallet",
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  if (!${JSON.stringify(announce)}) return;
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;
