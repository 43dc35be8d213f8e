/**
 * A snippet agrees with the files beside it: every path it names is in the
 * bundle and is the right kind of thing (a CERTFILE with an unencrypted key, a
 * CApath with hashed names, CERTIDENT pointing into an NSS database). Which
 * security lines are missing is export-holes.ts's.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { isHashedName, type BundleFileInfo } from "./export-files.js";
import type { NssIdentity } from "./nss.js";
import { directive, resolveInBundle, type Directive, type Snippet } from "./snippet.js";
import type { CheckBuilder } from "./types.js";

const FILE_DIRECTIVES = new Set(["CERTFILE", "CERTPATH", "cert", "key", "CAfile", "CApath", "CRLfile", "CRLpath"]);

export interface SnippetContext {
  readonly root: string;
  readonly files: ReadonlyMap<string, BundleFileInfo>;
  /** NSS databases found in the bundle, by absolute path. */
  readonly nssDbs: ReadonlySet<string>;
  /** Filled in here: what each CERTIDENT line says about the database it points at. */
  readonly identities: Map<string, NssIdentity[]>;
}

export function checkSnippet(snippet: Snippet, context: SnippetContext, check: CheckBuilder): void {
  const rel = relative(context.root, snippet.path);
  const where = (item: Directive) => `${rel} line ${item.line}`;
  const resolved = new Map<string, string>();
  for (const item of snippet.directives) {
    if (!FILE_DIRECTIVES.has(item.name) || item.args[0] === undefined) continue;
    const found = resolveInBundle(context.root, snippet.path, item.args[0]);
    if (found) resolved.set(item.name, found);
    else {
      check.add(
        "error",
        "snippet-missing-file",
        `${where(item)}: ${item.name} ${item.args[0]} names nothing in this bundle`,
        "export again, or correct the path (--install-dir)",
        snippet.path,
      );
    }
  }
  if (snippet.kind === "stunnel") return stunnel(snippet, resolved, context, check, where);
  const certpath = resolved.get("CERTPATH");
  const ident = directive(snippet, "CERTIDENT");
  // With CERTFILE it is OpenSSL's CERTIDENT (NUT 2.8.6: leaf name, key password): export-version.ts checks it.
  const opensslIdent = directive(snippet, "CERTFILE") !== undefined;
  if (ident && !opensslIdent) {
    if (ident.args.length !== 2) {
      check.add(
        "error",
        "certident-args",
        `${where(ident)}: CERTIDENT needs a nickname AND the DB password`,
        'CERTIDENT "nut-server" ""',
        snippet.path,
      );
    } else if (!directive(snippet, "CERTPATH")) {
      check.add(
        "error",
        "certident-without-certpath",
        `${where(ident)}: CERTIDENT without CERTPATH`,
        "add CERTPATH <NSS database dir>",
        snippet.path,
      );
    } else if (certpath && !context.nssDbs.has(certpath)) {
      check.add(
        "error",
        "certident-not-nss",
        `${where(ident)}: CERTIDENT, but CERTPATH is not an NSS database`,
        "export for the right backend (--backend nss)",
        snippet.path,
      );
    } else if (certpath) {
      const list = context.identities.get(certpath) ?? [];
      list.push({ nickname: ident.args[0]!, password: ident.args[1]!, snippet: `${rel} (${snippet.kind})` });
      context.identities.set(certpath, list);
    }
  }
  const certfile = directive(snippet, "CERTFILE");
  const certfileInfo = resolved.get("CERTFILE") ? context.files.get(resolved.get("CERTFILE")!) : undefined;
  if (certfile && certfileInfo && snippet.kind === "upsd") {
    if (certfileInfo.encryptedKeys > 0 && !ident) {
      check.add(
        "error",
        "certfile-encrypted-key",
        `${where(certfile)}: the key in ${certfileInfo.rel} is encrypted: upsd <= 2.8.5 dies on it`,
        "export again (the upsd export writes the key unencrypted)",
        snippet.path,
      );
    } else if (certfileInfo.keys.length === 0 && certfileInfo.encryptedKeys === 0) {
      check.add(
        "error",
        "certfile-no-key",
        `${where(certfile)}: ${certfileInfo.rel} holds no private key`,
        "CERTFILE is leaf, chain, then key, in one file: export again",
        snippet.path,
      );
    }
  }
  if (snippet.kind === "upsmon" && certpath && !context.nssDbs.has(certpath))
    capath(certpath, snippet, where(directive(snippet, "CERTPATH")!), check);
  if (snippet.kind === "upsmon") {
    const verify = directive(snippet, "CERTVERIFY");
    if (verify?.args[0] === "1" && !directive(snippet, "CERTPATH")) {
      check.add(
        "error",
        "certverify-without-certpath",
        `${where(verify)}: CERTVERIFY 1 without CERTPATH: upsmon never connects`,
        "add CERTPATH",
        snippet.path,
      );
    }
  }
}

function capath(path: string, snippet: Snippet, where: string, check: CheckBuilder): void {
  if (!statSync(path).isDirectory()) {
    check.add(
      "error",
      "certpath-not-dir",
      `${where}: CERTPATH is a file: OpenSSL upsmon wants a hashed directory`,
      "point CERTPATH at the certs/ directory of the export",
      snippet.path,
    );
  } else if (!readdirSync(path).some(isHashedName)) {
    check.add(
      "error",
      "capath-not-hashed",
      `${where}: CERTPATH has no <hash>.0 files: every verification fails`,
      `openssl rehash ${path}, or export again`,
      snippet.path,
    );
  }
}

function stunnel(
  snippet: Snippet,
  resolved: ReadonlyMap<string, string>,
  context: SnippetContext,
  check: CheckBuilder,
  where: (item: Directive) => string,
): void {
  const cert = resolved.get("cert");
  const certInfo = cert ? context.files.get(cert) : undefined;
  const keyPath = resolved.get("key");
  const keyInfo = keyPath ? context.files.get(keyPath) : certInfo;
  const certItem = directive(snippet, "cert");
  if (certItem && certInfo) {
    const leaf = certInfo.certificates[0];
    if (!leaf) {
      check.add(
        "error",
        "stunnel-cert-empty",
        `${where(certItem)}: ${certInfo.rel} holds no certificate`,
        "export again",
        snippet.path,
      );
    } else if (keyInfo && keyInfo.keys.length === 0 && keyInfo.encryptedKeys === 0) {
      check.add(
        "error",
        "stunnel-no-key",
        `${where(certItem)}: no private key in ${keyInfo.rel}`,
        "add key = <file>",
        snippet.path,
      );
    }
  }
  const capathDir = resolved.get("CApath");
  if (capathDir && existsSync(capathDir)) capath(capathDir, snippet, where(directive(snippet, "CApath")!), check);
  const crl = resolved.get("CRLfile");
  const crlInfo = crl ? context.files.get(crl) : undefined;
  if (crl && (!crlInfo || crlInfo.crls.length === 0)) {
    check.add(
      "error",
      "crlfile-not-crl",
      `${where(directive(snippet, "CRLfile")!)}: ${join(crl)} is not a CRL`,
      "export again",
      snippet.path,
    );
  }
}
