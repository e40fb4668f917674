"use client";
/**
 * The wallet dialog: every wallet the page's EIP-6963 announcements name (MetaMask, Rabby…, each
 * with its name and icon, found by wagmi's multiInjectedProviderDiscovery), else a legacy
 * window.ethereum as "Browser wallet", else plain words on how to get a wallet — never a generic
 * "Injected" button for a wallet that is not there. On the local chain only, the dev wallet with a
 * picker of the demo people.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { useConnect, useConnectors, type Connector } from "wagmi";
import { DEMO_PEOPLE, isLocalChain } from "#core/dev/demoAccounts.ts";
import { DEV_WALLET_ID } from "../lib/devWallet.ts";
import { usePublicConfig } from "../lib/ledgerContext.tsx";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";

const ROLE_LABEL = { admin: "administrator", receptionist: "receptionist", doctor: "doctor", patient: "patient", none: "no role" } as const;

/** wagmi's generic connector for window.ethereum (the EIP-6963 ones carry the wallet's rdns as id). */
const GENERIC_INJECTED_ID = "injected";
const GET_A_WALLET_URL = "https://ethereum.org/wallets/find-wallet/";

interface WalletChoice {
  readonly connector: Connector;
  readonly name: string;
  readonly icon: string | undefined;
}

/**
 * The wallets to offer: the announced ones; without any, the generic connector as "Browser wallet"
 * when the page has a window.ethereum; otherwise none.
 */
export function walletChoices(connectors: readonly Connector[], hasLegacyProvider: boolean): WalletChoice[] {
  const injected = connectors.filter((c) => c.id !== DEV_WALLET_ID && c.type === "injected");
  const announced = injected.filter((c) => c.id !== GENERIC_INJECTED_ID);
  if (announced.length > 0) return announced.map((connector) => ({ connector, name: connector.name, icon: connector.icon }));
  const generic = injected.find((c) => c.id === GENERIC_INJECTED_ID);
  return generic && hasLegacyProvider ? [{ connector: generic, name: "Browser wallet", icon: undefined }] : [];
}

const noSubscription = () => () => {};
const hasWindowEthereum = () => (window as { ethereum?: unknown }).ethereum !== undefined;
const onServer = () => false;

/** Whether the page has a pre-EIP-6963 wallet at window.ethereum (false while rendering on the server). */
function useLegacyProvider(): boolean {
  return useSyncExternalStore(noSubscription, hasWindowEthereum, onServer);
}

export function ConnectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const config = usePublicConfig();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const connectors = useConnectors();
  const { connectAsync, isPending, error, reset } = useConnect();
  const [person, setPerson] = useState<string>(DEMO_PEOPLE[0]?.handle ?? "admin");
  const devConnector = isLocalChain(config.chainId) ? connectors.find((c) => c.id === DEV_WALLET_ID) : undefined;
  const wallets = walletChoices(connectors, useLegacyProvider());

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      reset();
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, reset]);

  const connect = async (connector: Connector, extra: Record<string, string> = {}) => {
    try {
      await connectAsync({ connector, chainId: config.chainId, ...extra } as Parameters<typeof connectAsync>[0]);
      onClose();
    } catch {
      /* shown below from `error` */
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-head">
        <h2 id={titleId}>Connect a wallet</h2>
        <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <section aria-label="Browser wallets">
        <h3>Your wallet</h3>
        {wallets.length === 0 ? (
          <div data-testid="no-wallet">
            <p>
              No wallet app was found in this browser. MedLedger needs one: it holds your account and signs for you, and your reports can only be opened with
              it.
            </p>
            <p>
              Install a wallet app — a browser extension such as MetaMask or Rabby, or a phone wallet with its own browser — then reload this page.{" "}
              <a href={GET_A_WALLET_URL} target="_blank" rel="noreferrer">
                How to choose and get a wallet (ethereum.org)
              </a>
              {devConnector ? ". On this local test chain you can also use the dev wallet below." : "."}
            </p>
          </div>
        ) : (
          <ul className="wallet-list" data-testid="wallet-list">
            {wallets.map(({ connector, name, icon }) => (
              <li key={connector.uid}>
                <button type="button" className="btn wallet-option" disabled={isPending} onClick={() => void connect(connector)}>
                  {icon ? <img src={icon} alt="" width={24} height={24} /> : null}
                  <span>{name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {devConnector ? (
        <section aria-label="Dev wallet" className="dev-wallet">
          <h3>
            Dev wallet <span className="badge">local chain only</span>
          </h3>
          <p className="muted small">Signs as a demo person with their public development key. It is offered on the local chain only.</p>
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              void connect(devConnector, { person });
            }}
          >
            <label htmlFor="dev-person" className="visually-hidden">
              Demo person
            </label>
            <select id="dev-person" value={person} onChange={(e) => setPerson(e.target.value)}>
              {DEMO_PEOPLE.map((p) => (
                <option key={p.handle} value={p.handle}>
                  {p.displayName} — {ROLE_LABEL[p.role]}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-primary" disabled={isPending}>
              Use dev wallet
            </button>
          </form>
        </section>
      ) : null}
      {isPending ? <Spinner label="Waiting for the wallet…" /> : null}
      <ErrorBox error={error} title="Could not connect" />
    </dialog>
  );
}
