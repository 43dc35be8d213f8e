/**
 * `npm run bench:deploy`: nutca deploy to 20 hosts (one real sshd on 127.0.0.1,
 * 20 ssh aliases, 20 install roots, --restart none so no daemon is needed) with
 * --parallel 8. Prints the wall time, and nutca's own time per host: what each
 * host's deploy took minus the life of its ssh child (nutca records both in
 * --json). The goal is under 300 ms per host. Two rows: upsd (NSS: nutca builds
 * each host's database with certutil and pk12util) and stunnel-server (PEM files
 * only), so the cost of the database build shows apart from deploy's own.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSshd } from "../test/deploy/sshd.js";

const HOSTS = 20;
const PARALLEL = 8;
const GOAL_MS = 300;
const NUTCA = fileURLToPath(new URL("../../bin/nutca.js", import.meta.url));

function nutca(store: string, args: readonly string[]): string {
  const run = spawnSync(process.execPath, [NUTCA, "--store", store, ...args], { encoding: "utf8" });
  if (run.status !== 0 && !args.includes("deploy")) throw new Error(`nutca ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

const dir = mkdtempSync(join(tmpdir(), "nutca-bench-deploy-"));
const sshd = await startSshd(mkdirAndReturn(join(dir, "ssh")), names("host-"));
try {
  const store = join(dir, "store");
  nutca(store, ["init", "--no-passphrase", "--name", "Deploy bench CA"]);
  const manifest = join(dir, "fleet.csv");
  writeFileSync(
    manifest,
    ["kind,name,dns,host", ...names("ups").map((name, i) => `server,${name},${name}.test,host-${i}`), ""].join("\n"),
  );
  nutca(store, ["issue", "--from", manifest]);
  for (const target of ["upsd", "stunnel-server"]) {
    for (const name of names("ups")) {
      const root = join(dir, "roots", target, name);
      writeFileSync(join(mkdirAndReturn(join(root, "etc/nut")), "upsd.conf"), "");
      mkdirAndReturn(join(root, "etc/stunnel"));
    }
    const backend = target === "upsd" ? ["--backend", "nss"] : [];
    const root = join(dir, "roots", target, "{name}");
    measure(target, [...backend, "--install-root", root]);
  }

  function measure(target: string, extra: readonly string[]): void {
    const started = performance.now();
    const output = nutca(store, [
      "deploy",
      "--from",
      manifest,
      "--target",
      target,
      "--parallel",
      String(PARALLEL),
      "--ssh-config",
      sshd.config,
      ...extra,
      "--restart",
      "none",
      "--json",
    ]);
    const wallMs = performance.now() - started;
    const { hosts, summary } = JSON.parse(output) as {
      hosts: { nutcaMs: number; sshMs: number }[];
      summary: { ok: number };
    };
    const own = hosts.map((host) => host.nutcaMs).sort((a, b) => a - b);
    const ssh = hosts.map((host) => host.sshMs);
    const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const ms = (value: number) => `${Math.round(value)} ms`;
    process.stdout.write(
      `${target} to ${HOSTS} hosts, --parallel ${PARALLEL}: ${summary.ok}/${hosts.length} ok, wall ${ms(wallMs)}\n`,
    );
    process.stdout.write(
      `nutca's own time per host: mean ${ms(mean(own))}, median ${ms(own[Math.floor(own.length / 2)]!)}, ` +
        `max ${ms(own[own.length - 1]!)} (goal < ${GOAL_MS} ms); ssh per host: mean ${ms(mean(ssh))}\n`,
    );
    if (summary.ok !== HOSTS) process.exitCode = 1;
  }
} finally {
  await sshd.daemon.stop();
  rmSync(dir, { recursive: true, force: true });
}

function names(prefix: "host-" | "ups"): string[] {
  return Array.from({ length: HOSTS }, (_, i) => `${prefix}${i}`);
}

function mkdirAndReturn(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  return path;
}
