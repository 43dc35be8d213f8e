// Every bad input: exit code, one clear line on stderr, and a store left exactly as it was.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { passphraseEnv, runNutca, runNutcaOk, snapshotDir, tempDir, writePassphraseFile } from "../helpers/cli.js";

const work = tempDir();
/** The shared store: an encrypted CA valid until 2040-01-01 with a live server "ups1". */
const shared = join(work, "shared");
const passFile = writePassphraseFile(work);
const shortPassFile = writePassphraseFile(work, "short", "short.txt");
const emptyPassFile = join(work, "empty.txt");
writeFileSync(emptyPassFile, "");

before(async () => {
  await runNutcaOk(["init", "--not-after", "2040-01-01"], { store: shared, env: passphraseEnv() });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store: shared, env: passphraseEnv() });
});

type StoreKind =
  | "shared" // the shared store
  | "missing" // a path that does not exist: it must still not exist afterwards
  | "empty" // an existing empty directory: it must stay empty
  | ((root: string) => void); // a copy of the shared store, changed by this function first

interface Case {
  readonly title: string;
  readonly args: readonly string[];
  readonly store: StoreKind;
  readonly fragment: RegExp;
  /** 2 unless said otherwise. */
  readonly code?: 1 | 2;
  /** The child's environment on top of the default (the right NUTCA_PASSPHRASE). */
  readonly env?: Record<string, string | undefined>;
  /** For a --json run: the expected error code. */
  readonly json?: string;
  /** A known bug in src/: the case runs, its failure is reported but does not fail the suite. */
}

const label = (char: string, length: number) => char.repeat(length);
const name254 = [label("a", 63), label("b", 63), label("c", 63), label("d", 62)].join(".");
const name70 = `${label("a", 58)}.example.net`;
const notDns = /is not a valid DNS name/;
const notIp = /is not a valid IP address/;

function bad(title: string, store: StoreKind, args: string[], fragment: RegExp, extra: Partial<Case> = {}): Case {
  return { title, store, args, fragment, ...extra };
}

const cases: Case[] = [
  // host names
  bad("DNS name starting with a hyphen", "shared", ["issue", "server", "s", "--dns", "-bad.example"], notDns),
  bad("DNS name with an empty label", "shared", ["issue", "server", "s", "--dns", "a..b"], notDns),
  bad("DNS name with an underscore", "shared", ["issue", "server", "s", "--dns", "under_score.example"], notDns),
  bad("DNS label of 64 characters", "shared", ["issue", "server", "s", "--dns", `${label("x", 64)}.example`], notDns),
  bad(
    "DNS name of 254 characters",
    "shared",
    ["issue", "server", "s", "--dns", "ok.example", "--dns", name254],
    notDns,
  ),
  bad(
    "IP address given as --dns",
    "shared",
    ["issue", "server", "s", "--dns", "1.2.3.4"],
    /"1\.2\.3\.4" is an IP address.*--ip/,
  ),
  // IP addresses
  bad("IPv4 octet over 255", "shared", ["issue", "server", "s", "--ip", "256.1.1.1"], notIp),
  bad("IPv4 with three octets", "shared", ["issue", "server", "s", "--ip", "10.0.0"], notIp),
  bad("IPv4 with a leading zero", "shared", ["issue", "server", "s", "--ip", "010.0.0.1"], notIp),
  {
    title: "IPv6 with a zone id",
    args: ["issue", "server", "s", "--ip", "fe80::1%eth0"],
    store: () => undefined,
    fragment: notIp,
  },
  bad("IPv6 with a non-hex digit", "shared", ["issue", "server", "s", "--ip", "::g"], notIp),
  // common names
  bad("CA name with a newline", "missing", ["init", "--name", "evil\nname"], /CA name/, {}),
  bad("CA name of 65 characters", "missing", ["init", "--name", label("n", 65)], /CA name .* must be 1 to 64/),
  bad(
    "first DNS name of 70 characters (the CN)",
    "shared",
    ["issue", "server", "s", "--dns", name70],
    /common name .* must be 1 to 64/,
  ),
  // expiry
  bad(
    "--not-after in the past",
    "shared",
    ["issue", "client", "c", "--not-after", "2020-01-01"],
    /"2020-01-01" is in the past/,
  ),
  bad(
    "--not-after 2030-02-30",
    "shared",
    ["issue", "client", "c", "--not-after", "2030-02-30"],
    /cannot read the expiry "2030-02-30"/,
  ),
  bad("--not-after 5x", "shared", ["issue", "client", "c", "--not-after", "5x"], /cannot read the expiry "5x".*825d/),
  bad(
    "--not-after after the CA's",
    "shared",
    ["issue", "client", "c", "--not-after", "2041-01-01"],
    /after the CA's \(2040-01-01T23:59:59Z\)/,
  ),
  bad("init --not-after 2030-02-30", "missing", ["init", "--not-after", "2030-02-30"], /cannot read the expiry/),
  bad("init --leaf-not-after 5x", "missing", ["init", "--leaf-not-after", "5x"], /cannot read the expiry "5x"/),
  // key types
  bad(
    "unknown key type at issue",
    "shared",
    ["issue", "client", "c", "--key", "dsa"],
    /unknown key type "dsa".*ec-p256/,
  ),
  bad("unknown key type at init (ed25519)", "missing", ["init", "--key", "ed25519"], /unknown key type "ed25519"/),
  // the store
  bad("issue on an empty directory", "empty", ["issue", "client", "c"], /there is no CA in .*nutca init/),
  bad("issue on a missing store", "missing", ["issue", "client", "c"], /there is no CA in .*nutca init/),
  bad("list on a missing store", "missing", ["list"], /there is no CA in .*nutca init/),
  bad("init on an existing CA", "shared", ["init"], /already holds a CA/),
  bad(
    "a live name again",
    "shared",
    ["issue", "server", "ups1", "--dns", "ups1.example.net"],
    /"ups1" already has a valid certificate.*nutca renew ups1/,
  ),
  bad("a name with a path in it", "shared", ["issue", "client", "../x"], /"\.\.\/x" is not a usable certificate name/),
  bad("the name ca", "shared", ["issue", "client", "ca"], /"ca" is the CA's own name/),
  bad(
    "a server name that is no host name, without --dns",
    "shared",
    ["issue", "server", "my_server"],
    /needs the names.*--dns/,
  ),
  bad("show an unknown name", "shared", ["show", "nosuch"], /no certificate named or numbered "nosuch"/),
  // Terminal control in a name: escaped, so the line cannot be reordered (bidi) or split (separators).
  bad("a name with a bidi override", "shared", ["issue", "client", "ups\u202Eevil"], /"ups\\u202eevil" is not a/),
  bad("a name with a bidi isolate", "shared", ["issue", "client", "a\u2066b"], /"a\\u2066b" is not a usable/),
  bad("a name with a line separator", "shared", ["show", "a\u2028b"], /numbered "a\\u2028b"/),
  bad("a name with a paragraph separator", "shared", ["show", "a\u2029b"], /numbered "a\\u2029b"/),
  // commander's own messages: its suggestion joins the one line instead of a literal \u000a.
  bad(
    "an unknown command close to a real one: the suggestion on the same line",
    "shared",
    ["prob"],
    /^nutca: unknown command 'prob' \(Did you mean probe\?\) — see nutca --help$/,
  ),
  bad(
    "a misspelt option",
    "shared",
    ["list", "--expirng", "30d"],
    /^nutca: unknown option '--expirng' \(Did you mean --expiring\?\) — see nutca --help$/,
  ),
  {
    title: "a corrupt line in the middle of the ledger",
    args: ["issue", "client", "c"],
    store: (root) => {
      const lines = readFileSync(join(root, "ledger.jsonl"), "utf8").split("\n");
      lines.splice(1, 0, "garbage{");
      writeFileSync(join(root, "ledger.jsonl"), lines.join("\n"));
    },
    code: 1,
    fragment: /ledger line 2 is corrupt/,
  },
  {
    title: "a CA key replaced by garbage",
    args: ["issue", "client", "c"],
    store: (root) => writeFileSync(join(root, "private/ca.key.pem"), "garbage\n"),
    code: 1,
    fragment: /the CA key cannot be read/,
  },
  // passphrases
  bad("a wrong passphrase", "shared", ["issue", "client", "c"], /wrong passphrase/, {
    env: passphraseEnv("wrong passphrase"),
  }),
  bad(
    "no passphrase and no TTY at issue",
    "shared",
    ["issue", "client", "c"],
    /no passphrase was given.*--passphrase-file/,
    { env: { NUTCA_PASSPHRASE: undefined } },
  ),
  bad("no passphrase and no TTY at init", "missing", ["init"], /--passphrase-file.*--no-passphrase/, {
    env: { NUTCA_PASSPHRASE: undefined },
  }),
  bad(
    "a missing passphrase file",
    "shared",
    ["issue", "client", "c", "--passphrase-file", join(work, "nope.txt")],
    /cannot read the passphrase file/,
  ),
  bad(
    "an empty passphrase file",
    "shared",
    ["issue", "client", "c", "--passphrase-file", emptyPassFile],
    /passphrase file .* is empty/,
  ),
  bad("a new passphrase under 8 characters", "missing", ["init", "--passphrase-file", shortPassFile], /shorter than 8/),
  bad(
    "--no-passphrase with --passphrase-file",
    "missing",
    ["init", "--no-passphrase", "--passphrase-file", passFile],
    /contradict/,
  ),
  // usage
  bad("an unknown option", "shared", ["issue", "client", "c", "--bogus"], /unknown option '--bogus'.*--help/),
  bad("an unknown command", "shared", ["frobnicate"], /unknown command 'frobnicate'/),
  bad(
    "--permit-ip with host bits",
    "missing",
    ["init", "--permit-ip", "10.0.0.1/8"],
    /"10\.0\.0\.1\/8" is not a valid network/,
  ),
  bad("--permit-dns that is no DNS name", "missing", ["init", "--permit-dns", "bad_suffix.net"], notDns),
  // --json
  bad(
    "--json: unknown key type",
    "shared",
    ["--json", "issue", "client", "c", "--key", "foo"],
    /unknown key type "foo"/,
    { json: "BAD_KEY_TYPE" },
  ),
  bad("--json: missing store", "missing", ["list", "--json"], /nutca init/, { json: "NO_CA" }),
  bad("--json: usage error", "shared", ["--json", "issue", "client"], /missing required argument/, { json: "USAGE" }),
];

for (const c of cases) {
  test(`bad input: ${c.title}`, async () => {
    let root: string;
    if (c.store === "shared") root = shared;
    else if (c.store === "missing") root = join(tempDir(), "store");
    else if (c.store === "empty") root = tempDir();
    else {
      root = join(tempDir(), "copy");
      cpSync(shared, root, { recursive: true });
      c.store(root);
    }
    const before = c.store === "missing" ? undefined : snapshotDir(root);
    const cwd = tempDir();

    const result = await runNutca(c.args, { store: root, cwd, env: { ...passphraseEnv(), ...c.env } });

    assert.equal(result.code, c.code ?? 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, "", "nothing on stdout");
    assert.ok(result.stderr.endsWith("\n"), "stderr ends with a newline");
    const lines = result.stderr.slice(0, -1).split("\n");
    assert.equal(lines.length, 1, `exactly one line on stderr:\n${result.stderr}`);
    assert.ok(!result.stderr.includes("    at "), "no stack trace");
    if (c.json) {
      const parsed = JSON.parse(lines[0]!) as { error: { code: string; message: string } };
      assert.deepEqual(Object.keys(parsed), ["error"]);
      assert.equal(parsed.error.code, c.json);
      assert.equal(typeof parsed.error.message, "string");
      assert.match(parsed.error.message, c.fragment);
    } else {
      assert.match(lines[0]!, /^nutca: \S/);
      assert.match(lines[0]!, c.fragment);
    }

    if (before === undefined) assert.equal(existsSync(root), false, "no store directory was created");
    else assert.deepEqual(snapshotDir(root), before, "the store is byte-for-byte unchanged");
    assert.deepEqual(readdirSync(cwd), [], "nothing written to the working directory");
  });
}

test("a CA name with format characters is escaped in normal output, not echoed raw", async () => {
  const store = join(tempDir(), "store");
  await runNutcaOk(["init", "--name", "Shop \u2066CA\u202E", "--no-passphrase"], { store });
  const shown = await runNutcaOk(["show", "ca"], { store });
  assert.match(shown.stdout, /subject: +CN=Shop \\u2066CA\\u202e\n/);
  assert.doesNotMatch(shown.stdout, /[\u2066\u202e]/u);
});

test("names from a JSON manifest: a bidi override and a lone surrogate are escaped on every line", async () => {
  const manifest = join(tempDir(), "hosts.json");
  // JSON escapes, so the file itself is ASCII and JSON.parse makes the raw characters.
  writeFileSync(manifest, '[{"kind":"client","name":"a\\u202eb"},{"kind":"client","name":"c\\ud800d"}]');
  const before = snapshotDir(shared);
  const result = await runNutca(["issue", "--from", manifest], { store: shared, env: passphraseEnv() });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /line \d+: .*"a\\u202eb"/);
  assert.match(result.stderr, /line \d+: .*"c\\ud800d"/);
  // A lone surrogate written raw would reach stderr as U+FFFD.
  assert.doesNotMatch(result.stderr, /[\u202e\ufffd]/u);
  assert.deepEqual(snapshotDir(shared), before, "the store is byte-for-byte unchanged");
});

test("the table covers enough cases", () => {
  assert.ok(cases.length >= 28, `${cases.length} cases`);
});
