/**
 * The client network a request comes from, the subject of the per-IP limits: an IPv4 address, or
 * the /64 prefix of an IPv6 address (one subscriber usually holds a whole /64).
 *
 * The address is the last entry of X-Forwarded-For: `next start` sets that header to the socket's
 * peer address, and a reverse proxy appends the address it saw. Caveat: Next.js keeps an
 * X-Forwarded-For the client sent itself, so a server exposed directly (no reverse proxy) can be
 * told any address; put MedLedger behind a reverse proxy that sets or appends X-Forwarded-For
 * (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`). The global caps hold
 * whatever the address.
 */
import { isIPv4, isIPv6 } from "node:net";

/** Subject used when a request carries no usable address (all such requests share one bucket). */
export const UNKNOWN_CLIENT = "unknown";

function ipv6Prefix64(address: string): string {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || "0", 16).toString(16))
    .join(":")}::/64`;
}

/** Normalises one address to its rate-limit subject, or undefined if it is not an IP address. */
export function clientSubject(raw: string): string | undefined {
  let address = raw.trim();
  if (address.startsWith("[")) address = address.slice(1, address.indexOf("]"));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  address = address.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) address = mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address) && !address.includes(".")) return ipv6Prefix64(address.toLowerCase());
  return undefined;
}

/** The request's client network (see the module comment). */
export function clientOf(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1);
  return (last && clientSubject(last)) || UNKNOWN_CLIENT;
}
