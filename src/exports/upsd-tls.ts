/**
 * What upsd's snippet may hold beyond the certificate itself, by NUT version
 * (directives.ts): client certificates (CERTREQUEST, and for OpenSSL the CA
 * directory CERTPATH) and an encrypted OpenSSL key unlocked by CERTIDENT.
 * Both need NUT 2.8.6; older upsd rejects the lines and carries on without
 * them, so they are refused here rather than written.
 */
import { NutcaError } from "../errors.js";
import type { NutBackend } from "../nut/backend.js";
import { accepts, atLeast, SINCE, versionText } from "../nut/directives.js";
import type { NutTarget } from "../nut/version.js";
import { generateNssPassword } from "../nut/nss-tools.js";
import { encryptPkcs8 } from "../pki/encrypt-pkcs8.js";
import { decryptPkcs8 } from "../pki/pkcs8.js";
import { subjectAltNames } from "../pki/profiles.js";
import type { Identity } from "./bundle.js";
import { quoted } from "./nut-common.js";

export type ClientCerts = "request" | "require";

export interface UpsdTls {
  readonly nut: NutTarget;
  readonly clientCerts?: ClientCerts | undefined;
}

/** The encrypted key of upsd.pem and the CERTIDENT that unlocks it (OpenSSL, NUT 2.8.6). */
export interface EncryptedUpsdKey {
  readonly pem: string;
  readonly name: string;
  readonly password: string;
}

const CERTREQUEST_VALUE: Record<ClientCerts, number> = { request: 1, require: 2 };

export function parseClientCerts(value: string | undefined): ClientCerts | undefined {
  if (value === undefined || value === "request" || value === "require") return value;
  throw new NutcaError("USAGE", `unknown --client-certs "${value}"`, "pass --client-certs request or require");
}

/** Refuses what this NUT cannot do, before anything is built or written. */
export function checkUpsdTls(tls: UpsdTls, backend: NutBackend, encryptKey: boolean): void {
  const version = versionText(tls.nut.version);
  if (tls.clientCerts) {
    if (!accepts(tls.nut.version, "upsd.conf", backend, "CERTREQUEST")) {
      throw new NutcaError(
        "USAGE",
        `--client-certs needs NUT 2.8.6; NUT ${version} rejects CERTREQUEST`,
        "upgrade NUT and pass --nut-version 2.8.6 (or auto), or leave --client-certs out",
      );
    }
    if (!tls.nut.clientValidation) {
      throw new NutcaError(
        "USAGE",
        `--client-certs: this NUT ${version} is built without client certificate validation (upsd -DDh)`,
        "use a NUT built --with-ssl-client-validation, or leave --client-certs out",
      );
    }
  }
  if (encryptKey) {
    if (backend !== "openssl") {
      throw new NutcaError(
        "USAGE",
        "--encrypt-key applies to --backend openssl (an NSS database has its own password)",
        "leave --encrypt-key out for NSS",
      );
    }
    if (!accepts(tls.nut.version, "upsd.conf", backend, "CERTIDENT")) {
      throw new NutcaError(
        "USAGE",
        `--encrypt-key needs NUT 2.8.6; NUT ${version} cannot decrypt upsd's key (OpenSSL CERTIDENT)`,
        "upgrade NUT and pass --nut-version 2.8.6 (or auto), or leave --encrypt-key out",
      );
    }
  }
}

/** CERTREQUEST (and for OpenSSL the client CA directory) for the snippet. */
export function clientCertLines(tls: UpsdTls, backend: NutBackend, caDir: string): string[] {
  if (!tls.clientCerts) return [];
  return [...(backend === "openssl" ? [`CERTPATH ${caDir}`] : []), `CERTREQUEST ${CERTREQUEST_VALUE[tls.clientCerts]}`];
}

/** The name CERTIDENT gives for the leaf: its CN, else its first subjectAltName (NUT checks either). */
export function certIdentName(identity: Pick<Identity, "certificate">): string {
  const cn = identity.certificate.subjectName.getField("CN")[0];
  if (cn) return cn;
  const sans = subjectAltNames(identity.certificate);
  return [...sans.dns, ...sans.ip][0] ?? identity.certificate.subject;
}

/** README lines: what the client certificate set-up means, and how 2.8.6 fails. */
export function upsdTlsReadme(tls: UpsdTls, backend: NutBackend): string[] {
  const lines: string[] = [];
  if (tls.clientCerts === "require") {
    lines.push(
      "Client certificates: CERTREQUEST 2 (REQUIRE): every client (upsmon, upsc, ...) must present a",
      "certificate of this CA. Export upsmon with --client <name> --nut-version 2.8.6.",
    );
  } else if (tls.clientCerts === "request") {
    lines.push(
      "Client certificates: CERTREQUEST 1 (REQUEST): " +
        (backend === "openssl"
          ? "a client without a certificate still gets in (OpenSSL);"
          : "NSS refuses a client without a certificate anyway;"),
      "use --client-certs require when you mean it.",
    );
  }
  if (tls.clientCerts) {
    lines.push(
      backend === "openssl"
        ? "client-ca/ is the CA directory (CERTPATH) upsd checks client certificates against."
        : "The CA is trusted for client authentication in the database (CT,,: T = client CAs).",
      "",
    );
  }
  lines.push(...failureMode(tls.nut, backend));
  return lines;
}

/** NSS upsd up to 2.8.5 serves plaintext on a broken TLS set-up (fail-open); 2.8.6 aborts: no UPS data. */
export function failureMode(nut: NutTarget, backend: NutBackend): string[] {
  const version = versionText(nut.version);
  if (atLeast(nut.version, SINCE.tlsAbort)) {
    return [
      `On a TLS set-up error NUT ${version}'s upsd ABORTS (exit 1, "failed to initialize ... backend"):`,
      "no upsd means no UPS data and no shutdown. Check the files before restarting; keep the old ones to roll back.",
      "",
    ];
  }
  return backend === "nss"
    ? [
        `On a TLS set-up error NUT ${version}'s NSS upsd logs it and serves plaintext (fail-open):`,
        "FORCESSL 1 on every client is what refuses it. NUT 2.8.6 aborts instead.",
        "",
      ]
    : [
        `On a CERTFILE error NUT ${version}'s OpenSSL upsd exits (after opening its port); other TLS lines`,
        "it does not know are logged as invalid directive and skipped. NUT 2.8.6 aborts on any TLS set-up error.",
        "",
      ];
}

/**
 * upsd.pem's key as PKCS#8 PBES2 (encryptPkcs8 of src/pki, as exported today)
 * and the CERTIDENT that unlocks it; the password from FILE or generated.
 */
export async function encryptUpsdKey(
  identity: Identity,
  passwordFile: string | undefined,
  readPasswordFile: (path: string) => string,
): Promise<EncryptedUpsdKey> {
  const password = passwordFile === undefined ? generateNssPassword() : readPasswordFile(passwordFile);
  const name = certIdentName(identity);
  quoted(password, "the key password");
  quoted(name, "the certificate name");
  const pkcs8 = decryptPkcs8(identity.keyPem, undefined, `the key of ${identity.name}`);
  return { pem: await encryptPkcs8(pkcs8, password), name, password };
}
