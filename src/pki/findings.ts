/** What lint and doctor report: a problem (or a note), and what to do about it. */
import { escapeControls, NutcaError } from "../errors.js";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  readonly severity: Severity;
  /** Stable, kebab-case: scripts match on it. */
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * A damaged object the parser accepted whose parts cannot be read (the
 * libraries parse extensions, keys and fields only when asked): one finding
 * in place of the exception, so inspect and doctor report it and go on.
 */
export function unreadableFinding(what: string, error: unknown): Finding {
  return {
    severity: "error",
    code: "unreadable",
    message: `${what} is damaged and cannot be read (${firstLine(error)})`,
    fix: "replace it with an intact copy (nutca show <name> --pem prints the store's own)",
  };
}

/**
 * Runs a lint. Anything but a NutcaError that it hits is a part of the object
 * the libraries cannot read, and becomes one `unreadable` finding.
 */
export function lintOrUnreadable(what: string, lint: () => Finding[]): Finding[];
export function lintOrUnreadable(what: string, lint: () => Promise<Finding[]>): Promise<Finding[]>;
export function lintOrUnreadable(
  what: string,
  lint: () => Finding[] | Promise<Finding[]>,
): Finding[] | Promise<Finding[]> {
  const unreadable = (error: unknown): Finding[] => {
    if (error instanceof NutcaError) throw error;
    return [unreadableFinding(what, error)];
  };
  try {
    const findings = lint();
    return findings instanceof Promise ? findings.catch(unreadable) : findings;
  } catch (error) {
    return unreadable(error);
  }
}

/** The first line of what was thrown, safe to print. */
export function firstLine(error: unknown): string {
  return escapeControls((error instanceof Error ? error.message : String(error)).split(/\r?\n|\r/)[0] ?? "");
}

/** Errors and warnings are problems; info is a note (e.g. a check that was skipped). */
export function isProblem(finding: Finding): boolean {
  return finding.severity !== "info";
}

/** Expiry warnings start this long before notAfter / nextUpdate. */
export const SOON_MS = 30 * 24 * 60 * 60 * 1000;

export function expiryFindings(notBefore: Date, notAfter: Date, now: Date, what: string): Finding[] {
  const left = notAfter.getTime() - now.getTime();
  if (left < 0) {
    return [
      {
        severity: "error",
        code: "expired",
        message: `${what} expired on ${notAfter.toISOString()}`,
        fix: "renew it (nutca renew <name>) and install the new files",
      },
    ];
  }
  if (notBefore.getTime() > now.getTime()) {
    return [
      {
        severity: "error",
        code: "not-yet-valid",
        message: `${what} is not valid before ${notBefore.toISOString()}`,
        fix: "check this host's clock and the CA host's",
      },
    ];
  }
  if (left < SOON_MS) {
    return [
      {
        severity: "warning",
        code: "expires-soon",
        message: `${what} expires in ${Math.ceil(left / 86_400_000)} days (${notAfter.toISOString()})`,
        fix: "renew it (nutca renew <name>) and install the new files",
      },
    ];
  }
  return [];
}
