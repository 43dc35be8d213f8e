// The deployment step: modes, the backend detected here or asked with the
// distribution hints, the install directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { askDeployment } from "../../src/cli/wizard/deployment.js";
import { KEY, Terminal } from "./terminal.js";

test("native TLS with the backend detected from this host's upsd as the default", async () => {
  const term = new Terminal();
  const detect = async () => ({ backend: "openssl" as const, note: "openssl (detected on this host: /usr/sbin/upsd)" });
  const deployment = term.watch(askDeployment(term.io, {}, detect));
  await term.answer("How do the NUT hosts talk TLS?", KEY.enter);
  await term.waitFor("This host's NUT: openssl (detected on this host: /usr/sbin/upsd)");
  await term.answer("❯ OpenSSL", KEY.enter);
  await term.answer("Where will NUT's TLS files live on those hosts? (/etc/nut/tls)", KEY.enter);
  assert.deepEqual(await deployment, { modes: ["native"], backend: "openssl", installDir: "/etc/nut/tls" });
});

test("no NUT here: the distribution hints, the saved backend and install dir; a relative dir is refused", async () => {
  const term = new Terminal();
  const deployment = term.watch(
    askDeployment(term.io, { backend: "openssl", installDir: "/usr/local/etc/nut" }, async () => undefined),
  );
  await term.answer("How do the NUT hosts talk TLS?", KEY.down + KEY.space + KEY.enter);
  await term.waitFor("NSS:     Debian, Ubuntu, OpenWrt");
  await term.waitFor("OpenSSL: Fedora >= 33, EL9+, Arch, FreeBSD (pfSense)");
  await term.answer("❯ OpenSSL", KEY.enter);
  await term.answer("(/usr/local/etc/nut)", KEY.backspace + "etc/nut" + KEY.enter);
  await term.waitFor(`installDir "etc/nut" is not an absolute path`);
  term.type(KEY.ctrlU + "/etc/nut/ssl/" + KEY.enter);
  assert.deepEqual(await deployment, { modes: ["native", "stunnel"], backend: "openssl", installDir: "/etc/nut/ssl" });
});

test("at least one mode; without native TLS there is no backend question", async () => {
  const term = new Terminal();
  const deployment = term.watch(askDeployment(term.io, {}, async () => undefined));
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.enter);
  await term.waitFor("choose at least one");
  term.type(KEY.down + KEY.down + KEY.space + KEY.enter);
  assert.deepEqual(await deployment, { modes: ["shims"] });
});
