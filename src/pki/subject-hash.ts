/**
 * OpenSSL's X509_NAME_hash (what `openssl x509 -hash` prints and what a CApath
 * directory's `<hash>.0` names are): SHA-1 over the name's canonical encoding,
 * first four bytes read little-endian. The canonical encoding (OpenSSL
 * x509_name_canon) re-encodes every string value as a UTF8String with leading
 * and trailing white space removed, inner runs of white space folded to one
 * space and ASCII letters lower-cased, and leaves out the outer SEQUENCE header.
 * No library exposes this, so it is done here on the DER.
 */
import { createHash } from "node:crypto";
import { children, readTlv, type Tlv } from "./der.js";

const TAG = { utf8: 0x0c, printable: 0x13, t61: 0x14, ia5: 0x16, visible: 0x1a, universal: 0x1c, bmp: 0x1e };
const CANONICAL_TYPES = new Set(Object.values(TAG));

/** The hash of a DER-encoded Name, as 8 lower-case hex digits. */
export function subjectHash(nameDer: Uint8Array): string {
  const canonical = canonicalEncoding(nameDer);
  const digest = createHash("sha1").update(canonical).digest();
  return digest.readUInt32LE(0).toString(16).padStart(8, "0");
}

export function canonicalEncoding(nameDer: Uint8Array): Uint8Array {
  const name = readTlv(nameDer, 0);
  const sets = children(name.content).map((rdn) => {
    const attributes = children(rdn.content).map((attribute) => {
      const [type, value] = children(attribute.content);
      if (!type || !value) throw new Error("malformed AttributeTypeAndValue");
      const canonicalValue = CANONICAL_TYPES.has(value.tag)
        ? encode(TAG.utf8, Buffer.from(canonicalString(decodeString(value)), "utf8"))
        : value.encoded;
      return encode(0x30, concat([type.encoded, canonicalValue]));
    });
    return encode(0x31, concat(attributes.sort(compareDer)));
  });
  return concat(sets);
}

function canonicalString(text: string): string {
  const isSpace = (char: string) => " \t\n\v\f\r".includes(char);
  let result = "";
  let pendingSpace = false;
  for (const char of text) {
    if (isSpace(char)) {
      pendingSpace = result.length > 0;
      continue;
    }
    if (pendingSpace) result += " ";
    pendingSpace = false;
    result += char.charCodeAt(0) < 0x80 ? char.toLowerCase() : char;
  }
  return result;
}

function decodeString(value: Tlv): string {
  const bytes = Buffer.from(value.content);
  switch (value.tag) {
    case TAG.bmp:
      return bytes.swap16().toString("utf16le");
    case TAG.universal: {
      let text = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(bytes.readUInt32BE(i));
      return text;
    }
    case TAG.t61:
      return bytes.toString("latin1");
    default:
      return bytes.toString("utf8");
  }
}

function encode(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest & 0xff);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  return concat([Uint8Array.from(header), content]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
}

/** DER SET OF order: by encoding, the shorter one padded with zeros. */
function compareDer(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
