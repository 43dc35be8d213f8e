/**
 * DER encoders for the few types a leaf certificate is made of. A single
 * `nutca issue` must start in about as long as node itself: the ASN.1
 * libraries (asn1js, asn1-schema, asn1-x509) cost a third of that just to
 * load, so the issuing path encodes with these instead, and the tests hold
 * every encoding byte-equal to what the asn1-x509 schemas produce.
 */

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_PRINTABLE_STRING = 0x13;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
/** GeneralName's dNSName ([2] IMPLICIT IA5String) and iPAddress ([7] IMPLICIT OCTET STRING). */
export const TAG_DNS_NAME = 0x82;
export const TAG_IP_ADDRESS = 0x87;

/** One DER TLV: the tag, the definite length, then the contents. */
export function encodeTlv(tag: number, ...contents: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = contents.reduce((sum, part) => sum + part.length, 0);
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest & 0xff);
  const header = length < 0x80 ? [tag, length] : [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  return Buffer.concat([Uint8Array.from(header), ...contents]);
}

export function encodeOid(oid: string): Uint8Array<ArrayBuffer> {
  const [first = 0, second = 0, ...rest] = oid.split(".").map(Number);
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128 = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      base128.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...base128);
  }
  return encodeTlv(TAG_OID, Uint8Array.from(bytes));
}

export function encodeText(tag: number, text: string): Uint8Array<ArrayBuffer> {
  return encodeTlv(tag, Buffer.from(text, "utf8"));
}

export const DER_TRUE = Uint8Array.of(TAG_BOOLEAN, 0x01, 0xff);

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, `Z`. */
export function encodeTime(date: Date): Uint8Array<ArrayBuffer> {
  const digits = date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:T]/g, "");
  const year = date.getUTCFullYear();
  return year < 2050 && year >= 1950
    ? encodeText(TAG_UTC_TIME, digits.slice(2))
    : encodeText(TAG_GENERALIZED_TIME, digits);
}

/**
 * A named-bit BIT STRING (X.680 22.7): bit 0 is the most significant bit of
 * the first octet, and DER drops trailing zero bits.
 */
export function encodeNamedBits(bits: readonly number[]): Uint8Array<ArrayBuffer> {
  const highest = Math.max(...bits);
  const octets = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) octets[bit >> 3]! |= 0x80 >> (bit & 7);
  return encodeTlv(TAG_BIT_STRING, Uint8Array.of(7 - (highest & 7)), octets);
}
