/** `medledger keys …`: the signer's X25519 encryption key (derived from a signature), its publication and its rotation. */
import type { Command } from "commander";
import { bytesToHex } from "viem";
import { MedLedgerError } from "#core/errors.ts";
import { publishedKeyOf } from "#core/identity/encryptionKey.ts";
import { finishRotation, REWRAP_BATCH_SIZE, rotateEncryptionKey, type RotationStep } from "#core/identity/rotation.ts";
import { configOf, hasSigner, openPublishedIdentity, openReader, openStore, openWriter, relaySenderOf, type GlobalOptions } from "../context.ts";
import { createPrinter, type CliRun } from "../output.ts";
import { parseAddress } from "#core/validation.ts";

export function registerKeysCommands(program: Command, run: CliRun): void {
  const keys = program.command("keys").description("Your encryption key: publish it so reports can be encrypted for you; show anyone's.");

  keys
    .command("publish")
    .description("Derive your encryption key from your signing key and publish it on chain (no-op if already published).")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger, account } = await openWriter(run, opts);
      const { identity, published } = await openPublishedIdentity(ledger);
      const key = bytesToHex(identity.publicKey);
      out.result({ ok: true, account: account.address, encryptionKey: key, published }, [
        published ? `Published the encryption key of ${account.address}.` : `The encryption key of ${account.address} is already published.`,
        `  Key ${key}`,
      ]);
    });

  keys
    .command("rotate")
    .description(
      "Replace your encryption key by the next version and re-wrap every report key you hold for it (only when you ask: e.g. after a device was lost).",
    )
    .option("--finish", "rotate nothing: only re-wrap what an interrupted rotation left on an older key")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { finish?: boolean }>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger, account } = await openWriter(run, opts);
      const onProgress = (step: RotationStep, detail?: { readonly done: number; readonly total: number }) => {
        if (step === "unlocking") out.step("Unlocking your current key and the next one (your wallet signs three times)…");
        if (step === "publishing") out.step("Publishing the new key…");
        if (step === "collecting") out.step("Finding the report keys still wrapped to an older key…");
        if (step === "rewrapping" && detail)
          out.step(`Re-wrapping report keys ${detail.done + 1}–${Math.min(detail.total, detail.done + REWRAP_BATCH_SIZE)} of ${detail.total}…`);
      };
      const send = relaySenderOf(run, opts, ledger);
      // Relayed: the new key and each of the account's reports re-keyed go through the relayer (rewrapKeys has no signed form).
      const store = send ? await openStore(configOf(run, opts)) : undefined;
      const relayed = send && store ? { send, store } : undefined;
      const result = opts.finish
        ? await finishRotation(ledger, { onProgress, ...(relayed ? { relayed } : {}) })
        : await rotateEncryptionKey(ledger, { onProgress, ...(relayed ? { send: relayed.send, rekeyThrough: relayed.store } : {}) });
      const key = bytesToHex((await publishedKeyOf(ledger, account.address))!);
      out.result(
        {
          ok: true,
          account: account.address,
          keyVersion: result.keyVersion,
          previousVersion: "previousVersion" in result ? result.previousVersion : null,
          encryptionKey: key,
          rewrapped: result.rewrapped,
          rekeyed: result.rekeyed,
          pending: result.pending,
          transactionHashes: "publishTransactionHash" in result ? [result.publishTransactionHash, ...result.transactionHashes] : result.transactionHashes,
        },
        [
          "previousVersion" in result
            ? `Rotated the encryption key of ${account.address} to version ${result.keyVersion}.`
            : `Your encryption key is version ${result.keyVersion}.`,
          `  Key ${key}`,
          ...(relayed
            ? [
                `  Re-keyed ${result.rekeyed.length} of your report${result.rekeyed.length === 1 ? "" : "s"} for it, through the hospital's relayer.`,
                ...(result.pending.length > 0
                  ? [
                      `  ${result.pending.length} report${result.pending.length === 1 ? "" : "s"} shared with you still use an older key: run \`keys rotate --finish\` without --relay once this account holds ETH, or ask for them to be shared again.`,
                    ]
                  : ["  You read everything with it from now on."]),
              ]
            : [
                `  Re-wrapped ${result.rewrapped.length} report key${result.rewrapped.length === 1 ? "" : "s"} for it; you read everything with it from now on.`,
              ]),
        ],
      );
    });

  keys
    .command("show")
    .description("Show the encryption key an account published (yours by default).")
    .argument("[address]", "the account (default: yours)")
    .action(async (address: string | undefined, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      let account;
      let ledger;
      if (address !== undefined) {
        account = parseAddress(address, "account");
        ({ ledger } = await openReader(run, opts));
      } else {
        if (!hasSigner(run, opts)) {
          throw new MedLedgerError(
            "CONFIG",
            "No account given and no signing key configured.",
            "Give an address (`medledger keys show 0x…`), or configure your key (MEDLEDGER_PRIVATE_KEY, --keystore or, locally, --as).",
          );
        }
        const writer = await openWriter(run, opts);
        ledger = writer.ledger;
        account = writer.account.address;
      }
      const key = await publishedKeyOf(ledger, account);
      const hex = key ? bytesToHex(key) : null;
      out.result({ ok: true, account, encryptionKey: hex, published: hex !== null }, [
        hex ? `${account} published the encryption key ${hex}.` : `${account} has not published an encryption key yet (\`medledger keys publish\`).`,
      ]);
    });
}
