// --help: the exit codes of errors.ts's one table (whole under nutca --help, per
// command where they apply, and in the README), and each export target's own
// options and examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXPORT_TARGETS } from "../../src/cli/targets/index.js";
import { EXIT, EXIT_MEANING, type ExitStatus } from "../../src/errors.js";
import { REPO_ROOT, runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";

/** The "Exit codes:" section of a help text, as [status, meaning] rows. */
function exitCodes(help: string): [number, string][] {
  const section = help.split("\nExit codes:\n")[1];
  assert.ok(section !== undefined, `no Exit codes section in:\n${help}`);
  return section
    .split("\n\n")[0]!
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const match = /^ +(\d+) {2}(.+)$/.exec(line);
      assert.ok(match, `not an exit code row: ${JSON.stringify(line)}`);
      return [Number(match[1]), match[2]!];
    });
}

const rows = (statuses: readonly ExitStatus[]) => statuses.map((status) => [status, EXIT_MEANING[status]]);

test("nutca --help ends with the whole exit code table, and the README has the same table", async () => {
  const { stdout } = await runNutcaOk(["--help"]);
  assert.deepEqual(exitCodes(stdout), rows(Object.values(EXIT)));
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const table = [...readme.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map((match) => [Number(match[1]), match[2]]);
  // The README writes command names as code.
  assert.deepEqual(
    table.map(([status, text]) => [status, String(text).replaceAll("`", "")]),
    rows(Object.values(EXIT)),
  );
});

test("each command's --help lists the exit codes it can end with", async () => {
  const base = [EXIT.ok, EXIT.failure, EXIT.badInput];
  const cases: [string[], ExitStatus[]][] = [
    [["issue"], base],
    [["issue", "server"], base],
    [["list"], [...base, EXIT.due]],
    [["doctor"], [...base, EXIT.problemFound]],
    [["probe"], [...base, EXIT.problemFound]],
    [["wizard"], [...base, EXIT.cancelled]],
    [["config", "set"], base],
  ];
  for (const [command, statuses] of cases) {
    const { stdout } = await runNutcaOk([...command, "--help"]);
    assert.deepEqual(exitCodes(stdout), rows(statuses), command.join(" "));
  }
});

test("nutca export <target> --help: the target's own flags, its examples, its exit codes", async () => {
  assert.equal(EXPORT_TARGETS.length, 11);
  for (const target of EXPORT_TARGETS) {
    const { stdout } = await runNutcaOk(["export", target.name, "--help"]);
    for (const flag of target.flags()) assert.ok(stdout.includes(flag.flags), `${target.name}: ${flag.flags}`);
    assert.ok(target.examples.length >= 2, `${target.name} has two or three examples`);
    const examples = stdout.split("\nExamples:\n")[1]?.split("\n\n")[0];
    assert.deepEqual(
      examples?.split("\n").filter(Boolean),
      target.examples.map((line) => `  $ ${line}`),
      target.name,
    );
    for (const example of target.examples) assert.ok(example.startsWith(`nutca export ${target.name}`), example);
    assert.deepEqual(exitCodes(stdout), rows(target.exitCodes), target.name);
  }
});

test("every export example runs as shown against a store with its certificates", async () => {
  const store = join(tempDir(), "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net,ups.example.net"], { store });
  for (const client of ["mon1", "win1"]) await runNutcaOk(["issue", "client", client], { store });
  for (const target of EXPORT_TARGETS) {
    for (const example of target.examples) {
      // Each in a directory of its own, where its files (and its /tmp/ paths) go.
      const cwd = tempDir();
      writeFileSync(join(cwd, "p12.txt"), "a long p12 password\n");
      writeFileSync(
        join(cwd, "fleet.csv"),
        "kind,name,server,host\nserver,ups1,,admin@ups1.example.net\nclient,mon1,ups1,mon1:22\n",
      );
      const args = example.replaceAll("/tmp/", `${cwd}/`).split(" ").slice(1);
      const result = await runNutca(args, { store, cwd });
      // --backend auto reads upsd on this host, which a machine without NUT lacks.
      const noUpsd = args.includes("auto") && result.code === 2 && /upsd/.test(result.stderr);
      assert.ok(result.code === 0 || noUpsd, `${example}: ${result.stderr}`);
    }
  }
});
