import type { x509 } from "./x509.js";

/** A certificate of the store with its key. */
export interface Identity {
  readonly name: string;
  readonly kind: "server" | "client";
  readonly certificate: x509.X509Certificate;
  /** Unencrypted PKCS#8 PEM. */
  readonly keyPem: string;
}

/** The CA side of every chain: the root and the intermediates between it and the leaves. */
export interface Authority {
  readonly root: x509.X509Certificate;
  /** Nearest the leaf first. */
  readonly intermediates: readonly x509.X509Certificate[];
}
