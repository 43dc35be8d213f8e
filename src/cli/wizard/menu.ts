/**
 * The wizard on a store that already holds a CA: add a server, add clients,
 * re-export, show the status. It never offers a second CA.
 */
import { decryptPkcs8, isEncryptedPem } from "../../pki/pkcs8.js";
import { permittedOf } from "../../pki/name-constraints.js";
import { readCa } from "../../store/signer.js";
import { CaStore } from "../../store/store.js";
import { list } from "../commands/list.js";
import { confirmPlan, finish, runSteps } from "./apply.js";
import { askClients, clientCommand, parseClientNames } from "./clients.js";
import { askDeployment } from "./deployment.js";
import { askOutDir, planExports } from "./exports.js";
import { check, splitList, type Choice } from "./io.js";
import type { ClientPlan, Deployment, PlannedCommand, Step, WizardDeps } from "./plan.js";
import { runPlanned } from "./run.js";
import { askServers, serverCommand } from "./servers.js";
import { describeStore, inspectStore, type StoreState } from "./store.js";

export type MenuAction = "server" | "clients" | "reexport" | "status" | "quit";

export const MENU_CHOICES: readonly Choice<MenuAction>[] = [
  { name: "Add a upsd host (a server certificate and its exports)", value: "server" },
  { name: "Add client hosts", value: "clients" },
  { name: "Re-export every bundle", value: "reexport" },
  { name: "Show the status of the store", value: "status" },
  { name: "Quit", value: "quit" },
];

export async function runMenu(deps: WizardDeps, initial: StoreState, steps: Step[]): Promise<void> {
  let state = initial;
  const session: { passphrase?: string } = {};
  for (;;) {
    const action = await deps.io.ask.select("What next? (this store has its CA)", MENU_CHOICES, "server");
    if (action === "quit") return;
    if (action === "status") {
      const status: PlannedCommand = { storeDir: state.dir, argv: ["--store", state.dir, "list"], run: list };
      const result = await runPlanned(status, { env: deps.env, warn: deps.io.say });
      deps.io.say("", result.human, "");
      continue;
    }
    if (action === "server") await addServers(deps, state, steps, session);
    if (action === "clients") await addClients(deps, state, steps, session);
    if (action === "reexport") await reexport(deps, state, steps);
    state = inspectStore(state.dir, state.source, deps.now());
    deps.io.say("", ...describeStore(state));
  }
}

async function addServers(deps: WizardDeps, state: StoreState, steps: Step[], session: { passphrase?: string }) {
  const passphrase = await caPassphrase(deps, state, session);
  const deployment = await askDeployment(deps.io, deps.settings, deps.detectBackend);
  const permitted = permittedOf(readCa(new CaStore(state.dir)));
  const servers = await askServers(deps.io, { host: deps.host, taken: state.names, permitted });
  const names = servers.map((server) => server.name);
  const plan = await askOutDir(deps.io, deps.settings, (out, force) =>
    planExports({ storeDir: state.dir, out, deployment, servers: names, clients: [], force }),
  );
  const commands = [...servers.map((server) => serverCommand(state.dir, server)), ...planned(plan.jobs)];
  await apply(deps, state, steps, commands, passphrase, { ...plan, deployment });
}

async function addClients(deps: WizardDeps, state: StoreState, steps: Step[], session: { passphrase?: string }) {
  if (state.servers.length === 0) {
    deps.io.say("  There is no server certificate yet: add a upsd host first.");
    return;
  }
  const deployment = await askDeployment(deps.io, deps.settings, deps.detectBackend);
  const servers = state.servers.map((entry) => entry.name);
  const clients = await askClients(deps.io, { modes: deployment.modes, servers, taken: state.names });
  const issued = clients.filter((client) => client.certificate);
  const passphrase = issued.length > 0 ? await caPassphrase(deps, state, session) : undefined;
  const plan = await askOutDir(deps.io, deps.settings, (out, force) =>
    planExports({ storeDir: state.dir, out, deployment, servers: [], clients, force }),
  );
  const commands = [...issued.map((client) => clientCommand(state.dir, client)), ...planned(plan.jobs)];
  await apply(deps, state, steps, commands, passphrase, { ...plan, deployment });
}

/** Every server in the store, and the client hosts given (those with a certificate are suggested). */
async function reexport(deps: WizardDeps, state: StoreState, steps: Step[]) {
  const deployment = await askDeployment(deps.io, deps.settings, deps.detectBackend);
  const servers = state.servers.map((entry) => entry.name);
  const withCertificate = new Set(state.clients.map((entry) => entry.name));
  const text = await deps.io.ask.input("Client hosts to export for (comma-separated):", {
    default: [...withCertificate].join(", "),
    validate: check((value) => parseClientNames(value, new Set())),
  });
  const upsmonCertificate =
    deployment.modes.includes("native") &&
    withCertificate.size > 0 &&
    (await deps.io.ask.confirm("Should upsmon present the client's certificate (NUT 2.8.6+)?", false));
  const clients: ClientPlan[] = splitList(text).map((name) => ({
    name,
    certificate: withCertificate.has(name),
    upsmonCertificate: upsmonCertificate && withCertificate.has(name),
    servers,
  }));
  const plan = await askOutDir(deps.io, deps.settings, (out, force) =>
    planExports({ storeDir: state.dir, out, deployment, servers, clients, force }),
  );
  await apply(deps, state, steps, planned(plan.jobs), undefined, { ...plan, deployment });
}

async function apply(
  deps: WizardDeps,
  state: StoreState,
  steps: Step[],
  commands: readonly PlannedCommand[],
  passphrase: string | undefined,
  plan: { out: string; jobs: ReturnType<typeof planExports>; deployment: Deployment },
): Promise<void> {
  if (!(await confirmPlan(deps.io, commands))) return;
  const before = steps.length;
  await runSteps(deps, commands, passphrase, steps);
  const after = inspectStore(state.dir, state.source, deps.now());
  const serverNames = new Map(after.servers.map((entry) => [entry.name, entry.dns[0] ?? entry.ip[0] ?? entry.name]));
  await finish(
    deps,
    {
      storeDir: state.dir,
      out: plan.out,
      steps: steps.slice(before),
      jobs: plan.jobs,
      serverNames,
      encrypted: state.meta?.ca.encrypted === true,
      modes: plan.deployment.modes,
    },
    { storeDir: state.dir, backend: plan.deployment.backend, installDir: plan.deployment.installDir, outDir: plan.out },
  );
}

function planned(jobs: ReturnType<typeof planExports>): PlannedCommand[] {
  return jobs.flatMap((job) => (job.command === undefined ? [] : [job.command]));
}

/** The CA passphrase, checked against the key as it is typed; NUTCA_PASSPHRASE is used when it fits. */
export async function caPassphrase(
  deps: Pick<WizardDeps, "io" | "env">,
  state: StoreState,
  session: { passphrase?: string },
): Promise<string | undefined> {
  if (session.passphrase !== undefined) return session.passphrase;
  const pem = new CaStore(state.dir).readCaKeyPem();
  if (!isEncryptedPem(pem)) return undefined;
  const fits = check((value) => decryptPkcs8(pem, value));
  const fromEnv = deps.env.NUTCA_PASSPHRASE;
  session.passphrase = fromEnv && fits(fromEnv) === true ? fromEnv : await deps.io.ask.password("CA passphrase:", fits);
  return session.passphrase;
}
