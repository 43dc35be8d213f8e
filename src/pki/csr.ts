/**
 * Certificate signing requests made elsewhere, so a host's key never leaves
 * it: `openssl req` (PEM `CERTIFICATE REQUEST` or DER) and NSS `certutil -R`
 * (PEM `NEW CERTIFICATE REQUEST` after lines of text, or DER). A request is
 * only a wish list: nutca takes its key and, unless told otherwise, its names;
 * the rest of the certificate comes from the profile.
 */
import { NutcaError } from "../errors.js";
import { keyTypeOfSpki, type KeyType } from "./keys.js";
import { checkNameCount } from "./names.js";
import { isPem, pemBlocks } from "./pem.js";
import { x509 } from "./x509.js";

const REQUEST_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);

export interface SigningRequest {
  readonly commonName: string | undefined;
  readonly spki: Uint8Array<ArrayBuffer>;
  readonly keyType: KeyType;
  /** The subjectAltNames asked for, as written (not yet validated). */
  readonly requested: {
    readonly dns: readonly string[];
    readonly ip: readonly string[];
    /** Names of types nutca does not issue, e.g. `email:admin@example.net`. */
    readonly other: readonly string[];
  };
  /** Extended key usages asked for (OIDs); the certificate gets the profile's, whatever these are. */
  readonly extendedKeyUsages: readonly string[];
}

/** Finds the one request in a file: PEM under either label (text around it is ignored) or DER. */
export function decodeCsr(bytes: Uint8Array, source = "the request"): x509.Pkcs10CertificateRequest {
  let der: Uint8Array = bytes;
  if (isPem(bytes)) {
    const blocks = pemBlocks(Buffer.from(bytes).toString("latin1"));
    const requests = blocks.filter((block) => REQUEST_LABELS.has(block.label));
    if (requests.length !== 1) {
      const found =
        blocks.length > 0 ? `it holds ${blocks.map((block) => block.label).join(", ")}` : "it has no PEM block";
      throw new NutcaError(
        "BAD_CSR",
        `${source} is not one certificate request: ${requests.length > 1 ? "it holds several" : found}`,
        "pass the file openssl req or certutil -R wrote",
      );
    }
    const decoded = requests[0]!.der;
    if (!decoded) throw notARequest(source);
    der = decoded;
  }
  if (der[0] !== 0x30) throw notARequest(source);
  try {
    return new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  } catch (error) {
    throw notARequest(source, error);
  }
}

function notARequest(source: string, cause?: unknown): NutcaError {
  return new NutcaError(
    "BAD_CSR",
    `${source} is not a certificate request (PEM or DER)`,
    "pass the file openssl req or certutil -R wrote",
    { cause },
  );
}

/**
 * Checks a request and reads what matters from it. Refused: a bad signature
 * (whoever sent it does not hold the key), a key type nutca does not issue, and
 * any request to be a CA.
 */
export async function readSigningRequest(bytes: Uint8Array, source = "the request"): Promise<SigningRequest> {
  return checkSigningRequest(decodeCsr(bytes, source), source);
}

/**
 * The one rule for what `nutca sign` refuses in a request (inspect reports the
 * same refusal as a finding, lint-other.ts): throws the NutcaError sign prints.
 */
export async function checkSigningRequest(
  csr: x509.Pkcs10CertificateRequest,
  source = "the request",
): Promise<SigningRequest> {
  // @peculiar/x509 parses these parts only when asked: a damaged request fails here, not at decodeCsr.
  const extensions = await readPart(source, "extensions", () => csr.extensions);
  const spki = await readPart(source, "public key", () => new Uint8Array(csr.publicKey.rawData));
  const keyType = await readPart(source, "public key", () => keyTypeOfSpki(spki));
  if (!(await verifies(csr))) {
    throw new NutcaError(
      "BAD_CSR",
      `the signature of ${source} does not verify`,
      "the request was altered or not signed by its key: make a new one on the host",
    );
  }
  await readPart(source, "extensions", () => assertNotCaRequest(extensions, source));
  const requested = await readPart(source, "names", () => {
    const sans = extensions.find((extension) => extension instanceof x509.SubjectAlternativeNameExtension);
    const names = { dns: [] as string[], ip: [] as string[], other: [] as string[] };
    for (const name of (sans as x509.SubjectAlternativeNameExtension | undefined)?.names.items ?? []) {
      if (name.type === "dns") names.dns.push(name.value);
      else if (name.type === "ip") names.ip.push(name.value);
      else names.other.push(`${name.type}:${name.value}`);
    }
    return names;
  });
  checkNameCount(
    requested.dns.length + requested.ip.length + requested.other.length,
    "make the request with fewer names, or choose them with --dns and --ip",
  );
  const commonName = await readPart(source, "subject", () => csr.subjectName.getField("CN")[0]);
  const extendedKeyUsages = await readPart(source, "extended key usages", () => {
    const eku = extensions.find((extension) => extension instanceof x509.ExtendedKeyUsageExtension);
    return eku ? (eku as x509.ExtendedKeyUsageExtension).usages.map(String) : [];
  });
  return { commonName, spki, keyType, requested, extendedKeyUsages };
}

/** Runs a lazy read of part of a request; whatever it throws becomes a one-line BAD_CSR. */
async function readPart<T>(source: string, part: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NutcaError) throw error;
    throw new NutcaError("BAD_CSR", `the ${part} in ${source} cannot be read`, "make a new request", {
      cause: error,
    });
  }
}

async function verifies(csr: x509.Pkcs10CertificateRequest): Promise<boolean> {
  try {
    return await csr.verify();
  } catch {
    return false;
  }
}

function assertNotCaRequest(extensions: readonly x509.Extension[], source: string): void {
  const ca = extensions.some((extension) => extension instanceof x509.BasicConstraintsExtension && extension.ca);
  const signsCertificates = extensions.some(
    (extension) =>
      extension instanceof x509.KeyUsagesExtension &&
      (extension.usages & (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)) !== 0,
  );
  if (ca || signsCertificates) {
    throw new NutcaError(
      "BAD_CSR",
      `${source} asks for a CA certificate (${ca ? "CA:TRUE" : "keyCertSign/cRLSign"})`,
      "nutca signs only server and client certificates: make the request without CA extensions",
    );
  }
}
