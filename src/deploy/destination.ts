/**
 * Where a bundle goes: `[user@]host[:port]` (an IPv6 address in brackets), as
 * --host and the manifest's `host` column take it. Pure. What is not given is
 * left to ssh and ~/.ssh/config (User, Port, HostName), so an alias works.
 */
import { isIP } from "node:net";

export interface Destination {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

/** A user and a host never start with "-": ssh would read them as options. */
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const HOST = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9_])?$/;

/** The destination, or undefined when the text is not `[user@]host[:port]`. */
export function parseDestination(text: string): Destination | undefined {
  const match = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:@[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, user, rawHost, portText] = match;
  if (user !== undefined && !USER.test(user)) return undefined;
  const bracketed = rawHost!.startsWith("[");
  const host = bracketed ? rawHost!.slice(1, -1) : rawHost!;
  if (bracketed ? isIP(host) !== 6 : !HOST.test(host)) return undefined;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/** How a destination is written back: the form --host takes. */
export function formatDestination(destination: Destination): string {
  const host = isIP(destination.host) === 6 ? `[${destination.host}]` : destination.host;
  return `${destination.user === undefined ? "" : `${destination.user}@`}${host}${destination.port === undefined ? "" : `:${destination.port}`}`;
}

export const DESTINATION_HINT = "write [user@]host[:port], e.g. root@ups1.example.net:22 or [2001:db8::1]";
