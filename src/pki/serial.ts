import { randomBytes } from "node:crypto";

/**
 * A 16-byte random serial as upper-case hex. The first byte is kept in
 * 0x01..0x7f so the DER INTEGER is positive and exactly 16 bytes long: 127 bits
 * of randomness, well above RFC 5280's 64.
 */
export function randomSerial(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

export function normalizeSerial(text: string): string | undefined {
  const hex = text.replace(/:/g, "").trim().toUpperCase();
  return /^[0-9A-F]{2,40}$/.test(hex) ? hex : undefined;
}
