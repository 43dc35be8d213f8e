import { readFileSync } from "node:fs";
import { NutcaError } from "../errors.js";
import type { Authority, Identity } from "../pki/identity.js";
import type { CaStore, Entry } from "./store.js";
import { readCaCertificate, readCertificate } from "./certificates.js";

/** The CA side of every export: the root, and the intermediate (ca.crt.pem) of a store made with init --intermediate. */
export function loadAuthority(store: CaStore): Authority {
  const meta = store.readMeta();
  if (meta.ca.intermediate === true) {
    return { root: readCertificate(store, store.layout.rootCert), intermediates: [readCaCertificate(store)] };
  }
  return { root: readCaCertificate(store), intermediates: [] };
}

/** The current certificate of a name, checked to be of the expected kind; for exports that need no key. */
export function loadCertificate(store: CaStore, name: string, kind?: "server" | "client"): Omit<Identity, "keyPem"> {
  return certificateOf(store, leafEntry(store, name, kind));
}

function leafEntry(
  store: CaStore,
  name: string,
  kind: "server" | "client" | undefined,
): Entry & { kind: "server" | "client" } {
  const entry = store.findEntry(name);
  if (entry.kind === "ca") {
    throw new NutcaError("USAGE", `"${name}" is the CA itself`, "name a server or client certificate (see nutca list)");
  }
  if (kind && entry.kind !== kind) {
    throw new NutcaError(
      "USAGE",
      `"${name}" is a ${entry.kind} certificate, and this export needs a ${kind} certificate`,
      `issue one with nutca issue ${kind} <name>`,
    );
  }
  return entry as Entry & { kind: "server" | "client" };
}

function certificateOf(store: CaStore, entry: Entry & { kind: "server" | "client" }): Omit<Identity, "keyPem"> {
  return {
    name: entry.name,
    kind: entry.kind,
    certificate: readCertificate(store, store.layout.serialCert(entry.serial)),
  };
}

/** The current certificate of a name with its key. */
export function loadIdentity(store: CaStore, name: string, kind?: "server" | "client"): Identity {
  const entry = leafEntry(store, name, kind);
  if (!entry.files.key) {
    throw new NutcaError(
      "NOT_FOUND",
      `the store holds no key for "${name}"`,
      `it was signed from a CSR and its key never left its host: get the certificate with nutca show ${name} --pem`,
    );
  }
  let keyPem: string;
  try {
    keyPem = readFileSync(store.layout.resolve(entry.files.key), "utf8");
  } catch (error) {
    throw new NutcaError("STORE_CORRUPT", `cannot read the key of "${name}"`, "run nutca doctor", { cause: error });
  }
  return { ...certificateOf(store, entry), keyPem };
}
