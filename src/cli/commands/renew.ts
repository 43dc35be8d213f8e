import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../errors.js";
import { parseWindow } from "../../pki/expiring.js";
import { generateLeafKey, keyTypeOfSpki, parseKeyType, type KeyType } from "../../pki/keys.js";
import { createLeafCertificate } from "../../pki/leaf-certificate.js";
import { assertPermitted, permittedOf } from "../../pki/name-constraints.js";
import type { Issuer } from "../../pki/profiles.js";
import { randomSerial } from "../../pki/serial.js";
import {
  assertNotAfterWithin,
  describeNotAfter,
  isNever,
  NEVER,
  notBeforeFor,
  parseNotAfter,
} from "../../pki/validity.js";
import type { x509 } from "../../pki/x509.js";
import { currentEntries } from "../../store/entries.js";
import type { IssueRecord } from "../../store/ledger.js";
import { issueRecord } from "../../store/record.js";
import { loadSigner, readCa } from "../../store/signer.js";
import { CaStore, type Entry, type StoreFile } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";
import { reexportLines } from "./reexport.js";
import { readCertificate } from "../../store/certificates.js";

export interface RenewOptions {
  rekey?: boolean | undefined;
  key?: string | undefined;
  notAfter?: string | undefined;
  expiring?: string | undefined;
  passphraseFile?: string | undefined;
}

interface Plan {
  readonly rekey: boolean;
  readonly keyType: KeyType | undefined;
  readonly notAfter: Date | undefined;
}

/** Renews one name, or every certificate that expires within --expiring: new serial, same names. */
export async function renew(name: string | undefined, options: RenewOptions, context: Context): Promise<CommandResult> {
  if ((name === undefined) === (options.expiring === undefined)) {
    throw new NutcaError("USAGE", "name one certificate or pass --expiring <duration>", "e.g. nutca renew ups1");
  }
  if (options.key !== undefined && !options.rekey) {
    throw new NutcaError("USAGE", "--key chooses the type of a new key", "pass it with --rekey");
  }
  const store = new CaStore(context.storeDir);
  store.readMeta();
  const ca = readCa(store);
  const plan: Plan = {
    rekey: options.rekey === true,
    keyType: options.key === undefined ? undefined : parseKeyType(options.key),
    notAfter: options.notAfter === undefined ? undefined : parseNotAfter(options.notAfter, context.now),
  };
  if (plan.notAfter) assertNotAfterWithin(plan.notAfter, ca.notAfter);
  const targets =
    name === undefined ? dueEntries(store, options.expiring!, context.now) : [renewable(store, name, plan)];
  const keyless = plan.rekey ? targets.filter((entry) => !entry.files.key) : [];
  if (keyless.length > 0) {
    throw new NutcaError(
      "USAGE",
      `the store holds no key of ${keyless.map((entry) => `"${entry.name}"`).join(", ")} (signed from a request)`,
      "make a new request on the host and nutca sign it, or renew without --rekey",
    );
  }
  if (targets.length === 0) {
    return {
      data: { renewed: [], expiring: options.expiring },
      human: `Nothing expires within ${options.expiring}: nothing renewed.`,
    };
  }
  const signer = await loadSigner(store, { ca }, () => existingPassphrase(options, context));
  const renewed: IssueRecord[] = [];
  for (const entry of targets) renewed.push(await renewOne(store, signer, entry, plan, context.now));

  const human = renewed.flatMap((record, i) => describe(store, targets[i]!, record, plan.rekey));
  return { data: { renewed }, human: human.join("\n").trimEnd() };
}

function dueEntries(store: CaStore, window: string, now: Date): Entry[] {
  const until = parseWindow(window, now).getTime();
  return currentEntries(store.entries(now)).filter(
    (entry) => entry.status !== "revoked" && new Date(entry.notAfter).getTime() <= until,
  );
}

function renewable(store: CaStore, name: string, plan: Plan): Entry {
  const entry = store.findEntry(name);
  if (entry.kind === "ca") {
    throw new NutcaError("USAGE", "nutca does not renew the CA", "renew server and client certificates by name");
  }
  if (entry.renewedBy || store.findEntry(entry.name).serial !== entry.serial) {
    throw new NutcaError(
      "USAGE",
      `serial ${entry.serial} is not the current certificate of "${entry.name}"`,
      `renew by name: nutca renew ${entry.name}`,
    );
  }
  if (entry.status === "revoked" && !plan.rekey) {
    throw new NutcaError(
      "ALREADY_REVOKED",
      `"${entry.name}" is revoked (${entry.revoked?.reason}): its key must not be certified again`,
      `pass --rekey for a new key, or issue a new certificate`,
    );
  }
  return entry;
}

async function renewOne(store: CaStore, signer: Issuer, entry: Entry, plan: Plan, now: Date): Promise<IssueRecord> {
  const old = readCertificate(store, store.layout.serialCert(entry.serial));
  const keyFiles: StoreFile[] = [];
  let key: { spki: Uint8Array<ArrayBuffer>; keyType: KeyType };
  let renews: IssueRecord["renews"] = { serial: entry.serial };
  if (plan.rekey) {
    const keyType = plan.keyType ?? parseKeyType(entry.keyType);
    const fresh = await generateLeafKey(keyType);
    key = { spki: fresh.spki, keyType };
    // The old key is kept beside the new one: the old certificate stays valid until it expires or is revoked.
    const archived = store.relative(store.layout.archivedKey(entry.name, entry.serial));
    keyFiles.push({ path: archived, data: readKey(store, entry) });
    keyFiles.push({ path: `private/${entry.name}.key.pem`, data: fresh.pkcs8Pem });
    renews = { serial: entry.serial, key: archived };
  } else {
    const spki = new Uint8Array(old.publicKey.rawData);
    key = { spki, keyType: keyTypeOfSpki(spki) };
  }
  assertPermitted(entry, permittedOf(signer.certificate));
  const certificate = await createLeafCertificate(
    {
      kind: entry.kind as "server" | "client",
      commonName: old.subjectName.getField("CN")[0] ?? entry.dns[0] ?? entry.name,
      organization: old.subjectName.getField("O")[0],
      dns: entry.dns,
      ip: entry.ip,
      keyType: key.keyType,
      publicKey: key.spki,
      notAfter: plan.notAfter ?? sameLifetime(old, signer.certificate.notAfter, now),
      serial: randomSerial(),
      now,
    },
    signer,
  );
  const files = {
    cert: `issued/${entry.name}.crt.pem`,
    ...(plan.rekey || entry.files.key ? { key: `private/${entry.name}.key.pem` } : {}),
  };
  const base = issueRecord({ certificate, name: entry.name, kind: entry.kind, keyType: key.keyType, files, now });
  const record: IssueRecord = { ...base, renews };
  const certPem = certificate.pem + "\n";
  await store.commitIssuance(
    record,
    [{ path: `by-serial/${record.serial}.crt.pem`, data: certPem }, { path: files.cert, data: certPem }, ...keyFiles],
    (entries) => {
      const current = entries.findLast((candidate) => candidate.name === entry.name);
      if (current?.serial !== entry.serial || (current.status === "revoked" && !plan.rekey)) {
        throw new NutcaError("USAGE", `"${entry.name}" changed while renewing`, "run the command again");
      }
    },
  );
  return record;
}

/** A renewal lasts as long as the certificate it renews ("never" stays never), capped at the CA's expiry. */
function sameLifetime(old: x509.X509Certificate, caNotAfter: Date, now: Date): Date {
  if (isNever(old.notAfter)) return isNever(caNotAfter) ? NEVER : caNotAfter;
  const lifetime = old.notAfter.getTime() - old.notBefore.getTime();
  const notAfter = new Date(notBeforeFor(now).getTime() + lifetime);
  return notAfter.getTime() > caNotAfter.getTime() ? caNotAfter : notAfter;
}

function readKey(store: CaStore, entry: Entry): string {
  try {
    return readFileSync(join(store.root, entry.files.key!), "utf8");
  } catch (error) {
    throw new NutcaError("STORE_CORRUPT", `cannot read the key of "${entry.name}"`, "run nutca doctor", {
      cause: error,
    });
  }
}

function describe(store: CaStore, old: Entry, record: IssueRecord, rekey: boolean): string[] {
  const oldExpiry = describeNotAfter(new Date(old.notAfter));
  return [
    `Renewed "${record.name}" (${record.kind}) with ${rekey ? "a new key" : old.files.key ? "the same key" : "the same key (held by the host)"}`,
    `  serial:   ${record.serial} (was ${old.serial})`,
    `  expires:  ${describeNotAfter(new Date(record.notAfter))}`,
    `  cert:     ${store.layout.issuedCert(record.name)}`,
    `The old certificate ${old.serial} stays valid until it is revoked or expires (not after: ${oldExpiry}):`,
    `  nutca revoke ${old.serial} --reason superseded   # once every host has the new one`,
    "Re-export it and install it on the host:",
    ...reexportLines(record.name, record.kind, record.files.key !== undefined).map((line) => `  ${line}`),
    "",
  ];
}
