import { EXPORT_TARGETS } from "../targets/index.js";
import type { AnyExportTarget } from "../targets/target.js";

/**
 * The export commands to run again after a certificate changed: every target
 * that takes this kind of certificate, by its `<name>` argument or its
 * `--server`/`--client` option (read from the target's own flags, so
 * new targets appear here without a change). A certificate signed from a
 * request has no key in the store: the host gets the certificate alone.
 */
export function reexportLines(name: string, kind: string, hasKey: boolean): string[] {
  if (!hasKey) return [`nutca show ${name} --pem > ${name}.crt.pem   # its key is on the host already`];
  return EXPORT_TARGETS.flatMap((target) => {
    const line = exportLine(target, name, kind);
    return line ? [line] : [];
  });
}

function exportLine(target: AnyExportTarget, name: string, kind: string): string | undefined {
  const options = target.flags().filter((option) => option.mandatory);
  const own = options.find((option) => option.long === `--${kind}`);
  if (!own && (target.arguments ?? []).length === 0) return undefined;
  if (!own && /server|upsd|client|upsmon/.test(target.name) && !target.name.includes(kindWord(kind))) return undefined;
  const words = ["nutca export", target.name, ...(own ? [] : [name])];
  for (const option of options) words.push(option.long!, option === own ? name : `<${option.long!.slice(2)}>`);
  return [...words, "--force"].join(" ");
}

function kindWord(kind: string): string {
  return kind === "server" ? "server" : "client";
}
