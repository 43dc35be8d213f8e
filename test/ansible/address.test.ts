// The manifest's host column and --host as Ansible gets them: [user@]host[:port], IPv6 bracketed
// with a port or bare without one; anything else is refused as bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHostAddress } from "../../src/exports/ansible.js";
import { NutcaError } from "../../src/errors.js";

test("[user@]host[:port] in each form it is written", () => {
  assert.deepEqual(parseHostAddress("ups1.example.net", "--host"), { host: "ups1.example.net" });
  assert.deepEqual(parseHostAddress("admin@ups1:2222", "--host"), { host: "ups1", user: "admin", port: 2222 });
  assert.deepEqual(parseHostAddress("root@192.0.2.7", "--host"), { host: "192.0.2.7", user: "root" });
  assert.deepEqual(parseHostAddress("[2001:db8::1]:22", "--host"), { host: "2001:db8::1", port: 22 });
  assert.deepEqual(parseHostAddress("ops@2001:db8::1", "--host"), { host: "2001:db8::1", user: "ops" });
});

test("what is no [user@]host[:port] is bad input, naming where it was written", () => {
  for (const text of ["", "admin@", "@ups1", "ups1:0", "ups1:65536", "ups1:ssh", "bad user@ups1", "ups_1!", "[::1]x"]) {
    assert.throws(
      () => parseHostAddress(text, "the host"),
      (error: unknown) =>
        error instanceof NutcaError && error.code === "USAGE" && error.message.startsWith("the host "),
      JSON.stringify(text),
    );
  }
});
