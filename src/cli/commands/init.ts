import { existsSync, readdirSync } from "node:fs";
import { NutcaError } from "../../errors.js";
import { DEFAULT_KEY_TYPE, exportPkcs8, generateKeyPair, parseKeyType } from "../../pki/keys.js";
import { parsePermitted } from "../../pki/name-constraints.js";
import { checkCommonName } from "../../pki/names.js";
import { encryptPkcs8, pkcs8ToPem } from "../../pki/pkcs8.js";
import { createCaCertificate } from "../../pki/profiles.js";
import { describeNotAfter, parseNotAfter } from "../../pki/validity.js";
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

  const keys = await generateKeyPair(keyType);
  const certificate = await createCaCertificate({
    commonName,
    organization,
    keyType,
    keys,
    notAfter,
    permitted,
    pathLength: 0,
    now: context.now,
  });
  const pkcs8 = await exportPkcs8(keys.privateKey);
  const keyPem = passphrase === undefined ? pkcs8ToPem(pkcs8) : await encryptPkcs8(pkcs8, passphrase);
  const meta: StoreMeta = {
    format: STORE_FORMAT,
    createdAt: context.now.toISOString(),
    ca: { name: commonName, organization, keyType, encrypted: passphrase !== undefined },
    defaults: { leafNotAfter },
  };
  const record = await issueRecord({
    certificate,
    name: "ca",
    kind: "ca",
    keyType,
    files: { cert: "ca.crt.pem", key: "private/ca.key.pem" },
    now: context.now,
  });
  await store.initialize(meta, record, { caCert: certificate.toString("pem") + "\n", caKey: keyPem });

  const data = { store: store.root, ...record, encrypted: meta.ca.encrypted, permitted };
  const human = [
    `Created the CA "${commonName}" in ${store.root}`,
    `  key:        ${keyType}, ${meta.ca.encrypted ? "encrypted" : "NOT encrypted"} (${store.layout.caKey})`,
    `  expires:    ${describeNotAfter(notAfter)}`,
    `  serial:     ${record.serial}`,
    `  sha256:     ${record.sha256}`,
    ...(permitted.dns.length + permitted.ip.length > 0
      ? [`  limited to: ${[...permitted.dns, ...permitted.ip].join(", ")}`]
      : []),
    "",
    "Next: nutca issue server <name> --dns <host> [--ip <addr>]",
  ].join("\n");
  return { data, human };
}

/** Files an empty store, or an init that a crash interrupted, may hold; anything else is someone's data. */
const STORE_ENTRIES = new Set([
  "README.md",
  ".gitignore",
  ".gitkeep",
  "ca.crt.pem",
  "private",
  "ledger.jsonl",
  "store.lock",
]);

function assertUsableDirectory(root: string): void {
  if (!existsSync(root)) return;
  const foreign = readdirSync(root).find((entry) => !STORE_ENTRIES.has(entry));
  if (foreign !== undefined) {
    throw new NutcaError(
      "USAGE",
      `${root} is not empty (it holds ${foreign}) and is not a nutca store`,
      "pass --store with a new or empty directory",
    );
  }
}
