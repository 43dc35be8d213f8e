import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { NutcaError } from "../../errors.js";
import { DEFAULT_KEY_TYPE, exportPkcs8, generateKeyPair, parseKeyType, type KeyType } from "../../pki/keys.js";
import { parsePermitted } from "../../pki/name-constraints.js";
import { checkCommonName } from "../../pki/names.js";
import { encryptPkcs8 } from "../../pki/encrypt-pkcs8.js";
import { pkcs8ToPem } from "../../pki/pkcs8.js";
import { certificateFacts, createCaCertificate, createIntermediateCertificate } from "../../pki/profiles.js";
import { describeNotAfter, parseNotAfter } from "../../pki/validity.js";
import type { x509 } from "../../pki/x509.js";
import { CHECKOUT_FILES, storePaths } from "../../store/layout.js";
import { CaStore, STORE_FORMAT, type StoreMeta } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { newPassphrase } from "../passphrase.js";
import { issueRecord } from "../../store/record.js";

export interface InitOptions {
  name?: string | undefined;
  org?: string | undefined;
  key?: string | undefined;
  notAfter?: string | undefined;
  leafNotAfter?: string | undefined;
  permitDns?: string[] | undefined;
  permitIp?: string[] | undefined;
  /** false with --no-passphrase: the CA key is stored unencrypted. */
  passphrase?: boolean | undefined;
  passphraseFile?: string | undefined;
  /** A root (offline: its key is never used day to day) and an intermediate that signs the leaves. */
  intermediate?: boolean | undefined;
  /** The intermediate's common name (default "<name> Issuing CA"). */
  intermediateName?: string | undefined;
}

export const DEFAULT_CA_NAME = "NUT private CA";

export async function init(options: InitOptions, context: Context): Promise<CommandResult> {
  const commonName = checkCommonName(options.name ?? DEFAULT_CA_NAME, "CA name");
  const organization = options.org === undefined ? undefined : checkCommonName(options.org, "organisation");
  const keyType = options.key === undefined ? DEFAULT_KEY_TYPE : parseKeyType(options.key);
  const notAfter = parseNotAfter(options.notAfter ?? "never", context.now);
  const leafNotAfter = options.leafNotAfter ?? "never";
  parseNotAfter(leafNotAfter, context.now);
  const permitted = parsePermitted(options.permitDns ?? [], options.permitIp ?? []);
  const withIntermediate = options.intermediate === true;
  if (!withIntermediate && options.intermediateName !== undefined) {
    throw new NutcaError("USAGE", "--intermediate-name needs --intermediate", "add --intermediate, or drop the name");
  }
  const intermediateName = withIntermediate
    ? checkCommonName(options.intermediateName ?? `${commonName} Issuing CA`, "intermediate CA name")
    : undefined;
  if (intermediateName !== undefined && intermediateName === commonName) {
    throw new NutcaError("USAGE", "the intermediate CA needs a name of its own", "pass another --intermediate-name");
  }
  const encrypt = options.passphrase !== false;
  if (!encrypt && options.passphraseFile !== undefined) {
    throw new NutcaError("USAGE", "--no-passphrase and --passphrase-file contradict each other", "pass only one");
  }

  const store = new CaStore(context.storeDir);
  if (store.hasCa()) {
    throw new NutcaError(
      "CA_EXISTS",
      `${store.root} already holds a CA`,
      "use another --store, or remove that store first",
    );
  }
  assertUsableDirectory(store.root);
  const passphrase = encrypt ? await newPassphrase(options, context) : undefined;
  if (!encrypt) context.warn("the CA key will be stored UNENCRYPTED: anyone who can read it can issue certificates");

  const protect = async (privateKey: CryptoKey): Promise<string> => {
    const pkcs8 = await exportPkcs8(privateKey);
    return passphrase === undefined ? pkcs8ToPem(pkcs8) : await encryptPkcs8(pkcs8, passphrase);
  };
  const keys = await generateKeyPair(keyType);
  const rootCertificate = await createCaCertificate({
    commonName,
    organization,
    keys,
    notAfter,
    permitted,
    pathLength: withIntermediate ? 1 : 0,
    now: context.now,
  });
  const meta: StoreMeta = {
    format: STORE_FORMAT,
    createdAt: context.now.toISOString(),
    ca: {
      name: intermediateName ?? commonName,
      organization,
      keyType,
      encrypted: passphrase !== undefined,
      ...(withIntermediate ? { intermediate: true } : {}),
    },
    defaults: { leafNotAfter },
  };

  if (intermediateName === undefined) {
    const record = await caRecord(rootCertificate, "ca", keyType, context.now);
    const keyPem = await protect(keys.privateKey);
    await store.initialize(meta, record, { caCert: rootCertificate.toString("pem") + "\n", caKey: keyPem });
    const data = { store: store.root, ...record, encrypted: meta.ca.encrypted, permitted };
    const human = [
      `Created the CA "${commonName}" in ${store.root}`,
      `  key:        ${keyType}, ${meta.ca.encrypted ? "encrypted" : "NOT encrypted"} (${store.layout.caKey})`,
      `  expires:    ${describeNotAfter(notAfter)}`,
      `  serial:     ${record.serial}`,
      `  sha256:     ${record.sha256}`,
      ...limitedTo(permitted),
      "",
      "Next: nutca issue server <name> --dns <host> [--ip <addr>]",
    ].join("\n");
    return { data, human };
  }

  const issuingKeys = await generateKeyPair(keyType);
  const intermediate = await createIntermediateCertificate(
    {
      commonName: intermediateName,
      organization,
      keys: issuingKeys,
      notAfter,
      permitted,
      pathLength: 0,
      now: context.now,
    },
    { certificate: rootCertificate, privateKey: keys.privateKey },
  );
  const rootRecord = await caRecord(rootCertificate, "root", keyType, context.now);
  const record = await caRecord(intermediate, "ca", keyType, context.now);
  await store.initialize(meta, [rootRecord, record], {
    caCert: intermediate.toString("pem") + "\n",
    caKey: await protect(issuingKeys.privateKey),
    rootCert: rootCertificate.toString("pem") + "\n",
    rootKey: await protect(keys.privateKey),
  });

  const data = {
    store: store.root,
    ...record,
    encrypted: meta.ca.encrypted,
    permitted,
    intermediate: true,
    root: { ...rootRecord, keyFile: store.layout.rootKey },
  };
  const encrypted = meta.ca.encrypted ? "encrypted" : "NOT encrypted";
  const human = [
    `Created the root CA "${commonName}" and the issuing CA "${intermediateName}" in ${store.root}`,
    `  root:       ${store.layout.rootCert} (serial ${rootRecord.serial})`,
    `  root key:   ${keyType}, ${encrypted} (${store.layout.rootKey})`,
    `  issuing CA: ${store.layout.caCert} (serial ${record.serial})`,
    `  its key:    ${keyType}, ${encrypted} (${store.layout.caKey})`,
    `  expires:    ${describeNotAfter(notAfter)}`,
    ...limitedTo(permitted),
    "",
    "Offline root: nutca signs, revokes and makes CRLs with the issuing CA's key only.",
    `Move ${store.layout.rootKey} off this machine (keep it safe, e.g. on offline media):`,
    "it is needed again only to re-sign the intermediate.",
    "",
    "Next: nutca issue server <name> --dns <host> [--ip <addr>]",
  ].join("\n");
  return { data, human };
}

function limitedTo(permitted: { dns: readonly string[]; ip: readonly string[] }): string[] {
  return permitted.dns.length + permitted.ip.length > 0
    ? [`  limited to: ${[...permitted.dns, ...permitted.ip].join(", ")}`]
    : [];
}

/** Files an empty store, or an init that a crash interrupted, may hold; anything else is someone's data. */
const STORE_ENTRIES = new Set([
  ...CHECKOUT_FILES,
  storePaths.caCert,
  storePaths.rootCert,
  storePaths.privateDir,
  storePaths.ledger,
  storePaths.lock,
]);

function assertUsableDirectory(root: string): void {
  let ancestor = root;
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  if (!statSync(ancestor).isDirectory()) {
    throw new NutcaError(
      "USAGE",
      ancestor === root ? `--store ${root} is a file` : `${ancestor} is a file, so --store ${root} cannot be made`,
      "pass --store with a new or empty directory",
    );
  }
  if (ancestor !== root) return;
  const foreign = readdirSync(root).find((entry) => !STORE_ENTRIES.has(entry));
  if (foreign !== undefined) {
    throw new NutcaError(
      "USAGE",
      `${root} is not empty (it holds ${foreign}) and is not a nutca store`,
      "pass --store with a new or empty directory",
    );
  }
}

/** The ledger record of a CA certificate: ca.crt.pem (the CA that signs leaves) or root.crt.pem above it. */
async function caRecord(certificate: x509.X509Certificate, name: "ca" | "root", keyType: KeyType, now: Date) {
  const files =
    name === "ca"
      ? { cert: storePaths.caCert, key: storePaths.caKey }
      : { cert: storePaths.rootCert, key: storePaths.rootKey };
  return issueRecord({ certificate: await certificateFacts(certificate), name, kind: "ca", keyType, files, now });
}
