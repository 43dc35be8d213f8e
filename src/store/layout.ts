import { join } from "node:path";

/**
 * Where everything lives in a store, relative to its root: the form ledger
 * records and staged files name them by. Modelled on easy-rsa's pki/ so that
 * an admin with `ls` and `openssl x509` finds things:
 *
 *   nutca-store.json          format version and CA settings
 *   ca.crt.pem                the CA certificate that signs (the intermediate, when there is one)
 *   private/ca.key.pem        its key (encrypted PKCS#8 by default)
 *   root.crt.pem              the root above the intermediate (init --intermediate only)
 *   private/root.key.pem      the root's key: needed only to re-sign the intermediate, may live offline
 *   issued/<name>.crt.pem     the current certificate of each name
 *   private/<name>.key.pem    its key
 *   by-serial/<SERIAL>.crt.pem every certificate ever issued
 *   private/<name>.<SERIAL>.key.pem  the key of an older certificate, kept when renew --rekey replaced it
 *   crl/ca.crl.pem, ca.crl.der the current CRL
 *   ledger.jsonl              append-only record of every issuance and revocation
 *   staging/<KEY>/            files of a change not yet moved into place, named <SERIAL or crl-N>~<path>
 *   store.lock                held while a command changes the store
 *   README.md, .gitignore     a checked-out ./ca-store carries these: they are not the store's (see CHECKOUT_FILES)
 */
export const storePaths = {
  meta: "nutca-store.json",
  caCert: "ca.crt.pem",
  rootCert: "root.crt.pem",
  privateDir: "private",
  caKey: "private/ca.key.pem",
  rootKey: "private/root.key.pem",
  issuedDir: "issued",
  bySerialDir: "by-serial",
  crlDir: "crl",
  crlPem: "crl/ca.crl.pem",
  crlDer: "crl/ca.crl.der",
  stagingDir: "staging",
  ledger: "ledger.jsonl",
  lock: "store.lock",
  issuedCert: (name: string) => `issued/${name}.crt.pem`,
  privateKey: (name: string) => `private/${name}.key.pem`,
  serialCert: (serial: string) => `by-serial/${serial}.crt.pem`,
  archivedKey: (name: string, serial: string) => `private/${name}.${serial}.key.pem`,
  staging: (key: string) => `staging/${key}`,
} as const;

/**
 * Files a store directory may hold that are not the store's: the checked-in
 * ./ca-store of a checkout has its README and .gitignore (and a .gitkeep is
 * common). A directory holding only these is an empty store.
 */
export const CHECKOUT_FILES: ReadonlySet<string> = new Set(["README.md", ".gitignore", ".gitkeep"]);

/** The absolute paths of one store's files: storePaths under its root. */
export class StoreLayout {
  constructor(readonly root: string) {}

  /** The absolute path of a store-relative one. */
  resolve(path: string): string {
    return join(this.root, path);
  }

  get meta(): string {
    return this.resolve(storePaths.meta);
  }
  get caCert(): string {
    return this.resolve(storePaths.caCert);
  }
  get rootCert(): string {
    return this.resolve(storePaths.rootCert);
  }
  get rootKey(): string {
    return this.resolve(storePaths.rootKey);
  }
  get privateDir(): string {
    return this.resolve(storePaths.privateDir);
  }
  get caKey(): string {
    return this.resolve(storePaths.caKey);
  }
  get issuedDir(): string {
    return this.resolve(storePaths.issuedDir);
  }
  get bySerialDir(): string {
    return this.resolve(storePaths.bySerialDir);
  }
  get stagingDir(): string {
    return this.resolve(storePaths.stagingDir);
  }
  get ledger(): string {
    return this.resolve(storePaths.ledger);
  }
  get lock(): string {
    return this.resolve(storePaths.lock);
  }
  issuedCert(name: string): string {
    return this.resolve(storePaths.issuedCert(name));
  }
  privateKey(name: string): string {
    return this.resolve(storePaths.privateKey(name));
  }
  serialCert(serial: string): string {
    return this.resolve(storePaths.serialCert(serial));
  }
  get crlDir(): string {
    return this.resolve(storePaths.crlDir);
  }
  get crlPem(): string {
    return this.resolve(storePaths.crlPem);
  }
  get crlDer(): string {
    return this.resolve(storePaths.crlDer);
  }
  archivedKey(name: string, serial: string): string {
    return this.resolve(storePaths.archivedKey(name, serial));
  }
  staging(key: string): string {
    return this.resolve(storePaths.staging(key));
  }
}
