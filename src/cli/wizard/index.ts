/**
 * `nutca wizard` (and `nutca` on a terminal): questions first, then a plan of
 * ordinary nutca commands, run only after the user agrees. Nothing is written
 * while questions are asked, so Ctrl-C at a prompt changes nothing; between
 * commands it stops cleanly (see apply.ts).
 */
import { NutcaError } from "../../errors.js";
import type { CommandResult, Context } from "../context.js";
import { cancelled, confirmPlan, finish, loadSettings, runSteps } from "./apply.js";
import { askClients, clientCommand } from "./clients.js";
import { askCa, askConstraints, initCommand } from "./create-ca.js";
import { offerDeploy } from "./deploy.js";
import { askDeployment } from "./deployment.js";
import { askOutDir, planExports } from "./exports.js";
import { thisHost } from "./host.js";
import { createIO } from "./io.js";
import { runMenu } from "./menu.js";
import type { Step, WizardDeps } from "./plan.js";
import { askServers, serverCommand } from "./servers.js";
import { chooseStore, type StoreState } from "./store.js";

export interface WizardOptions {
  store?: string | undefined;
}

export async function wizard(
  options: WizardOptions,
  context: Context,
  injected: Partial<WizardDeps> = {},
): Promise<CommandResult> {
  if (injected.io === undefined && !context.interactive) {
    throw new NutcaError(
      "USAGE",
      "the wizard needs a terminal",
      "script it with nutca init, nutca issue server|client <name> and nutca export <target> (see nutca --help)",
    );
  }
  const deps = await defaultDeps(context, injected);
  const steps: Step[] = [];
  try {
    const state = await chooseStore(deps.io, options.store, deps.env, deps.now());
    if (state.meta) await runMenu(deps, state, steps);
    else await firstRun(deps, state, steps);
  } catch (error) {
    if (error instanceof NutcaError && error.code === "CANCELLED") throw cancelled(steps);
    throw error;
  }
  return {
    data: { commands: steps.map((step) => step.argv) },
    human: steps.length === 0 ? "Nothing was changed." : "Done.",
  };
}

/** An empty store: the CA, its servers and clients, and every export, in one plan. */
async function firstRun(deps: WizardDeps, state: StoreState, steps: Step[]): Promise<void> {
  const { io } = deps;
  const ca = await askCa(io, deps.settings, deps.now());
  const deployment = await askDeployment(io, deps.settings, deps.detectBackend);
  const servers = await askServers(io, { host: deps.host, taken: state.names });
  const serverNames = servers.map((server) => server.name);
  const clients = await askClients(io, {
    modes: deployment.modes,
    servers: serverNames,
    taken: new Set([...state.names, ...serverNames]),
  });
  const permitted = await askConstraints(io, servers);
  const plan = await askOutDir(io, deps.settings, (out, force) =>
    planExports({ storeDir: state.dir, out, deployment, servers: serverNames, clients, force }),
  );
  const commands = [
    initCommand(state.dir, ca, permitted),
    ...servers.map((server) => serverCommand(state.dir, server)),
    ...clients.filter((client) => client.certificate).map((client) => clientCommand(state.dir, client)),
    ...plan.jobs.flatMap((job) => (job.command === undefined ? [] : [job.command])),
  ];
  if (!(await confirmPlan(io, commands))) return;
  await runSteps(deps, commands, ca.passphrase, steps);
  await finish(
    deps,
    {
      storeDir: state.dir,
      out: plan.out,
      steps,
      jobs: plan.jobs,
      serverNames: new Map(servers.map((server) => [server.name, server.dns[0] ?? server.ip[0]!])),
      encrypted: ca.passphrase !== undefined,
      modes: deployment.modes,
    },
    {
      storeDir: state.dir,
      keyType: ca.keyType,
      leafNotAfter: ca.leafNotAfter,
      organization: ca.organization,
      backend: deployment.backend,
      installDir: deployment.installDir,
      outDir: plan.out,
    },
  );
  await offerDeploy(deps, state.dir, plan.jobs, ca.passphrase, steps);
}

async function defaultDeps(context: Context, injected: Partial<WizardDeps>): Promise<WizardDeps> {
  return {
    io: injected.io ?? createIO(),
    env: injected.env ?? context.env,
    now: injected.now ?? (() => new Date()),
    host: injected.host ?? thisHost,
    detectBackend: injected.detectBackend ?? detectLocalBackend,
    settings: injected.settings ?? (await loadSettings(injected.env ?? context.env)),
  };
}

async function detectLocalBackend() {
  const { chooseBackend } = await import("../../nut/backend.js");
  try {
    return await chooseBackend("auto", "upsd");
  } catch {
    return undefined;
  }
}
