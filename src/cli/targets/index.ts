/**
 * The export targets, one file each, in the order `nutca export --help` lists
 * them. `nutca export <target>`, the batch (issue --from ... --export) and the
 * wizard all take their targets from this list.
 */
import { ansibleTarget } from "./ansible.js";
import { caTarget } from "./ca.js";
import { nutauthTarget } from "./nutauth.js";
import { p12Target } from "./p12.js";
import { pemTarget } from "./pem.js";
import { shimClientTarget } from "./shim-client.js";
import { shimServerTarget } from "./shim-server.js";
import { stunnelClientTarget } from "./stunnel-client.js";
import { stunnelServerTarget } from "./stunnel-server.js";
import type { AnyExportTarget } from "./target.js";
import { upsdTarget } from "./upsd.js";
import { upsmonTarget } from "./upsmon.js";

export const EXPORT_TARGETS: readonly AnyExportTarget[] = [
  caTarget,
  pemTarget,
  p12Target,
  stunnelServerTarget,
  stunnelClientTarget,
  shimServerTarget,
  shimClientTarget,
  upsdTarget,
  upsmonTarget,
  nutauthTarget,
  ansibleTarget,
];

export function findTarget(name: string): AnyExportTarget | undefined {
  return EXPORT_TARGETS.find((target) => target.name === name);
}
