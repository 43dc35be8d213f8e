import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import { LedgerReader, type IssueRecord } from "../../src/store/ledger.js";
import { CaStore } from "../../src/store/store.js";
import { modeOf, snapshotDir, tempDir } from "../helpers/cli.js";
import { fakeRecord } from "../helpers/records.js";

/** A store directory with a ledger of `records` (no CA files: recovery does not need them). */
function storeWith(records: IssueRecord[], tail = ""): CaStore {
  const root = tempDir();
  writeFileSync(join(root, "ledger.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join("") + tail, {
    mode: 0o600,
  });
  return new CaStore(root);
}

/**
 * Stages records' files the way a commit does: flat in staging/<first serial>/, each named
 * `<serial>~<store path encoded>`; `unkeyed` leaves out the serial prefix.
 */
function stage(store: CaStore, record: IssueRecord, group: IssueRecord = record, unkeyed = false): void {
  const dir = store.layout.staging(group.serial);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: Record<string, string> = {
    [`by-serial/${record.serial}.crt.pem`]: `cert ${record.serial}\n`,
    [record.files.cert]: `cert ${record.serial}\n`,
    [record.files.key!]: `key ${record.serial}\n`,
  };
  for (const [path, data] of Object.entries(files)) {
    const encoded = path.split("/").map(encodeURIComponent).join("%2F");
    writeFileSync(join(dir, unkeyed ? encoded : `${record.serial}~${encoded}`), data, { mode: 0o600 });
  }
}

describe("store recovery", () => {
  test("a staged issuance whose serial is in the ledger is moved into place", () => {
    const committed = fakeRecord("0AAA", "ups1");
    const store = storeWith([fakeRecord("01CA", "ca"), committed]);
    stage(store, committed);
    store.recover();
    assert.equal(readFileSync(join(store.root, "issued/ups1.crt.pem"), "utf8"), "cert 0AAA\n");
    assert.equal(readFileSync(join(store.root, "by-serial/0AAA.crt.pem"), "utf8"), "cert 0AAA\n");
    assert.equal(readFileSync(join(store.root, "private/ups1.key.pem"), "utf8"), "key 0AAA\n");
    assert.equal(modeOf(join(store.root, "private/ups1.key.pem")), 0o600);
    assert.equal(modeOf(join(store.root, "private")), 0o700);
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
  });

  test("a staged issuance whose serial is not in the ledger is deleted", () => {
    const store = storeWith([fakeRecord("01CA", "ca")]);
    stage(store, fakeRecord("0BBB", "ghost"));
    store.recover();
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
    for (const path of ["issued/ghost.crt.pem", "private/ghost.key.pem", "by-serial/0BBB.crt.pem"]) {
      assert.equal(existsSync(join(store.root, path)), false, path);
    }
  });

  test("both at once, with a torn ledger tail and stray temp files", () => {
    const committed = fakeRecord("0AAA", "ups1");
    const uncommitted = fakeRecord("0BBB", "ups2");
    const store = storeWith([fakeRecord("01CA", "ca"), committed], JSON.stringify(uncommitted).slice(0, 40));
    stage(store, committed);
    stage(store, uncommitted);
    mkdirSync(join(store.root, "private"), { recursive: true, mode: 0o700 });
    writeFileSync(join(store.root, "private/.nutca-tmp-ca.key.pem-abcdef"), "half");
    writeFileSync(join(store.root, ".nutca-tmp-nutca-store.json-123456"), "half");
    store.recover();
    assert.deepEqual(readdirSync(join(store.root, "issued")), ["ups1.crt.pem"]);
    assert.deepEqual(readdirSync(join(store.root, "private")), ["ups1.key.pem"]);
    assert.equal(existsSync(join(store.root, ".nutca-tmp-nutca-store.json-123456")), false);
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
    assert.deepEqual(
      new LedgerReader(store.layout.ledger).read().map((r) => (r as IssueRecord).serial),
      ["01CA", "0AAA"],
    );
    assert.ok(readFileSync(store.layout.ledger, "utf8").endsWith("\n"), "the torn tail is gone");
  });

  test("a batch staged together: the records that reached the ledger are placed, the rest discarded", () => {
    const [first, second, third] = [fakeRecord("0AA1", "b1"), fakeRecord("0AA2", "b2"), fakeRecord("0AA3", "b3")];
    const store = storeWith([fakeRecord("01CA", "ca"), first, second], JSON.stringify(third).slice(0, 30));
    for (const record of [first, second, third]) stage(store, record, first);
    store.recover();
    assert.deepEqual(readdirSync(join(store.root, "issued")).sort(), ["b1.crt.pem", "b2.crt.pem"]);
    assert.deepEqual(readdirSync(join(store.root, "by-serial")).sort(), ["0AA1.crt.pem", "0AA2.crt.pem"]);
    assert.equal(readFileSync(join(store.root, "private/b2.key.pem"), "utf8"), "key 0AA2\n");
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
  });

  test("a staging file named without a record key belongs to no commit and is discarded", () => {
    const committed = fakeRecord("0AAA", "ups1");
    const store = storeWith([fakeRecord("01CA", "ca"), committed]);
    stage(store, committed, committed, true);
    store.recover();
    assert.equal(existsSync(join(store.root, "issued")), false);
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
  });

  test("recover on a clean store changes nothing", () => {
    const store = storeWith([fakeRecord("01CA", "ca")]);
    mkdirSync(store.layout.stagingDir, { mode: 0o700 });
    const before = snapshotDir(store.root);
    store.recover();
    assert.deepEqual(snapshotDir(store.root), before);
  });

  test("change() recovers first, runs under the lock, and releases it even when the work throws", async () => {
    const committed = fakeRecord("0AAA", "ups1");
    const store = storeWith([fakeRecord("01CA", "ca"), committed]);
    stage(store, committed);
    const result = await store.change("test", () => {
      assert.ok(existsSync(store.layout.lock), "the lock is held");
      assert.ok(existsSync(join(store.root, "issued/ups1.crt.pem")), "recovered before the work");
      return 42;
    });
    assert.equal(result, 42);
    assert.equal(existsSync(store.layout.lock), false);
    await assert.rejects(
      store.change("test", () => {
        throw new NutcaError("USAGE", "refused");
      }),
      /refused/,
    );
    assert.equal(existsSync(store.layout.lock), false);
  });

  test("commitIssuance stages, records and moves; a failing check leaves the store unchanged", async () => {
    const store = storeWith([fakeRecord("01CA", "ca")]);
    const record = fakeRecord("0CCC", "c1");
    const files = [
      { path: "by-serial/0CCC.crt.pem", data: "cert\n" },
      { path: "issued/c1.crt.pem", data: "cert\n" },
      { path: "private/c1.key.pem", data: "key\n" },
    ];
    const before = snapshotDir(store.root);
    await assert.rejects(
      store.commitIssuance(record, files, () => {
        throw new NutcaError("NAME_EXISTS", "taken");
      }),
      /taken/,
    );
    assert.deepEqual(snapshotDir(store.root), before);

    await store.commitIssuance(record, files, () => undefined);
    assert.equal(readFileSync(join(store.root, "private/c1.key.pem"), "utf8"), "key\n");
    assert.equal(modeOf(join(store.root, "private/c1.key.pem")), 0o600);
    assert.deepEqual(readdirSync(store.layout.stagingDir), []);
    assert.equal(new LedgerReader(store.layout.ledger).read().length, 2);
    await assert.rejects(
      store.commitIssuance(record, files, () => undefined),
      /already in the ledger/,
    );
  });
});

describe("store metadata", () => {
  test("a directory without nutca-store.json has no CA: NO_CA pointing to nutca init", () => {
    const store = new CaStore(tempDir());
    assert.equal(store.hasCa(), false);
    assert.throws(
      () => store.readMeta(),
      (e: unknown) => e instanceof NutcaError && e.code === "NO_CA" && /nutca init/.test(e.line),
    );
  });

  test("a newer store format is refused, a broken one is STORE_CORRUPT", () => {
    const store = new CaStore(tempDir());
    writeFileSync(store.layout.meta, JSON.stringify({ format: 99, ca: { keyType: "ec-p256" } }));
    assert.throws(
      () => store.readMeta(),
      (e: unknown) => e instanceof NutcaError && e.code === "STORE_TOO_NEW",
    );
    writeFileSync(store.layout.meta, "{not json");
    assert.throws(
      () => store.readMeta(),
      (e: unknown) => e instanceof NutcaError && e.code === "STORE_CORRUPT",
    );
    writeFileSync(store.layout.meta, "{}");
    assert.throws(
      () => store.readMeta(),
      (e: unknown) => e instanceof NutcaError && e.code === "STORE_CORRUPT",
    );
  });
});
