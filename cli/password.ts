/** A hidden password prompt on the terminal (for keystore files); nothing is echoed. */
import { MedLedgerError } from "#core/errors.ts";

/** Reads one line from the TTY on stdin without echoing it. `prompt` goes to stderr. */
export async function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new MedLedgerError(
      "CONFIG",
      "No keystore password given and no terminal to ask for it.",
      "Set MEDLEDGER_KEYSTORE_PASSWORD, or run the command in a terminal.",
    );
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise<string>((resolve, reject) => {
    let value = "";
    const finish = (error?: MedLedgerError) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new MedLedgerError("USER_REJECTED", "Cancelled.", "Run the command again when ready."));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
