/**
 * The security notes of NUT's own TLS: upsd and upsmon by NUT version and
 * backend, and upsc & friends with and without nutauth.conf.
 */
import { NATIVE, p, s, type DeploymentNotes } from "./security-attacks.js";

export const NATIVE_DEPLOYMENTS: readonly DeploymentNotes[] = [
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
      "As above on either backend, plus CERTHOST on OpenSSL upsmon too (2.8.6 checks the name), as nutca's exports " +
      "with --nut-version 2.8.6 write them. upsd checks its own set-up at start and aborts on a bad one instead of " +
      "failing open. With --encrypt-key (OpenSSL) the key in upsd.pem is encrypted and CERTIDENT in upsd.conf holds " +
      "its password: that protects a copied upsd.pem alone (a backup, a stray file), not a host whose upsd.conf is " +
      "read too.",
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
      "upsmon presents CERTFILE (OpenSSL) or CERTIDENT (NSS), as nutca's upsd export with --nut-version 2.8.6 " +
      "--client-certs require (OpenSSL: CERTPATH client-ca/ beside upsd.pem; NSS: the CA trusted CT,, in the " +
      "database, T = client CAs) and upsmon export with --client <name> --nut-version 2.8.6 write them.",
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
];

export const CLIENT_DEPLOYMENTS: readonly DeploymentNotes[] = [
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
      "<a SAN of the server certificate>, as nutca export nutauth writes it (a section per server, the file 0600). " +
      "Older NUT ignores the file: there these clients verify nothing.",
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
