/**
 * Step 2: how NUT is deployed: its own TLS (and which library it is built
 * with), stunnel, or the TLS shims. Several can be chosen, e.g. to move from
 * stunnel to native TLS host by host. Each choice says what it leaves open
 * (docs/security.md), and a host where upsmon watches its own upsd is asked
 * about its other users: stunnel's and the shims' loopback leg is plaintext.
 */
import type { NutBackend } from "../../nut/backend.js";
import { modeLine, SHARED_HOST_ADVICE } from "../../exports/security-render.js";
import { parseSetting, type Settings } from "../../settings.js";
import { upsdTarget } from "../targets/upsd.js";
import type { Choice, WizardIO } from "./io.js";
import type { Deployment, Mode } from "./plan.js";

const MODE_CHOICES: readonly Choice<Mode>[] = [
  { name: "NUT's own TLS (upsd/upsmon STARTTLS, NUT built with OpenSSL or NSS)", value: "native", short: "NUT TLS" },
  { name: "stunnel at both ends (any NUT version; mutual TLS)", value: "stunnel", short: "stunnel" },
  { name: "Roger Price's TLS shims (upsdTLS.py / upsmonTLS.py)", value: "shims", short: "TLS shims" },
];

/** Which NUT is built with which library (nut-tls.md). */
export const BACKEND_HINTS = [
  "  NSS:     Debian, Ubuntu, OpenWrt, Fedora < 33, EL8",
  "  OpenSSL: Fedora >= 33, EL9+, Arch, FreeBSD (pfSense), Homebrew, NixOS, upstream packages",
  "  On a host: ldd /lib/nut/upsd (or $(command -v upsd)) shows libnss3 for NSS, libssl.so for OpenSSL.",
];

export const DEFAULT_NUT_INSTALL_DIR = upsdTarget.defaultInstallDir;

export async function askDeployment(
  io: WizardIO,
  saved: Settings,
  detect: () => Promise<{ backend: NutBackend; note: string } | undefined>,
): Promise<Deployment> {
  const { ask } = io;
  io.say("", "Deployment", "What each choice leaves open (docs/security.md):");
  io.say(...MODE_CHOICES.map((choice) => `  ${`${choice.short}:`.padEnd(11)} ${modeLine(choice.value)}`));
  const chosen = await ask.checkbox(
    "How do the NUT hosts talk TLS? (space selects, enter confirms)",
    MODE_CHOICES.map((choice) => ({ ...choice, checked: choice.value === "native" })),
    (selected) => selected.length > 0 || "choose at least one",
  );
  const modes = await sharedHostCheck(io, chosen);
  if (!modes.includes("native")) return { modes };

  let detected: { backend: NutBackend; note: string } | undefined;
  try {
    detected = await detect();
  } catch {
    detected = undefined;
  }
  if (detected) io.say(`  This host's NUT: ${detected.note}`);
  else io.say("  No NUT with TLS found on this host. Which library NUT is built with depends on the distribution:");
  if (!detected) io.say(...BACKEND_HINTS);
  const savedBackend = saved.backend === "nss" || saved.backend === "openssl" ? saved.backend : undefined;
  const backend = await ask.select<NutBackend>(
    "NUT on the upsd/upsmon hosts is built with:",
    [
      { name: "NSS (an NSS database: CERTPATH + CERTIDENT)", value: "nss", short: "NSS" },
      { name: "OpenSSL (PEM files: CERTFILE, a hashed CERTPATH)", value: "openssl", short: "OpenSSL" },
    ],
    detected?.backend ?? savedBackend ?? "nss",
  );
  const installDir = await ask.input("Where will NUT's TLS files live on those hosts?", {
    default: saved.installDir ?? DEFAULT_NUT_INSTALL_DIR ?? "/etc/nut/tls",
    validate: async (value) => {
      try {
        await parseSetting("installDir", value);
        return true;
      } catch (error) {
        return (error as { line?: string }).line ?? String(error);
      }
    },
  });
  return { modes, backend, installDir: await parseSetting("installDir", installDir) };
}

/** A tunnel's plaintext leg on 127.0.0.1 matters where other users share the host: native TLS closes it. */
async function sharedHostCheck(io: WizardIO, modes: Mode[]): Promise<Mode[]> {
  if (!modes.some((mode) => mode === "stunnel" || mode === "shims")) return modes;
  const together = await io.ask.confirm("Does upsmon run on a upsd host too (a UPS host monitoring itself)?", false);
  if (!together) return modes;
  const shared = await io.ask.confirm(
    "Is that host shared with other users (logins or services you do not trust)?",
    false,
  );
  if (!shared) return modes;
  io.say(`  ${SHARED_HOST_ADVICE}`);
  if (modes.includes("native")) return modes;
  const add = await io.ask.confirm("Add NUT's own TLS for that host (recommended)?", true);
  return add ? ["native", ...modes] : modes;
}
