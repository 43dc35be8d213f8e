/**
 * The one error type every layer throws, and the one table from its stable
 * `code` (scripts and --json consumers match on it) to the exit status.
 */

/** What each exit status means. `nutca --help`, each command's --help and the README show it. */
export const EXIT = {
  ok: 0,
  failure: 1,
  badInput: 2,
  due: 3,
  problemFound: 4,
  cancelled: 130,
} as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANING: Readonly<Record<ExitStatus, string>> = {
  0: "success",
  1: "failure: the store is locked or damaged, a host unreachable, an I/O or an internal error",
  2: "bad input or usage; nothing was changed",
  3: "something is due (list --expiring)",
  4: "checked and found a problem (doctor's report, probe's verdict, deploy's rollback or refusal)",
  130: "cancelled (Ctrl-C); nothing is half-made",
};

const EXIT_STATUS_OF = {
  USAGE: EXIT.badInput,
  BAD_NAME: EXIT.badInput,
  BAD_DNS_NAME: EXIT.badInput,
  BAD_IP: EXIT.badInput,
  BAD_CIDR: EXIT.badInput,
  BAD_DATE: EXIT.badInput,
  BAD_KEY_TYPE: EXIT.badInput,
  BAD_FILE: EXIT.badInput,
  BAD_CSR: EXIT.badInput,
  BAD_REASON: EXIT.badInput,
  ALREADY_REVOKED: EXIT.badInput,
  BAD_PASSPHRASE: EXIT.badInput,
  PASSPHRASE_REQUIRED: EXIT.badInput,
  NAME_CONSTRAINT: EXIT.badInput,
  NO_CA: EXIT.badInput,
  CA_EXISTS: EXIT.badInput,
  NAME_EXISTS: EXIT.badInput,
  NOT_FOUND: EXIT.badInput,
  STORE_CORRUPT: EXIT.failure,
  CA_KEY_MISMATCH: EXIT.failure,
  STORE_TOO_NEW: EXIT.failure,
  STORE_LOCKED: EXIT.failure,
  IO: EXIT.failure,
  INTERNAL: EXIT.failure,
  /** Ctrl-C at a prompt or between the wizard's commands: the shell's status for SIGINT. */
  CANCELLED: EXIT.cancelled,
} as const satisfies Record<string, ExitStatus>;

export type ErrorCode = keyof typeof EXIT_STATUS_OF;

/** One of several problems an error sums up (a bad row of a manifest), by line number. */
export interface Problem {
  readonly line: number;
  readonly message: string;
}

export class NutcaError extends Error {
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

  get exitCode(): ExitStatus {
    return EXIT_STATUS_OF[this.code];
  }

  /** The single line shown to the user: `<what went wrong> — <what to do>`. */
  get line(): string {
    return escapeControls(this.hint ? `${this.message} — ${this.hint}` : this.message);
  }
}

/** The one cancellation: Ctrl-C at any prompt (see answered() in cli/prompts.ts) or between the wizard's commands. */
export function cancelledError(what = "nothing was changed"): NutcaError {
  return new NutcaError("CANCELLED", "cancelled", what);
}

/**
 * Text quoted in a message or a table must not break the one-line contract or
 * reach the terminal raw: control characters, line and paragraph separators,
 * format characters (bidi overrides and isolates, zero-width characters) and
 * lone surrogates become \uXXXX.
 */
export function escapeControls(text: string): string {
  return text.replace(
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
