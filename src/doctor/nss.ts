/**
 * An NSS database of an export (upsd or upsmon CERTPATH on NSS builds): the CA
 * trusted with `C` for TLS, the CERTIDENT nickname present with its key and
 * valid, and the files readable by upsd's run-as user (nut-tls.md, NSS
 * backend). certutil works on a private copy, so the export is never touched.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSelfSigned, issuedBy, sameCertificate } from "../pki/chain.js";
import { decodeObjects } from "../pki/objects.js";
import type { x509 } from "../pki/x509.js";
import { makePrivateTemp, removePrivateTemp } from "../private-temp.js";
import { blockedAncestor, ownedFor, permissionsFor, type UserInfo } from "./access.js";
import { modeText } from "./store-files.js";
import type { CheckBuilder } from "./types.js";

export const NSS_FILES = ["cert9.db", "key4.db", "pkcs11.txt"] as const;

/** What a snippet says about a database: the CERTIDENT line. */
export interface NssIdentity {
  readonly nickname: string;
  readonly password: string;
  readonly snippet: string;
}

export interface NssCheckInput {
  readonly dir: string;
  readonly certutil: string | undefined;
  readonly anchors: readonly x509.X509Certificate[];
  /** The store's intermediate CA, which signs the leaves of a store made with init --intermediate. */
  readonly intermediates?: readonly x509.X509Certificate[];
  readonly identities: readonly NssIdentity[];
  /** upsd's / upsmon's run-as user; undefined when it does not exist here. */
  readonly user: UserInfo | undefined;
  readonly userName: string;
  /** A nutauth export's database: read by whoever runs upsc, not by the run-as user. */
  readonly clientsOwn?: boolean;
}

interface Listed {
  readonly nickname: string;
  readonly trust: string;
}

export function checkNssDb(input: NssCheckInput, check: CheckBuilder): void {
  const { dir } = input;
  const missing = NSS_FILES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    const legacy = existsSync(join(dir, "cert8.db"));
    check.add(
      legacy ? "warning" : "error",
      legacy ? "nss-legacy-db" : "nss-incomplete",
      legacy ? `${dir} is a legacy (dbm) database` : `${dir} lacks ${missing.join(", ")}`,
      "export it again (nutca export upsd|upsmon --backend nss), which writes the SQL format",
      dir,
    );
    if (!legacy) return;
  }
  if (!input.clientsOwn) readability(input, check);
  if (!input.certutil) {
    check.add(
      "info",
      "skipped",
      "skipped the database contents: certutil is not installed",
      "apt install libnss3-tools",
      dir,
    );
    return;
  }
  const work = makePrivateTemp(tmpdir(), "nutca-doctor-");
  try {
    for (const name of NSS_FILES) if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(work, name));
    contents(input, work, check);
  } finally {
    removePrivateTemp(work);
  }
}

function certutil(input: NssCheckInput, work: string, args: string[], password = ""): { ok: boolean; out: string } {
  const passwordFile = join(work, ".pw");
  writeFileSync(passwordFile, password === "" ? "" : password + "\n", { mode: 0o600 });
  const result = spawnSync(input.certutil!, [...args, "-d", `sql:${work}`, "-f", passwordFile], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 30_000,
  });
  return { ok: result.status === 0, out: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function contents(input: NssCheckInput, work: string, check: CheckBuilder): void {
  const { dir } = input;
  const listing = certutil(input, work, ["-L"]);
  if (!listing.ok) {
    check.add(
      "error",
      "nss-unreadable",
      `certutil cannot open ${dir}: ${lastLine(listing.out)}`,
      "export it again",
      dir,
    );
    return;
  }
  const listed = parseList(listing.out);
  const certificates = listed.map((entry) => ({ ...entry, certificate: certificateOf(input, work, entry.nickname) }));
  const users = certificates.filter((entry) => entry.trust.split(",").some((field) => field.includes("u")));
  // Without a store to compare with, every root in the database is held to the rule.
  const cas = certificates.filter((entry) =>
    input.anchors.length > 0
      ? entry.certificate && input.anchors.some((a) => sameCertificate(a, entry.certificate!))
      : entry.certificate && !users.includes(entry) && isSelfSigned(entry.certificate),
  );
  const flags = `certutil -M -d sql:${dir} -n`;
  for (const entry of cas) {
    const ssl = entry.trust.split(",")[0] ?? "";
    if (!ssl.includes("C")) {
      check.add(
        "error",
        "nss-ca-trust",
        `the CA "${entry.nickname}" has trust "${entry.trust}": NSS trusts it for TLS servers only with C in the first field`,
        `${flags} "${entry.nickname}" -t CT,, (with -f <password file> if the database has a password)`,
        dir,
      );
    }
  }
  if (input.anchors.length > 0 && cas.length === 0) {
    check.add(
      users.length > 0 ? "warning" : "error",
      "nss-no-ca",
      `${dir} does not hold this store's CA${users.length > 0 ? "" : ": upsmon cannot verify any server"}`,
      "export it again, or add it: certutil -A -d sql:DIR -n <name> -t CT,, -a -i ca.crt.pem",
      dir,
    );
  }
  for (const entry of users) {
    const issuers = [...input.anchors, ...(input.intermediates ?? [])];
    if (entry.certificate && input.anchors.length > 0 && !issuers.some((a) => issuedBy(entry.certificate!, a))) {
      check.add(
        "error",
        "not-signed-by-ca",
        `"${entry.nickname}" is not issued by this store's CA`,
        "export it again",
        dir,
      );
    }
  }
  for (const identity of input.identities) checkIdentity(input, work, identity, listed, check);
}

function checkIdentity(
  input: NssCheckInput,
  work: string,
  identity: NssIdentity,
  listed: readonly Listed[],
  check: CheckBuilder,
): void {
  const { dir } = input;
  if (!listed.some((entry) => entry.nickname === identity.nickname)) {
    const names = listed.map((entry) => `"${entry.nickname}"`).join(", ") || "none";
    check.add(
      "error",
      "nss-nickname-missing",
      `${identity.snippet} names "${identity.nickname}" in CERTIDENT, but the database holds ${names}: upsd serves plaintext`,
      "make CERTIDENT name the certificate's nickname (certutil -L -d sql:DIR lists them), or export again",
      dir,
    );
    return;
  }
  const keys = certutil(input, work, ["-K"], identity.password);
  if (!keys.ok) {
    check.add(
      "error",
      "nss-password",
      `the CERTIDENT password in ${identity.snippet} does not open the database (${lastLine(keys.out)}): upsd serves plaintext`,
      "put the database's password in CERTIDENT, or export again",
      dir,
    );
    return;
  }
  if (!keys.out.split("\n").some((line) => line.trimEnd().endsWith(` ${identity.nickname}`))) {
    check.add(
      "error",
      "nss-no-key",
      `the database holds no key for "${identity.nickname}": upsd cannot use it`,
      "export it again (the PKCS#12 import brings the key)",
      dir,
    );
    return;
  }
  const usage = /upsmon/.test(identity.snippet) ? "C" : "V";
  const verified = certutil(input, work, ["-V", "-n", identity.nickname, "-u", usage], identity.password);
  if (!/certificate is valid/.test(verified.out)) {
    check.add(
      "error",
      "nss-not-valid",
      `certutil -V says "${identity.nickname}" is not valid: ${lastLine(verified.out)}`,
      "check that the CA is in the database with trust CT,, and the certificate has not expired",
      dir,
    );
  }
}

function readability(input: NssCheckInput, check: CheckBuilder): void {
  const { dir, user, userName } = input;
  if (!user) {
    check.add("info", "skipped", `skipped the access check: no user "${userName}" on this host`, "", dir);
    return;
  }
  const paths = [dir, ...NSS_FILES.map((name) => join(dir, name)).filter((path) => existsSync(path))];
  const installed = ownedFor(statSync(dir), user);
  for (const path of paths) {
    const stat = statSync(path);
    const need = stat.isDirectory() ? 5 : 4;
    const bits = installed ? permissionsFor(stat, user) : (stat.mode >> 3) & 7;
    if ((bits & need) === need) continue;
    check.add(
      "error",
      "nss-not-readable",
      `${path} (${modeText(stat.mode)}, uid ${stat.uid}, gid ${stat.gid}) is not readable by ${userName}` +
        `${installed ? "" : " even once its group is " + userName}: upsd opens the database after dropping to ${userName}, ` +
        "then serves plaintext (nss_error -8174)",
      `chown root:${userName} ${dir} ${dir}/*; chmod 0750 ${dir}; chmod 0640 ${dir}/*`,
      path,
    );
  }
  if (installed) {
    const blocked = blockedAncestor(join(dir, "cert9.db"), user);
    if (blocked) {
      check.add(
        "error",
        "nss-path-blocked",
        `${userName} cannot enter ${blocked}, on the way to ${dir}`,
        `chmod o+x ${blocked}, or install the database under /etc/nut (root:${userName} 0750)`,
        blocked,
      );
    }
  }
}

function parseList(output: string): Listed[] {
  const entries: Listed[] = [];
  for (const line of output.split("\n")) {
    const match = /^(.*\S)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (match && !line.startsWith(" ") && match[2] !== "SSL,S/MIME,JAR/XPI") {
      entries.push({ nickname: match[1]!, trust: match[2]! });
    }
  }
  return entries;
}

function certificateOf(input: NssCheckInput, work: string, nickname: string): x509.X509Certificate | undefined {
  const result = certutil(input, work, ["-L", "-n", nickname, "-a"]);
  if (!result.ok) return undefined;
  const found = decodeObjects(Buffer.from(result.out)).find((object) => object.kind === "certificate");
  return found?.kind === "certificate" ? found.certificate : undefined;
}

function lastLine(output: string): string {
  return (
    output
      .trim()
      .split("\n")
      .pop()
      ?.replace(/^certutil: /, "") ?? ""
  );
}
