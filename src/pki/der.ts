/**
 * A DER reader, for what the parsing libraries normalise away: the exact
 * time strings (UTCTime or GeneralizedTime, fractions, `Z`) and the serial's
 * content octets that the lint must see even in a damaged certificate, the
 * subject as encoded (OpenSSL's subject hash), and the parameters of a
 * PKCS#12 or encrypted key to describe them. It only reads; nutca writes
 * every structure with @peculiar/x509 and the asn1-schema packages. Every
 * malformed input fails the one way, malformed().
 */

export const TAG_INTEGER = 0x02;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;

export interface Tlv {
  readonly tag: number;
  /** The content octets. */
  readonly content: Uint8Array;
  /** Tag, length and content. */
  readonly encoded: Uint8Array;
}

function malformed(what = "DER"): never {
  throw new Error(`malformed ${what}`);
}

export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) malformed();
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) malformed();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] ?? 0);
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) malformed();
  return { tag, content: bytes.subarray(offset + header, end), encoded: bytes.subarray(offset, end) };
}

/** A non-negative INTEGER's value (Infinity past what a number holds exactly). */
export function integerValue(content: Uint8Array): number {
  const value = BigInt("0x" + (Buffer.from(content).toString("hex") || "0"));
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(value);
}

export function children(content: Uint8Array): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < content.length;) {
    const item = readTlv(content, offset);
    items.push(item);
    offset += item.encoded.length;
  }
  return items;
}

export function decodeOid(bytes: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join(".");
}

export interface RawTime {
  readonly tag: typeof TAG_UTC_TIME | typeof TAG_GENERALIZED_TIME;
  readonly text: string;
}

function rawTime(tlv: Tlv | undefined): RawTime | undefined {
  if (!tlv || (tlv.tag !== TAG_UTC_TIME && tlv.tag !== TAG_GENERALIZED_TIME)) return undefined;
  return { tag: tlv.tag, text: Buffer.from(tlv.content).toString("latin1") };
}

export interface RawCertificateFields {
  /** 1 for v1 (no version field), 3 for v3. */
  readonly version: number;
  readonly serial: Uint8Array;
  readonly notBefore: RawTime | undefined;
  readonly notAfter: RawTime | undefined;
  /** The subject Name and the SubjectPublicKeyInfo, tag and length included. */
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
}

/** The serial's content octets, the validity times, the subject and the key, as encoded. */
export function rawCertificateFields(der: Uint8Array): RawCertificateFields {
  const [tbs] = children(readTlv(der).content);
  if (!tbs) malformed("certificate");
  const fields = children(tbs.content);
  const explicit = fields[0]?.tag === 0xa0 ? children(fields[0].content)[0] : undefined;
  const start = explicit ? 1 : 0;
  const serial = fields[start];
  const validity = fields[start + 3];
  const subject = fields[start + 4];
  const spki = fields[start + 5];
  if (serial?.tag !== TAG_INTEGER || validity?.tag !== TAG_SEQUENCE || subject?.tag !== TAG_SEQUENCE || !spki) {
    malformed("certificate");
  }
  const [notBefore, notAfter] = children(validity.content);
  const version = explicit ? (explicit.content[explicit.content.length - 1] ?? 0) + 1 : 1;
  return {
    version,
    serial: serial.content,
    notBefore: rawTime(notBefore),
    notAfter: rawTime(notAfter),
    subject: subject.encoded,
    subjectPublicKeyInfo: spki.encoded,
  };
}

/** thisUpdate and nextUpdate of a CRL, as encoded. */
export function rawCrlTimes(der: Uint8Array): { thisUpdate?: RawTime; nextUpdate?: RawTime } {
  const [tbs] = children(readTlv(der).content);
  if (!tbs) malformed("CRL");
  const fields = children(tbs.content);
  const start = fields[0]?.tag === TAG_INTEGER ? 1 : 0;
  const thisUpdate = rawTime(fields[start + 2]);
  const nextUpdate = rawTime(fields[start + 3]);
  return { ...(thisUpdate ? { thisUpdate } : {}), ...(nextUpdate ? { nextUpdate } : {}) };
}

/**
 * RFC 5280 4.1.2.5: UTCTime `YYMMDDHHMMSSZ` through 2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` from 2050; always seconds, always `Z`, never fractions.
 * Returns what is wrong, or undefined.
 */
export function timeEncodingProblem(time: RawTime): string | undefined {
  if (time.tag === TAG_UTC_TIME) {
    if (!/^\d{12}Z$/.test(time.text)) return `UTCTime "${time.text}" is not YYMMDDHHMMSSZ`;
    return undefined;
  }
  if (!/^\d{14}Z$/.test(time.text)) return `GeneralizedTime "${time.text}" is not YYYYMMDDHHMMSSZ (whole seconds, Z)`;
  if (Number(time.text.slice(0, 4)) < 2050) return `GeneralizedTime "${time.text}" is used for a year before 2050`;
  return undefined;
}
