/**
 * What each way nutca sets up TLS protects against, and what it does not, in
 * the form of RFC 3552 section 5: every attack of its section 3 list, one by
 * one, for every deployment. The one source of docs/security.md, of each
 * export README's "What this protects" lines and of the wizard's deployment
 * hints. Pure data (security-native.ts, security-tunnels.ts); security-render.ts
 * turns it into text.
 */
import type { DeploymentId, DeploymentNotes } from "./security-attacks.js";
import { CLIENT_DEPLOYMENTS, NATIVE_DEPLOYMENTS } from "./security-native.js";
import { TUNNEL_DEPLOYMENTS } from "./security-tunnels.js";

export {
  ATTACKS,
  type Assessment,
  type AttackId,
  type DeploymentId,
  type DeploymentNotes,
  type Verdict,
} from "./security-attacks.js";

/** Every deployment, in the order docs/security.md takes them. */
export const DEPLOYMENTS: readonly DeploymentNotes[] = [
  ...NATIVE_DEPLOYMENTS,
  ...TUNNEL_DEPLOYMENTS,
  ...CLIENT_DEPLOYMENTS,
];

export function deploymentNotes(id: DeploymentId): DeploymentNotes {
  const found = DEPLOYMENTS.find((deployment) => deployment.id === id);
  if (!found) throw new Error(`no security notes for ${id}`);
  return found;
}
