/**
 * Step 4: the client hosts (upsmon, a client stunnel or shim), which servers
 * each monitors, and whether they get certificates: stunnel needs one (mutual
 * TLS); NUT's own TLS uses one only in builds that check client certificates
 * (2.8.6+ configured for it); the shims never ask for one.
 */
import { NutcaError } from "../../errors.js";
import { issue } from "../commands/issue.js";
import { check, splitList, type WizardIO } from "./io.js";
import type { ClientPlan, Mode, PlannedCommand } from "./plan.js";
import { checkNewName } from "./servers.js";

export interface ClientQuestions {
  readonly modes: readonly Mode[];
  /** Server names the clients can monitor. */
  readonly servers: readonly string[];
  /** Names that already have a valid certificate (servers included). */
  readonly taken: ReadonlySet<string>;
}

export async function askClients(io: WizardIO, questions: ClientQuestions): Promise<ClientPlan[]> {
  const { ask } = io;
  io.say("", "Client hosts (upsmon)");
  const { certificate, upsmonCertificate } = await askCertificates(io, questions.modes);
  // Without certificates the names only name directories: the upsd host itself may be a client.
  const taken = certificate ? questions.taken : new Set<string>();
  const text = await ask.input("Client host names, comma-separated (empty for none):", {
    validate: check((value) => parseClientNames(value, taken)),
  });
  const clients: ClientPlan[] = [];
  for (const name of parseClientNames(text, taken)) {
    const servers =
      questions.servers.length <= 1
        ? [...questions.servers]
        : await ask.checkbox(
            `Which upsd hosts does ${name} monitor?`,
            questions.servers.map((server) => ({ name: server, value: server, checked: true })),
            (selected) => selected.length > 0 || "choose at least one",
          );
    clients.push({ name, certificate, upsmonCertificate, servers });
  }
  return clients;
}

async function askCertificates(
  io: WizardIO,
  modes: readonly Mode[],
): Promise<{ certificate: boolean; upsmonCertificate: boolean }> {
  let upsmonCertificate = false;
  if (modes.includes("native")) {
    io.say("  NUT's own TLS checks client certificates only in 2.8.6+ builds set up for it (not Debian 12's).");
    upsmonCertificate = await io.ask.confirm("Should upsmon present a client certificate?", false);
  }
  if (modes.includes("stunnel")) {
    io.say("  stunnel clients present a certificate of their own (mutual TLS): each client gets one.");
    return { certificate: true, upsmonCertificate };
  }
  if (upsmonCertificate) return { certificate: true, upsmonCertificate };
  if (modes.includes("shims")) io.say("  The TLS shims do not ask clients for a certificate: none is needed.");
  return { certificate: false, upsmonCertificate };
}

/** Distinct entry names; with certificates, none may already have one. */
export function parseClientNames(text: string, taken: ReadonlySet<string>): string[] {
  const names = splitList(text).map((value) => checkNewName(value, taken));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new NutcaError("BAD_NAME", `"${duplicate}" is listed twice`, "give each client once");
  }
  return names;
}

/** `nutca issue client` for one client. */
export function clientArgv(storeDir: string, client: ClientPlan): string[] {
  return ["--store", storeDir, "issue", "client", client.name];
}

export function clientCommand(storeDir: string, client: ClientPlan): PlannedCommand {
  return { storeDir, argv: clientArgv(storeDir, client), run: (context) => issue("client", client.name, {}, context) };
}
