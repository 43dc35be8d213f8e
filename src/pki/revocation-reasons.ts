import { NutcaError } from "../errors.js";

/**
 * The RFC 5280 reasons that make sense for a leaf of this CA. certificateHold
 * and removeFromCRL are left out (nutca has no un-revoke), and the CA and
 * attribute-authority compromise reasons do not apply to leaves.
 */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export function isRevocationReason(text: string): text is RevocationReason {
  return Object.hasOwn(REVOCATION_REASONS, text);
}

/** Reads a reason the way RFC 5280 spells it, in any letter case. */
export function parseRevocationReason(text: string): RevocationReason {
  const found = Object.keys(REVOCATION_REASONS).find((name) => name.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new NutcaError(
      "BAD_REASON",
      `unknown revocation reason "${text}"`,
      `use one of ${Object.keys(REVOCATION_REASONS).join(", ")}`,
    );
  }
  return found as RevocationReason;
}
