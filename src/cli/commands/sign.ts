import { NutcaError } from "../../errors.js";
import { INPUT_CAPS, readInputFile } from "../../input-file.js";
import { readSigningRequest, type SigningRequest } from "../../pki/csr.js";
import type { LeafKind } from "../../pki/leaf-certificate.js";
import { isIpAddress, parseDnsName, parseEntryName, parseIpAddress } from "../../pki/names.js";
import { describeNotAfter } from "../../pki/validity.js";
import { assertNameFree, issueSetting, planLeaf, signLeaf, unique } from "../../store/issuance.js";
import { loadSigner } from "../../store/signer.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";

export interface SignOptions {
  profile?: string | undefined;
  name?: string | undefined;
  dns?: string[] | undefined;
  ip?: string[] | undefined;
  notAfter?: string | undefined;
  passphraseFile?: string | undefined;
}

const EKU_NAMES: Record<string, string> = { "1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth" };

/** Signs a request made on the host itself: the store records the certificate and holds no key. */
export async function sign(csrFile: string, options: SignOptions, context: Context): Promise<CommandResult> {
  const kind = parseProfile(options.profile);
  const request = await readSigningRequest(
    readInputFile(csrFile, { what: "request", maxBytes: INPUT_CAPS.request }),
    csrFile,
  );
  const overridden = options.dns !== undefined || options.ip !== undefined;
  const { dns, ip } = overridden
    ? { dns: unique((options.dns ?? []).map(parseDnsName)), ip: unique((options.ip ?? []).map(parseIpAddress)) }
    : requestedNames(request, context.warn);
  if (kind === "server" && dns.length + ip.length === 0) {
    throw new NutcaError(
      "USAGE",
      "a server certificate needs the names clients connect to, and the request names none",
      "pass --dns <host> and/or --ip <address>",
    );
  }
  const store = new CaStore(context.storeDir);
  const setting = issueSetting(store, context.now);
  const leaf = planLeaf(
    {
      kind,
      name: options.name ?? defaultName(request, dns),
      dns,
      ip,
      notAfter: options.notAfter,
      key: { publicKey: request.spki, keyType: request.keyType, inStore: false },
    },
    setting,
  );
  const { name, notAfter } = leaf;
  if (Buffer.from(request.spki).equals(Buffer.from(setting.ca.publicKey.rawData))) {
    throw new NutcaError("BAD_CSR", `${csrFile} carries the CA's own key`, "make the request with the host's own key");
  }
  assertNameFree(name, store.entriesNamed(name, context.now));
  warnDroppedUsages(request, kind, context.warn);

  const signer = await loadSigner(store, setting, () => existingPassphrase(options, context));
  const { record, files } = await signLeaf(leaf, signer, setting);
  await store.commitIssuance(record, files, (entries) => assertNameFree(name, entries));

  const human = [
    `Signed the ${kind} certificate "${name}" from ${csrFile} (its key stays on the host: the store holds none)`,
    `  subject:  ${record.subject}`,
    ...(dns.length + ip.length > 0 ? [`  names:    ${[...dns, ...ip].join(", ")}`] : []),
    `  key:      ${request.keyType}`,
    `  expires:  ${describeNotAfter(notAfter)}`,
    `  serial:   ${record.serial}`,
    `  cert:     ${store.layout.issuedCert(name)}`,
    "",
    "Give the host its certificate and the CA certificate:",
    `  nutca show ${name} --pem > ${name}.crt.pem`,
    "  nutca export ca",
  ].join("\n");
  return { data: { store: store.root, ...record }, human };
}

function parseProfile(profile: string | undefined): LeafKind {
  if (profile === "server" || profile === "client") return profile;
  throw new NutcaError("USAGE", `unknown profile "${profile ?? ""}"`, "pass --profile server or --profile client");
}

/**
 * The names the request asks for, validated. An IP address asked for as a DNS
 * name (certutil -8 writes them so) becomes an IP entry: clients match an
 * address only against those.
 */
function requestedNames(request: SigningRequest, warn: (line: string) => void): { dns: string[]; ip: string[] } {
  const { requested } = request;
  if (requested.other.length > 0) {
    throw new NutcaError(
      "BAD_CSR",
      `the request asks for names nutca does not put in certificates (${requested.other.join(", ")})`,
      "pass --dns and --ip to choose the names instead",
    );
  }
  const dns: string[] = [];
  const ip = requested.ip.map(parseIpAddress);
  for (const value of requested.dns) {
    if (isIpAddress(value.trim())) {
      warn(`the request asks for the IP address ${value} as a DNS name: it goes in as an IP address`);
      ip.push(parseIpAddress(value));
    } else dns.push(parseDnsName(value));
  }
  return { dns: unique(dns), ip: unique(ip) };
}

/** The request's common name when it makes a usable store name, else its first DNS name. */
function defaultName(request: SigningRequest, dns: readonly string[]): string {
  const candidates = [request.commonName, dns[0]].filter((value): value is string => value !== undefined);
  for (const candidate of candidates) {
    try {
      return parseEntryName(candidate);
    } catch {
      // try the next candidate
    }
  }
  throw new NutcaError("USAGE", "the request has no name nutca can file it under", "pass --name <name>");
}

function warnDroppedUsages(request: SigningRequest, kind: LeafKind, warn: (line: string) => void): void {
  const wanted = kind === "server" ? "serverAuth" : "clientAuth";
  const dropped = request.extendedKeyUsages.filter((oid) => EKU_NAMES[oid] !== wanted);
  if (dropped.length > 0) {
    const names = dropped.map((oid) => EKU_NAMES[oid] ?? oid).join(", ");
    warn(`the request asks for ${names}: the ${kind} profile gives only ${wanted}`);
  }
}
