import { isIPv4, isIPv6 } from "node:net";
import { NutcaError } from "../errors.js";

/** RFC 5280 ub-common-name: a longer CN is refused by strict verifiers. */
export const MAX_COMMON_NAME = 64;

/**
 * The most subjectAltNames (DNS and IP together) a certificate gets. A NUT
 * server has a handful of names; thousands make a certificate some TLS
 * stacks refuse to load, and a request asking for them is a mistake or an attack.
 */
export const MAX_NAMES = 100;

/** Refuses more names than MAX_NAMES, counting what was asked for. */
export function checkNameCount(count: number, hint = "give at most that many with --dns and --ip"): void {
  if (count > MAX_NAMES) {
    throw new NutcaError("BAD_NAME", `${count} names asked for: a certificate carries at most ${MAX_NAMES}`, hint);
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isIpAddress(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

/**
 * Validates and normalizes a host name for a dNSName SAN: lower case, no
 * trailing dot, RFC 1123 labels. An IP address is refused here because a client
 * matches an IP only against an iPAddress SAN entry.
 */
export function parseDnsName(text: string): string {
  const name = text.trim().toLowerCase().replace(/\.$/, "");
  if (isIpAddress(name) || /^[\d.]+$/.test(name)) {
    throw new NutcaError(
      "BAD_DNS_NAME",
      `"${text}" is an IP address, not a DNS name`,
      "pass it with --ip: clients match IPs only against IP entries in the certificate",
    );
  }
  const labels = name.split(".");
  const valid =
    name.length > 0 &&
    name.length <= 253 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1]!);
  if (!valid) {
    throw new NutcaError(
      "BAD_DNS_NAME",
      `"${text}" is not a valid DNS name`,
      "use letters, digits and hyphens in dot-separated labels (e.g. ups1.example.net)",
    );
  }
  return name;
}

/** Validates an IPv4 or IPv6 address and returns it in canonical form. */
export function parseIpAddress(text: string): string {
  const value = text.trim();
  if (isIPv4(value) && !/(^|\.)0\d/.test(value)) return value;
  // A zone id (fe80::1%eth0) names a local interface: meaningless in a certificate.
  if (isIPv6(value) && !value.includes("%")) {
    const bytes = ipToBytes(value);
    const ipv4 = mappedIpv4(bytes);
    if (ipv4 !== undefined) {
      throw new NutcaError(
        "BAD_IP",
        `"${text}" is an IPv4-mapped IPv6 address: no IPv4 client matches it`,
        `use the IPv4 form: --ip ${ipv4}`,
      );
    }
    return ipFromBytes(bytes);
  }
  throw new NutcaError("BAD_IP", `"${text}" is not a valid IP address`, "use a dotted IPv4 address or an IPv6 address");
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) stands for. */
function mappedIpv4(bytes: Uint8Array): string | undefined {
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff;
  return mapped && bytes[11] === 0xff ? bytes.subarray(12).join(".") : undefined;
}

export function ipToBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split(".").map(Number));
  const [head = "", tail = ""] = address.split("::");
  const groups = (part: string) => (part ? part.split(":") : []);
  let left = groups(head);
  let right = address.includes("::") ? groups(tail) : [];
  const expandV4 = (parts: string[]) => {
    const last = parts[parts.length - 1];
    if (last && isIPv4(last)) {
      const [a, b, c, d] = last.split(".").map(Number) as [number, number, number, number];
      return [...parts.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    }
    return parts;
  };
  if (right.length) right = expandV4(right);
  else left = expandV4(left);
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  const all = [...left, ...zeros, ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** An address's text from its 4 or 16 octets; IPv6 as RFC 5952 writes it: lower case, the first longest run of two or more zero groups as `::`. */
export function ipFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === "0") length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly text: string;
}

/** Parses `10.0.0.0/8` or `fd00::/8`; the address must have no bits set past the prefix. */
export function parseCidr(text: string): Cidr {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  const fail = () =>
    new NutcaError(
      "BAD_CIDR",
      `"${text}" is not a valid network`,
      "use address/prefix, e.g. 192.168.1.0/24 or fd00::/8",
    );
  if (!match) throw fail();
  let address: string;
  try {
    address = parseIpAddress(match[1]!);
  } catch {
    throw fail();
  }
  const prefix = Number(match[2]);
  const bytes = ipToBytes(address);
  if (prefix > bytes.length * 8) throw fail();
  if (hostBitsSet(bytes, prefix)) throw fail();
  return { address, prefix, text: `${address}/${prefix}` };
}

function hostBitsSet(bytes: Uint8Array, prefix: number): boolean {
  return bytes.some((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return (byte & (0xff >> keep)) !== 0;
  });
}

/** True when the first `prefix` bits of a and b agree. */
export function inPrefix(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  if (a.length !== b.length) return false;
  for (let bit = 0; bit < prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((a[bit >> 3]! & mask) !== (b[bit >> 3]! & mask)) return false;
  }
  return true;
}

/**
 * A store entry name: it becomes a file name, so it is kept to a safe set of
 * characters (host names and simple labels fit).
 */
export function parseEntryName(text: string): string {
  const name = text.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) || name.includes("..") || name.endsWith(".")) {
    throw new NutcaError(
      "BAD_NAME",
      `"${text}" is not a usable certificate name`,
      "use 1-63 letters, digits, dots, hyphens or underscores, starting with a letter or digit",
    );
  }
  return name;
}

export function checkCommonName(text: string, what = "common name"): string {
  const value = text.trim();
  if (
    value.length === 0 ||
    value.length > MAX_COMMON_NAME ||
    [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)
  ) {
    throw new NutcaError(
      "BAD_NAME",
      `the ${what} "${value.slice(0, 80)}" must be 1 to ${MAX_COMMON_NAME} printable characters`,
      "choose a shorter name",
    );
  }
  return value;
}

/** True when X.520's PrintableString can hold the text (else a name attribute is a UTF8String). */
export function isPrintableString(text: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text);
}
