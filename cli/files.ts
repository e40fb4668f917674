/** Files named on the command line. */
import { stat } from "node:fs/promises";
import { MedLedgerError } from "#core/errors.ts";

/** The size of the regular file at `path`, or a MedLedgerError with `hint` when it cannot be read. */
export async function fileSize(path: string, hint: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a file");
    return info.size;
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", `Cannot read the file ${path}.`, hint, { cause: error });
  }
}
