/** RFC 4180 CSV, every cell quoted, spreadsheet formulas neutralised: one rule for the server's exports and the web's. */

/** One quoted cell; a value starting with = + - @ tab or CR gets a leading ' so a spreadsheet shows it as text. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A header row (unquoted names) and the rows, CRLF-separated, with a final CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header.join(","), ...rows.map((values) => values.map(csvCell).join(","))].join("\r\n")}\r\n`;
}
