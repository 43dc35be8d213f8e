// The real NUT builds of nut-builds/ (unpacked in /opt) and Debian's 2.8.0:
// a upsd with dummy-ups configured from a nutca export (installed with the
// export's own README commands), and upsmon runs against it, on 127.0.0.1
// high ports. Missing builds skip locally and fail on CI.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk } from "../helpers/cli.js";
import { Daemon, freePort, nutDir, nutFile, nutGate, runReadmeInstall, sleep } from "../nut/daemons.js";

export interface NutBuild {
  readonly label: string;
  readonly backend: "openssl" | "nss";
  readonly version: "2.8.0" | "2.8.5" | "2.8.6";
  readonly upsd: string;
  readonly upsmon: string;
  readonly dummyUps: string;
}

function optBuild(dir: string, backend: NutBuild["backend"], version: NutBuild["version"]): NutBuild {
  const prefix = `/opt/${dir}`;
  return {
    label: dir,
    backend,
    version,
    upsd: `${prefix}/sbin/upsd`,
    upsmon: `${prefix}/sbin/upsmon`,
    dummyUps: `${prefix}/bin/dummy-ups`,
  };
}

export const BUILDS = {
  openssl285: optBuild("nut-openssl-2.8.5", "openssl", "2.8.5"),
  opensslMaster: optBuild("nut-openssl-master", "openssl", "2.8.6"),
  nssMaster: optBuild("nut-nss-master", "nss", "2.8.6"),
  debian: {
    label: "Debian 12 NUT 2.8.0",
    backend: "nss",
    version: "2.8.0",
    upsd: "/lib/nut/upsd",
    upsmon: "/lib/nut/upsmon",
    dummyUps: "/lib/nut/dummy-ups",
  },
} as const satisfies Record<string, NutBuild>;

/** Skips when a build (or root, the nut user, a tool) is missing and CI is unset; fails on CI. */
export function buildGate(builds: readonly NutBuild[], tools: readonly string[] = []): string | false {
  const base = nutGate(tools);
  const missing = builds.flatMap((build) =>
    [build.upsd, build.upsmon, build.dummyUps].filter((path) => !existsSync(path)),
  );
  if (process.env.CI && (missing.length > 0 || base.skip)) {
    base.check();
    throw new Error(`missing NUT builds on CI: ${missing.join(", ")} (nut-builds/unpack.sh)`);
  }
  if (missing.length > 0) return `missing ${missing.join(", ")} (nut-builds/unpack.sh)`;
  return base.skip;
}

export const UPS = "testups";
export const USER = "monuser";
export const USER_PASSWORD = "monitor-password";

/** A scratch NUT environment: config, state and pid dirs for one daemon. */
export function nutEnv(base: string, name: string): { conf: string; env: NodeJS.ProcessEnv } {
  const conf = nutDir(join(base, `${name}-conf`));
  const state = nutDir(join(base, `${name}-state`), 0o770);
  return {
    conf,
    env: { ...process.env, NUT_CONFPATH: conf, NUT_STATEPATH: state, NUT_ALTPIDPATH: state, NUT_PIDPATH: state },
  };
}

/** `nutca export TARGET ...` into base/<name>-export with install dir base/<name>-tls, installed as the README says. */
export async function exportAndInstall(
  store: string,
  base: string,
  name: string,
  args: readonly string[],
): Promise<{ exportDir: string; tls: string; summary: string }> {
  const exportDir = join(base, `${name}-export`);
  const tls = join(base, `${name}-tls`);
  const result = await runNutcaOk(["export", ...args, "--install-dir", tls, "--out", exportDir], { store });
  runReadmeInstall(exportDir);
  return { exportDir, tls, summary: result.stdout };
}

export class NutServer {
  readonly daemons: Daemon[] = [];
  constructor(
    readonly build: NutBuild,
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get upsd(): Daemon {
    return this.daemons.find((daemon) => daemon.name === "upsd")!;
  }

  async stop(): Promise<void> {
    for (const daemon of this.daemons.reverse()) await daemon.stop();
  }
}

/**
 * dummy-ups and upsd of `build`, upsd.conf = LISTEN + the snippet. With
 * `waitListening` false the caller watches upsd itself (e.g. for its exit).
 */
export async function startServer(
  build: NutBuild,
  base: string,
  name: string,
  snippet: string,
  options: { debug?: boolean; waitListening?: boolean } = {},
): Promise<NutServer> {
  const port = await freePort();
  const { conf, env } = nutEnv(base, name);
  nutFile(join(conf, "ups.conf"), `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n`);
  nutFile(join(conf, `${UPS}.dev`), "ups.status: OL\nbattery.charge: 100\n");
  nutFile(join(conf, "upsd.users"), `[${USER}]\n  password = ${USER_PASSWORD}\n  upsmon secondary\n`);
  nutFile(join(conf, "upsd.conf"), `LISTEN 127.0.0.1 ${port}\n${snippet}`);
  const server = new NutServer(build, port, env);
  const driver = new Daemon("dummy-ups", build.dummyUps, ["-a", UPS, "-u", "nut", "-F"], env);
  server.daemons.push(driver);
  const state = env.NUT_STATEPATH!;
  for (let i = 0; i < 100 && !existsSync(join(state, `dummy-ups-${UPS}`)); i++) await sleep(100);
  const upsd = new Daemon("upsd", build.upsd, ["-F", "-u", "nut", ...(options.debug ? ["-D"] : [])], env);
  server.daemons.push(upsd);
  if (options.waitListening !== false) await upsd.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1 port ${port}`));
  return server;
}

/** The snippet of an export directory. */
export function snippetOf(exportDir: string, file: "upsd.conf.snippet" | "upsmon.conf.snippet"): string {
  return readFileSync(join(exportDir, file), "utf8");
}

/** upsmon of `build` with MONITOR for 127.0.0.1:port plus the snippet, running. */
export function startUpsmon(build: NutBuild, base: string, name: string, port: number, snippet: string): Daemon {
  const { conf, env } = nutEnv(base, name);
  nutFile(
    join(conf, "upsmon.conf"),
    [
      `MONITOR ${UPS}@127.0.0.1:${port} 1 ${USER} ${USER_PASSWORD} secondary`,
      "MINSUPPLIES 1",
      'SHUTDOWNCMD "/bin/true"',
      `POWERDOWNFLAG ${join(base, `${name}-killpower`)}`,
      "POLLFREQ 2",
      snippet,
    ].join("\n"),
  );
  return new Daemon(name, build.upsmon, ["-F", "-u", "nut"], env);
}

/** upsmon as startUpsmon, stopped once its output matches `pattern`; resolves with that output. */
export async function runUpsmon(
  build: NutBuild,
  base: string,
  name: string,
  port: number,
  snippet: string,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  const upsmon = startUpsmon(build, base, name, port, snippet);
  try {
    await upsmon.waitFor(pattern, timeoutMs);
    return upsmon.output;
  } finally {
    await upsmon.stop();
  }
}

/** Waits until what `daemon` printed after offset `from` matches; that text. */
export async function waitForAfter(daemon: Daemon, from: number, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = daemon.output.slice(from);
    if (pattern.test(text)) return text;
    if (daemon.exited || Date.now() > deadline) throw new Error(`${daemon.name} did not print ${pattern}:\n${text}`);
    await sleep(100);
  }
}

/** Waits until `daemon` has exited; its exit code. */
export async function exitCode(daemon: Daemon, timeoutMs = 15_000): Promise<number | null> {
  for (let i = 0; i < timeoutMs / 100 && !daemon.exited; i++) await sleep(100);
  if (!daemon.exited) throw new Error(`${daemon.name} still runs:\n${daemon.output}`);
  return daemon.child.exitCode;
}
