/**
 * What every export produces: an in-memory list of files (path, bytes, mode,
 * purpose) that one writer puts on disk, so each layout is unit-testable
 * without touching the disk and is written all at once.
 */
import type { Authority, Identity } from "../pki/identity.js";
import type { x509 } from "../pki/x509.js";

export type { Authority, Identity };

export interface BundleFile {
  /** Relative to the output directory, with `/` separators. */
  readonly path: string;
  readonly data: string | Uint8Array;
  readonly mode: number;
  readonly purpose: string;
}

export interface Bundle {
  readonly target: string;
  readonly files: BundleFile[];
  /** Modes of sub-directories that need one other than 0700 (e.g. an NSS DB upsd reads as `nut`). */
  readonly directories?: readonly { readonly path: string; readonly mode: number }[];
  /** Lines shown after the export: the config lines to paste and what to check. */
  readonly summary: string[];
}

/** File modes: a key is never world-readable; certificates may be. */
export const MODE = {
  publicFile: 0o644,
  /** Secret readable by a service's group (upsd runs as `nut`). */
  groupSecret: 0o640,
  secret: 0o600,
  script: 0o755,
} as const;

export function toPem(certificate: x509.X509Certificate): string {
  return certificate.toString("pem") + "\n";
}

/** Leaf, then intermediates: what a server sends. */
export function chainPem(identity: Identity, authority: Authority): string {
  return [identity.certificate, ...authority.intermediates].map(toPem).join("");
}

/** Every CA certificate a peer must trust, root last. */
export function caBundlePem(authority: Authority): string {
  return [...authority.intermediates, authority.root].map(toPem).join("");
}

export function keyPem(identity: Identity): string {
  return identity.keyPem.endsWith("\n") ? identity.keyPem : identity.keyPem + "\n";
}

export function octal(mode: number): string {
  return "0" + mode.toString(8);
}
