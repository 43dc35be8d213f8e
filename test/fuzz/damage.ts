// Damage for the fuzz tests: byte mutations of DER, text damage of PEM, random PEM blocks.
import fc from "fast-check";
import { children, readTlv } from "../../src/pki/der.js";

// ---------------------------------------------------------------- damage

export type Mutation =
  | { readonly op: "flip"; readonly at: number; readonly mask: number }
  | { readonly op: "set"; readonly at: number; readonly value: number }
  | { readonly op: "truncate"; readonly at: number }
  | { readonly op: "remove"; readonly at: number; readonly length: number }
  | { readonly op: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: "duplicate"; readonly at: number; readonly length: number };

/** Offsets near the start (DER headers, PEM labels) are hit more often than uniform ones would. */
export const offset = fc.oneof(fc.nat({ max: 48 }), fc.nat());
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: offset, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    op: fc.constant("set" as const),
    at: offset,
    value: fc.constantFrom(0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x88, 0xff),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: offset }),
  fc.record({ op: fc.constant("remove" as const), at: offset, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("insert" as const), at: offset, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: offset, length: fc.integer({ min: 1, max: 64 }) }),
);

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    switch (m.op) {
      case "flip":
      case "set":
        if (at < out.length) out[at] = m.op === "flip" ? out[at]! ^ m.mask : m.value;
        break;
      case "truncate":
        out = out.subarray(0, at);
        break;
      case "remove":
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
        break;
      case "insert":
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
      case "duplicate":
        out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
        break;
    }
  }
  return new Uint8Array(out);
}

/**
 * Damage confined to the SubjectPublicKeyInfo of a request or certificate (the
 * third field of what it signs), where most parsers only look lazily.
 */
export function damagedKeyInfo(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const regions = seeds.map((der) => {
    const spki = children(children(readTlv(der).content)[0]!.content).find((field, i) => i >= 2 && field.tag === 0x30)!;
    return { der, start: spki.encoded.byteOffset - der.byteOffset, length: spki.encoded.length };
  });
  return fc
    .tuple(
      fc.constantFrom(...regions),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 2 }),
    )
    .map(([{ der, start, length }, flips]) => {
      const out = new Uint8Array(der);
      for (const [at, mask] of flips) out[start + (at % length)]! ^= mask;
      return out;
    });
}

/** Byte mutations of one of `seeds` (binary DER). */
export function damagedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, mutations]) => mutate(seed, mutations));
}

export const LABELS = [
  "CERTIFICATE",
  "TRUSTED CERTIFICATE",
  "X509 CERTIFICATE",
  "CERTIFICATE REQUEST",
  "NEW CERTIFICATE REQUEST",
  "X509 CRL",
  "CRL",
  "PRIVATE KEY",
  "EC PRIVATE KEY",
  "RSA PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "PUBLIC KEY",
  "RSA PUBLIC KEY",
  "PKCS12",
  "PKCS7",
  "FOO",
];

export function toPem(label: string, der: Uint8Array, width = 64): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(new RegExp(`.{1,${width}}`, "g")) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${label}-----\n`;
}

/** Valid base64 of damaged DER, under its own label or another one. */
export function repemmed(seeds: readonly { readonly label: string; readonly der: Uint8Array }[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(mutation, { maxLength: 3 }),
      fc.option(fc.constantFrom(...LABELS), { freq: 4 }),
      fc.constantFrom(64, 76, 1000),
    )
    .map(([seed, mutations, label, width]) => toPem(label ?? seed.label, mutate(seed.der, mutations), width));
}

export type TextDamage =
  | { readonly op: "char"; readonly at: number; readonly char: string }
  | { readonly op: "truncate"; readonly at: number }
  | { readonly op: "remove"; readonly at: number; readonly length: number }
  | { readonly op: "insert"; readonly at: number; readonly text: string }
  | { readonly op: "relabel"; readonly which: "begin" | "end" | "both"; readonly label: string }
  | { readonly op: "drop"; readonly what: "begin" | "end" | "dashes" }
  | { readonly op: "crlf" | "unwrap" | "indent" | "proc-type" | "header-line" | "padding" };

export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  fc.record({
    op: fc.constant("char" as const),
    at: offset,
    char: fc.oneof(fc.constantFrom("A", "/", "+", "=", "-", ":", " ", "\n", "\r", "\0", "é", "\u2028"), fc.string()),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: offset }),
  fc.record({ op: fc.constant("remove" as const), at: offset, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant("insert" as const),
    at: offset,
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("-----BEGIN CERTIFICATE-----\n", "==", "\n\n")),
  }),
  fc.record({
    op: fc.constant("relabel" as const),
    which: fc.constantFrom("begin" as const, "end" as const, "both" as const),
    label: fc.oneof(fc.constantFrom(...LABELS), fc.stringMatching(/^[A-Z0-9 ]{0,12}$/), fc.string({ maxLength: 8 })),
  }),
  fc.record({
    op: fc.constant("drop" as const),
    what: fc.constantFrom("begin" as const, "end" as const, "dashes" as const),
  }),
  fc.record({
    op: fc.constantFrom(
      "crlf" as const,
      "unwrap" as const,
      "indent" as const,
      "proc-type" as const,
      "header-line" as const,
      "padding" as const,
    ),
  }),
);

export function damageText(text: string, damage: TextDamage): string {
  const at = "at" in damage ? damage.at % (text.length + 1) : 0;
  switch (damage.op) {
    case "char":
      return text.slice(0, at) + damage.char + text.slice(at + 1);
    case "truncate":
      return text.slice(0, at);
    case "remove":
      return text.slice(0, at) + text.slice(at + damage.length);
    case "insert":
      return text.slice(0, at) + damage.text + text.slice(at);
    case "relabel": {
      const begin = damage.which !== "end";
      const end = damage.which !== "begin";
      return text.replace(/-----(BEGIN|END) ([A-Z0-9 ]+)-----/g, (whole, kind: string) =>
        (kind === "BEGIN" ? begin : end) ? `-----${kind} ${damage.label}-----` : whole,
      );
    }
    case "drop":
      if (damage.what === "dashes") return text.replace(/-----/g, "----");
      return text.replace(damage.what === "begin" ? /-----BEGIN [^\n]*\n/ : /-----END [^\n]*\n?/, "");
    case "crlf":
      return text.replace(/\n/g, "\r\n");
    case "unwrap":
      return text.replace(/\n(?!-----)/g, "");
    case "indent":
      return text.replace(/\n/g, "\n  ");
    case "proc-type":
      return text.replace(/(-----BEGIN [^\n]*\n)/, "$1Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233\n\n");
    case "header-line":
      return text.replace(/(-----BEGIN [^\n]*\n)/, "$1Comment: a: b\n");
    case "padding":
      return text.replace(/\n-----END/, "====\n-----END");
  }
}

/** Text-level damage of one of `seeds` (PEM files). */
export function damagedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(textDamage, { minLength: 1, maxLength: 3 }))
    .map(([seed, damages]) => damages.reduce(damageText, seed));
}

/** A PEM block of anything: random base64-ish text under a random label. */
export const randomPem = fc
  .tuple(
    fc.constantFrom(...LABELS),
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9+/=\n]{0,200}$/),
      fc.uint8Array({ maxLength: 150 }).map((bytes) => Buffer.from(bytes).toString("base64")),
    ),
  )
  .map(([label, body]) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`);

/** Several text pieces in one file, with junk around them. */
export function concatenated(piece: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.constantFrom("", "\n", "\r\n", "junk between\n", "subject=CN = x\n"), piece), {
      minLength: 2,
      maxLength: 4,
    })
    .map((parts) => parts.map(([junk, text]) => junk + text).join(""));
}
