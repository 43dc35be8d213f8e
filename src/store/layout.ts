import { join } from "node:path";

/**
 * Where everything lives in a store. Modelled on easy-rsa's pki/ so that an
 * admin with `ls` and `openssl x509` finds things:
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
 */
export class StoreLayout {
  constructor(readonly root: string) {}

  get meta(): string {
    return join(this.root, "nutca-store.json");
  }
  get caCert(): string {
    return join(this.root, "ca.crt.pem");
  }
  get rootCert(): string {
    return join(this.root, "root.crt.pem");
  }
  get rootKey(): string {
    return join(this.privateDir, "root.key.pem");
  }
  get privateDir(): string {
    return join(this.root, "private");
  }
  get caKey(): string {
    return join(this.privateDir, "ca.key.pem");
  }
  get issuedDir(): string {
    return join(this.root, "issued");
  }
  get bySerialDir(): string {
    return join(this.root, "by-serial");
  }
  get stagingDir(): string {
    return join(this.root, "staging");
  }
  get ledger(): string {
    return join(this.root, "ledger.jsonl");
  }
  get lock(): string {
    return join(this.root, "store.lock");
  }
  issuedCert(name: string): string {
    return join(this.issuedDir, `${name}.crt.pem`);
  }
  privateKey(name: string): string {
    return join(this.privateDir, `${name}.key.pem`);
  }
  serialCert(serial: string): string {
    return join(this.bySerialDir, `${serial}.crt.pem`);
  }
  get crlDir(): string {
    return join(this.root, "crl");
  }
  get crlPem(): string {
    return join(this.crlDir, "ca.crl.pem");
  }
  get crlDer(): string {
    return join(this.crlDir, "ca.crl.der");
  }
  archivedKey(name: string, serial: string): string {
    return join(this.privateDir, `${name}.${serial}.key.pem`);
  }
  staging(serial: string): string {
    return join(this.stagingDir, serial);
  }
}
