// Where an export may write: never through a link nutca did not make (the
// nssdb/, certs/ and batch <name>/ directories, file names like upsd.pem, --out
// itself), never into the store nor around it, and a file where a directory
// must be is one clear line. After every refusal the store, the output
// directory and the victim a link points to are byte- and mode-identical.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";

const work = tempDir("nutca-export-paths-");
const store = join(work, "store");
let count = 0;

before(async () => {
  await runNutcaOk(["init", "--name", "Paths CA", "--no-passphrase"], { store });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store });
});

/** A victim directory with a file and an unusual mode, as a link target. */
function victim(): string {
  const dir = join(work, `victim-${++count}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "keep.txt"), "do not touch\n", { mode: 0o644 });
  chmodSync(dir, 0o751);
  return dir;
}

function outDir(): string {
  const dir = join(work, `out-${++count}`);
  mkdirSync(dir);
  return dir;
}

const snapshots = (...dirs: string[]) => dirs.map((dir) => [...snapshotDir(dir)]);

async function assertRefused(args: string[], fragment: RegExp, untouched: string[]): Promise<void> {
  const before = snapshots(store, ...untouched);
  const result = await runNutca(args, { store });
  assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
  // One line, or a manifest's summary line with its bad rows below it.
  assert.match(result.stderr, /^nutca: [^\n]+ — [^\n]+\n( {2}line \d+: [^\n]+\n)*$/);
  assert.match(result.stderr, fragment);
  assert.deepEqual(snapshots(store, ...untouched), before);
}

const isLink = (path: string) => lstatSync(path).isSymbolicLink();

const planted: { title: string; args: (out: string) => string[]; link: string }[] = [
  {
    title: "nssdb/",
    args: (out) => ["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", out],
    link: "nssdb",
  },
  { title: "certs/", args: (out) => ["export", "ca", "--out", out], link: "certs" },
  {
    title: "upsd.pem",
    args: (out) => ["export", "upsd", "--server", "ups1", "--backend", "openssl", "--out", out],
    link: "upsd.pem",
  },
  { title: "ca.crt.pem", args: (out) => ["export", "ca", "--out", out], link: "ca.crt.pem" },
];

for (const { title, args, link } of planted) {
  test(`a link ${title} -> victim in --out is refused; --force replaces the link, not the victim`, async () => {
    const target = victim();
    const out = outDir();
    symlinkSync(target, join(out, link));
    await assertRefused(args(out), /is a symbolic link, and nutca does not write through a link it did not make/, [
      target,
      out,
    ]);
    assert.ok(isLink(join(out, link)));
    const before = snapshotDir(target);
    await runNutcaOk([...args(out), "--force"], { store });
    assert.equal(isLink(join(out, link)), false, "the link was replaced");
    assert.deepEqual(snapshotDir(target), before);
    assert.equal(lstatSync(target).mode & 0o777, 0o751);
  });
}

test("a link to a victim's file as upsd.pem: refused, and --force leaves the victim's file alone", async () => {
  const target = victim();
  const out = outDir();
  symlinkSync(join(target, "keep.txt"), join(out, "upsd.pem"));
  const args = ["export", "upsd", "--server", "ups1", "--backend", "openssl", "--out", out];
  await assertRefused(args, /upsd\.pem is a symbolic link/, [target]);
  const before = snapshotDir(target);
  await runNutcaOk([...args, "--force"], { store });
  assert.deepEqual(snapshotDir(target), before);
  assert.ok(lstatSync(join(out, "upsd.pem")).isFile());
});

test("--out that is a link to a directory: said and refused; --force writes into the directory", async () => {
  const target = victim();
  const link = join(work, `link-${++count}`);
  symlinkSync(target, link);
  await assertRefused(["export", "ca", "--out", link], /--out \S+ is a symbolic link to /, [target]);
  await runNutcaOk(["export", "ca", "--out", link, "--force"], { store });
  assert.ok(lstatSync(join(target, "ca.crt.pem")).isFile());
});

test("a batch: links as DIR/<name>, DIR/<name>/<target> and DIR/ca are refused before anything is issued", async () => {
  const manifest = join(work, "batch.csv");
  writeFileSync(manifest, "kind,name,dns\nserver,ups7,ups7.example.net\n");
  for (const link of ["ups7", "ups7/pem", "ca"]) {
    const target = victim();
    const out = outDir();
    if (link === "ups7/pem") mkdirSync(join(out, "ups7"));
    symlinkSync(target, join(out, link));
    await assertRefused(
      ["issue", "--from", manifest, "--export", "pem", "--export", "ca", "--out", out],
      /is a symbolic link/,
      [target, out],
    );
  }
});

test("an --out inside the store, or holding it, is refused (single export and batch), nothing written", async () => {
  const manifest = join(work, "inside.csv");
  writeFileSync(manifest, "kind,name\nclient,c9\n");
  const link = join(work, `store-link-${++count}`);
  symlinkSync(store, link);
  for (const out of [store, join(store, "issued", "x"), join(store, "private"), link, join(link, "new")]) {
    await assertRefused(["export", "ca", "--out", out, "--force"], /is inside the store/, []);
    await assertRefused(
      ["issue", "--from", manifest, "--export", "pem", "--out", out, "--force"],
      /is inside the store/,
      [],
    );
  }
  await assertRefused(["export", "ca", "--out", work], /holds the store/, []);
  await assertRefused(["issue", "--from", manifest, "--export", "pem", "--out", work], /holds the store/, []);
});

test("--out naming a file, or under a file: one clear line, exit 2", async () => {
  const file = join(work, "a-file");
  writeFileSync(file, "x\n");
  await assertRefused(["export", "ca", "--out", file], /--out \S+ is a file, not a directory/, []);
  await assertRefused(
    ["export", "ca", "--out", join(file, "sub")],
    /a-file is a file, so --out \S+ cannot be made/,
    [],
  );
  const manifest = join(work, "file-out.csv");
  writeFileSync(manifest, "kind,name\nclient,c8\n");
  await assertRefused(
    ["issue", "--from", manifest, "--export", "pem", "--out", file],
    /is a file, not a directory/,
    [],
  );
  await assertRefused(["issue", "--from", manifest, "--export", "pem", "--out", join(file, "x")], /cannot be made/, []);
});

test("--store naming a file, or under a file: one clear line, exit 2, the file unchanged", async () => {
  const file = join(work, "store-file");
  writeFileSync(file, "not a store\n");
  for (const [args, fragment] of [
    [["--store", file, "init", "--no-passphrase"], /--store \S+ is a file/],
    [["--store", join(file, "x"), "init", "--no-passphrase"], /store-file is a file, so --store \S+ cannot be made/],
    [["--store", file, "list"], /the store \S+ is a file, not a directory/],
    [["--store", file, "export", "ca", "--out", join(work, "never")], /the store \S+ is a file, not a directory/],
  ] as const) {
    const result = await runNutca(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^nutca: [^\n]+ — [^\n]+\n$/);
    assert.match(result.stderr, fragment);
  }
  assert.equal(readFileSync(file, "utf8"), "not a store\n");
});
