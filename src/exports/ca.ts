import { caBundlePem, MODE, toPem, type Authority, type Bundle } from "./bundle.js";
import { hashedCaDirectory } from "./hashed-dir.js";
import { protectionLines } from "./security-render.js";

/** The CA certificate for anyone who must trust it: PEM, DER, a bundle and a hashed directory. */
export function caBundle(authority: Authority): Bundle {
  const files = [
    {
      path: "ca.crt.pem",
      data: toPem(authority.root),
      mode: MODE.publicFile,
      purpose: "the root CA certificate (PEM)",
    },
    {
      path: "ca.crt.der",
      data: new Uint8Array(authority.root.rawData),
      mode: MODE.publicFile,
      purpose: "the root CA certificate (DER)",
    },
    ...(authority.intermediates.length > 0
      ? [
          {
            path: "ca-bundle.pem",
            data: caBundlePem(authority),
            mode: MODE.publicFile,
            purpose: "every CA certificate, root last",
          },
        ]
      : []),
    ...hashedCaDirectory("certs", authority),
  ];
  const readme = [
    "nutca CA export",
    "",
    `CA: ${authority.root.subject}`,
    "",
    "ca.crt.pem / ca.crt.der  the CA certificate: install it wherever a peer must trust this CA",
    "certs/                   an OpenSSL CApath directory (files named by subject hash):",
    "                         usable as upsmon CERTPATH on OpenSSL builds of NUT, stunnel CApath",
    "",
    "Check a certificate against it:",
    "  openssl verify -CApath certs/ <certificate.pem>",
    "",
    ...protectionLines("ca"),
  ].join("\n");
  files.push({ path: "README.txt", data: readme, mode: MODE.publicFile, purpose: "what these files are" });
  return { target: "ca", files, summary: ["Trust anchor: ca.crt.pem (hashed directory: certs/)"] };
}
