/**
 * install.sh, part 1: messages, the final machine-readable line, options.
 * POSIX sh for dash and busybox ash. The parts are String.raw text, so the
 * shell code avoids `${` and backquotes (which a template would interpret).
 */
export const USAGE_PART = String.raw`
usage() {
  cat <<'USAGE'
Usage: sh install.sh [options]     (as root, from this bundle's directory)
  --dry-run           check, then show what would change (a diff of each config file); change nothing
  --uninstall         remove nutca's block and the installed files, restore the lines it commented out
  --restart auto|none|'COMMAND'
                      auto (default): the daemon's systemd unit, else the distro's service command;
                      none: print the command to run; else run COMMAND through sh -c
  --no-verify         do not check the daemon after the restart (and never roll back)
  --wait SECONDS      how long upsmon may take to log in over SSL (default 15)
  --log FILE          the daemon's log (default: the journal of its systemd unit)
  --pid-file FILE     the daemon's pid file, to check it is alive
  --root DIR          treat DIR as / (config dir, backups and installed files under it)
  --conf-dir DIR      the config directory (default: the first of the usual ones that is in use)
  --user USER         the user the daemon runs as (default nut); files get its group
  --upsd PATH, --upsmon PATH
                      the NUT binary whose TLS backend and version are checked (default: PATH, /lib/nut)
The last line of output is: nutca-install: STATUS TARGET NAME [REASON]
  STATUS: installed, unchanged, dry-run, uninstalled (exit 0); rolled-back, failed (exit 1); refused (exit 2)
USAGE
}

say() { printf '%s\n' "$*"; }
warn() { printf 'nutca-install: %s\n' "$*" >&2; }

# Passwords in CERTIDENT lines never reach the terminal or a log.
mask() { sed 's/^\([-+ ]\{0,1\}[[:space:]]*CERTIDENT[[:space:]]*"[^"]*"[[:space:]]*\)"[^"]*"/\1"********"/'; }

finish() {
  status=$1; code=$2; shift 2
  trap - EXIT INT TERM HUP
  [ -n "$work" ] && rm -rf "$work"
  if [ $# -gt 0 ]; then say "nutca-install: $status $TARGET $NAME $*"; else say "nutca-install: $status $TARGET $NAME"; fi
  exit "$code"
}

refuse() { warn "$*"; finish refused 2 "$*"; }

need_value() { [ $# -ge 2 ] || refuse "$1 needs a value — see sh install.sh --help"; }

dry_run=0; uninstall=0; verify=1; restart=auto; wait_s=15; log_file=; pid_file=
root=/; conf_dir=; user=nut; nut_binary=; work=

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --dry-run) dry_run=1 ;;
      --uninstall) uninstall=1 ;;
      --no-verify) verify=0 ;;
      --restart) need_value "$@"; restart=$2; shift ;;
      --wait) need_value "$@"; wait_s=$2; shift ;;
      --log) need_value "$@"; log_file=$2; shift ;;
      --pid-file) need_value "$@"; pid_file=$2; shift ;;
      --root) need_value "$@"; root=$2; shift ;;
      --conf-dir) need_value "$@"; conf_dir=$2; shift ;;
      --user) need_value "$@"; user=$2; shift ;;
      --upsd | --upsmon)
        need_value "$@"
        [ "$1" = "--$PROGRAM" ] || refuse "$1 does not apply to this bundle (it is for $TARGET)"
        nut_binary=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) refuse "unknown option $1 — see sh install.sh --help" ;;
    esac
    shift
  done
  case $wait_s in '' | *[!0-9]*) refuse "--wait $wait_s is not a number of seconds" ;; esac
  case $root in /*) ;; *) refuse "--root $root is not an absolute path" ;; esac
  [ -d "$root" ] || refuse "--root $root is not a directory"
  root=$(cd "$root" && pwd -P)
  [ "$root" = / ] && root=
  case $conf_dir in '' | /*) ;; *) refuse "--conf-dir $conf_dir is not an absolute path" ;; esac
  # The script works from its own directory: the other paths must not depend on where it was started.
  log_file=$(absolute "$log_file"); pid_file=$(absolute "$pid_file"); nut_binary=$(absolute "$nut_binary")
}

absolute() { case $1 in '' | /*) say "$1" ;; *) say "$PWD/$1" ;; esac; }
`;
