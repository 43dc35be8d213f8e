// Batch manifests (CSV and JSON), fuzzed: any text is rows or problems on real lines, or a one-line NutcaError.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { manifestFormat, parseManifest, type ManifestFormat } from "../../src/cli/manifest.js";
import { renderError } from "../../src/cli/output.js";
import { NutcaError } from "../../src/errors.js";
import { NOW, acceptOrRejectSync } from "./support.js";

// ---------------------------------------------------------------- 1. batch manifests

const CSV_COLUMNS = ["kind", "name", "dns", "ip", "key", "not_after"];
const JSON_KEYS = ["kind", "name", "dns", "ip", "key", "notAfter"];

const FIELD_VALUES = [
  ...["server", "client", "Server", " client ", "printer", "", " "],
  ...["ups1", "mon-1", "UPS1", "bad name", "a".repeat(70), "ups1.example.net"],
  ...["a.example.net, b.example.net", "*.example.net", "-bad-", "a..b", "ups1.example.net."],
  ...["192.168.1.10 ::1", "300.1.1.1", "fe80::1%eth0", "10.0.0.0/8", "::ffff:1.2.3.4"],
  ...["ec-p256", "EC-P384", "rsa-3072", "rsa-999", "ed25519"],
  ...["never", "825d", "0d", "52w", "10y", "99999999999y", "1e9d", "2035-12-31", "2035-02-30", "2020-01-01"],
  ...["yesterday", "9999-12-31T23:59:59Z", "2030-01-01T00:00:00+25:00"],
  ...["\uFEFF", "\u0000", "é", "\u2028", "null", "[]", "{}", '"', '""'],
];
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIELD_VALUES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z0-9.,:;\- "*/]{0,24}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);

const csvCell = fc
  .tuple(fieldValue, fc.constantFrom("plain", "plain", "quoted", "open-quote", "stray-quote", "spaced-quote"))
  .map(([value, style]) => {
    switch (style) {
      case "quoted":
        return `"${value.replace(/"/g, '""')}"`;
      case "open-quote":
        return `"${value}`;
      case "stray-quote":
        return `${value}"x"`;
      case "spaced-quote":
        return ` "${value}" `;
      default:
        return value;
    }
  });

const csvHeader = fc.oneof(
  { weight: 3, arbitrary: fc.constant(CSV_COLUMNS.join(",")) },
  { weight: 3, arbitrary: fc.shuffledSubarray(CSV_COLUMNS).map((columns) => columns.join(",")) },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...CSV_COLUMNS, "Kind", " NAME ", "notAfter", "nmae", "", '"kind"', "__proto__"),
          fc.string({ maxLength: 8 }),
        ),
        { maxLength: 8 },
      )
      .map((columns) => columns.join(",")),
  },
);

const eol = fc.constantFrom("\n", "\r\n", "\r");
const csvManifest = fc
  .tuple(
    fc.boolean(),
    csvHeader,
    eol,
    fc.array(fc.tuple(fc.oneof(fc.array(csvCell, { maxLength: 8 }), fc.constant([])), eol), { maxLength: 10 }),
    fc.boolean(),
  )
  .map(
    ([bom, header, headerEnd, rows, trailing]) =>
      (bom ? "\uFEFF" : "") +
      header +
      (rows.length > 0 || trailing ? headerEnd : "") +
      rows.map(([cells, end], i) => cells.join(",") + (i < rows.length - 1 || trailing ? end : "")).join(""),
  );

const jsonField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fieldValue },
  { weight: 2, arbitrary: fc.array(fieldValue, { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, 2 ** 53, [], {}, [null], [1, "a"], {
      kind: "server",
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const jsonKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...JSON_KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "not_after",
      "Kind",
      "NAME",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
/** Rows JSON.stringify cannot write: duplicate keys, __proto__, numbers beyond double, lone surrogates. */
const RAW_JSON_ROWS = [
  '{"kind":"server","name":"a","kind":"client"}',
  '{"__proto__":{"kind":"server"},"name":"p"}',
  '{"kind":"client","name":"c","__proto__":null}',
  "1e999",
  "-0",
  "123456789012345678901234567890",
  '{"kind":"server","name":"n","notAfter":1e999}',
  '{"kind":"server","name":"n","dns":["a.example.net",["nested"]]}',
  '{"kind":"client","name":"\\u0000"}',
  '{"kind":"client","name":"\\ud800"}',
  '{"kind":"client","name":"line\\nbreak","dns":"a.example.net\\r\\nb.example.net"}',
  '{"kind":"server","name":"s","ip":{"0":"10.0.0.1","length":1}}',
];
const jsonRowText = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        { kind: jsonField, name: jsonField, dns: jsonField, ip: jsonField, key: jsonField, notAfter: jsonField },
        { requiredKeys: [] },
      )
      .map((row) => JSON.stringify(row)),
  },
  { weight: 2, arbitrary: fc.dictionary(jsonKey, jsonField, { maxKeys: 7 }).map((row) => JSON.stringify(row)) },
  { weight: 1, arbitrary: jsonField.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_JSON_ROWS) },
);

type JsonDamage = "truncate" | "drop-comma" | "extra-comma" | "extra-bracket" | "drop-quote" | "comment";
const jsonManifest = fc
  .tuple(
    fc.boolean(),
    fc.array(jsonRowText, { maxLength: 8 }),
    fc.constantFrom(",", ",\n", ",\r\n  ", " , ", ",\n\n"),
    fc.constantFrom("", "\n", "  ", "\r\n"),
    fc.option(
      fc.tuple(
        fc.constantFrom<JsonDamage>("truncate", "drop-comma", "extra-comma", "extra-bracket", "drop-quote", "comment"),
        fc.nat(),
      ),
      { freq: 3 },
    ),
  )
  .map(([bom, rows, separator, pad, damage]) => {
    let text = `${bom ? "\uFEFF" : ""}${pad}[${pad}${rows.join(separator)}${pad}]${pad}`;
    if (damage) {
      const [how, n] = damage;
      const at = n % (text.length + 1);
      if (how === "truncate") text = text.slice(0, at);
      else if (how === "drop-comma") text = text.replace(",", "");
      else if (how === "extra-comma") text = text.replace(/\]\s*$/, ",]");
      else if (how === "extra-bracket") text = text.slice(0, at) + "[" + text.slice(at);
      else if (how === "drop-quote") text = text.replace('"', "");
      else text = `// manifest\n${text}`;
    }
    return text;
  });

const lineCount = (text: string) => 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);

/** parseManifest returns rows and problems (or throws a clean NutcaError); every problem is one line where the user sees it. */
function checkManifest(text: string, format: ManifestFormat): void {
  const manifest = acceptOrRejectSync(() => parseManifest(text, format, NOW));
  if (!manifest) return;
  const lines = lineCount(text);
  assert.ok(manifest.rows.length + manifest.problems.length > 0, "neither rows nor problems");
  for (const { line, message } of manifest.problems) {
    assert.ok(Number.isInteger(line) && line >= 1 && line <= lines, `problem on line ${line} of ${lines}`);
    assert.ok(typeof message === "string" && message.trim() !== "", `empty problem message on line ${line}`);
  }
  const names = new Set<string>();
  for (const row of manifest.rows) {
    assert.ok(Number.isInteger(row.line) && row.line >= 1 && row.line <= lines, `row on line ${row.line} of ${lines}`);
    assert.ok(row.kind === "server" || row.kind === "client", `row kind ${JSON.stringify(row.kind)}`);
    assert.ok(!names.has(row.name), `"${row.name}" accepted twice`);
    names.add(row.name);
    assert.ok(Array.isArray(row.dns) && row.dns.every((name) => typeof name === "string"));
    assert.ok(Array.isArray(row.ip) && row.ip.every((address) => typeof address === "string"));
  }
  // What the user sees (issue --from): the summary line, then one line per problem.
  if (manifest.problems.length > 0) {
    const error = new NutcaError("BAD_FILE", "the manifest m has bad rows", "fix them", {
      problems: manifest.problems,
    });
    const rendered = renderError(error, false);
    assert.equal(rendered.split(/\r\n|\r|\n/).length, 1 + manifest.problems.length, `rendered as:\n${rendered}`);
    JSON.parse(renderError(error, true));
  }
}

const MANIFEST_RUNS = 2000;

test("parseManifest and manifestFormat: any text, as CSV or JSON, is rows or problems on real lines", () => {
  const text = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.stringMatching(/^[[\]{}",:\s a-z0-9\\_-]{0,200}$/),
    fc.json({ maxDepth: 3 }),
  );
  const path = fc.oneof(
    fc.constantFrom("rows.csv", "rows.JSON", "rows.json.csv", "rows", ".json", "rows.txt"),
    fc.string({ maxLength: 20 }),
  );
  fc.assert(
    fc.property(path, text, (path, text) => {
      const format = manifestFormat(path, text);
      assert.ok(format === "csv" || format === "json", `format ${String(format)}`);
      checkManifest(text, format);
      checkManifest(text, format === "csv" ? "json" : "csv");
    }),
    { numRuns: MANIFEST_RUNS, includeErrorInReport: true },
  );
});

test("parseManifest: near-valid CSV (odd cells, quoting, missing and extra columns, any line ends)", () => {
  fc.assert(
    fc.property(csvManifest, (text) => {
      assert.equal(manifestFormat("batch.csv", text), "csv");
      checkManifest(text, "csv");
    }),
    { numRuns: MANIFEST_RUNS, includeErrorInReport: true },
  );
});

test("parseManifest: near-valid JSON (wrong types, nested values, nulls, huge numbers, broken syntax)", () => {
  fc.assert(
    fc.property(jsonManifest, (text) => {
      checkManifest(text, manifestFormat("batch", text));
      checkManifest(text, "json");
    }),
    { numRuns: MANIFEST_RUNS, includeErrorInReport: true },
  );
});

test("parseManifest: deeply nested JSON is a problem, not a stack overflow", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":'), (depth, open) => {
      const close = open === "[" ? "]" : "}";
      checkManifest(`[${open.repeat(depth)}1${close.repeat(depth)}]`, "json");
      checkManifest(`[${open.repeat(depth)}`, "json");
    }),
    { numRuns: 50, includeErrorInReport: true },
  );
});
