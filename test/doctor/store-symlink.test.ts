// A store reached through a symbolic link (--store /etc/nutca -> /srv/ca) is
// checked as the directory the link names: doctor finds it healthy, and a
// link planted inside the store is still a finding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";

interface Finding {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

async function doctorThrough(link: string): Promise<{ code: number | null; findings: Finding[] }> {
  const result = await runNutca(["--json", "doctor"], { store: link });
  const report = JSON.parse(result.stdout) as { checks: { findings: Finding[] }[] };
  return { code: result.code, findings: report.checks.flatMap((check) => check.findings) };
}

test("doctor on a store reached through a symlinked path is clean", async () => {
  const dir = tempDir();
  const store = join(dir, "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  await runNutcaOk(["issue", "client", "monitor1"], { store });
  const link = join(dir, "link");
  symlinkSync(store, link);
  await runNutcaOk(["issue", "client", "monitor2"], { store: link });

  const clean = await doctorThrough(link);
  assert.deepEqual(
    clean.findings.filter((finding) => finding.severity !== "info"),
    [],
  );
  assert.equal(clean.code, 0);

  symlinkSync(join(store, "ca.crt.pem"), join(store, "planted.pem"));
  const planted = await doctorThrough(link);
  assert.deepEqual(
    planted.findings
      .filter((finding) => finding.severity !== "info")
      .map(({ severity, code, message }) => ({ severity, code, message })),
    [{ severity: "warning", code: "symlink", message: "planted.pem is a symbolic link" }],
  );
  assert.equal(planted.code, 1);
});
