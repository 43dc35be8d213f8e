/**
 * Opens a PKCS#12 file for inspect: checks the MAC with the password, decrypts
 * the bags, and returns the certificates and keys with their friendlyNames
 * (the NSS nickname pk12util will give them). pkijs does the PKCS#12 work.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import * as pkijs from "pkijs";
import { NutcaError } from "../errors.js";
import { children, integerValue, readTlv, TAG_INTEGER } from "./der.js";
import { describeAlgorithmIdentifier } from "./objects.js";
import { setPkijsEngine } from "./engine.js";
import { x509 } from "./x509.js";

setPkijsEngine(pkijs);

const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
};
const FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const LOCAL_KEY_ID = "1.2.840.113549.1.9.21";

/**
 * The most iterations a file may ask for, per key derivation: 100 times what
 * nutca writes (pkcs12.ts) and twice the JDK's cap. Each one costs the reader
 * the same time it cost the writer; a file asking for more is refused unread.
 */
const MAX_PKCS12_ITERATIONS = 10_000_000;

export interface Pkcs12Item<T> {
  readonly value: T;
  readonly friendlyName?: string;
  readonly localKeyId?: string;
}

export interface Pkcs12Contents {
  readonly certificates: Pkcs12Item<x509.X509Certificate>[];
  readonly keys: Pkcs12Item<KeyObject>[];
  /** How each part is protected, in words: the MAC, and each encrypted bag or safe. */
  readonly protection: string[];
}

export async function readPkcs12(der: Uint8Array, password: string): Promise<Pkcs12Contents> {
  const passwordBytes = new Uint8Array(Buffer.from(password, "utf8")).buffer;
  let pfx: pkijs.PFX;
  try {
    pfx = pkijs.PFX.fromBER(new Uint8Array(der).buffer);
  } catch (error) {
    throw notParsed(error);
  }
  const protection: string[] = [];
  const mac = pfx.macData;
  if (mac) {
    // pkijs (through asn1js) reads an INTEGER of 4 octets or more as 0: 8,388,608 iterations made every
    // password "wrong". The count is read from the DER instead.
    mac.iterations = checkedIterations(macIterations(der));
    protection.push(`MAC ${algorithmLabel(mac.mac.digestAlgorithm.algorithmId)}, ${mac.iterations ?? 1} iterations`);
  } else protection.push("no MAC (integrity not protected by the password)");
  try {
    await pfx.parseInternalValues({ password: passwordBytes, checkIntegrity: mac !== undefined });
  } catch (error) {
    throw wrongPassword(error);
  }
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw new NutcaError("BAD_FILE", "the PKCS#12 file holds no content", "export it again");
  for (const info of safe.safeContents) {
    if (info.contentType !== "1.2.840.113549.1.7.6") continue;
    readIterationCounts(info.content);
    // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, contentEncryptionAlgorithm, ... } }
    const encryptedContentInfo = children(readTlv(new Uint8Array(info.content.toBER(false))).content)[1];
    const algorithm = encryptedContentInfo ? children(encryptedContentInfo.content)[1] : undefined;
    if (algorithm) protection.push(`certificates: ${describeAlgorithmIdentifier(algorithm.encoded)}`);
  }
  const contents = safe.safeContents.map(() => ({ password: passwordBytes }));
  try {
    await safe.parseInternalValues({ safeContents: contents });
  } catch (error) {
    throw mac ? unsupported(protection, error) : wrongPassword(error);
  }
  const certificates: Pkcs12Item<x509.X509Certificate>[] = [];
  const keys: Pkcs12Item<KeyObject>[] = [];
  for (const { value } of safe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of value.safeBags) {
      const labels = bagLabels(bag);
      if (bag.bagId === BAG.cert) {
        const value = (bag.bagValue as pkijs.CertBag).certValue as { valueBlock: { valueHexView: Uint8Array } };
        const certificate = new x509.X509Certificate(new Uint8Array(value.valueBlock.valueHexView));
        certificates.push({ value: certificate, ...labels });
      } else if (bag.bagId === BAG.shroudedKey) {
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        protection.push(`key: ${describeAlgorithmIdentifier(berOf(shrouded.encryptionAlgorithm))}`);
        readIterationCounts(shrouded.encryptionAlgorithm.algorithmParams);
        try {
          await (
            shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }
          ).parseInternalValues({ password: passwordBytes });
        } catch (error) {
          throw mac ? unsupported(protection, error) : wrongPassword(error);
        }
        keys.push({ value: keyFromInfo(shrouded.parsedValue!), ...labels });
      } else if (bag.bagId === BAG.key) {
        protection.push("key: NOT encrypted");
        keys.push({ value: keyFromInfo(bag.bagValue as pkijs.PrivateKeyInfo), ...labels });
      }
    }
  }
  return { certificates, keys, protection };
}

/** PFX ::= SEQUENCE { version, authSafe, macData SEQUENCE { mac, macSalt, iterations INTEGER DEFAULT 1 } } */
function macIterations(der: Uint8Array): number {
  try {
    const macData = children(readTlv(der).content)[2];
    const iterations = macData ? children(macData.content)[2] : undefined;
    return iterations?.tag === TAG_INTEGER ? integerValue(iterations.content) : 1;
  } catch (error) {
    throw notParsed(error);
  }
}

function notParsed(error: unknown): NutcaError {
  return new NutcaError("BAD_FILE", "the PKCS#12 file cannot be parsed", "check that it is a .p12/.pfx file", {
    cause: error,
  });
}

function checkedIterations(count: number): number {
  if (count > MAX_PKCS12_ITERATIONS) {
    throw new NutcaError(
      "BAD_FILE",
      `the PKCS#12 file asks for ${count.toLocaleString("en-US")} iterations of its key derivation; nutca does at most ${MAX_PKCS12_ITERATIONS.toLocaleString("en-US")}`,
      "export it again with fewer (openssl pkcs12 -export -iter 100000, or nutca export p12)",
    );
  }
  return count;
}

interface Asn1Node {
  readonly idBlock?: { readonly tagClass: number; readonly tagNumber: number };
  readonly valueBlock?: { value?: unknown; isHexOnly?: boolean; valueDec?: number };
  toBigInt?(): bigint;
}

/**
 * The iteration counts in an encryption's parameters (asn1js objects pkijs decrypts with), each checked
 * against the cap and set to its real value where asn1js read it as 0 (4 octets or more).
 */
function readIterationCounts(node: unknown): void {
  const asn = node as Asn1Node | undefined;
  const block = asn?.valueBlock;
  if (!block) return;
  const universalInteger = asn.idBlock?.tagClass === 1 && asn.idBlock.tagNumber === 2;
  if (universalInteger && block.isHexOnly && asn.toBigInt) {
    const value = asn.toBigInt();
    block.valueDec = checkedIterations(value > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(value));
  } else if (universalInteger && typeof block.valueDec === "number") {
    checkedIterations(block.valueDec);
  }
  if (Array.isArray(block.value)) for (const child of block.value) readIterationCounts(child);
}

function berOf(value: { toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer } }): Uint8Array {
  return new Uint8Array(value.toSchema().toBER(false));
}

/** A key bag that decrypts to bytes no key can be read from is a damaged file, not a crash. */
function keyFromInfo(info: pkijs.PrivateKeyInfo): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(berOf(info)), format: "der", type: "pkcs8" });
  } catch (error) {
    throw new NutcaError("BAD_FILE", "the PKCS#12 file's key cannot be read", "export it again", { cause: error });
  }
}

function bagLabels(bag: pkijs.SafeBag): { friendlyName?: string; localKeyId?: string } {
  const labels: { friendlyName?: string; localKeyId?: string } = {};
  for (const attribute of bag.bagAttributes ?? []) {
    const value = attribute.values[0] as { valueBlock?: { value?: string; valueHexView?: Uint8Array } } | undefined;
    if (attribute.type === FRIENDLY_NAME && typeof value?.valueBlock?.value === "string") {
      labels.friendlyName = value.valueBlock.value;
    }
    if (attribute.type === LOCAL_KEY_ID && value?.valueBlock?.valueHexView) {
      labels.localKeyId = Buffer.from(value.valueBlock.valueHexView).toString("hex").toUpperCase();
    }
  }
  return labels;
}

function algorithmLabel(oid: string): string {
  const names: Record<string, string> = {
    "1.3.14.3.2.26": "SHA-1",
    "2.16.840.1.101.3.4.2.1": "SHA-256",
    "2.16.840.1.101.3.4.2.2": "SHA-384",
    "2.16.840.1.101.3.4.2.3": "SHA-512",
  };
  return names[oid] ?? oid;
}

function wrongPassword(error: unknown): NutcaError {
  return new NutcaError(
    "BAD_PASSPHRASE",
    "the PKCS#12 password is wrong",
    "check the password (--p12-password-file FILE or NUTCA_P12_PASSWORD)",
    { cause: error },
  );
}

/** The MAC proved the password right, so a failure to decrypt is an algorithm pkijs lacks (legacy PBES1). */
function unsupported(protection: readonly string[], error: unknown): NutcaError {
  const legacy = protection.filter((line) => !line.startsWith("MAC")).join("; ");
  return new NutcaError(
    "BAD_FILE",
    `the PKCS#12 file is encrypted with an algorithm nutca cannot open${legacy ? ` (${legacy})` : ""}`,
    "check it with openssl pkcs12 -info -legacy, or re-export it with PBES2/AES (nutca export p12)",
    { cause: error },
  );
}
