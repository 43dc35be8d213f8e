/**
 * The security notes of the tunnels around an unmodified NUT: stunnel at both
 * ends, and Roger Price's TLS shims. Both leave a plaintext leg on 127.0.0.1.
 */
import { NATIVE, p, s, type DeploymentNotes } from "./security-attacks.js";

export const TUNNEL_DEPLOYMENTS: readonly DeploymentNotes[] = [
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
];
