/**
 * `nutca probe <host>[:port]`: talks to a NUT server the way upsmon does
 * (STARTTLS, or TLS from the first byte with --stunnel) and reports the answer,
 * the TLS parameters, the chain, whether it verifies against the store's CA
 * (or --ca), whether the expected name is in the SAN, and expiry; with
 * --client it presents that client certificate of the store. Exit 0 only when
 * verified (the server also answered VER inside TLS); 1 when nothing answered
 * at that address; 4 for every other problem (the report says why).
 */
import { INPUT_CAPS, readInputFile } from "../../input-file.js";
import { isIP } from "node:net";
import { EXIT, NutcaError } from "../../errors.js";
import { evaluateProbe, type ProbeReport } from "../../nut/probe-report.js";
import { probeServer, type ProbeTarget } from "../../nut/starttls.js";
import { decodeObjects } from "../../pki/objects.js";
import type { x509 } from "../../pki/x509.js";
import { CaStore } from "../../store/store.js";
import { loadAuthority, loadIdentity } from "../../store/identity.js";
import type { CommandResult, Context } from "../context.js";
import { findingsBlock } from "./findings-text.js";

export const NUT_PORT = 3493;
/** nutca's stunnel-server export listens here by default. */
export const STUNNEL_PORT = 3494;

export interface ProbeOptions {
  ca?: string | undefined;
  name?: string | undefined;
  stunnel?: boolean | undefined;
  timeout?: string | undefined;
  client?: string | undefined;
}

export async function probe(address: string, options: ProbeOptions, context: Context): Promise<CommandResult> {
  const implicit = options.stunnel === true;
  const { host, port } = parseAddress(address, implicit ? STUNNEL_PORT : NUT_PORT);
  const timeoutMs = parseTimeout(options.timeout);
  const { anchors, source } = loadAnchors(options.ca, context);
  const client = options.client === undefined ? undefined : loadClient(options.client, context);
  const expectedName = options.name?.trim() || host;
  const target: ProbeTarget = {
    host,
    port,
    mode: implicit ? "implicit" : "starttls",
    servername: expectedName,
    timeoutMs,
    ...(client ? { client } : {}),
  };
  const outcome = await probeServer(target);
  const report = evaluateProbe({ target, outcome, anchors, trustSource: source, expectedName, now: context.now });
  const exitCode = report.verified ? EXIT.ok : outcome.stage === "connect" ? EXIT.failure : EXIT.problemFound;
  return { data: report, human: render(report), exitCode };
}

/** A client certificate of the store, with its chain up to (not including) the root, and its unencrypted key. */
function loadClient(name: string, context: Context): NonNullable<ProbeTarget["client"]> {
  const store = new CaStore(context.storeDir);
  if (!store.hasCa()) {
    throw new NutcaError("NO_CA", `there is no CA in ${store.root} to take --client from`, "pass --store DIR");
  }
  if (store.findEntry(name).kind !== "client") {
    throw new NutcaError(
      "USAGE",
      `--client "${name}" is not a client certificate`,
      "name one from nutca list (nutca issue client <name>)",
    );
  }
  const identity = loadIdentity(store, name, "client");
  const chain = [identity.certificate, ...loadAuthority(store).intermediates];
  return {
    name,
    certPem: chain.map((certificate) => certificate.toString("pem")).join("\n") + "\n",
    keyPem: identity.keyPem,
  };
}

export function parseAddress(text: string, defaultPort: number): { host: string; port: number } {
  const value = text.trim();
  const bad = () =>
    new NutcaError(
      "USAGE",
      `"${text}" is not a host or host:port`,
      "e.g. ups1.example.net, 192.0.2.10:3493, [2001:db8::1]:3493",
    );
  let host = value;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (isIP(host) !== 6) throw bad();
  } else if (isIP(value) !== 6) {
    const match = /^([^:\s]+)(?::(\d+))?$/.exec(value);
    if (!match) throw bad();
    host = match[1]!;
    portText = match[2];
  }
  if (!/^[A-Za-z0-9.:_-]+$/.test(host) || host.length > 253) throw bad();
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad();
  return { host, port };
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 10_000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new NutcaError(
      "USAGE",
      `--timeout "${text}" is not a number of seconds`,
      "use e.g. --timeout 5 (at most 600)",
    );
  }
  return Math.round(seconds * 1000);
}

function loadAnchors(
  caFile: string | undefined,
  context: Context,
): { anchors: x509.X509Certificate[]; source: string } {
  if (caFile !== undefined) {
    const bytes = readInputFile(caFile, {
      what: "CA certificate file",
      maxBytes: INPUT_CAPS.certificates,
      hint: "check the path given with --ca",
    });
    const anchors = decodeObjects(bytes).flatMap((object) =>
      object.kind === "certificate" ? [object.certificate] : [],
    );
    if (anchors.length === 0) {
      throw new NutcaError(
        "BAD_FILE",
        `${caFile} holds no certificate`,
        "pass the CA certificate (PEM or DER) with --ca",
      );
    }
    return { anchors, source: `--ca ${caFile}` };
  }
  const store = new CaStore(context.storeDir);
  if (!store.hasCa()) {
    throw new NutcaError("NO_CA", `there is no CA in ${store.root} to verify against`, "pass --ca FILE or --store DIR");
  }
  // The root is the anchor: with an intermediate, the server must send it (leaf, intermediate).
  const { root } = loadAuthority(store);
  return { anchors: [root], source: `this store's CA "${root.subject}"` };
}

function render(report: ProbeReport): string {
  const lines = [
    `Probe of ${report.target} (${report.mode === "implicit" ? "TLS from the first byte" : "NUT STARTTLS"})`,
  ];
  if (report.reply) lines.push(`  STARTTLS:  ${report.reply.line} — ${report.reply.meaning}`);
  if (report.tls) lines.push(`  TLS:       ${report.tls.protocol}, ${report.tls.cipher}`);
  if (report.client) lines.push(`  client:    presented the client certificate "${report.client}"`);
  if (report.server) lines.push(`  server:    ${report.server}`);
  report.chain.forEach((certificate, i) => {
    const names = [...certificate.dns, ...certificate.ip.map((ip) => `IP:${ip}`)].join(", ");
    lines.push(
      `  ${i === 0 ? "chain:    " : "          "} ${i + 1}. ${certificate.subject} (issuer ${certificate.issuer}; ${certificate.key}` +
        `${names ? `; names ${names}` : ""})`,
    );
  });
  if (report.chain.length > 0) {
    lines.push(
      `  trust:     ${report.trust.chainVerified ? `verified against ${report.trust.source}` : `does NOT verify against ${report.trust.source}`}`,
    );
  }
  if (report.name)
    lines.push(
      `  name:      "${report.name.expected}" ${report.name.matched ? "matches the certificate" : "does NOT match"}`,
    );
  if (report.notAfter) lines.push(`  expires:   ${report.notAfter}`);
  if (report.findings.length > 0) lines.push("", ...findingsBlock(report.findings));
  lines.push("", report.verified ? "VERIFIED" : "NOT VERIFIED");
  return lines.join("\n");
}
