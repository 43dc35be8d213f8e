// The manifest parser: CSV and JSON in, rows or every bad row with its line out.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { manifestFormat, parseManifest } from "../../src/cli/manifest.js";
import { parseCsv } from "../../src/cli/csv.js";

const NOW = new Date("2026-01-01T00:00:00Z");

describe("CSV manifests", () => {
  test("reads rows, several names per cell, and optional columns", () => {
    const text = [
      "kind,name,dns,ip,key,not_after",
      'server,ups1,"ups1.example.net  UPS1.example.net.",192.168.1.10 ::1,,825d',
      "client,mon1,,,ec-p384,",
      "",
    ].join("\r\n");
    const { rows, problems } = parseManifest(text, "csv", NOW);
    assert.deepEqual(problems, []);
    assert.deepEqual(rows, [
      {
        line: 2,
        kind: "server",
        name: "ups1",
        dns: ["ups1.example.net", "ups1.example.net"],
        ip: ["192.168.1.10", "::1"],
        notAfter: "825d",
      },
      { line: 3, kind: "client", name: "mon1", dns: [], ip: [], key: "ec-p384" },
    ]);
  });

  test("only kind and name are required, in any order", () => {
    const { rows, problems } = parseManifest("Name,Kind\nmon1,client\n", "csv", NOW);
    assert.deepEqual(problems, []);
    assert.equal(rows[0]?.name, "mon1");
  });

  test("every bad row is reported with its line, a duplicate name included", () => {
    const text = [
      "kind,name,dns,ip,key,not_after",
      "client,ok1,,,,",
      "printer,p1,,,,",
      "client,bad name,,,,",
      "",
      "server,ups1,-bad-,300.1.1.1,rsa-999,yesterday",
      "client,ok1,,,,",
      "client,,,,,",
      "client,x,,,,,extra",
    ].join("\n");
    const { problems } = parseManifest(text, "csv", NOW);
    assert.deepEqual(
      problems.map((p) => p.line),
      [3, 4, 6, 7, 8, 9],
    );
    assert.match(problems[0]!.message, /kind "printer" is neither server nor client/);
    assert.match(problems[1]!.message, /"bad name" is not a usable certificate name/);
    assert.match(problems[2]!.message, /"-bad-" is not a valid DNS name.*"300\.1\.1\.1".*"rsa-999".*"yesterday"/);
    assert.match(problems[3]!.message, /"ok1" is already on line 2/);
    assert.match(problems[4]!.message, /name is missing/);
    assert.match(problems[5]!.message, /1 cell\(s\) more than the header/);
  });

  test("a bad header is one problem on its line", () => {
    const { rows, problems } = parseManifest("\nkind,nmae,dns\nclient,a,\n", "csv", NOW);
    assert.deepEqual(rows, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[0]!.message, /no name column; unknown column "nmae"/);
  });

  test("an empty manifest is a problem", () => {
    assert.match(parseManifest("kind,name\n", "csv", NOW).problems[0]!.message, /lists nothing/);
  });

  test("RFC 4180 quoting: commas, newlines and doubled quotes in a cell; lines counted", () => {
    const parsed = parseCsv('a,"b,c","d\n""e"""\nf,g\n');
    assert.ok("records" in parsed);
    assert.deepEqual(parsed.records, [
      { line: 1, cells: ["a", "b,c", 'd\n"e"'] },
      { line: 3, cells: ["f", "g"] },
    ]);
    const open = parseCsv('a,b\nc,"d\n');
    assert.ok("problem" in open);
    assert.equal(open.problem.line, 2);
  });
});

describe("JSON manifests", () => {
  test("reads an array of objects", () => {
    const text = JSON.stringify(
      [
        { kind: "server", name: "ups1", dns: ["ups1.example.net"], ip: ["10.0.0.1"], notAfter: "never" },
        { kind: "client", name: "mon1", key: "rsa-2048" },
      ],
      null,
      2,
    );
    const { rows, problems } = parseManifest(text, "json", NOW);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      rows.map((row) => [row.line, row.name, row.dns, row.ip, row.key, row.notAfter]),
      [
        [2, "ups1", ["ups1.example.net"], ["10.0.0.1"], undefined, "never"],
        [13, "mon1", [], [], "rsa-2048", undefined],
      ],
    );
  });

  test("bad elements are reported with the line each starts on", () => {
    const text = [
      "[",
      '  { "kind": "client", "name": "a" },',
      '  { "kind": "client", "name": "b", "not_after": "10y" },',
      '  "c",',
      '  { "kind": "server", "name": "d", "dns": "x" , "ip": [1] },',
      '  { "kind": "client", "name": "a" }',
      "]",
    ].join("\n");
    const { problems } = parseManifest(text, "json", NOW);
    assert.deepEqual(
      problems.map((p) => p.line),
      [3, 4, 5, 6],
    );
    assert.match(problems[0]!.message, /unknown key "not_after"/);
    assert.match(problems[1]!.message, /not an object/);
    assert.match(problems[2]!.message, /ip must be a list of strings/);
    assert.match(problems[3]!.message, /"a" is already on line 2/);
  });

  test("invalid JSON and a non-array are one problem each", () => {
    const broken = parseManifest('[\n{"kind": "client",\n}\n]', "json", NOW).problems;
    assert.equal(broken.length, 1);
    assert.match(broken[0]!.message, /not valid JSON/);
    assert.match(parseManifest("{}", "json", NOW).problems[0]!.message, /array of objects/);
  });

  test("the format follows the file name, else the first character", () => {
    assert.equal(manifestFormat("a.JSON", "kind"), "json");
    assert.equal(manifestFormat("a.csv", "["), "csv");
    assert.equal(manifestFormat("list", "  [ ]"), "json");
    assert.equal(manifestFormat("list", "kind,name"), "csv");
  });
});
