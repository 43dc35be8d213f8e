import { readFileSync } from "node:fs";
import { NutcaError } from "../../errors.js";
import { parseWindow } from "../../pki/expiring.js";
import { parseKeyType, type KeyType } from "../../pki/keys.js";
import { keyTypeOfSpki } from "../../pki/keys.js";
import type { LeafKind } from "../../pki/leaf-certificate.js";
import type { Issuer } from "../../pki/profiles.js";
import { describeNotAfter, isNever, NEVER, notBeforeFor } from "../../pki/validity.js";
import type { x509 } from "../../pki/x509.js";
import { readCertificate } from "../../store/certificates.js";
import { currentEntries } from "../../store/entries.js";
import {
  issueSetting,
  leafNotAfter,
  planLeaf,
  signLeaf,
  type IssueSetting,
  type LeafPlan,
} from "../../store/issuance.js";
import type { IssueRecord } from "../../store/ledger.js";
import { loadSigner } from "../../store/signer.js";
import { CaStore, type Entry } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";
import { reexportLines } from "./reexport.js";

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
  const setting = issueSetting(store, context.now);
  const plan: Plan = {
    rekey: options.rekey === true,
    keyType: options.key === undefined ? undefined : parseKeyType(options.key),
    notAfter: options.notAfter === undefined ? undefined : leafNotAfter(options.notAfter, setting),
  };
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
  const leaves = targets.map((entry) => planRenewal(store, entry, plan, setting));
  const signer = await loadSigner(store, setting, () => existingPassphrase(options, context));
  const renewed: IssueRecord[] = [];
  for (const [i, entry] of targets.entries()) {
    renewed.push(await renewOne(store, signer, entry, leaves[i]!, plan, setting));
  }

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

/** The same names and subject under a new serial; the same key unless --rekey. Checked before anything is signed. */
function planRenewal(store: CaStore, entry: Entry, plan: Plan, setting: IssueSetting): LeafPlan {
  const old = readCertificate(store, store.layout.serialCert(entry.serial));
  const spki = new Uint8Array(old.publicKey.rawData);
  return planLeaf(
    {
      kind: entry.kind as LeafKind,
      name: entry.name,
      dns: entry.dns,
      ip: entry.ip,
      subject: {
        commonName: old.subjectName.getField("CN")[0] ?? entry.dns[0] ?? entry.name,
        organization: old.subjectName.getField("O")[0],
      },
      notAfter: plan.notAfter ?? sameLifetime(old, setting.ca.notAfter, setting.now),
      key: plan.rekey
        ? { generate: parseKeyType(plan.keyType ?? entry.keyType) }
        : { publicKey: spki, keyType: keyTypeOfSpki(spki), inStore: entry.files.key !== undefined },
    },
    setting,
  );
}

async function renewOne(
  store: CaStore,
  signer: Issuer,
  entry: Entry,
  leaf: LeafPlan,
  plan: Plan,
  setting: IssueSetting,
): Promise<IssueRecord> {
  const renews = { serial: entry.serial, ...(plan.rekey ? { oldKeyPem: readKey(store, entry) } : {}) };
  const { record, files } = await signLeaf(leaf, signer, setting, renews);
  await store.commitIssuance(record, files, (entries) => {
    const current = entries.findLast((candidate) => candidate.name === entry.name);
    if (current?.serial !== entry.serial || (current.status === "revoked" && !plan.rekey)) {
      throw new NutcaError("USAGE", `"${entry.name}" changed while renewing`, "run the command again");
    }
  });
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
    return readFileSync(store.layout.resolve(entry.files.key!), "utf8");
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
