/**
 * What each way nutca sets up TLS protects against, and what it does not, in
 * the form of RFC 3552 section 5: every attack of its section 3 list, one by
 * one, for every deployment. The one source of docs/security.md, of each
 * export README's "What this protects" lines and of the wizard's deployment
 * hints. Pure data; security-render.ts turns it into text.
 */

export const ATTACKS = [
  { id: "wire", title: "Eavesdropping on the wire", short: "wire eavesdropping" },
  { id: "loopback", title: "Eavesdropping on loopback", short: "loopback eavesdropping" },
  { id: "replay", title: "Replay", short: "replay" },
  { id: "insertion", title: "Message insertion", short: "insertion" },
  { id: "deletion", title: "Message deletion", short: "deletion" },
  { id: "modification", title: "Message modification", short: "modification" },
  { id: "mitm", title: "Man-in-the-middle", short: "MITM" },
  { id: "dos", title: "Denial of service", short: "DoS" },
] as const;

export type AttackId = (typeof ATTACKS)[number]["id"];
export type Verdict = "protected" | "susceptible" | "out of scope";

export interface Assessment {
  readonly verdict: Verdict;
  /** A few words, for README lines and the wizard. */
  readonly brief: string;
  /** The whole reason, naming the NUT behaviour behind the verdict. */
  readonly reason: string;
}

export type DeploymentId =
  | "nss-2.8.0"
  | "openssl-2.8.5"
  | "native-2.8.6"
  | "native-2.8.6-client-certs"
  | "stunnel"
  | "shims"
  | "upsc-unverified"
  | "nutauth";

export interface DeploymentNotes {
  readonly id: DeploymentId;
  readonly title: string;
  /** A short name for README lines and the wizard. */
  readonly label: string;
  /** What runs where, in a sentence or two. */
  readonly setup: string;
  readonly attacks: Readonly<Record<AttackId, Assessment>>;
  /** What the admin must keep (or add) so the verdicts above hold. */
  readonly keep: readonly string[];
}

const p = (brief: string, reason: string): Assessment => ({ verdict: "protected", brief, reason });
const s = (brief: string, reason: string): Assessment => ({ verdict: "susceptible", brief, reason });

/** Facts that hold for every deployment where NUT's upsd does the TLS itself. */
const NATIVE = {
  replay: p(
    "TLS record sequence numbers",
    "Everything after STARTTLS is inside TLS: record sequence numbers and per-connection keys make a recorded " +
      "session useless to replay. Only the line STARTTLS itself travels before the handshake.",
  ),
  deletion: s(
    "a dropped connection looks like a lost UPS",
    "TLS detects a deleted record but cannot stop an attacker on the path from dropping the whole connection. " +
      "upsmon then reports the UPS as lost (NOCOMM) and, if it was last on battery, treats it as critical and " +
      "shuts the host down.",
  ),
  modification: p(
    "TLS integrity",
    "A changed record fails TLS's integrity check and ends the connection: ups.status cannot be turned from OB " +
      "to OL (or an FSD forged) in flight.",
  ),
  loopbackNative: p(
    "TLS on loopback too",
    "With native TLS the local upsmon also speaks STARTTLS, so nothing is plaintext on 127.0.0.1, provided its " +
      "MONITOR line uses TLS like the remote ones (FORCESSL 1) and the server certificate names localhost or " +
      "127.0.0.1 as MONITOR does.",
  ),
  dosStall: s(
    "one stalled client blocks upsd",
    "upsd does the TLS handshake blocking: one client that sends STARTTLS and then nothing freezes upsd for " +
      "every other client until it gives up (40 s seen, then 'Data for UPS ... is stale'). Anyone who can " +
      "reach port 3493 can do it; a firewall that admits only the monitoring hosts is the only remedy.",
  ),
};

export const DEPLOYMENTS: readonly DeploymentNotes[] = [
  {
    id: "nss-2.8.0",
    label: "NUT 2.8.0 NSS (Debian 12)",
    title: "Native NUT TLS, NSS build (NUT 2.8.0, Debian 12)",
    setup:
      'upsd with CERTPATH (an NSS database) and CERTIDENT; upsmon with CERTPATH, CERTHOST <host> "<name>" 1 1, ' +
      "CERTVERIFY 1 and FORCESSL 1, as nutca's upsd and upsmon exports for --backend nss write them.",
    attacks: {
      wire: p(
        "TLS, and FORCESSL 1 refuses plaintext",
        "upsd FAILS OPEN: a wrong database password, nickname or an unreadable database only logs an error and upsd " +
          "serves plaintext, answering STARTTLS with ERR FEATURE-NOT-CONFIGURED. FORCESSL 1 on upsmon is what turns " +
          "that downgrade (or an attacker's forged ERR) into a refused connection before USERNAME/PASSWORD are sent. " +
          "DISABLE_WEAK_SSL true keeps upsd to TLS 1.2/1.3; without it TLS 1.0/1.1 are accepted.",
      ),
      loopback: NATIVE.loopbackNative,
      replay: NATIVE.replay,
      insertion: s(
        "upsd takes any TLS client",
        "Inside a session, an inserted record fails TLS's integrity check. But Debian 12's upsd cannot require " +
          "client certificates (CERTREQUEST is an invalid directive there): anyone who reaches port 3493 opens a " +
          "session of their own, reads every UPS variable (GET and LIST need no login) and is stopped only by the " +
          "upsd.users passwords before INSTCMD, SET or FSD.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "NSS checks chain and name",
        "upsmon's NSS checks the chain against the CA trusted C in its database and the CERTHOST name against the " +
          "server certificate's subjectAltName, so only a certificate of this CA naming that host passes. upsc and " +
          "the other clients verify nothing: see 'upsc and friends without nutauth.conf'.",
      ),
      dos: NATIVE.dosStall,
    },
    keep: [
      "FORCESSL 1 and CERTVERIFY 1 on every upsmon, CERTHOST with verify and force set to 1.",
      "DISABLE_WEAK_SSL true in upsd.conf.",
      "A firewall that admits to port 3493 only the monitoring hosts.",
    ],
  },
  {
    id: "openssl-2.8.5",
    label: "NUT 2.8.5 OpenSSL",
    title: "Native NUT TLS, OpenSSL build (NUT 2.8.5)",
    setup:
      "upsd with CERTFILE (leaf, chain, unencrypted key in one PEM); upsmon with CERTPATH (a hashed CA directory), " +
      "CERTVERIFY 1 and FORCESSL 1, as nutca's upsd and upsmon exports for --backend openssl write them.",
    attacks: {
      wire: p(
        "TLS, and FORCESSL 1 refuses plaintext",
        "An OpenSSL upsd exits on a CERTFILE error instead of falling back to plaintext, but an attacker on the path " +
          "can still answer STARTTLS with an ERR: FORCESSL 1 on upsmon refuses then, before the password is sent. " +
          "DISABLE_WEAK_SSL true keeps upsd to TLS 1.2/1.3.",
      ),
      loopback: NATIVE.loopbackNative,
      replay: NATIVE.replay,
      insertion: s(
        "upsd takes any TLS client",
        "Inside a session, an inserted record fails TLS's integrity check. upsd 2.8.5 rejects CERTPATH and " +
          "CERTREQUEST for OpenSSL (invalid directive): it cannot ask for client certificates, so anyone who reaches " +
          "port 3493 reads UPS variables and only the upsd.users passwords guard commands.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: s(
        "no host name check",
        "Up to 2.8.5 the OpenSSL upsmon checks the chain but NO host name and ignores CERTHOST: any server " +
          "certificate of this CA is accepted, so whoever holds the key of one upsd host of this CA can impersonate " +
          "every other. Configuration cannot close this: upgrade to 2.8.6 and add CERTHOST, or use stunnel " +
          "(checkHost), or give each upsd host a CA of its own.",
      ),
      dos: NATIVE.dosStall,
    },
    keep: [
      "FORCESSL 1 and CERTVERIFY 1 on every upsmon.",
      "DISABLE_WEAK_SSL true in upsd.conf.",
      "A firewall that admits to port 3493 only the monitoring hosts.",
    ],
  },
  {
    id: "native-2.8.6",
    label: "NUT 2.8.6",
    title: "Native NUT TLS, NUT 2.8.6 (master), without client certificates",
    setup:
      "As above on either backend, plus CERTHOST on OpenSSL upsmon too (2.8.6 checks the name). upsd checks its " +
      "own set-up at start and aborts on a bad one instead of failing open.",
    attacks: {
      wire: p(
        "TLS; upsd no longer fails open",
        "2.8.6's upsd aborts when its SSL configuration cannot be applied instead of serving plaintext; FORCESSL 1 " +
          "on upsmon still refuses an attacker's forged ERR to STARTTLS. DISABLE_WEAK_SSL true keeps TLS 1.2/1.3.",
      ),
      loopback: NATIVE.loopbackNative,
      replay: NATIVE.replay,
      insertion: s(
        "upsd takes any TLS client",
        "Inside a session, an inserted record fails TLS's integrity check. Without CERTREQUEST, anyone who reaches " +
          "port 3493 opens a session, reads UPS variables, and only upsd.users guards commands.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "chain and CERTHOST name",
        "upsmon checks the chain and, with CERTHOST, the server name on both backends. A CERTHOST line applies only " +
          "when its host (host:port for a non-default port) matches the MONITOR line: without a matching one an " +
          "OpenSSL upsmon checks no name, as in 2.8.5.",
      ),
      dos: s(
        "a stalled client blocks upsd; a bad bundle stops it",
        "upsd still does the handshake blocking: one client that stalls after STARTTLS blocks it for everyone. And " +
          "because upsd now aborts on a bad TLS set-up, a wrong bundle means no upsd, no UPS data and no shutdown: " +
          "check the bundle (nutca doctor --export) before restarting, and keep the old files to roll back.",
      ),
    },
    keep: [
      "FORCESSL 1, CERTVERIFY 1 and a CERTHOST line matching each MONITOR line (host:port for a non-default port).",
      "DISABLE_WEAK_SSL true in upsd.conf.",
      "A firewall that admits to port 3493 only the monitoring hosts.",
    ],
  },
  {
    id: "native-2.8.6-client-certs",
    label: "NUT 2.8.6 with CERTREQUEST 2",
    title: "Native NUT TLS, NUT 2.8.6 with client certificates (CERTREQUEST REQUIRE)",
    setup:
      "A 2.8.6 build configured --with-ssl-client-validation: upsd adds CERTPATH (the CA) and CERTREQUEST 2; " +
      "upsmon presents CERTFILE (OpenSSL) or CERTIDENT (NSS). nutca's upsd export does not write these upsd lines " +
      "yet: add CERTPATH <the certs/ of nutca export ca> and CERTREQUEST 2 by hand.",
    attacks: {
      wire: p(
        "TLS; upsd no longer fails open",
        "As without client certificates: upsd aborts on a bad set-up, FORCESSL 1 refuses a forged ERR to STARTTLS.",
      ),
      loopback: NATIVE.loopbackNative,
      replay: NATIVE.replay,
      insertion: p(
        "only clients of this CA get a session",
        "CERTREQUEST 2 (REQUIRE) makes upsd refuse a client without a certificate of this CA, so a stranger cannot " +
          "even read UPS variables. Use 2: with CERTREQUEST 1 (REQUEST) an OpenSSL upsd lets a client without a " +
          "certificate in. Any client certificate of this CA passes; upsd.users still decides what each may do. " +
          "Under TLS 1.3 a refused client first sees a completed handshake; the refusal shows at its first read.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "both ends verified",
        "upsmon checks the server's chain and CERTHOST name; upsd checks the client's chain. A man in the middle " +
          "needs keys of this CA on both sides.",
      ),
      dos: s(
        "a stalled client blocks upsd",
        "The handshake is still blocking, and the certificate is asked for inside it, so a stranger can still stall " +
          "upsd for everyone. A NUT bug adds one: an NSS upsmon whose CERTIDENT password is wrong retries in a tight " +
          "loop and holds upsd inside the handshake; check the password (certutil -K) before starting upsmon.",
      ),
    },
    keep: [
      "CERTREQUEST 2, not 1.",
      "FORCESSL 1, CERTVERIFY 1 and a matching CERTHOST on every upsmon; DISABLE_WEAK_SSL true in upsd.conf.",
    ],
  },
  {
    id: "stunnel",
    label: "stunnel",
    title: "stunnel at both ends",
    setup:
      "A server stunnel in front of upsd (TLS from the first byte on port 3494, verifyChain: client certificates " +
      "required) and a client stunnel beside upsmon (plaintext on 127.0.0.1:3493, TLS out with verifyChain and " +
      "checkHost/checkIP). Works with any NUT version; upsd and upsmon themselves speak plaintext.",
    attacks: {
      wire: p(
        "TLS 1.2+ from the first byte",
        "stunnel speaks TLS from the first byte (no STARTTLS to strip) with sslVersionMin = TLSv1.2.",
      ),
      loopback: s(
        "plaintext legs on 127.0.0.1",
        "Both local legs are plaintext: upsmon to the client stunnel on 127.0.0.1:3493 carries upsmon's PASSWORD, " +
          "and the server stunnel to upsd on 127.0.0.1:3493. Whoever can capture on lo (root, CAP_NET_RAW, a " +
          "container in the host's network namespace) reads it; any local user can bind 127.0.0.1:3493 while " +
          "stunnel is down (an unprivileged port) and collect the password, or connect to the client stunnel and " +
          "be relayed with this host's certificate, or to upsd directly, past the client certificate check. On a " +
          "host shared with other users, prefer native TLS.",
      ),
      replay: p("TLS record sequence numbers", "Inside TLS: records are numbered and keys are per connection."),
      insertion: p(
        "mutual TLS",
        "The server stunnel's verifyChain requires a client certificate of this CA, so a stranger cannot open a " +
          "session; an inserted record fails TLS's integrity check. Any client certificate of this CA passes, and " +
          "upsd sees every client as 127.0.0.1, so upsd.users and LISTEN cannot tell them apart.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "chain, name and CRL",
        "The client stunnel checks the chain and checkHost/checkIP against the server certificate's SANs; the " +
          "server stunnel checks the client's chain; both check the CRL (CRLfile), so a revoked certificate is " +
          "refused.",
      ),
      dos: s(
        "floods and resets, as any TCP service",
        "stunnel handles each connection on its own, and opens the plaintext connection to upsd only after the " +
          "handshake, so a client stalling in the handshake does not block upsd. Floods and resets remain.",
      ),
    },
    keep: [
      "upsd listening only on 127.0.0.1 (LISTEN 127.0.0.1 3493), so nothing reaches it past stunnel.",
      "verifyChain, checkHost/checkIP and sslVersionMin = TLSv1.2 in stunnel.conf; CRLfile current.",
      "No untrusted local users on either host, or native TLS on those hosts.",
    ],
  },
  {
    id: "shims",
    label: "TLS shims",
    title: "Roger Price's TLS shims",
    setup:
      "upsdTLS.py beside upsd (port 401, relays to localhost:3493) and upsmonTLS.py beside each client " +
      "(plaintext on 127.0.0.1:3493, STARTTLS to the server's port 401). Works with any NUT version.",
    attacks: {
      wire: p(
        "TLS between the shims",
        "upsmonTLS.py starts TLS right after the server shim's OK; nothing but STARTTLS crosses the wire in clear.",
      ),
      loopback: s(
        "plaintext legs on 127.0.0.1",
        "Both local legs are plaintext: upsmon to upsmonTLS.py on 127.0.0.1:3493 carries upsmon's PASSWORD, and " +
          "upsdTLS.py to upsd on localhost:3493. Whoever can capture on lo reads it; any local user can bind " +
          "127.0.0.1:3493 while the shim is down (it exits after a failed handshake) and collect the password, or " +
          "talk to upsd directly. On a host shared with other users, prefer native TLS.",
      ),
      replay: p("TLS record sequence numbers", "Inside TLS: records are numbered and keys are per connection."),
      insertion: s(
        "no client certificates",
        "An inserted record fails TLS's integrity check, but upsdTLS.py asks for no client certificate: anyone who " +
          "reaches port 401 is relayed to upsd, which sees every client as localhost and is guarded only by " +
          "upsd.users.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "chain and host name",
        "upsmonTLS.py uses Python's default client context: the chain against the CA file and --upsdname against " +
          "the server certificate's SANs (an IP only matches an iPAddress entry).",
      ),
      dos: s(
        "one failed handshake stops the client shim",
        "upsmonTLS.py exits after a failed handshake, so one reset or forged answer cuts the client off until its " +
          "service restarts it (Restart=always in the unit the README gives).",
      ),
    },
    keep: [
      "upsd listening only on localhost, the client shim under systemd with Restart=always.",
      "No untrusted local users on either host, or native TLS on those hosts.",
    ],
  },
  {
    id: "upsc-unverified",
    label: "upsc & friends",
    title: "upsc and friends without nutauth.conf (every version)",
    setup:
      "upsc, upscmd, upsrw, upslog, the CGIs and PyNUT before NUT 2.8.6, or on 2.8.6 without a nutauth.conf " +
      "section for the server (an absent file is silently skipped).",
    attacks: {
      wire: s(
        "plaintext unless upsd offers TLS",
        "The clients negotiate TLS when upsd offers it but never insist: a forged ERR to STARTTLS (or a fail-open " +
          "NSS upsd) gives plaintext, and upscmd/upsrw then send USERNAME and PASSWORD in clear.",
      ),
      loopback: s(
        "as on the wire",
        "Run on the upsd host, they connect like any other client: no TLS is enforced on 127.0.0.1 either.",
      ),
      replay: p(
        "TLS record sequence numbers, when TLS is up",
        "When TLS was negotiated, records are numbered and keys are per connection.",
      ),
      insertion: s(
        "nothing verified",
        "With nothing verified, an attacker who answers in the server's place inserts whatever status they like.",
      ),
      deletion: NATIVE.deletion,
      modification: s(
        "nothing verified",
        "TLS integrity protects only a session with the real upsd, and nothing checks that it is the real one.",
      ),
      mitm: s(
        "upsc verifies nothing",
        "Debian 12's upsc negotiates TLS but verifies nothing (it talks to a server of another CA); 2.8.6 prints " +
          "'Certificate verification (by client) is disabled'. Only upsmon verifies.",
      ),
      dos: NATIVE.dosStall,
    },
    keep: ["Trust no upsc output for decisions; on 2.8.6, write a nutauth.conf (next section)."],
  },
  {
    id: "nutauth",
    label: "upsc with nutauth.conf",
    title: "upsc and friends with nutauth.conf (NUT 2.8.6)",
    setup:
      "2.8.6's upsc, upscmd, upsrw, upslog, CGIs and PyNUT read nutauth.conf: a section for the server with " +
      "CERTPATH (hashed CA dir for OpenSSL, NSS database for NSS), CERTVERIFY = on, FORCESSL = on and CERTHOST = " +
      "<a SAN of the server certificate>. nutca does not export nutauth.conf yet; it is planned. Until then, write " +
      "it by hand from the upsmon export's CERTPATH.",
    attacks: {
      wire: p("FORCESSL = on", "FORCESSL = on refuses plaintext; the TLS settings of upsd apply as for upsmon."),
      loopback: NATIVE.loopbackNative,
      replay: NATIVE.replay,
      insertion: p(
        "server verified",
        "With CERTVERIFY = on only the real upsd can answer; an inserted record fails TLS's integrity check.",
      ),
      deletion: NATIVE.deletion,
      modification: NATIVE.modification,
      mitm: p(
        "chain and CERTHOST",
        "The chain against CERTPATH and the CERTHOST name against the server's SANs ('Connecting in SSL ... " +
          "looking at certificate called ...'); another CA's server is refused.",
      ),
      dos: NATIVE.dosStall,
    },
    keep: [
      "nutauth.conf mode 0600 (it holds passwords); pass -A FILE where the default search might miss it.",
      "A section per server: the file is silently skipped when absent, and the clients then verify nothing.",
    ],
  },
];

export function deploymentNotes(id: DeploymentId): DeploymentNotes {
  const found = DEPLOYMENTS.find((deployment) => deployment.id === id);
  if (!found) throw new Error(`no security notes for ${id}`);
  return found;
}
