/**
 * The vocabulary of the security notes: RFC 3552's list of attacks, the
 * verdicts, and what every deployment where upsd does the TLS itself shares.
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

export const p = (brief: string, reason: string): Assessment => ({ verdict: "protected", brief, reason });
export const s = (brief: string, reason: string): Assessment => ({ verdict: "susceptible", brief, reason });

/** Facts that hold for every deployment where NUT's upsd does the TLS itself. */
export const NATIVE = {
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
