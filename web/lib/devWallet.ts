/**
 * The dev wallet of the local chain: a wagmi connector that signs as one of the demo people of
 * core/dev/demoAccounts.ts with their local viem account. The rest of the app uses it through the
 * ordinary wagmi hooks. It exists only on the local chain (chain id 31337): the demo keys are
 * public, so {@link devWallet} refuses any other chain.
 *
 * The key derivation (core/dev/demoKeys.ts: BIP-39/BIP-32, a large part of the bundle) and the
 * wallet client are loaded with a dynamic import (./devWalletClient.ts) when a person is chosen,
 * so they are not part of any page's first load.
 */
import { createConnector } from "wagmi";
import { getAddress, numberToHex, type Address, type Chain, type EIP1193RequestFn } from "viem";
import { DEMO_PEOPLE, findDemoPerson, isLocalChain, type DemoPerson } from "#core/dev/demoAccounts.ts";
import type { DevWalletClient } from "./devWalletClient.ts";

export const DEV_WALLET_ID = "medledger-dev-wallet";
const STORAGE_KEY = "medledger.devWallet.person";

export interface DevWalletParameters {
  readonly chain: Chain;
  readonly rpcUrl: string;
}

interface DevWalletProvider {
  readonly request: EIP1193RequestFn;
}

interface DevWalletProperties {
  connect<withCapabilities extends boolean = false>(parameters?: {
    chainId?: number | undefined;
    isReconnecting?: boolean | undefined;
    withCapabilities?: withCapabilities | boolean | undefined;
    /** Handle of the demo person to sign as (see DEMO_PEOPLE). */
    person?: string | undefined;
  }): Promise<{
    accounts: withCapabilities extends true ? readonly { address: Address; capabilities: Record<string, unknown> }[] : readonly Address[];
    chainId: number;
  }>;
  /** Signs as another demo person from now on (the connection stays). */
  selectPerson(handle: string): void;
  /** The demo person currently signing, if connected. */
  currentPerson(): DemoPerson | undefined;
  [key: string]: unknown;
}

function storedHandle(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function storeHandle(handle: string | undefined): void {
  try {
    if (handle) globalThis.localStorage?.setItem(STORAGE_KEY, handle);
    else globalThis.localStorage?.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable: the choice lasts for this page only */
  }
}

/** Creates the dev wallet connector (throws if `chain` is not the local chain). */
export function devWallet(parameters: DevWalletParameters) {
  if (!isLocalChain(parameters.chain.id)) {
    throw new Error("The dev wallet exists on the local chain only.");
  }
  const { chain, rpcUrl } = parameters;
  let person: DemoPerson | undefined;
  /** The signing client of `person`, ready once their key is derived. */
  let client: Promise<DevWalletClient> | undefined;

  const choose = (handle: string): DemoPerson => {
    const found = findDemoPerson(handle);
    if (!found) throw new Error(`Unknown demo person "${handle}".`);
    person = found;
    const pending = import("./devWalletClient.ts").then(({ devWalletClient }) => devWalletClient(found, chain, rpcUrl));
    pending.catch(() => undefined); // reported to whoever awaits it
    client = pending;
    storeHandle(found.handle);
    return found;
  };

  return createConnector<DevWalletProvider, DevWalletProperties>((config) => ({
    id: DEV_WALLET_ID,
    name: "Dev wallet (demo people)",
    type: "devWallet",
    async connect(connectParameters) {
      const handle = (connectParameters as { person?: string } | undefined)?.person ?? person?.handle ?? storedHandle() ?? DEMO_PEOPLE[0]?.handle;
      if (!handle) throw new Error("No demo person to connect as.");
      const chosen = choose(handle);
      await client;
      const address = chosen.address;
      const accounts = connectParameters?.withCapabilities ? [{ address, capabilities: {} }] : [address];
      return { accounts, chainId: chain.id } as never;
    },
    async disconnect() {
      person = undefined;
      client = undefined;
      storeHandle(undefined);
    },
    async getAccounts() {
      return person ? [person.address] : [];
    },
    async getChainId() {
      return chain.id;
    },
    async isAuthorized() {
      const handle = storedHandle();
      return handle !== undefined && findDemoPerson(handle) !== undefined;
    },
    async getClient() {
      if (!client) {
        const handle = storedHandle();
        if (!handle) throw new Error("The dev wallet is not connected.");
        choose(handle);
      }
      return await client!;
    },
    async getProvider() {
      const request = (async ({ method, params }: { method: string; params?: unknown }) => {
        if (method === "eth_accounts" || method === "eth_requestAccounts") return person ? [person.address] : [];
        if (method === "eth_chainId") return numberToHex(chain.id);
        if (!client) throw new Error("The dev wallet is not connected.");
        return (await client).request({ method, params } as never);
      }) as EIP1193RequestFn;
      return { request };
    },
    async switchChain({ chainId }) {
      if (chainId !== chain.id) throw new Error("The dev wallet only knows the local chain.");
      return chain;
    },
    onAccountsChanged(accounts) {
      if (accounts.length === 0) config.emitter.emit("disconnect");
      else config.emitter.emit("change", { accounts: accounts.map((a) => getAddress(a)) });
    },
    onChainChanged(chainId) {
      config.emitter.emit("change", { chainId: Number(chainId) });
    },
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
    selectPerson(handle: string) {
      const chosen = choose(handle);
      config.emitter.emit("change", { accounts: [chosen.address] });
    },
    currentPerson() {
      return person;
    },
  }));
}
