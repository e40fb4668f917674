"use client";
/** The header's wallet control: connect, the connected account, switching demo person, disconnect. */
import { useState } from "react";
import { useConnection, useDisconnect } from "wagmi";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { DEV_WALLET_ID } from "../lib/devWallet.ts";
import { useWallet } from "../lib/ledgerContext.tsx";
import { AddressText } from "./AddressText.tsx";
import { ConnectDialog } from "./ConnectDialog.tsx";

interface PersonSwitcher {
  selectPerson(handle: string): void;
  currentPerson(): { handle: string } | undefined;
}

function asSwitcher(value: unknown): PersonSwitcher | undefined {
  const candidate = value as Partial<PersonSwitcher> | undefined;
  return typeof candidate?.selectPerson === "function" && typeof candidate.currentPerson === "function" ? (candidate as PersonSwitcher) : undefined;
}

export function WalletButton() {
  const [open, setOpen] = useState(false);
  const wallet = useWallet();
  const connection = useConnection();
  const { disconnect } = useDisconnect();
  const switcher = wallet.connectorId === DEV_WALLET_ID ? asSwitcher(connection.connector) : undefined;
  const [handle, setHandle] = useState<string | undefined>(undefined);
  const currentHandle = handle ?? switcher?.currentPerson()?.handle;

  if (!wallet.isConnected || !wallet.address) {
    return (
      <>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setOpen(true)}
          disabled={connection.status === "connecting" || connection.status === "reconnecting"}
        >
          {connection.status === "reconnecting" ? "Reconnecting…" : "Connect wallet"}
        </button>
        <ConnectDialog open={open} onClose={() => setOpen(false)} />
      </>
    );
  }
  return (
    <div className="wallet-box" data-testid="wallet-box">
      {switcher ? (
        <>
          <label htmlFor="dev-switch" className="visually-hidden">
            Signing as
          </label>
          <select
            id="dev-switch"
            value={currentHandle}
            onChange={(e) => {
              switcher.selectPerson(e.target.value);
              setHandle(e.target.value);
            }}
          >
            {DEMO_PEOPLE.map((p) => (
              <option key={p.handle} value={p.handle}>
                {p.displayName}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <span className="connected-address" data-testid="connected-address" data-address={wallet.address}>
        <AddressText value={wallet.address} />
      </span>
      <button type="button" className="btn btn-small" onClick={() => disconnect()}>
        Disconnect
      </button>
    </div>
  );
}
