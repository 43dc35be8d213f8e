/** How findings read on a terminal, shared by inspect, probe and doctor (not a command itself). */
import type { Finding } from "../../pki/findings.js";

const LABEL: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN ", info: "note " };

/** One finding: its severity and message, then the fix, indented. */
export function findingLines(finding: Finding & { path?: string }, indent = "  "): string[] {
  const lines = [`${indent}${LABEL[finding.severity]} ${finding.message}`];
  if (finding.fix) lines.push(`${indent}      fix: ${finding.fix}`);
  return lines;
}

export function findingsBlock(findings: readonly Finding[], indent = "  "): string[] {
  return findings.flatMap((finding) => findingLines(finding, indent));
}
