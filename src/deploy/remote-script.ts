/**
 * The script ssh runs on the host: unpack the bundle that arrives on stdin
 * into a fresh 0700 directory, run its install.sh as root (sudo -n when the
 * ssh user is not root), and remove the directory whatever happens, since it
 * holds a key. Pure text; only install.sh's options are interpolated, quoted.
 */

/** A word for a POSIX shell: single-quoted, with each ' written as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The status the script exits with when the bundle never reached install.sh. */
export const UNPACK_FAILED = 125;

/** The line the script prints before exiting UNPACK_FAILED. */
export const UNPACK_PREFIX = "nutca-deploy:";

export function remoteScript(installArgs: readonly string[]): string {
  const install = ["sh", "install.sh", ...installArgs.map(shellQuote)].join(" ");
  return [
    "umask 077",
    `dir=$(mktemp -d "/tmp/nutca-deploy.XXXXXXXX") || { echo "${UNPACK_PREFIX} mktemp -d failed on the host" >&2; exit ${UNPACK_FAILED}; }`,
    "trap 'rm -rf \"$dir\"' EXIT",
    "trap 'exit 129' HUP",
    "trap 'exit 130' INT",
    "trap 'exit 143' TERM",
    "trap 'exit 141' PIPE",
    'chmod 700 "$dir"',
    `tar -xf - -C "$dir" || { echo "${UNPACK_PREFIX} cannot unpack the bundle on the host (is tar installed?)" >&2; exit ${UNPACK_FAILED}; }`,
    `cd "$dir" || exit ${UNPACK_FAILED}`,
    `if [ "$(id -u)" = 0 ]; then ${install}; else sudo -n ${install}; fi`,
  ].join("\n");
}

/** The command line ssh hands to the remote user's shell. */
export function remoteCommand(installArgs: readonly string[]): string {
  return `sh -c ${shellQuote(remoteScript(installArgs))}`;
}
