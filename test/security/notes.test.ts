// docs/security.md in the RFC 3552 form: a section for every deployment nutca sets up, each taking every
// attack of RFC 3552's list; the committed file is what the notes render; every export target's
// README.txt ends with its "What this protects" lines, so a new target cannot ship without them.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportBundle } from "../../src/cli/commands/export.js";
import { EXPORT_TARGETS } from "../../src/cli/targets/index.js";
import { DEPLOYMENTS } from "../../src/exports/security-notes.js";
import { MODE_NOTES, TARGET_NOTES } from "../../src/exports/security-scope.js";
import {
  protectionLines,
  README_HEADING,
  SECURITY_DOC_PATH,
  securityDoc,
  targetKey,
} from "../../src/exports/security-render.js";
import { REPO_ROOT, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { makeStore, testContext } from "../inspect/support.js";

/** RFC 3552 section 5's list, with loopback split out as the issue asks: written here, not imported. */
const RFC_3552_ATTACKS = [
  "Eavesdropping on the wire",
  "Eavesdropping on loopback",
  "Replay",
  "Message insertion",
  "Message deletion",
  "Message modification",
  "Man-in-the-middle",
  "Denial of service",
];

/** Every way of setting up TLS the issue names, as its section title must say it. */
const REQUIRED_SECTIONS = [
  /^Native NUT TLS, NSS build \(NUT 2\.8\.0, Debian 12\)$/,
  /^Native NUT TLS, OpenSSL build \(NUT 2\.8\.5\)$/,
  /^Native NUT TLS, NUT 2\.8\.6 .*without client certificates$/,
  /^Native NUT TLS, NUT 2\.8\.6 with client certificates \(CERTREQUEST REQUIRE\)$/,
  /^stunnel at both ends$/,
  /^Roger Price's TLS shims$/,
  /^upsc and friends with nutauth\.conf \(NUT 2\.8\.6\)$/,
  /^upsc and friends without nutauth\.conf/,
];

const doc = readFileSync(join(REPO_ROOT, SECURITY_DOC_PATH), "utf8");

/** The `## ` sections of the document: title -> body. */
function sections(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const newline = part.indexOf("\n");
    map.set(part.slice(0, newline).replace(/\\/g, ""), part.slice(newline + 1));
  }
  return map;
}

test("docs/security.md is what the security notes render (npm run docs rewrites it)", () => {
  assert.equal(doc, securityDoc(), `${SECURITY_DOC_PATH} is stale: run npm run docs`);
});

test("every deployment has its section, and each section takes every attack of RFC 3552's list", () => {
  const bySection = sections(doc);
  for (const required of REQUIRED_SECTIONS) {
    const titles = [...bySection.keys()].filter((title) => required.test(title));
    assert.equal(titles.length, 1, `one section matches ${required}: ${[...bySection.keys()].join(" | ")}`);
  }
  for (const deployment of DEPLOYMENTS) {
    const body = bySection.get(deployment.title);
    assert.ok(body, `a section for ${deployment.title}`);
    for (const attack of RFC_3552_ATTACKS) {
      const heading = new RegExp(`^### ${attack}: (protected|susceptible|out of scope)\\n\\n(.+)$`, "m");
      const match = heading.exec(body);
      assert.ok(match, `${deployment.title}: no verdict for ${attack}`);
      assert.ok(match[2]!.length > 40, `${deployment.title}, ${attack}: the reason is missing`);
    }
    assert.match(body, /^Keep:\n\n- /m, `${deployment.title}: what must stay set`);
  }
});

test("the introduction is in the RFC 3552 section 5 form: scope, the Internet, what is out of scope and why", () => {
  const bySection = sections(doc);
  assert.match(bySection.get("Introduction")!, /RFC 3552 section 5/);
  assert.match(bySection.get("Introduction")!, /assumed to be the Internet, not a trusted LAN/);
  assert.match(bySection.get("Out of scope, and why")!, /^- Root \(or the nut user\)/m);
  assert.match(bySection.get("Summary")!, /^\| Deployment +\| Eavesdropping on the wire +\|/m);
});

test("the exact NUT behaviours behind the verdicts are named", () => {
  const bySection = sections(doc);
  const say = (title: string, pattern: RegExp) => assert.match(bySection.get(title)!, pattern, title);
  say(
    "Native NUT TLS, OpenSSL build (NUT 2.8.5)",
    /### Man-in-the-middle: susceptible\n\nUp to 2\.8\.5 the OpenSSL upsmon checks the chain but NO host name and ignores CERTHOST: any server certificate of this CA is accepted/,
  );
  say(
    "Native NUT TLS, NSS build (NUT 2.8.0, Debian 12)",
    /upsd FAILS OPEN.*FORCESSL 1 on upsmon is what turns that downgrade/,
  );
  say(
    "upsc and friends without nutauth.conf (every version)",
    /### Man-in-the-middle: susceptible\n\nDebian 12's upsc negotiates TLS but verifies nothing/,
  );
  say(
    "stunnel at both ends",
    /### Eavesdropping on loopback: susceptible\n\nBoth local legs are plaintext: upsmon to the client stunnel on 127\.0\.0\.1:3493 carries upsmon's PASSWORD/,
  );
  say("Roger Price's TLS shims", /### Eavesdropping on loopback: susceptible\n\nBoth local legs are plaintext/);
  say(
    "Native NUT TLS, NSS build (NUT 2.8.0, Debian 12)",
    /### Denial of service: susceptible\n\nupsd does the TLS handshake blocking: one client that sends STARTTLS and then nothing freezes upsd for every other client/,
  );
  say("upsc and friends with nutauth.conf (NUT 2.8.6)", /as nutca export nutauth writes it/);
  say("nutca's own assets", /### The CA key at rest\n/);
  say("nutca's own assets", /### The store\n/);
  say(
    "nutca's own assets",
    /### Keys in transit during deployment\n\nProtects: nutca deploy exports each bundle into a 0700 temporary directory, streams it to the host inside ssh/,
  );
  say("nutca's own assets", /### Secrets in argv and logs\n/);
  say(
    "nutca's own assets",
    /### What a stolen CA key allows, and how name constraints limit it\n[^#]*name constraints/,
  );
});

test("each wizard choice's line points at a hole its deployment is susceptible to", () => {
  for (const [mode, entries] of Object.entries(MODE_NOTES)) {
    assert.ok(entries.length > 0, mode);
    for (const { deployment, attack } of entries) {
      const notes = DEPLOYMENTS.find((item) => item.id === deployment)!;
      assert.equal(notes.attacks[attack].verdict, "susceptible", `${mode}: ${deployment} ${attack}`);
    }
  }
});

/** How to export each target of the registry from the test store; a new target must be added here. */
const EXPORT_ARGS: Record<string, { args: string[]; options: Record<string, unknown> }> = {
  ca: { args: [], options: {} },
  pem: { args: ["ups1"], options: {} },
  p12: { args: ["ups1"], options: {} },
  upsd: { args: [], options: { server: "ups1" } },
  upsmon: { args: [], options: { server: "ups1" } },
  nutauth: { args: [], options: { server: ["ups1"] } },
  "stunnel-server": { args: [], options: { server: "ups1" } },
  "stunnel-client": { args: [], options: { client: "mon1", server: "ups1" } },
  "shim-server": { args: [], options: { server: "ups1" } },
  "shim-client": { args: [], options: { server: "ups1" } },
  ansible: { args: [], options: { server: "ups1", host: "127.0.0.1" } },
};

let store: string;
let dir: string;
before(async () => {
  dir = tempDir("nutca-security-");
  store = join(dir, "store");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }], clients: ["mon1"] });
});

test("the README.txt of every export target (each backend) ends with its 'What this protects' lines", async (t) => {
  const nss = requireTool(t, "certutil", "pk12util");
  const p12Password = join(dir, "p12.pass");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(p12Password, "p12 password here\n", { mode: 0o600 });
  const covered = new Set<string>();
  for (const target of EXPORT_TARGETS) {
    const how = EXPORT_ARGS[target.name];
    assert.ok(how, `the export target ${target.name} is new: add it to EXPORT_ARGS and TARGET_NOTES`);
    const hasBackend = target.flags().some((option) => option.long === "--backend");
    const backends = hasBackend ? (nss ? (["openssl", "nss"] as const) : (["openssl"] as const)) : [undefined];
    for (const backend of backends) {
      const key = targetKey(target.name, backend);
      const out = join(dir, `export-${key.replace(":", "-")}`);
      const options = {
        ...how.options,
        ...(backend ? { backend } : {}),
        ...(target.name === "p12" ? { p12PasswordFile: p12Password } : {}),
        out,
      };
      await exportBundle(target, how.args, options, testContext(store));
      const readme = readFileSync(join(out, "README.txt"), "utf8");
      const expected = protectionLines(key).join("\n");
      assert.ok(
        readme.trimEnd().endsWith(expected.trimEnd()),
        `${key}: README.txt ends with:\n${expected}\n--- it ends:\n${readme.slice(-600)}`,
      );
      assert.match(readme, new RegExp(`\\n${README_HEADING}\\n  \\S`));
      covered.add(key);
    }
  }
  for (const key of Object.keys(TARGET_NOTES)) {
    if (nss || !key.endsWith(":nss")) assert.ok(covered.has(key), `TARGET_NOTES has ${key}, which no target exports`);
  }
});

test("the README lines say what each deployment leaves open, briefly", () => {
  const stunnel = protectionLines("stunnel-client").join("\n");
  assert.match(stunnel, /stunnel protects against wire eavesdropping, replay, insertion, modification, MITM\./);
  assert.match(stunnel, /Open: loopback\n {4}eavesdropping \(plaintext legs on 127\.0\.0\.1\)/);
  assert.match(stunnel, /docs\/security\.md, on stunnel\.$/m);
  const upsmon = protectionLines("upsmon:openssl").join("\n");
  assert.match(upsmon, /NUT 2\.8\.5 OpenSSL protects against [^]*?MITM \(no host name check\)[^]*?\n {2}NUT 2\.8\.6 /);
  for (const key of Object.keys(TARGET_NOTES)) {
    const lines = protectionLines(key);
    assert.equal(lines[0], README_HEADING);
    assert.ok(lines.length <= 14, `${key}: a few lines, not ${lines.length}`);
    assert.ok(
      lines.every((line) => line.length <= 100),
      `${key}: lines of at most 100 columns`,
    );
  }
});
