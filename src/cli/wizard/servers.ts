/**
 * Step 3: the upsd hosts. For each: its name in the store, and every DNS name
 * and IP address clients connect to (NSS upsmon and the shims check the name
 * against the certificate's subjectAltName), checked as they are typed with
 * the parsers `nutca issue server` uses, and against the CA's name constraints.
 */
import { NutcaError } from "../../errors.js";
import { assertPermitted, NO_CONSTRAINTS, type Permitted } from "../../pki/name-constraints.js";
import { isIpAddress, parseDnsName, parseEntryName, parseIpAddress } from "../../pki/names.js";
import type { HostInfo } from "./host.js";
import { issue, type IssueOptions } from "../commands/issue.js";
import { flagsFor, issueFlags } from "../options.js";
import { check, splitList, type WizardIO } from "./io.js";
import type { PlannedCommand, ServerPlan } from "./plan.js";

export interface ServerQuestions {
  readonly host: () => HostInfo;
  /** Names already in the store or chosen earlier in this run. */
  readonly taken: ReadonlySet<string>;
  /** The CA's name constraints (none for a new CA: they are chosen after the names). */
  readonly permitted?: Permitted;
}

export async function askServers(io: WizardIO, questions: ServerQuestions): Promise<ServerPlan[]> {
  const servers: ServerPlan[] = [];
  io.say("", "upsd hosts (servers)");
  for (let n = 1; ; n++) {
    const taken = new Set([...questions.taken, ...servers.map((server) => server.name)]);
    servers.push(await askServer(io, n, { ...questions, taken }));
    if (!(await io.ask.confirm("Add another upsd host?", false))) return servers;
  }
}

export async function askServer(io: WizardIO, n: number, questions: ServerQuestions): Promise<ServerPlan> {
  const { ask } = io;
  const permitted = questions.permitted ?? NO_CONSTRAINTS;
  const here = await ask.confirm(`upsd host ${n}: is it this machine?`, n === 1 && questions.taken.size === 0);
  const host = here ? questions.host() : { names: [], addresses: [] };
  if (here && host.names.length + host.addresses.length > 0) {
    io.say(`  This machine: ${[...host.names, ...host.addresses].join(", ")}`);
  }
  const name = await ask.input(`upsd host ${n}: its name in the store (usually its host name):`, {
    default: host.names[0]?.split(".")[0],
    validate: check((value) => checkNewName(value, questions.taken)),
  });
  const dnsDefault = here ? host.names : isDnsName(name) ? [name] : [];
  const dns = (
    await ask.input(`DNS names clients use for ${name} (comma-separated):`, {
      default: dnsDefault.join(", "),
      validate: check((value) => parseNames(value, parseDnsAnswer, permitted, "dns")),
    })
  ).trim();
  const dnsNames = parseNames(dns, parseDnsAnswer, permitted, "dns");
  const ip = await ask.input(`IP addresses clients use for ${name} (comma-separated, may be empty):`, {
    default: here ? host.addresses.join(", ") : "",
    validate: check((value) => {
      const addresses = parseNames(value, parseIpAddress, permitted, "ip");
      if (dnsNames.length + addresses.length === 0) {
        throw new NutcaError(
          "USAGE",
          "a server needs at least one DNS name or IP address",
          "clients check the server's certificate against the name they connect to",
        );
      }
    }),
  });
  return { name, dns: dnsNames, ip: parseNames(ip, parseIpAddress, permitted, "ip") };
}

/**
 * parseDnsName, with the wizard's own hint for an address typed as a DNS name:
 * the command's hint names --ip, and here the addresses are the next question.
 */
function parseDnsAnswer(value: string): string {
  if (isIpAddress(value.trim())) {
    throw new NutcaError(
      "BAD_DNS_NAME",
      `"${value.trim()}" is an IP address, not a DNS name`,
      "enter it in the next question, the IP addresses: clients match IPs only against IP entries",
    );
  }
  return parseDnsName(value);
}

/** A name for a new certificate: a valid entry name, not the CA's, not already used. */
export function checkNewName(value: string, taken: ReadonlySet<string>): string {
  const name = parseEntryName(value);
  if (name === "ca") throw new NutcaError("BAD_NAME", `"ca" is the CA's own name`, "choose another name");
  if (taken.has(name)) throw new NutcaError("NAME_EXISTS", `"${name}" is already used`, "choose another name");
  return name;
}

function parseNames(
  text: string,
  parse: (value: string) => string,
  permitted: Permitted,
  kind: "dns" | "ip",
): string[] {
  const values = [...new Set(splitList(text).map(parse))];
  assertPermitted(kind === "dns" ? { dns: values, ip: [] } : { dns: [], ip: values }, permitted);
  return values;
}

function isDnsName(value: string): boolean {
  try {
    parseDnsName(value);
    return true;
  } catch {
    return false;
  }
}

/** `nutca issue server` with the answers as options. */
export function serverArgv(storeDir: string, server: ServerPlan): string[] {
  return ["--store", storeDir, "issue", "server", server.name, ...flagsFor(serverOptions(server), issueFlags())];
}

export function serverCommand(storeDir: string, server: ServerPlan): PlannedCommand {
  const options = serverOptions(server);
  return {
    storeDir,
    argv: serverArgv(storeDir, server),
    run: (context) => issue("server", server.name, options, context),
  };
}

function serverOptions(server: ServerPlan): IssueOptions {
  return { dns: [...server.dns], ip: [...server.ip] };
}
