/**
 * The ssh transport: the system OpenSSH client, so ~/.ssh/config, the agent,
 * ProxyJump and known_hosts all apply. Host keys are always checked (nothing
 * here sets StrictHostKeyChecking) and BatchMode keeps ssh from prompting.
 * The bundle travels as a tar stream on ssh's stdin: no key, password or
 * passphrase is ever in an argv, here or on the host.
 */
import { spawn } from "node:child_process";
import { NutcaError } from "../errors.js";
import type { Destination } from "./destination.js";
import { remoteCommand } from "./remote-script.js";

export interface SshOptions {
  /** `-F FILE`: another ssh config file. */
  readonly configFile?: string | undefined;
}

/** What ssh reports when it could not reach or log in to the host. */
export const SSH_FAILED = 255;

export interface SshRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How long the ssh child lived, in ms: the part of a deploy that is not nutca's own work. */
  readonly sshMs: number;
}

/** ssh's arguments for a destination, before the remote command. */
export function sshArgs(destination: Destination, options: SshOptions): string[] {
  return [
    "-o",
    "BatchMode=yes",
    ...(options.configFile === undefined ? [] : ["-F", options.configFile]),
    ...(destination.user === undefined ? [] : ["-l", destination.user]),
    ...(destination.port === undefined ? [] : ["-p", String(destination.port)]),
    "--",
    destination.host,
  ];
}

/** Streams the bundle in `bundleDir` to the host and runs its install.sh with `installArgs`. */
export function installOverSsh(
  destination: Destination,
  options: SshOptions,
  bundleDir: string,
  installArgs: readonly string[],
): Promise<SshRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ssh = spawn("ssh", [...sshArgs(destination, options), remoteCommand(installArgs)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const tar = spawn("tar", ["-cf", "-", "-C", bundleDir, "."], { stdio: ["ignore", "pipe", "pipe"] });
    tar.stdout.pipe(ssh.stdin);
    // ssh that fails to connect closes its stdin early: the broken pipe is not the error to report.
    ssh.stdin.on("error", () => undefined);
    let tarError = "";
    tar.stderr.on("data", (chunk: Buffer) => (tarError += chunk.toString("utf8")));
    tar.on("close", (code) => {
      if (code !== 0 && code !== null && ssh.exitCode === null) ssh.kill("SIGTERM");
      if (code !== 0 && tarError !== "") reject(new Error(`tar failed: ${tarError.trim()}`));
    });
    let stdout = "";
    let stderr = "";
    ssh.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    ssh.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    ssh.on("error", (error) => reject(missingTool("ssh", "openssh-client", error)));
    tar.on("error", (error) => reject(missingTool("tar", "tar", error)));
    ssh.on("close", (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : SSH_FAILED), stdout, stderr, sshMs: performance.now() - started });
    });
  });
}

/** The host name ssh would connect to, after ~/.ssh/config's HostName (`ssh -G`: no connection is made). */
export function resolvedHostname(destination: Destination, options: SshOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = sshArgs(destination, options);
    const ssh = spawn("ssh", ["-G", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    ssh.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    ssh.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    ssh.on("error", (error) => reject(missingTool("ssh", "openssh-client", error)));
    ssh.on("close", (code) => {
      const host = /^hostname (.+)$/m.exec(stdout)?.[1]?.trim();
      if (code !== 0 || host === undefined) reject(new Error(stderr.trim() || `ssh -G exited ${code}`));
      else resolve(host);
    });
  });
}

function missingTool(tool: string, debianPackage: string, error: NodeJS.ErrnoException): Error {
  if (error.code !== "ENOENT") return error;
  return new NutcaError("IO", `${tool} is not installed here`, `install it (Debian: apt install ${debianPackage})`, {
    cause: error,
  });
}
