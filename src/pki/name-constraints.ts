import { NutcaError } from "../errors.js";
import { children, readTlv } from "./der.js";
import { TAG_DNS_NAME, TAG_IP_ADDRESS } from "./der-encode.js";
import { inPrefix, ipFromBytes, ipToBytes, parseCidr, parseDnsName, type Cidr } from "./names.js";

/** NameConstraints' permittedSubtrees: [0]. */
const TAG_PERMITTED_SUBTREES = 0xa0;

/** What a CA may sign: DNS suffixes and IP networks (RFC 5280 permittedSubtrees). */
export interface Permitted {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export const NO_CONSTRAINTS: Permitted = { dns: [], ip: [] };

export function parsePermitted(dns: readonly string[], ip: readonly string[]): Permitted {
  return {
    dns: dns.map((suffix) => parseDnsName(suffix.replace(/^\./, ""))),
    ip: ip.map((cidr) => parseCidr(cidr).text),
  };
}

export function hasConstraints(permitted: Permitted): boolean {
  return permitted.dns.length > 0 || permitted.ip.length > 0;
}

/**
 * The permitted subtrees of a nameConstraints extension value: DNS suffixes,
 * and networks as address (4 or 16 octets) then mask. Read with the DER
 * walker, as the CA is read on the issuing path (see ca-facts.ts).
 */
export function parseNameConstraints(value: Uint8Array): Permitted {
  const permitted = children(readTlv(value).content).find((field) => field.tag === TAG_PERMITTED_SUBTREES);
  const dns: string[] = [];
  const ip: string[] = [];
  for (const subtree of children(permitted?.content ?? new Uint8Array())) {
    const base = readTlv(subtree.content);
    if (base.tag === TAG_DNS_NAME) dns.push(Buffer.from(base.content).toString("latin1"));
    if (base.tag === TAG_IP_ADDRESS && (base.content.length === 8 || base.content.length === 32)) {
      const half = base.content.length / 2;
      const prefix = [...base.content.subarray(half)].reduce((bits, octet) => bits + popCount(octet), 0);
      ip.push(`${ipFromBytes(base.content.subarray(0, half))}/${prefix}`);
    }
  }
  return { dns, ip };
}

function popCount(octet: number): number {
  let count = 0;
  for (let rest = octet; rest; rest >>= 1) count += rest & 1;
  return count;
}

export function dnsPermitted(name: string, permitted: Permitted): boolean {
  if (permitted.dns.length === 0) return true;
  return permitted.dns.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

export function ipPermitted(address: string, permitted: Permitted): boolean {
  if (permitted.ip.length === 0) return true;
  const bytes = ipToBytes(address);
  return permitted.ip.map(parseCidr).some((cidr: Cidr) => inPrefix(bytes, ipToBytes(cidr.address), cidr.prefix));
}

/** Refuses, before anything is signed, a name that verifiers would reject under the CA's constraints. */
export function assertPermitted(names: { dns: readonly string[]; ip: readonly string[] }, permitted: Permitted): void {
  const dns = names.dns.find((name) => !dnsPermitted(name, permitted));
  const ip = names.ip.find((address) => !ipPermitted(address, permitted));
  const outside = dns ?? ip;
  if (outside !== undefined) {
    const allowed = [...permitted.dns, ...permitted.ip].join(", ");
    throw new NutcaError(
      "NAME_CONSTRAINT",
      `"${outside}" is outside the CA's name constraints (${allowed})`,
      "use a name inside them: every verifier would reject this certificate",
    );
  }
}

/**
 * The names a verifier checks against the constraints. Without a DNS SAN,
 * OpenSSL also checks a CN that looks like a host name, so that CN counts too.
 */
export function constrainedNames(names: { dns: readonly string[]; ip: readonly string[]; commonName: string }): {
  dns: readonly string[];
  ip: readonly string[];
} {
  if (names.dns.length > 0 || !names.commonName.includes(".")) return names;
  try {
    return { dns: [parseDnsName(names.commonName)], ip: names.ip };
  } catch {
    return names;
  }
}
