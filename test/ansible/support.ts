// Helpers for the Ansible tests: run Debian's real ansible-playbook on loopback only
// (ansible_connection=local), with its own config, temp and home directories.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, type ToolResult } from "../helpers/tools.js";

export const ANSIBLE_PLAYBOOK = "/usr/bin/ansible-playbook";

export interface Ansible {
  /** Where the tempfile module makes its directories (TMPDIR of the local connection). */
  readonly hostTemp: string;
  playbook(dir: string, args: readonly string[]): ToolResult;
}

/** An ansible-playbook that reads no user or system config and keeps its files under `base`. */
export function isolatedAnsible(base: string): Ansible {
  const dirs = Object.fromEntries(
    ["home", "local-temp", "remote-temp", "host-temp"].map((name) => {
      const path = join(base, `ansible-${name}`);
      mkdirSync(path, { recursive: true, mode: 0o700 });
      return [name, path];
    }),
  ) as Record<"home" | "local-temp" | "remote-temp" | "host-temp", string>;
  const config = join(base, "ansible.cfg");
  writeFileSync(config, "[defaults]\n");
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("ANSIBLE_")) env[key] = value;
  Object.assign(env, {
    ANSIBLE_CONFIG: config,
    ANSIBLE_HOME: dirs.home,
    ANSIBLE_LOCAL_TEMP: dirs["local-temp"],
    ANSIBLE_REMOTE_TEMP: dirs["remote-temp"],
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_RETRY_FILES_ENABLED: "0",
    ANSIBLE_GATHERING: "explicit",
    TMPDIR: dirs["host-temp"],
  });
  return {
    hostTemp: dirs["host-temp"],
    playbook: (dir, args) =>
      run(ANSIBLE_PLAYBOOK, ["-i", "inventory.yml", "site.yml", ...args], { cwd: dir, env, timeoutMs: 180_000 }),
  };
}

/** PLAY RECAP counts per host: { ups1: { ok: 4, changed: 1, failed: 0, ... } }. */
export function recap(output: string): Record<string, Record<string, number>> {
  const section = output.slice(output.lastIndexOf("PLAY RECAP"));
  const hosts: Record<string, Record<string, number>> = {};
  for (const match of section.matchAll(/^(\S+)\s+:\s+(.+)$/gm)) {
    hosts[match[1]!] = Object.fromEntries(
      [...match[2]!.matchAll(/(\w+)=(\d+)/g)].map((count) => [count[1]!, Number(count[2])]),
    );
  }
  return hosts;
}

/** The tempfile directories a verbose (-v) run reported, and what is left in the host's temp dir. */
export function temporaryDirs(output: string, ansible: Ansible): { made: string[]; left: string[] } {
  const made = [...output.matchAll(/"path": "([^"]+)", "size": \d+, "state": "directory"/g)].map((m) => m[1]!);
  return { made, left: readdirSync(ansible.hostTemp) };
}
