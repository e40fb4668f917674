"use client";
/**
 * The wallet dialog: injected wallets found by EIP-6963 (MetaMask and the like) or window.ethereum,
 * and — on the local chain only — the dev wallet with a picker of the demo people.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useConnect, useConnectors, type Connector } from "wagmi";
import { DEMO_PEOPLE, isLocalChain } from "#core/dev/demoAccounts.ts";
import { DEV_WALLET_ID } from "../lib/devWallet.ts";
import { usePublicConfig } from "../lib/ledgerContext.tsx";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";

const ROLE_LABEL = { admin: "administrator", receptionist: "receptionist", doctor: "doctor", patient: "patient", none: "no role" } as const;

function walletConnectors(connectors: readonly Connector[]): Connector[] {
  const injected = connectors.filter((c) => c.id !== DEV_WALLET_ID);
  // The generic "Injected" connector is redundant when EIP-6963 announced a named wallet.
  const named = injected.filter((c) => c.type === "injected" && c.id !== "injected");
  return named.length > 0 ? named : injected;
}

export function ConnectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const config = usePublicConfig();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const connectors = useConnectors();
  const { connectAsync, isPending, error, reset } = useConnect();
  const [person, setPerson] = useState<string>(DEMO_PEOPLE[0]?.handle ?? "admin");
  const devConnector = isLocalChain(config.chainId) ? connectors.find((c) => c.id === DEV_WALLET_ID) : undefined;
  const wallets = walletConnectors(connectors);

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
        <h3>Browser wallet</h3>
        {wallets.length === 0 ? (
          <p className="muted">
            No browser wallet found. Install MetaMask or another Ethereum wallet extension{devConnector ? ", or use the dev wallet below" : ""}.
          </p>
        ) : (
          <ul className="wallet-list">
            {wallets.map((connector) => (
              <li key={connector.uid}>
                <button type="button" className="btn wallet-option" disabled={isPending} onClick={() => void connect(connector)}>
                  {connector.icon ? <img src={connector.icon} alt="" width={24} height={24} /> : null}
                  <span>{connector.name}</span>
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
