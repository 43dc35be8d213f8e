import { x509 } from "../pki/x509.js";
import { notACertificate, type CaStore } from "./store.js";

/** A certificate of the store, parsed by @peculiar/x509 (for the commands that inspect, export or check it). */
export function readCertificate(store: CaStore, path: string): x509.X509Certificate {
  const der = store.readCertificateDer(path);
  try {
    return new x509.X509Certificate(der);
  } catch (error) {
    throw notACertificate(path, error);
  }
}

/** The certificate that signs the leaves: the root, or the intermediate of a store made with init --intermediate. */
export function readCaCertificate(store: CaStore): x509.X509Certificate {
  return readCertificate(store, store.layout.caCert);
}
