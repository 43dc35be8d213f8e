/**
 * The parts of nutca's security considerations that are not one deployment:
 * the scope and threat model (RFC 3552 section 5), nutca's own assets, which
 * notes each export target carries, and what each wizard choice leaves open.
 * Pure data, rendered by security-render.ts.
 */
import type { AttackId, DeploymentId } from "./security-notes.js";

export const INTRODUCTION: readonly string[] = [
  "NUT's network protocol carries a UPS's state (ups.status OL, OB, LB), the commands that act on it (INSTCMD, " +
    "SET, FSD: a forced shutdown of every host the UPS feeds) and the upsd.users passwords that authorise them. " +
    "nutca sets up TLS for it in several ways; this document says, for each, which attacks it protects against, " +
    "which it is susceptible to and which are out of scope, and why, in the form RFC 3552 section 5 asks of a " +
    "protocol's security considerations.",
  "Threat model (RFC 3552 section 3): the hosts at both ends are not compromised; the attacker controls the " +
    "network between them and can read, insert, delete, modify and replay messages, and pose as either end. The " +
    "network is assumed to be the Internet, not a trusted LAN: a UPS on a branch office link, a monitoring host " +
    "in another data centre, a VLAN shared with guests. Where a leg of a deployment runs on 127.0.0.1, the other " +
    "users of that host are attackers too.",
  "Each deployment below takes the attacks of RFC 3552's list one by one: eavesdropping (on the wire, and on " +
    "the loopback interface, the exposure Roger Price named for NUT), replay, message insertion, deletion and " +
    "modification, man-in-the-middle, and denial of service. A verdict holds only with the lines nutca's " +
    "exports write; the 'Keep' list says which of them matter.",
];

export const OUT_OF_SCOPE: readonly string[] = [
  "Root (or the nut user) on a upsd or upsmon host: it holds the keys and reads every config file; no TLS set-up " +
    "protects a host from itself.",
  "The link between a UPS and its driver (USB, serial, SNMP or a management card's HTTP): NUT's TLS starts at upsd.",
  "The strength of upsd.users passwords, and what each user may do there: upsd's access control, not TLS.",
  "Bugs in NUT, OpenSSL, NSS, stunnel or Python beyond those named here, side channels, and the quality of the " +
    "operating system's random numbers.",
];

export interface AssetNotes {
  readonly id: "ca-key" | "store" | "transit" | "ansible" | "argv" | "stolen-ca";
  readonly title: string;
  readonly protects: string;
  readonly doesNot: string;
}

export const ASSETS: readonly AssetNotes[] = [
  {
    id: "ca-key",
    title: "The CA key at rest",
    protects:
      "Encrypted by default (PKCS#8, PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations or more, AES-256-CBC), " +
      "mode 0600 in a 0700 directory: a copied store or backup costs the thief a passphrase guess per 600,000 " +
      "hashes.",
    doesNot:
      "init --no-passphrase leaves it unencrypted (explicit and warned); a weak passphrase, or one read off the " +
      "machine while nutca runs, opens it. With --intermediate the root key can live offline.",
  },
  {
    id: "store",
    title: "The store",
    protects:
      "Keys 0600 in 0700 directories, every write atomic and durable, an append-only ledger under a lock; nutca " +
      "doctor checks modes and consistency read-only.",
    doesNot:
      "Leaf keys (private/<name>.key.pem) are not encrypted: whoever reads the store as its owner or as root has " +
      "every host's key. Keep the store on the admin's machine, not on a upsd host.",
  },
  {
    id: "transit",
    title: "Keys in transit during deployment",
    protects:
      "nutca deploy exports each bundle into a 0700 temporary directory, streams it to the host inside ssh (tar " +
      "on ssh's stdin, host keys always checked, never a key or password in an argv), unpacks it into a 0700 " +
      "mktemp -d directory there, and removes both directories whatever happens (the remote one on EXIT, HUP, INT " +
      "and TERM). Bundles are written with keys 0600 (0640 where the nut group must read them) in 0700 " +
      "directories; a .p12 is password-protected and a generated password is shown once, never saved.",
    doesNot:
      "The keys in a bundle (upsd.pem, *.key.pem, the shim's server file, an NSS database with an empty password " +
      "or its password in the snippet) are unencrypted: copied by hand, they go over ssh/scp only, and the bundle " +
      "is deleted after installing, as each README says. A deploy killed with SIGKILL (here or on the host) leaves " +
      "its temporary directory behind; root on the host can read the bundle while install.sh runs.",
  },
  {
    id: "ansible",
    title: "Keys in transit with Ansible",
    protects:
      "export ansible's playbook copies each bundle over Ansible's connection (ssh by default, host key " +
      "checked) into a 0700 tempfile directory, keeps each file's mode (keys 0600 or 0640), shows no file's " +
      "contents, and removes the directory in an always block.",
    doesNot:
      "The export directory holds every host's key unencrypted: keep it 0700 and delete it after the run. " +
      "host_key_checking off weakens the transport; a killed run can leave the directory on the host.",
  },
  {
    id: "argv",
    title: "Secrets in argv and logs",
    protects:
      "Passphrases never travel on the command line (other users see argv in ps): a file (--passphrase-file), " +
      "NUTCA_PASSPHRASE or a prompt; nothing secret is logged or printed except a generated .p12 password, once.",
    doesNot:
      "NUTCA_PASSPHRASE is readable by the same user's other processes (/proc/PID/environ). NUT wants some secrets " +
      "in its config: the NSS database password in CERTIDENT (so the snippet is mode 0640), upsmon's password in " +
      "MONITOR, and nutauth.conf's passwords (mode 0600).",
  },
  {
    id: "stolen-ca",
    title: "What a stolen CA key allows, and how name constraints limit it",
    protects:
      "A CA made with init --permit-dns / --permit-ip carries name constraints: OpenSSL, NSS, stunnel and Python " +
      "refuse a certificate of that CA for a name outside the permitted subtrees, so a thief cannot use it to pose " +
      "as other sites to whoever trusts the CA.",
    doesNot:
      "Within the permitted names the thief issues any server certificate (a man in the middle for every client " +
      "that trusts the CA; on NUT 2.8.5 OpenSSL, which checks no name, any certificate of the CA does that " +
      "already) and any client certificate (past CERTREQUEST 2 and stunnel's verifyChain), and signs CRLs. " +
      "Revocation cannot help, the CRL is signed by the same key: make a new CA and re-export every host.",
  },
];

/** What each export's README.txt summarises: the deployments it takes part in, and the assets it carries. */
export interface TargetNotes {
  readonly deployments: readonly DeploymentId[];
  readonly assets: readonly AssetNotes["id"][];
}

export const TARGET_NOTES: Readonly<Record<string, TargetNotes>> = {
  ca: { deployments: [], assets: ["stolen-ca"] },
  pem: { deployments: [], assets: ["transit"] },
  p12: { deployments: [], assets: ["transit"] },
  "upsd:nss": { deployments: ["nss-2.8.0", "native-2.8.6", "native-2.8.6-client-certs"], assets: [] },
  "upsd:openssl": { deployments: ["openssl-2.8.5", "native-2.8.6", "native-2.8.6-client-certs"], assets: [] },
  "upsmon:nss": { deployments: ["nss-2.8.0", "native-2.8.6", "upsc-unverified"], assets: [] },
  "upsmon:openssl": { deployments: ["openssl-2.8.5", "native-2.8.6", "upsc-unverified"], assets: [] },
  "nutauth:nss": { deployments: ["nutauth", "upsc-unverified"], assets: [] },
  "nutauth:openssl": { deployments: ["nutauth", "upsc-unverified"], assets: [] },
  "stunnel-server": { deployments: ["stunnel"], assets: [] },
  "stunnel-client": { deployments: ["stunnel"], assets: [] },
  "shim-server": { deployments: ["shims"], assets: [] },
  "shim-client": { deployments: ["shims"], assets: [] },
  "ansible:nss": { deployments: ["nss-2.8.0"], assets: ["ansible"] },
  "ansible:openssl": { deployments: ["openssl-2.8.5"], assets: ["ansible"] },
};

/** The wizard's deployment choices (plan.ts's Mode): the holes each leaves open, shown in one line. */
export const MODE_NOTES: Readonly<
  Record<"native" | "stunnel" | "shims", readonly { deployment: DeploymentId; attack: AttackId }[]>
> = {
  native: [
    { deployment: "nss-2.8.0", attack: "insertion" },
    { deployment: "openssl-2.8.5", attack: "mitm" },
    { deployment: "nss-2.8.0", attack: "dos" },
    { deployment: "upsc-unverified", attack: "mitm" },
  ],
  stunnel: [
    { deployment: "stunnel", attack: "loopback" },
    { deployment: "stunnel", attack: "dos" },
  ],
  shims: [
    { deployment: "shims", attack: "loopback" },
    { deployment: "shims", attack: "insertion" },
    { deployment: "shims", attack: "dos" },
  ],
};

export const SHARED_HOST_ADVICE =
  "On a host shared with other users, run upsmon over NUT's own TLS to the local upsd (MONITOR ups@localhost " +
  "with FORCESSL 1): stunnel and the shims leave upsmon's password in plaintext on 127.0.0.1.";

/**
 * The holes `nutca doctor --export` reports in a bundle because configuration can close them: what each
 * leaves open, and the fix. A note (info) where the NUT version cannot close it or is not known.
 */
export const DOCTOR_HOLES = {
  "no-forcessl": {
    hole: "no FORCESSL 1: a fail-open upsd or a forged ERR to STARTTLS downgrades upsmon to plaintext unnoticed",
    fix: "add FORCESSL 1",
  },
  "certverify-off": {
    hole: "CERTVERIFY is not 1: upsmon accepts any server certificate, a man in the middle included",
    fix: "set CERTVERIFY 1 (with CERTPATH)",
  },
  "certhost-lax": {
    hole: "CERTHOST does not set verify and force to 1: that server's certificate or TLS is optional",
    fix: 'end the CERTHOST line with 1 1: CERTHOST <host> "<name>" 1 1',
  },
  "weak-tls-allowed": {
    hole: "no DISABLE_WEAK_SSL true: upsd accepts TLS 1.0/1.1",
    fix: "add DISABLE_WEAK_SSL true",
  },
  "certrequest-optional": {
    hole: "CERTREQUEST 1 (REQUEST): an OpenSSL upsd lets a client without a certificate in",
    fix: "use CERTREQUEST 2 (REQUIRE)",
  },
  "no-name-check": {
    hole: "an OpenSSL upsmon without CERTHOST checks no server name: any server certificate of this CA passes",
    fix: 'NUT 2.8.6 checks it with CERTHOST <host[:port] as in MONITOR> "<a name of the server certificate>" 1 1; 2.8.5 cannot (upgrade, or use stunnel)',
  },
  "no-nutauth": {
    hole: "a NUT 2.8.6 client host without nutauth.conf: upsc, upscmd, upsrw verify nothing",
    fix: "write nutauth.conf (mode 0600) with a section for the server: CERTPATH, CERTVERIFY = on, FORCESSL = on, CERTHOST: nutca export nutauth --server <name> writes it",
  },
  "stunnel-no-verify": {
    hole: "no verifyChain = yes: stunnel does not verify the peer (a server stunnel then takes any client)",
    fix: "add verifyChain = yes",
  },
  "stunnel-no-name-check": {
    hole: "a client stunnel without checkHost or checkIP: any certificate of this CA passes as the server",
    fix: "add checkHost = <the server name> (or checkIP = <address>)",
  },
  "stunnel-weak-tls": {
    hole: "no sslVersionMin = TLSv1.2: stunnel's default minimum is lower",
    fix: "add sslVersionMin = TLSv1.2",
  },
} as const;

export type DoctorHole = keyof typeof DOCTOR_HOLES;
