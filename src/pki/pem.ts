/**
 * PEM (RFC 7468): the one reader and the one writer of the armour, for
 * every object nutca reads or writes (certificates, requests, CRLs, keys).
 */
export function pemEncode(der: Uint8Array | ArrayBuffer, label: string): string {
  const lines = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der)
    .toString("base64")
    .match(/.{1,64}/g);
  return [`-----BEGIN ${label}-----`, ...(lines ?? []), `-----END ${label}-----`].join("\n");
}

export interface PemBlock {
  readonly label: string;
  /** RFC 1421 header lines (`Proc-Type: 4,ENCRYPTED`), as found. */
  readonly headers: readonly string[];
  /** The decoded body; undefined when it is not base64. */
  readonly der: Uint8Array<ArrayBuffer> | undefined;
  /** The block as written, BEGIN to END line. */
  readonly text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n?([\s\S]*?)-----END \1-----/g;

/** Every PEM block in the text, in order; text between blocks (certutil's, openssl's) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => {
    const lines = match[2]!.split(/\r?\n/);
    const body = lines
      .filter((line) => !line.includes(":"))
      .join("")
      .replace(/\s+/g, "");
    const base64 = body.length > 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(body);
    return {
      label: match[1]!,
      headers: lines.filter((line) => line.includes(":")),
      der: base64 ? new Uint8Array(Buffer.from(body, "base64")) : undefined,
      text: match[0],
    };
  });
}

/** Whether bytes look like PEM (a BEGIN line near the start), not DER. */
export function isPem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64 * 1024))
    .toString("latin1")
    .includes("-----BEGIN ");
}

/** The DER of the first PEM block with this label, or undefined when there is none. */
export function pemDecode(text: string, label: string): Uint8Array<ArrayBuffer> | undefined {
  return pemBlocks(text).find((block) => block.label === label)?.der;
}
