// flagsFor writes the command line the wizard shows from the same Option objects
// commander parses: parsed back, the line gives exactly the options it was made from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command, type Option } from "commander";
import { flagsFor, initFlags, issueFlags } from "../../src/cli/options.js";
import { exportCommonFlags } from "../../src/cli/targets/target.js";
import { upsmonTarget } from "../../src/cli/targets/upsmon.js";
import { NutcaError } from "../../src/errors.js";

function parsedBack(options: object, flags: () => Option[]): Record<string, unknown> {
  const command = new Command().exitOverride();
  for (const option of flags()) command.addOption(option);
  command.parse(flagsFor(options, flags()), { from: "user" });
  return command.opts();
}

test("init: strings, repeated lists and --no-passphrase round-trip", () => {
  const options = {
    name: "Shop CA",
    org: "Shop",
    key: "rsa-3072",
    notAfter: "20y",
    leafNotAfter: "825d",
    permitDns: ["shop.lan", "example.net"],
    permitIp: ["192.168.1.0/24"],
    passphrase: false,
  };
  assert.deepEqual(flagsFor(options, initFlags()).slice(-3), ["--permit-ip", "192.168.1.0/24", "--no-passphrase"]);
  assert.deepEqual(parsedBack(options, initFlags), options);
});

test("issue and an export target: lists and true flags round-trip", () => {
  const issue = { dns: ["ups1.example.net", "ups.example.net"], ip: ["192.168.1.10"], key: "ec-p384" };
  assert.deepEqual(parsedBack(issue, issueFlags), issue);
  const upsmonFlags = () => [...upsmonTarget.flags(), ...exportCommonFlags(upsmonTarget)];
  const upsmon = { server: "ups1", client: "mon1", backend: "nss", nssEmptyPassword: true, out: "/o", force: true };
  assert.deepEqual(parsedBack(upsmon, upsmonFlags), upsmon);
});

test("an option no flag gives is an internal error, not a line that would do something else", () => {
  assert.throws(
    () => flagsFor({ server: "ups1", noSuchOption: "x" }, upsmonTarget.flags()),
    (error: unknown) => error instanceof NutcaError && error.code === "INTERNAL" && /noSuchOption/.test(error.message),
  );
  assert.throws(() => flagsFor({ legacy: false }, upsmonTarget.flags()), NutcaError);
});
