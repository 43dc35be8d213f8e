/**
 * `nutca doctor --export DIR`: a bundle directory as written by `nutca export`
 * (or as installed): certificate and key files, OpenSSL hashed directories,
 * NSS databases and the config snippets that tie them together. Read-only.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { NutcaError } from "../errors.js";
import { INPUT_CAPS, readInputFile } from "../input-file.js";
import { NSS_STAMP_NAME } from "../exports/nut-common.js";
import { SECURITY_DOC_PATH } from "../exports/security-render.js";
import { issuedBy } from "../pki/chain.js";
import { certificateKeyFacts, keyFacts } from "../pki/describe.js";
import { decodeObjects } from "../pki/objects.js";
import { readPkcs12 } from "../pki/p12-read.js";
import type { x509 } from "../pki/x509.js";
import type { UserInfo } from "./access.js";
import {
  checkChainFile,
  checkHashedFile,
  checkKeyFile,
  checkKeyMode,
  fileInfo,
  isHashedName,
  lintOnce,
  type BundleFileInfo,
} from "./export-files.js";
import { checkHoles } from "./export-holes.js";
import { checkSnippet } from "./export-snippets.js";
import { checkNutVersion } from "./export-version.js";
import type { NutVersion } from "../nut/directives.js";
import { checkNssDb, NSS_FILES, type NssIdentity } from "./nss.js";
import { readSnippet, type Snippet } from "./snippet.js";
import { walk } from "./store-files.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

export interface ExportDoctorOptions {
  readonly now: Date;
  /** This store's CA certificate(s); empty when there is no store to compare with. */
  readonly anchors: readonly x509.X509Certificate[];
  /** This store's intermediate CA (init --intermediate), between the anchors and the leaves. */
  readonly intermediates?: readonly x509.X509Certificate[];
  readonly userName: string;
  readonly user: UserInfo | undefined;
  readonly certutil: string | undefined;
  /** --nut-version: check the snippets' directives against that NUT. */
  readonly nutVersion?: NutVersion | undefined;
}

const SKIP = /(^README|\.sh$|\.password$|\.txt$|\.json$|\.md$)/;
const MAX_BYTES = 4 * 1024 * 1024;

export async function doctorExport(dir: string, options: ExportDoctorOptions): Promise<DoctorCheck[]> {
  const nodes = walk(dir, 5000);
  const nssDbs = new Set(
    nodes
      .filter((node) => basename(node.path) === "cert9.db" || basename(node.path) === "cert8.db")
      .map((node) => dirname(node.path)),
  );
  const infos = new Map<string, BundleFileInfo>();
  const snippets: Snippet[] = [];
  const p12s: string[] = [];
  let hasNutauth = false;
  for (const node of nodes) {
    if (!node.stat.isFile() || node.stat.size > MAX_BYTES) continue;
    const name = basename(node.path);
    if (
      nssDbs.has(dirname(node.path)) &&
      (NSS_FILES as readonly string[]).concat("cert8.db", "key3.db", "secmod.db", NSS_STAMP_NAME).includes(name)
    )
      continue;
    // nutauth.conf is the clients' own file (key = value), not a upsmon snippet.
    if (name === "nutauth.conf") {
      hasNutauth = true;
      continue;
    }
    const snippet = readSnippet(node.path);
    if (snippet) snippets.push(snippet);
    else if (/\.(p12|pfx)$/i.test(name)) p12s.push(node.path);
    else if (!SKIP.test(name)) {
      const objects = decodeObjects(
        readInputFile(node.path, { what: "bundle file", maxBytes: INPUT_CAPS.certificates }),
      ).filter((object) => object.kind !== "unknown");
      if (objects.length > 0) infos.set(node.path, fileInfo(node.path, node.rel, objects));
    }
  }
  const files = [...infos.values()];
  const chains = new CheckBuilder("export.chains", "certificate files: leaf first, chain complete, issued by this CA");
  const keys = new CheckBuilder("export.keys", "keys match their certificates and are not world-readable");
  const hashed = new CheckBuilder("export.hashed", "OpenSSL hashed names match the certificates");
  const lint = new CheckBuilder("export.lint", "certificates pass the lint");
  for (const info of files) {
    if (isHashedName(basename(info.path))) checkHashedFile(info, hashed);
    else checkChainFile(info, options.anchors, options.now, chains, options.intermediates);
    checkKeyFile(info, files, keys);
    checkKeyMode(info, keys);
  }
  hashedDirsHoldRoot(files, options.anchors, hashed);
  lintOnce(files, options.now, lint);

  const snippetCheck = new CheckBuilder("export.snippets", "config snippets agree with the files");
  const identities = new Map<string, NssIdentity[]>();
  for (const snippet of snippets) checkSnippet(snippet, { root: dir, files: infos, nssDbs, identities }, snippetCheck);
  const holes = new CheckBuilder("export.security", `no hole left open that a line could close (${SECURITY_DOC_PATH})`);
  checkHoles(snippets, { root: dir, nssDbs, hasNutauth }, holes);
  const version = new CheckBuilder(
    "export.nut-version",
    options.nutVersion
      ? `snippets hold only what NUT ${options.nutVersion.join(".")} accepts; encrypted keys open with their password`
      : "encrypted keys open with their CERTIDENT password",
  );
  checkNutVersion(snippets, { root: dir, nssDbs, version: options.nutVersion }, version);
  const nss = new CheckBuilder(
    "export.nss",
    "NSS databases: CA trusted CT,,, nickname and key present, readable by " + options.userName,
  );
  for (const db of nssDbs) {
    checkNssDb(
      {
        dir: db,
        certutil: options.certutil,
        anchors: options.anchors,
        ...(options.intermediates ? { intermediates: options.intermediates } : {}),
        identities: identities.get(db) ?? [],
        user: options.user,
        userName: options.userName,
        clientsOwn: existsSync(join(dirname(db), "nutauth.conf")),
      },
      nss,
    );
  }
  const p12 = new CheckBuilder("export.p12", "PKCS#12 files hold a matching key and certificate");
  for (const path of p12s) await checkP12(path, relative(dir, path), options.anchors, p12);

  const checks = [chains, keys, hashed, lint, snippetCheck, holes, version, nss, p12].map((check) => check.done());
  if (files.length + snippets.length + nssDbs.size + p12s.length === 0) {
    const empty = new CheckBuilder("export.contents", "the directory holds an export");
    empty.add(
      "error",
      "export-empty",
      `${dir} holds no certificate, key, NSS database or config snippet`,
      "point --export at a directory written by nutca export",
      dir,
    );
    checks.unshift(empty.done());
  }
  return checks;
}

/** A CApath directory must hold the root the chain ends at; intermediates alone are not enough. */
function hashedDirsHoldRoot(
  files: readonly BundleFileInfo[],
  anchors: readonly x509.X509Certificate[],
  check: CheckBuilder,
): void {
  if (anchors.length === 0) return;
  const dirs = new Map<string, BundleFileInfo[]>();
  for (const info of files) {
    if (!isHashedName(basename(info.path))) continue;
    dirs.set(dirname(info.path), [...(dirs.get(dirname(info.path)) ?? []), info]);
  }
  for (const [dir, list] of dirs) {
    const hasRoot = list.some((info) =>
      info.certificates.some((certificate) =>
        anchors.some((anchor) => Buffer.from(anchor.rawData).equals(Buffer.from(certificate.rawData))),
      ),
    );
    if (!hasRoot && list.some((info) => info.certificates.length > 0)) {
      check.add(
        "error",
        "capath-without-root",
        `${dir} does not hold this store's CA under its hashed name`,
        "export again (nutca export ca writes certs/)",
        dir,
      );
    }
  }
}

async function checkP12(
  path: string,
  rel: string,
  anchors: readonly x509.X509Certificate[],
  check: CheckBuilder,
): Promise<void> {
  const passwordFile = `${path}.password`;
  if (!existsSync(passwordFile)) {
    check.add(
      "info",
      "skipped",
      `${rel} not opened: its password is not beside it`,
      `check it with: nutca inspect ${path}`,
      path,
    );
    return;
  }
  try {
    const contents = await readPkcs12(
      new Uint8Array(readInputFile(path, { what: "PKCS#12 file", maxBytes: INPUT_CAPS.pkcs12 })),
      readInputFile(passwordFile, { what: "password file", maxBytes: INPUT_CAPS.password })
        .toString("utf8")
        .split(/\r?\n/)[0] ?? "",
    );
    const leaf = contents.certificates[0]?.value;
    const key = contents.keys[0]?.value;
    if (!leaf || !key) {
      check.add(
        "error",
        "p12-incomplete",
        `${rel} lacks ${leaf ? "the key" : "the certificate"}`,
        "export it again",
        path,
      );
      return;
    }
    const match = contents.certificates.find(
      (item) => certificateKeyFacts(item.value).spkiSha256 === keyFacts(key).spkiSha256,
    );
    if (!match)
      check.add(
        "error",
        "key-mismatch",
        `${rel}: the key belongs to none of its certificates`,
        "export it again",
        path,
      );
    else if (!match.friendlyName) {
      check.add(
        "warning",
        "p12-no-friendly-name",
        `${rel}: no friendlyName: pk12util invents a nickname, and CERTIDENT will not find it`,
        "export it again (nutca sets the friendlyName)",
        path,
      );
    }
    if (
      match &&
      anchors.length > 0 &&
      !anchors.some((anchor) => issuedBy(match.value, anchor)) &&
      !contents.certificates.some((item) => item !== match && issuedBy(match.value, item.value))
    ) {
      check.add(
        "error",
        "foreign-ca",
        `${rel}: the certificate is not issued by this store's CA`,
        "export it again from this store",
        path,
      );
    }
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    check.add("error", "p12-unreadable", `${rel}: ${error.message}`, error.hint ?? "export it again", path);
  }
}
