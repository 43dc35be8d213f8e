/**
 * The CA's nameConstraints (RFC 5280 4.2.1.10): permitted DNS suffixes and IP
 * networks, built into a CA certificate and read back from one here, and the
 * check every issued name passes before it is signed.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  id_ce_nameConstraints,
  NameConstraints,
} from "@peculiar/asn1-x509";
import { NutcaError } from "../errors.js";
import { inPrefix, ipFromBytes, ipToBytes, parseCidr, parseDnsName, type Cidr } from "./names.js";
import { x509 } from "./x509.js";

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

/** The critical nameConstraints extension: permittedSubtrees only; networks as address then mask. */
export function nameConstraintsExtension(permitted: Permitted): x509.Extension {
  const subtrees = [
    ...permitted.dns.map((dNSName) => new GeneralSubtree({ base: new GeneralName({ dNSName }) })),
    ...permitted.ip.map((iPAddress) => new GeneralSubtree({ base: new GeneralName({ iPAddress }) })),
  ];
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: new GeneralSubtrees(subtrees) }));
  return new x509.Extension(id_ce_nameConstraints, true, value);
}

/** The permitted subtrees a CA certificate carries (none: no constraints). */
export function permittedOf(certificate: x509.X509Certificate): Permitted {
  const extension = certificate.getExtension(id_ce_nameConstraints);
  if (!extension) return NO_CONSTRAINTS;
  const constraints = AsnConvert.parse(extension.value, NameConstraints);
  const dns: string[] = [];
  const ip: string[] = [];
  for (const { base } of constraints.permittedSubtrees ?? []) {
    if (base.dNSName !== undefined) dns.push(base.dNSName);
    if (base.iPAddress !== undefined) {
      const bytes = ipToBytes(base.iPAddress.split("/")[0]!);
      ip.push(`${ipFromBytes(bytes)}/${base.iPAddress.split("/")[1] ?? bytes.length * 8}`);
    }
  }
  return { dns, ip };
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
