import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import { appendRecords, LedgerReader, repairTornTail, type IssueRecord } from "../../src/store/ledger.js";
import { modeOf, tempDir } from "../helpers/cli.js";
import { fakeRecord } from "../helpers/records.js";

const line = (record: IssueRecord) => JSON.stringify(record) + "\n";
const readRecords = (path: string) => new LedgerReader(path).read();

function assertCorrupt(path: string, lineNumber: number): void {
  assert.throws(
    () => readRecords(path),
    (error: unknown) => {
      assert.ok(error instanceof NutcaError);
      assert.equal(error.code, "STORE_CORRUPT");
      assert.equal(error.exitCode, 1);
      assert.match(error.line, new RegExp(`ledger line ${lineNumber} is corrupt`));
      assert.ok(error.line.includes(path), "names the file");
      return true;
    },
  );
}

describe("ledger", () => {
  test("a missing ledger reads as empty", () => {
    assert.deepEqual(readRecords(join(tempDir(), "ledger.jsonl")), []);
  });

  test("appendRecords writes one line per record, 0600, and LedgerReader reads them back in order", () => {
    const path = join(tempDir(), "ledger.jsonl");
    const records = ["01AA", "02BB", "03CC"].map((serial) => fakeRecord(serial));
    for (const record of records) appendRecords(path, [record]);
    assert.equal(readFileSync(path, "utf8"), records.map(line).join(""));
    assert.equal(modeOf(path), 0o600);
    assert.deepEqual(readRecords(path), records);
  });

  test("a torn last line is ignored by LedgerReader and removed by repairTornTail", () => {
    const path = join(tempDir(), "ledger.jsonl");
    const complete = line(fakeRecord("01AA")) + line(fakeRecord("02BB"));
    for (const torn of ['{"op":"issue","serial":"03', JSON.stringify(fakeRecord("03CC")), "garbage"]) {
      writeFileSync(path, complete + torn);
      assert.deepEqual(
        readRecords(path).map((record) => (record as IssueRecord).serial),
        ["01AA", "02BB"],
      );
      repairTornTail(path);
      assert.equal(readFileSync(path, "utf8"), complete);
      assert.equal(readRecords(path).length, 2);
    }
  });

  test("a record appended after a repaired tear lands on its own line", () => {
    const path = join(tempDir(), "ledger.jsonl");
    writeFileSync(path, line(fakeRecord("01AA")) + '{"op":"iss');
    repairTornTail(path);
    appendRecords(path, [fakeRecord("02BB")]);
    assert.deepEqual(
      readRecords(path).map((record) => (record as IssueRecord).serial),
      ["01AA", "02BB"],
    );
  });

  test("repairTornTail leaves a clean ledger alone and ignores a missing one", () => {
    const dir = tempDir();
    const path = join(dir, "ledger.jsonl");
    const text = line(fakeRecord("01AA"));
    writeFileSync(path, text);
    repairTornTail(path);
    assert.equal(readFileSync(path, "utf8"), text);
    repairTornTail(join(dir, "missing.jsonl"));
    assert.equal(existsSync(join(dir, "missing.jsonl")), false);
  });

  test("a corrupt line in the middle is STORE_CORRUPT naming its line number", () => {
    const path = join(tempDir(), "ledger.jsonl");
    writeFileSync(path, line(fakeRecord("01AA")) + "garbage{\n" + line(fakeRecord("03CC")));
    assertCorrupt(path, 2);
    repairTornTail(path);
    assertCorrupt(path, 2);
  });

  test("valid JSON that is not a record is corrupt too, and blank lines count", () => {
    const path = join(tempDir(), "ledger.jsonl");
    const bad = ['{"op":"issue"}', "[]", "null", '"text"', JSON.stringify({ ...fakeRecord("02BB"), kind: "other" })];
    for (const text of bad) {
      writeFileSync(path, line(fakeRecord("01AA")) + "\n" + text + "\n" + line(fakeRecord("03CC")));
      assertCorrupt(path, 3);
    }
  });

  test("a LedgerReader parses only what was appended since its last read, torn lines included", () => {
    const path = join(tempDir(), "ledger.jsonl");
    const reader = new LedgerReader(path);
    assert.deepEqual(reader.read(), []);
    appendRecords(path, [fakeRecord("01AA"), fakeRecord("02BB")]);
    const first = reader.read();
    assert.deepEqual(
      first.map((record) => (record as IssueRecord).serial),
      ["01AA", "02BB"],
    );
    writeFileSync(path, readFileSync(path, "utf8") + '\n{"op":"issue","serial":"03');
    assert.equal(reader.read().length, 2, "a blank line and a torn tail add nothing");
    writeFileSync(path, readFileSync(path, "utf8") + 'CC"}\n');
    assert.throws(
      () => reader.read(),
      /ledger line 4 is corrupt/,
      "the completed line is read, numbered after the blank",
    );
    writeFileSync(path, line(fakeRecord("09ZZ")));
    assert.deepEqual(
      reader.read().map((record) => (record as IssueRecord).serial),
      ["09ZZ"],
      "a ledger rewritten shorter is read again from the start",
    );
    assert.ok(reader.read()[0] === reader.read()[0], "unchanged, the same records are returned");
  });

  test("repairTornTail finds the last newline behind a torn tail longer than its read chunk", () => {
    const path = join(tempDir(), "ledger.jsonl");
    const complete = line(fakeRecord("01AA"));
    writeFileSync(path, complete + "x".repeat(200_000));
    repairTornTail(path);
    assert.equal(readFileSync(path, "utf8"), complete);
    writeFileSync(path, "y".repeat(100_000));
    repairTornTail(path);
    assert.equal(readFileSync(path, "utf8"), "");
  });
});
