import type { LeafKind } from "../../pki/leaf-certificate.js";
import { parseKeyType } from "../../pki/keys.js";
import { describeNotAfter } from "../../pki/validity.js";
import {
  assertNameFree,
  issueSetting,
  planLeaf,
  signLeaf,
  type IssueSetting,
  type LeafPlan,
} from "../../store/issuance.js";
import { loadSigner } from "../../store/signer.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";

export interface IssueOptions {
  dns?: string[] | undefined;
  ip?: string[] | undefined;
  key?: string | undefined;
  notAfter?: string | undefined;
  passphraseFile?: string | undefined;
}

/** A leaf the store makes the key of, from issue's options (one row of a batch, too), checked against the CA. */
export function planIssue(kind: LeafKind, name: string, options: IssueOptions, setting: IssueSetting): LeafPlan {
  return planLeaf(
    {
      kind,
      name,
      dns: options.dns ?? [],
      ip: options.ip ?? [],
      notAfter: options.notAfter,
      key: { generate: parseKeyType(options.key ?? setting.meta.ca.keyType) },
    },
    setting,
  );
}

export async function issue(
  kind: LeafKind,
  rawName: string,
  options: IssueOptions,
  context: Context,
): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  const setting = issueSetting(store, context.now);
  const leaf = planIssue(kind, rawName, options, setting);
  const { name, dns, ip, notAfter } = leaf;
  assertNameFree(name, store.entriesNamed(name, context.now));

  const signer = await loadSigner(store, setting, () => existingPassphrase(options, context));
  const { record, files } = await signLeaf(leaf, signer, setting);
  await store.commitIssuance(record, files, (entries) => assertNameFree(name, entries));

  const human = [
    `Issued the ${kind} certificate "${name}"`,
    `  subject:  ${record.subject}`,
    ...(dns.length + ip.length > 0 ? [`  names:    ${[...dns, ...ip].join(", ")}`] : []),
    `  expires:  ${describeNotAfter(notAfter)}`,
    `  serial:   ${record.serial}`,
    `  cert:     ${store.layout.issuedCert(name)}`,
    `  key:      ${store.layout.privateKey(name)}`,
  ].join("\n");
  return { data: { store: store.root, ...record }, human };
}
