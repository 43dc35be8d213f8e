// The deployment step: modes, the backend detected here or asked with the
// distribution hints, the install directory; what each choice leaves open, and the shared-host question.
import { test } from "node:test";
import assert from "node:assert/strict";
import { askDeployment } from "../../src/cli/wizard/deployment.js";
import { modeLine, SHARED_HOST_ADVICE } from "../../src/exports/security-render.js";
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
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
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
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
  assert.deepEqual(await deployment, { modes: ["shims"] });
});

test("each choice shows in one line what it leaves open, from the security notes", async () => {
  const term = new Terminal();
  const deployment = term.watch(askDeployment(term.io, {}, async () => undefined));
  assert.match(modeLine("stunnel"), /^leaves open: plaintext legs on 127\.0\.0\.1; /);
  assert.match(
    modeLine("native"),
    /; NUT 2\.8\.5 OpenSSL: no host name check; .*; upsc & friends: upsc verifies nothing$/,
  );
  assert.match(modeLine("shims"), /plaintext legs on 127\.0\.0\.1; no client certificates; one failed handshake/);
  await term.waitFor("What each choice leaves open (docs/security.md):");
  for (const [short, mode] of [
    ["NUT TLS:", "native"],
    ["stunnel:", "stunnel"],
    ["TLS shims:", "shims"],
  ] as const) {
    await term.waitFor(`  ${short.padEnd(11)} ${modeLine(mode)}`);
  }
  await term.answer("How do the NUT hosts talk TLS?", KEY.enter);
  await term.answer("❯ NSS", KEY.enter);
  await term.answer("Where will NUT's TLS files live on those hosts?", KEY.enter);
  assert.deepEqual(await deployment, { modes: ["native"], backend: "nss", installDir: "/etc/nut/tls" });
  assert.ok(!term.text.includes("Does upsmon run on a upsd host too"), "native TLS alone leaves no loopback leg");
});

test("stunnel on a shared host where upsmon watches its own upsd: native TLS is recommended and added", async () => {
  const term = new Terminal();
  const deployment = term.watch(askDeployment(term.io, {}, async () => undefined));
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.down + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too (a UPS host monitoring itself)? (y/N)", "y" + KEY.enter);
  await term.answer(
    "Is that host shared with other users (logins or services you do not trust)? (y/N)",
    "y" + KEY.enter,
  );
  await term.waitFor(SHARED_HOST_ADVICE);
  await term.answer("Add NUT's own TLS for that host (recommended)? (Y/n)", KEY.enter);
  await term.answer("❯ NSS", KEY.enter);
  await term.answer("Where will NUT's TLS files live on those hosts?", KEY.enter);
  assert.deepEqual(await deployment, { modes: ["native", "stunnel"], backend: "nss", installDir: "/etc/nut/tls" });
});

test("the shims on a host of its own: no advice, the modes as chosen", async () => {
  const term = new Terminal();
  const deployment = term.watch(askDeployment(term.io, {}, async () => undefined));
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.down + KEY.down + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too", "y" + KEY.enter);
  await term.answer("Is that host shared with other users", "n" + KEY.enter);
  assert.deepEqual(await deployment, { modes: ["shims"] });
  assert.ok(!term.text.includes(SHARED_HOST_ADVICE));
});
