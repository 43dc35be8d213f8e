import { subjectHash } from "../pki/subject-hash.js";
import type { x509 } from "../pki/x509.js";
import { MODE, toPem, type Authority, type BundleFile } from "./bundle.js";

/**
 * An OpenSSL CApath directory: each CA certificate under `<subject-hash>.N`,
 * one certificate per file, N counting up on hash collisions.
 */
export function hashedCaDirectory(dir: string, authority: Authority): BundleFile[] {
  const counts = new Map<string, number>();
  return [authority.root, ...authority.intermediates].map((certificate: x509.X509Certificate) => {
    const hash = subjectHash(new Uint8Array(certificate.subjectName.toArrayBuffer()));
    const index = counts.get(hash) ?? 0;
    counts.set(hash, index + 1);
    return {
      path: `${dir}/${hash}.${index}`,
      data: toPem(certificate),
      mode: MODE.publicFile,
      purpose: `CA certificate ${certificate.subject} under its OpenSSL subject-hash name`,
    };
  });
}
