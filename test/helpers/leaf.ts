// Leaves signed by an in-memory CA (an @peculiar/x509 certificate and a WebCrypto key) with nutca's own leaf builder.
import { createPrivateKey } from "node:crypto";
import { generateLeafKey, type KeyType } from "../../src/pki/keys.js";
import { createLeafCertificate, type LeafCertificate, type LeafKind } from "../../src/pki/leaf-certificate.js";
import type { Issuer } from "../../src/pki/profiles.js";
import { randomSerial } from "../../src/pki/serial.js";
import { NEVER } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";

export interface TestLeafRequest {
  readonly kind: LeafKind;
  readonly commonName: string;
  readonly organization?: string;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  readonly keyType?: KeyType;
  readonly notAfter?: Date;
  readonly now?: Date;
}

export async function signTestLeaf(
  request: TestLeafRequest,
  issuer: Issuer,
): Promise<{ certificate: x509.X509Certificate; facts: LeafCertificate; keyPem: string; keyPkcs8: Uint8Array }> {
  const keyType = request.keyType ?? "ec-p256";
  const key = await generateLeafKey(keyType);
  const leaf = await createLeafCertificate(
    {
      kind: request.kind,
      commonName: request.commonName,
      organization: request.organization,
      dns: request.dns ?? [],
      ip: request.ip ?? [],
      keyType,
      publicKey: key.spki,
      notAfter: request.notAfter ?? NEVER,
      serial: randomSerial(),
      now: request.now ?? new Date(),
    },
    issuer,
  );
  const keyPkcs8 = new Uint8Array(createPrivateKey(key.pkcs8Pem).export({ format: "der", type: "pkcs8" }));
  return { certificate: new x509.X509Certificate(leaf.der), facts: leaf, keyPem: key.pkcs8Pem, keyPkcs8 };
}
