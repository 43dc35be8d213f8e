/**
 * The holes of docs/security.md that a bundle's configuration leaves open and
 * could close: a warning each, with its fix (the texts are the security
 * notes' own). Where no line can close a hole on the NUT version at hand, or
 * the bundle does not say its version, a note instead.
 */
import { relative } from "node:path";
import { DOCTOR_HOLES, type DoctorHole } from "../exports/security-scope.js";
import { directive, resolveInBundle, type Snippet } from "./snippet.js";
import type { CheckBuilder } from "./types.js";

export interface HoleContext {
  readonly root: string;
  /** NSS databases found in the bundle: a upsmon whose CERTPATH is none of them is an OpenSSL build. */
  readonly nssDbs: ReadonlySet<string>;
  readonly hasNutauth: boolean;
}

const ON = /^(1|true|yes|on)$/i;

export function checkHoles(snippets: readonly Snippet[], context: HoleContext, check: CheckBuilder): void {
  const nut286 = snippets.some(saysNut286);
  for (const snippet of snippets) {
    const add = (code: DoctorHole, severity: "warning" | "info" = "warning") => {
      const { hole, fix } = DOCTOR_HOLES[code];
      check.add(severity, code, `${relative(context.root, snippet.path)}: ${hole}`, fix, snippet.path);
    };
    if (snippet.kind === "upsmon") {
      if (!ON.test(arg(snippet, "FORCESSL"))) add("no-forcessl");
      if (arg(snippet, "CERTVERIFY") !== "1") add("certverify-off");
      const hosts = snippet.directives.filter((item) => item.name === "CERTHOST");
      if (hosts.some((item) => item.args[2] === "0" || item.args[3] === "0")) add("certhost-lax");
      const value = arg(snippet, "CERTPATH");
      const certpath = value === "" ? undefined : resolveInBundle(context.root, snippet.path, value);
      const openssl = certpath !== undefined && !context.nssDbs.has(certpath);
      if (openssl && hosts.length === 0) add("no-name-check", nut286 ? "warning" : "info");
      if (nut286 && !context.hasNutauth) add("no-nutauth");
    } else if (snippet.kind === "upsd") {
      if (!ON.test(arg(snippet, "DISABLE_WEAK_SSL"))) add("weak-tls-allowed");
      if (/^(1|REQUEST)$/i.test(arg(snippet, "CERTREQUEST"))) add("certrequest-optional");
    } else {
      if (!ON.test(arg(snippet, "verifyChain")) && !ON.test(arg(snippet, "verifyPeer"))) add("stunnel-no-verify");
      const client = ON.test(arg(snippet, "client"));
      if (client && !directive(snippet, "checkHost") && !directive(snippet, "checkIP")) add("stunnel-no-name-check");
      if (!/^TLSv1\.[23]$/.test(arg(snippet, "sslVersionMin"))) add("stunnel-weak-tls");
    }
  }
}

/** Lines only NUT 2.8.6 takes: upsmon's CERTFILE (a client certificate), upsd's CERTREQUEST. */
function saysNut286(snippet: Snippet): boolean {
  return (
    (snippet.kind === "upsmon" && directive(snippet, "CERTFILE") !== undefined) ||
    (snippet.kind === "upsd" && directive(snippet, "CERTREQUEST") !== undefined)
  );
}

function arg(snippet: Snippet, name: string): string {
  return directive(snippet, name)?.args[0] ?? "";
}
