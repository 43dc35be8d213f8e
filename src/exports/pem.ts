import { caBundlePem, chainPem, keyPem, MODE, toPem, type Authority, type Bundle, type Identity } from "./bundle.js";
import { protectionLines } from "./security-render.js";

/** A certificate's files in plain PEM, separately and combined, for any other consumer. */
export function pemBundle(identity: Identity, authority: Authority): Bundle {
  const base = identity.name;
  const files = [
    { path: `${base}.crt.pem`, data: toPem(identity.certificate), mode: MODE.publicFile, purpose: "the certificate" },
    { path: `${base}.key.pem`, data: keyPem(identity), mode: MODE.secret, purpose: "its private key (unencrypted)" },
    {
      path: "ca.crt.pem",
      data: caBundlePem(authority),
      mode: MODE.publicFile,
      purpose: "the CA certificate(s) to trust",
    },
    {
      path: `${base}.fullchain.pem`,
      data: chainPem(identity, authority) + toPem(authority.root),
      mode: MODE.publicFile,
      purpose: "certificate, intermediates and root",
    },
    {
      path: `${base}.combined.pem`,
      data: chainPem(identity, authority) + keyPem(identity),
      mode: MODE.secret,
      purpose: "certificate, intermediates, then the key: one file for consumers that want cert and key together",
    },
  ];
  if (authority.intermediates.length > 0) {
    files.push({
      path: "chain.pem",
      data: authority.intermediates.map(toPem).join(""),
      mode: MODE.publicFile,
      purpose: "the intermediate CA certificates",
    });
  }
  const readme = [
    `nutca PEM export of "${identity.name}" (${identity.kind})`,
    "",
    ...files.map((file) => `${file.path.padEnd(28)} ${file.purpose} (mode ${file.mode.toString(8)})`),
    "",
    "Keep the .key.pem and .combined.pem files private: mode 0600, owned by the service that reads them.",
    "",
    ...protectionLines("pem"),
  ].join("\n");
  files.push({ path: "README.txt", data: readme, mode: MODE.publicFile, purpose: "what these files are" });
  return { target: "pem", files, summary: [`Certificate, key and chain of ${identity.name} written as PEM.`] };
}
