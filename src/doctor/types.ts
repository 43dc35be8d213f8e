/**
 * Doctor's report: named checks, each with its findings. A check with no
 * finding passed; an info finding is a note (e.g. a check that was skipped)
 * and does not make the store unhealthy.
 */
import { isProblem, type Finding, type Severity } from "../pki/findings.js";

export interface DoctorFinding extends Finding {
  /** The file or directory concerned, when there is one. */
  readonly path?: string;
}

export interface DoctorCheck {
  /** Stable: `store.ledger`, `export.nss`, ... */
  readonly id: string;
  readonly title: string;
  readonly findings: DoctorFinding[];
}

export interface DoctorReport {
  readonly healthy: boolean;
  readonly checks: DoctorCheck[];
}

/** Collects the findings of one check. */
export class CheckBuilder {
  readonly findings: DoctorFinding[] = [];
  constructor(
    readonly id: string,
    readonly title: string,
  ) {}

  add(severity: Severity, code: string, message: string, fix: string, path?: string): void {
    this.findings.push({ severity, code, message, fix, ...(path === undefined ? {} : { path }) });
  }

  addAll(findings: readonly Finding[], path?: string): void {
    for (const finding of findings) this.findings.push(path === undefined ? finding : { ...finding, path });
  }

  done(): DoctorCheck {
    return { id: this.id, title: this.title, findings: this.findings };
  }
}

export function report(checks: DoctorCheck[]): DoctorReport {
  return { healthy: checks.every((check) => !check.findings.some(isProblem)), checks };
}
