// OpenSSH's real sshd on 127.0.0.1 at a free port, with a throwaway host key and
// an authorized key for root, and the client config that reaches it with host key
// checking on (a known_hosts file pre-filled with that host key).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon, freePort } from "../nut/daemons.js";

export const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  readonly port: number;
  /** The client's ssh config (`--ssh-config`): Host aliases ups-0 … reach this sshd as root. */
  readonly config: string;
  readonly daemon: Daemon;
}

function keygen(path: string): void {
  const run = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`ssh-keygen failed: ${run.stderr}`);
}

/** Starts sshd in `dir`; the config names `aliases` (each HostName 127.0.0.1) and also `Host 127.0.0.1`. */
export async function startSshd(dir: string, aliases: readonly string[]): Promise<Sshd> {
  // sshd's privilege separation directory.
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { mode: 0o755 });
  const port = await freePort();
  const hostKey = join(dir, "host_key");
  const clientKey = join(dir, "client_key");
  keygen(hostKey);
  keygen(clientKey);
  const authorized = join(dir, "authorized_keys");
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const sshdConfig = join(dir, "sshd_config");
  writeFileSync(
    sshdConfig,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "MaxStartups 64:30:100",
      "MaxSessions 64",
      "",
    ].join("\n"),
  );
  const knownHosts = join(dir, "known_hosts");
  const hostPublic = readFileSync(`${hostKey}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPublic}\n`);
  const config = join(dir, "ssh_config");
  const block = (pattern: string) =>
    [
      `Host ${pattern}`,
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "  User root",
      `  IdentityFile ${clientKey}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${knownHosts}`,
      "  StrictHostKeyChecking yes",
      "  ConnectTimeout 10",
      "",
    ].join("\n");
  writeFileSync(config, [...aliases, "127.0.0.1"].map(block).join("\n"));
  const daemon = new Daemon("sshd", SSHD, ["-D", "-e", "-f", sshdConfig]);
  await daemon.waitFor(/Server listening on 127\.0\.0\.1 port/);
  return { port, config, daemon };
}
