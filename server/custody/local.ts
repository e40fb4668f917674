/**
 * The records custodian of a deployment, from its configuration: the custodian's wallet key
 * (MEDLEDGER_CUSTODIAN_KEY, it sends the re-wraps and releases and pays their gas) and its X25519
 * secret (MEDLEDGER_CUSTODIAN_SECRET, 32 bytes hex) in a software keystore. On the local chain both
 * default to the dev custodian (core/dev/demoKeys.ts). An HSM/KMS takes the software keystore's
 * place by implementing core/custody/keystore.ts.
 */
import { hexToBytes, isHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { MedLedgerConfig } from "#core/config.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { devCustodianKey, devCustodianSecret } from "#core/dev/demoKeys.ts";
import { softwareKeystore, type CustodianKeystore } from "#core/custody/keystore.ts";
import { MedLedgerError } from "#core/errors.ts";
import { createLedgerWriter } from "#core/node/clients.ts";

export interface ConfiguredCustodian {
  readonly writer: LedgerWriter;
  readonly keystore: CustodianKeystore;
}

/** The custodian from `env`, or the dev custodian when `dev` and none is configured; null otherwise. */
export function custodianFromEnv(config: MedLedgerConfig, env: NodeJS.ProcessEnv, options: { readonly dev: boolean }): ConfiguredCustodian | null {
  const key = env.MEDLEDGER_CUSTODIAN_KEY?.trim();
  const secret = env.MEDLEDGER_CUSTODIAN_SECRET?.trim();
  if (!key && !secret) {
    if (!options.dev) return null;
    const account = privateKeyToAccount(devCustodianKey());
    return { writer: createLedgerWriter(config, account), keystore: softwareKeystore(account.address, devCustodianSecret()) };
  }
  if (!key || !secret || !isHex(key) || !isHex(secret) || hexToBytes(secret as Hex).length !== 32) {
    throw new MedLedgerError(
      "CONFIG",
      "The records custodian is configured incompletely.",
      "Set both MEDLEDGER_CUSTODIAN_KEY (the custodian's wallet private key, 0x…) and MEDLEDGER_CUSTODIAN_SECRET (its 32-byte X25519 secret, 0x…).",
    );
  }
  const account = privateKeyToAccount(key as Hex);
  return { writer: createLedgerWriter(config, account), keystore: softwareKeystore(account.address, hexToBytes(secret as Hex)) };
}
