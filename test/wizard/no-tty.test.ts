// Without a terminal, `nutca` never waits for input: it prints the help and
// names the commands that do the wizard's job, exiting 2 (a command was
// required); `nutca --help` exits 0. stdin stays open to prove nothing reads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { NUTCA_BIN, scratch } from "./fixtures.js";

function runOpenStdin(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const root = scratch();
  const env = { PATH: process.env.PATH, HOME: root, NUTCA_CONFIG_DIR: join(root, "config") };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NUTCA_BIN, ...argv], { env, cwd: root, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`nutca ${argv.join(" ")} still running after 10 s: it waits for input`));
    }, 10_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

for (const argv of [[], ["--store", "somewhere"], ["--json"]]) {
  test(`nutca ${argv.join(" ")} without a terminal: help, the commands to use instead, exit 2`, async () => {
    const result = await runOpenStdin(argv);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Usage: nutca \[options\] \[command\]/);
    assert.match(result.stderr, /wizard +step-by-step set-up on a terminal/);
    assert.match(
      result.stderr,
      /Without a terminal there is no wizard: use nutca init, nutca issue server\|client <name>/,
    );
    assert.match(result.stderr, /no command given/);
    assert.equal(result.stdout, "");
  });
}

test("nutca --help exits 0 and mentions the wizard and config", async () => {
  const result = await runOpenStdin(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /wizard +step-by-step set-up/);
  assert.match(result.stdout, /config +saved preferences/);
});

test("nutca wizard without a terminal: one line naming the non-interactive commands, exit 2", async () => {
  const result = await runOpenStdin(["wizard"]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "nutca: the wizard needs a terminal — script it with nutca init, nutca issue server|client <name> " +
      "and nutca export <target> (see nutca --help)\n",
  );
});
