/**
 * Step 1 for an empty store: the CA's name, organisation, key type, expiry and
 * passphrase, checked with the parsers `nutca init` uses; and, once the server
 * names are known, optional name constraints suggested from them.
 */
import { DEFAULT_KEY_TYPE, KEY_TYPES, parseKeyType, type KeyType } from "../../pki/keys.js";
import { assertPermitted, parsePermitted, type Permitted } from "../../pki/name-constraints.js";
import { checkCommonName, ipToBytes, parseCidr } from "../../pki/names.js";
import { parseNotAfter } from "../../pki/validity.js";
import type { Settings } from "../../settings.js";
import { DEFAULT_CA_NAME, init, type InitOptions } from "../commands/init.js";
import { flagsFor, initFlags } from "../options.js";
import { MIN_PASSPHRASE_LENGTH } from "../passphrase.js";
import { check, splitList, type Choice, type WizardIO } from "./io.js";
import type { PlannedCommand, ServerPlan } from "./plan.js";

export interface CaAnswers {
  readonly name: string;
  readonly organization?: string;
  readonly keyType: KeyType;
  readonly notAfter: string;
  readonly leafNotAfter: string;
  /** undefined: the key is stored unencrypted (only after the warning). */
  readonly passphrase?: string;
}

const KEY_CHOICES: readonly Choice<KeyType>[] = [
  {
    name: "ECDSA P-256 (recommended: every NUT build, stunnel and the shims take it)",
    value: "ec-p256",
    short: "P-256",
  },
  { name: "ECDSA P-384", value: "ec-p384", short: "P-384" },
  { name: "RSA 3072 (for old peers without ECDSA)", value: "rsa-3072", short: "RSA-3072" },
  { name: "RSA 2048", value: "rsa-2048", short: "RSA-2048" },
  { name: "RSA 4096 (slow to make)", value: "rsa-4096", short: "RSA-4096" },
];

export async function askCa(io: WizardIO, saved: Settings, now: Date): Promise<CaAnswers> {
  const { ask } = io;
  io.say("", "New CA");
  const name = await ask.input("CA name (its common name):", {
    default: DEFAULT_CA_NAME,
    validate: check((value) => checkCommonName(value, "CA name")),
  });
  const organization = await ask.input("Organisation (O), optional:", {
    default: saved.organization ?? "",
    validate: (value) => value.trim() === "" || check((text) => checkCommonName(text, "organisation"))(value),
  });
  const savedKey = KEY_TYPES.find((type) => type === saved.keyType);
  const keyType = parseKeyType(await ask.select("Key type:", KEY_CHOICES, savedKey ?? DEFAULT_KEY_TYPE));
  const notAfter = await ask.input("CA expiry: never (= 31 Dec 9999), a date (2045-12-31) or a duration (20y):", {
    default: "never",
    validate: check((value) => parseNotAfter(value, now)),
  });
  const leafNotAfter = await ask.input("Default expiry of the certificates it issues (capped at the CA's):", {
    default: saved.leafNotAfter ?? "never",
    validate: check((value) => parseNotAfter(value, now)),
  });
  const passphrase = await askNewPassphrase(io);
  return {
    name,
    ...(organization === "" ? {} : { organization }),
    keyType,
    notAfter: notAfter.toLowerCase(),
    leafNotAfter: leafNotAfter.toLowerCase(),
    ...(passphrase === undefined ? {} : { passphrase }),
  };
}

/** Hidden, twice, with a strength hint; no passphrase only after an explicit warning. */
export async function askNewPassphrase(io: WizardIO): Promise<string | undefined> {
  const { ask } = io;
  if (!(await ask.confirm("Protect the CA key with a passphrase? (recommended)", true))) {
    io.say(
      "",
      "WARNING: without a passphrase the CA key is stored unencrypted. Anyone who can read",
      "  private/ca.key.pem in the store (a backup, a copied disk) can issue certificates",
      "  that every NUT host set up here will trust.",
    );
    if (await ask.confirm("Store the CA key WITHOUT a passphrase anyway?", false)) return undefined;
  }
  for (;;) {
    const first = await ask.password(
      `CA passphrase (hidden; at least ${MIN_PASSPHRASE_LENGTH} characters, a few random words are strong):`,
      (value) => value.length >= MIN_PASSPHRASE_LENGTH || `use at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
    const strength = passphraseStrength(first);
    io.say(`  strength: ${strength.label} — ${strength.hint}`);
    if (strength.label === "weak" && !(await ask.confirm("Use this weak passphrase anyway?", false))) continue;
    const second = await ask.password("Repeat the passphrase:");
    if (second === first) return first;
    io.say("  The two passphrases differ: try again.");
  }
}

/** A rough estimate (length times alphabet size): enough to warn about "password1", not a guarantee. */
export function passphraseStrength(passphrase: string): { label: "weak" | "fair" | "strong"; hint: string } {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  const pool = [26, 26, 10, 33].reduce((sum, size, i) => sum + (classes[i]!.test(passphrase) ? size : 0), 0);
  const distinct = new Set(passphrase).size;
  const bits = Math.min(passphrase.length, distinct * 2) * Math.log2(Math.max(pool, 2));
  if (bits < 50) return { label: "weak", hint: "easy to guess if the key file leaks; use more words" };
  if (bits < 75) return { label: "fair", hint: "a longer passphrase would be stronger" };
  return { label: "strong", hint: "good" };
}

/** Parent domains of the servers' DNS names and the /24 (IPv4) or /64 (IPv6) of their addresses. */
export function suggestConstraints(servers: readonly ServerPlan[]): Permitted {
  const dns = new Set<string>();
  const ip = new Set<string>();
  for (const server of servers) {
    for (const name of server.dns) {
      const labels = name.split(".");
      dns.add(labels.length >= 3 ? labels.slice(1).join(".") : name);
    }
    for (const address of server.ip) ip.add(networkOf(address));
  }
  return { dns: [...dns], ip: [...ip] };
}

function networkOf(address: string): string {
  const bytes = ipToBytes(address);
  const prefix = bytes.length === 4 ? 24 : 64;
  const kept = bytes.map((byte, i) => (i < prefix / 8 ? byte : 0));
  if (bytes.length === 4) return parseCidr(`${kept.join(".")}/24`).text;
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((kept[i]! << 8) | kept[i + 1]!).toString(16));
  return parseCidr(`${groups.join(":")}::/64`).text;
}

/** Optional, off by default: a constrained CA can never issue for a name outside the list. */
export async function askConstraints(io: WizardIO, servers: readonly ServerPlan[]): Promise<Permitted> {
  const suggested = suggestConstraints(servers);
  const none: Permitted = { dns: [], ip: [] };
  if (suggested.dns.length + suggested.ip.length === 0) return none;
  io.say(
    "",
    "Name constraints limit what this CA can sign: a stolen CA key is then useless for other names,",
    "but the CA can never issue a certificate for a name outside the list.",
  );
  const shown = [...suggested.dns, ...suggested.ip].join(", ");
  if (!(await io.ask.confirm(`Limit the CA to ${shown}?`, false))) return none;
  const names = { dns: servers.flatMap((server) => server.dns), ip: servers.flatMap((server) => server.ip) };
  const dns = await io.ask.input("Permitted DNS suffixes (comma-separated, empty for any):", {
    default: suggested.dns.join(", "),
    validate: check((value) => assertPermitted({ dns: names.dns, ip: [] }, parsePermitted(splitList(value), []))),
  });
  const ip = await io.ask.input("Permitted IP networks (comma-separated, empty for any):", {
    default: suggested.ip.join(", "),
    validate: check((value) => assertPermitted({ dns: [], ip: names.ip }, parsePermitted([], splitList(value)))),
  });
  return parsePermitted(splitList(dns), splitList(ip));
}

/** `nutca init`'s options from the answers; the passphrase is not among them (see runSteps). */
function initOptions(ca: CaAnswers, permitted: Permitted): InitOptions {
  return {
    name: ca.name,
    ...(ca.organization === undefined ? {} : { org: ca.organization }),
    key: ca.keyType,
    notAfter: ca.notAfter,
    leafNotAfter: ca.leafNotAfter,
    ...(permitted.dns.length === 0 ? {} : { permitDns: [...permitted.dns] }),
    ...(permitted.ip.length === 0 ? {} : { permitIp: [...permitted.ip] }),
    ...(ca.passphrase === undefined ? { passphrase: false } : {}),
  };
}

export function initArgv(storeDir: string, ca: CaAnswers, permitted: Permitted): string[] {
  return ["--store", storeDir, "init", ...flagsFor(initOptions(ca, permitted), initFlags())];
}

export function initCommand(storeDir: string, ca: CaAnswers, permitted: Permitted): PlannedCommand {
  const options = initOptions(ca, permitted);
  return { storeDir, argv: initArgv(storeDir, ca, permitted), run: (context) => init(options, context) };
}
