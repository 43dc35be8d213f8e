// The command line nutca gives ssh, and the host column of the manifest: host key
// checking is never switched off, ssh never prompts, a destination never reads as an
// option, and no secret can be in the argv (only install.sh's options are there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { parseDestination } from "../../src/deploy/destination.js";
import { remoteCommand, remoteScript } from "../../src/deploy/remote-script.js";
import { sshArgs } from "../../src/deploy/ssh.js";
import { parseManifest } from "../../src/cli/manifest.js";

test("ssh gets BatchMode, -F, -l and -p, then -- and the host; nothing touches host key checking", () => {
  const destination = parseDestination("admin@ups1.example.net:2222")!;
  assert.deepEqual(sshArgs(destination, { configFile: "/tmp/cfg" }), [
    "-o",
    "BatchMode=yes",
    "-F",
    "/tmp/cfg",
    "-l",
    "admin",
    "-p",
    "2222",
    "--",
    "ups1.example.net",
  ]);
  // An alias leaves User, Port and HostName to ~/.ssh/config.
  assert.deepEqual(sshArgs(parseDestination("ups1")!, {}), ["-o", "BatchMode=yes", "--", "ups1"]);
  assert.deepEqual(parseDestination("[2001:db8::1]:22"), { host: "2001:db8::1", port: 22 });
});

test("a destination that ssh could read as an option, or that is not [user@]host[:port], is refused", () => {
  for (const bad of [
    "-oProxyCommand=x",
    "root@-p1",
    "-l@host",
    "a b",
    "host:0",
    "host:65536",
    "[not-v6]",
    "u@@h",
    "",
  ]) {
    assert.equal(parseDestination(bad), undefined, bad);
  }
});

test("the remote script quotes install.sh's options so the host's shell sees them as written", () => {
  const restart = "systemctl restart 'nut-server' && echo $HOME";
  const script = remoteScript(["--restart", restart, "--root", "/srv/img"]);
  assert.match(script, /^dir=\$\(mktemp -d "\/tmp\/nutca-deploy\.XXXXXXXX"\)/m);
  assert.match(script, /^trap 'rm -rf "\$dir"' EXIT$/m);
  // sh -n parses what the remote login shell would get, and echo shows the words it yields.
  const command = remoteCommand(["--restart", restart]);
  assert.equal(spawnSync("sh", ["-n", "-c", command]).status, 0);
  const words = spawnSync("sh", ["-c", `set -- ${command.slice("sh -c ".length)}; printf '%s' "$1"`], {
    encoding: "utf8",
  }).stdout;
  assert.equal(words, remoteScript(["--restart", restart]));
});

test("the manifest's host column: CSV column host, JSON key host, each validated", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const csv = parseManifest("kind,name,host\nserver,ups1,root@ups1:22\nserver,ups2,\nserver,ups3,-oX\n", "csv", now);
  assert.deepEqual(
    csv.rows.map((row) => [row.name, row.host]),
    [
      ["ups1", "root@ups1:22"],
      ["ups2", undefined],
    ],
  );
  assert.equal(csv.problems.length, 1);
  assert.match(csv.problems[0]!.message, /^host "-oX" is not \[user@\]host\[:port\]/);
  assert.equal(csv.problems[0]!.line, 4);
  const json = parseManifest('[{"kind":"client","name":"mon1","server":"ups1","host":"[2001:db8::2]"}]', "json", now);
  assert.deepEqual(json.problems, []);
  assert.equal(json.rows[0]!.host, "[2001:db8::2]");
});
