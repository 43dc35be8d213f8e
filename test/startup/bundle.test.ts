// The esbuild bundle bin/nutca.js runs keeps each command's code in its own chunks: what a command
// loads is its entry chunk and the chunks those import statically (dist/bundle/meta.json says which).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

interface Meta {
  outputs: Record<
    string,
    { entryPoint?: string; imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }
  >;
}

const meta = JSON.parse(readFileSync(new URL("../../bundle/meta.json", import.meta.url), "utf8")) as Meta;

/** The node_modules packages in an entry's chunk and every chunk it imports statically. */
function packagesLoadedBy(entryPoint: string): Set<string> {
  const entry = Object.keys(meta.outputs).find((out) => meta.outputs[out]!.entryPoint === entryPoint);
  assert.ok(entry, `${entryPoint} is an entry of the bundle`);
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imported of meta.outputs[out]!.imports) {
      if (imported.kind === "import-statement" && meta.outputs[imported.path]) visit(imported.path);
    }
  };
  visit(entry);
  const packages = new Set<string>();
  for (const out of seen) {
    for (const input of Object.keys(meta.outputs[out]!.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1]!);
    }
  }
  return packages;
}

test("the bundle's main chunk (--help) holds commander and no X.509, prompt or settings library", () => {
  assert.deepEqual([...packagesLoadedBy("dist/src/cli/main.js")], ["commander"]);
});

test("the issue command's chunks hold no package at all: no X.509, ASN.1, prompt or settings library", () => {
  assert.deepEqual([...packagesLoadedBy("dist/src/cli/commands/issue.js")], []);
});
