/**
 * The one error type every layer throws. `code` is stable (scripts and --json
 * consumers match on it); `exitCode` is 2 for bad input or usage, where nothing
 * was changed, and 1 for every other failure.
 */
export type ErrorCode =
  | "USAGE"
  | "BAD_NAME"
  | "BAD_DNS_NAME"
  | "BAD_IP"
  | "BAD_CIDR"
  | "BAD_DATE"
  | "BAD_KEY_TYPE"
  | "BAD_FILE"
  | "BAD_CSR"
  | "BAD_REASON"
  | "ALREADY_REVOKED"
  | "BAD_PASSPHRASE"
  | "PASSPHRASE_REQUIRED"
  | "NAME_CONSTRAINT"
  | "NO_CA"
  | "CA_EXISTS"
  | "NAME_EXISTS"
  | "NOT_FOUND"
  | "STORE_CORRUPT"
  | "CA_KEY_MISMATCH"
  | "STORE_TOO_NEW"
  | "STORE_LOCKED"
  | "IO"
  | "INTERNAL";

const INPUT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "USAGE",
  "BAD_NAME",
  "BAD_DNS_NAME",
  "BAD_IP",
  "BAD_CIDR",
  "BAD_DATE",
  "BAD_KEY_TYPE",
  "BAD_FILE",
  "BAD_CSR",
  "BAD_REASON",
  "ALREADY_REVOKED",
  "BAD_PASSPHRASE",
  "PASSPHRASE_REQUIRED",
  "NAME_CONSTRAINT",
  "NO_CA",
  "CA_EXISTS",
  "NAME_EXISTS",
  "NOT_FOUND",
]);

/** One of several problems an error sums up (a bad row of a manifest), by line number. */
export interface Problem {
  readonly line: number;
  readonly message: string;
}

const NUTCA_ERROR = Symbol.for("nutca.error");

export class NutcaError extends Error {
  readonly [NUTCA_ERROR] = true;
  readonly code: ErrorCode;
  /** What the user can do about it; printed after the message. */
  readonly hint: string | undefined;
  /** Listed one per line after the summary line. */
  readonly problems: readonly Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    hint?: string,
    options?: { cause?: unknown; problems?: readonly Problem[] },
  ) {
    super(message, options);
    this.name = "NutcaError";
    this.code = code;
    this.hint = hint;
    this.problems = options?.problems ?? [];
  }

  get exitCode(): 1 | 2 {
    return INPUT_ERRORS.has(this.code) ? 2 : 1;
  }

  /** The single line shown to the user: `<what went wrong> — <what to do>`. */
  get line(): string {
    return escapeControls(this.hint ? `${this.message} — ${this.hint}` : this.message);
  }
}

/** User input quoted in a message must not break the one-line contract or reach the terminal raw. */
export function escapeControls(text: string): string {
  return text.replace(/\p{Cc}/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * By brand, not instanceof: the CLI bundle (scripts/bundle.mjs) gives main and
 * the command it runs each a copy of this module.
 */
export function isNutcaError(error: unknown): error is NutcaError {
  return error instanceof Error && (error as { [NUTCA_ERROR]?: true })[NUTCA_ERROR] === true;
}
