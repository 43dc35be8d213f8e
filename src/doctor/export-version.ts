/**
 * `doctor --export DIR --nut-version V`: the snippets' directives against what
 * that NUT accepts (the one table, nut/directives.ts), and an encrypted upsd
 * key against its CERTIDENT password: on NUT 2.8.6 a wrong one makes upsd
 * exit, where 2.8.0's NSS upsd would have served plaintext (fail-open).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { NutcaError } from "../errors.js";
import type { NutBackend } from "../nut/backend.js";
import { atLeast, rejectedDirectives, SINCE, versionText, type NutVersion } from "../nut/directives.js";
import { decryptPkcs8 } from "../pki/pkcs8.js";
import { directive, resolveInBundle, type Snippet } from "./snippet.js";
import type { CheckBuilder } from "./types.js";

/** The backend a NUT snippet is for: nutca's header says it; else CERTPATH naming an NSS db means NSS. */
function snippetBackend(snippet: Snippet, nssDbs: ReadonlySet<string>, root: string): NutBackend | undefined {
  const header = /NUT built with (OpenSSL|NSS)/.exec(readFileSync(snippet.path, "utf8"))?.[1];
  if (header) return header === "NSS" ? "nss" : "openssl";
  const path = directive(snippet, "CERTPATH")?.args[0];
  const resolved = path === undefined ? undefined : resolveInBundle(root, snippet.path, path);
  if (resolved !== undefined && nssDbs.has(resolved)) return "nss";
  return directive(snippet, "CERTFILE") ? "openssl" : undefined;
}

export function checkNutVersion(
  snippets: readonly Snippet[],
  context: { root: string; nssDbs: ReadonlySet<string>; version: NutVersion | undefined },
  check: CheckBuilder,
): void {
  for (const snippet of snippets) {
    if (snippet.kind === "stunnel") continue;
    const rel = relative(context.root, snippet.path);
    const backend = snippetBackend(snippet, context.nssDbs, context.root);
    if (backend === "openssl" && snippet.kind === "upsd") checkEncryptedKey(snippet, context, check);
    if (!context.version || !backend) continue;
    const file = snippet.kind === "upsd" ? "upsd.conf" : "upsmon.conf";
    const names = snippet.directives.map((item) => item.name);
    const rejected = rejectedDirectives(context.version, file, backend, names);
    if (rejected.length > 0) {
      check.add(
        "error",
        "nut-version-rejects",
        `${rel}: NUT ${versionText(context.version)} (${backend}) rejects ${rejected.join(", ")} as invalid directive ` +
          "and goes on without it",
        `export again with --nut-version ${versionText(context.version)}, or upgrade NUT`,
        snippet.path,
      );
    }
  }
}

/** CERTFILE holds an encrypted key: the CERTIDENT password must open it, or NUT 2.8.6's upsd exits. */
function checkEncryptedKey(
  snippet: Snippet,
  context: { root: string; version: NutVersion | undefined },
  check: CheckBuilder,
): void {
  const certFile = directive(snippet, "CERTFILE")?.args[0];
  const file = certFile === undefined ? undefined : resolveInBundle(context.root, snippet.path, certFile);
  if (file === undefined) return;
  const pem = /-----BEGIN ENCRYPTED PRIVATE KEY-----[\s\S]+?-----END ENCRYPTED PRIVATE KEY-----/.exec(
    readFileSync(file, "utf8"),
  )?.[0];
  if (!pem) return;
  const rel = relative(context.root, file);
  const password = directive(snippet, "CERTIDENT")?.args[1];
  const aborts = !context.version || atLeast(context.version, SINCE.tlsAbort);
  const consequence = aborts
    ? 'NUT 2.8.6\'s upsd exits ("failed to initialize OpenSSL backend"): no UPS data, no shutdown'
    : `NUT ${versionText(context.version!)} cannot decrypt it at all: upsd exits`;
  if (password === undefined) {
    check.add(
      "error",
      "encrypted-key-no-password",
      `${rel}: the key is encrypted and ${relative(context.root, snippet.path)} has no CERTIDENT password; ${consequence}`,
      "export again with --encrypt-key (it writes the CERTIDENT line), or without it",
      file,
    );
    return;
  }
  try {
    decryptPkcs8(pem, password, `the key in ${rel}`);
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    check.add(
      "error",
      "encrypted-key-wrong-password",
      `${rel}: the CERTIDENT password in ${relative(context.root, snippet.path)} does not decrypt its key; ${consequence}`,
      "restore the CERTIDENT line the export wrote, or export again with --encrypt-key",
      file,
    );
  }
  if (!aborts) {
    check.add(
      "error",
      "encrypted-key-old-nut",
      `${rel}: an encrypted upsd key needs NUT 2.8.6; ${consequence}`,
      "export again without --encrypt-key for this NUT",
      file,
    );
  }
}
