/** Decoded event arguments as JSON: integers as decimal strings, addresses and hex as they are. */
export function toJsonArgs(args: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(args, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as Record<string, unknown>;
}
