/**
 * PEM armour (RFC 7468) for the objects nutca writes itself. Written here,
 * not taken from @peculiar/x509, so that issuing a certificate does not load
 * that library (its import costs more than the rest of an issuance).
 */
export function pemEncode(der: Uint8Array | ArrayBuffer, label: string): string {
  const lines = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der)
    .toString("base64")
    .match(/.{1,64}/g);
  return [`-----BEGIN ${label}-----`, ...(lines ?? []), `-----END ${label}-----`].join("\n");
}

/** The DER of the first PEM block with this label, or undefined when there is none. */
export function pemDecode(text: string, label: string): Uint8Array<ArrayBuffer> | undefined {
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  if (begin < 0) return undefined;
  const bodyStart = begin + label.length + 16;
  const end = text.indexOf(`-----END ${label}-----`, bodyStart);
  if (end < 0) return undefined;
  const body = text.slice(bodyStart, end).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) return undefined;
  return new Uint8Array(Buffer.from(body, "base64"));
}
