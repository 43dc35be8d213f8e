/** This machine's name and addresses: the suggestions when upsd runs here. */
import { hostname, networkInterfaces } from "node:os";
import { parseDnsName } from "../../pki/names.js";

export interface HostInfo {
  /** The system's host name, when it is a valid DNS name. */
  readonly names: readonly string[];
  /** Non-loopback, non-link-local addresses (link-local ones need a zone, which a certificate cannot hold). */
  readonly addresses: readonly string[];
}

export function thisHost(): HostInfo {
  const names: string[] = [];
  try {
    names.push(parseDnsName(hostname()));
  } catch {
    // A host name that is not a DNS name (say, with an underscore) is not suggested.
  }
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal && !/^fe80:/i.test(info.address))
    .map((info) => info!.address);
  return { names, addresses: [...new Set(addresses)] };
}
