/**
 * install.sh, part 4: backup, apply, restart, verify, roll back. Every change
 * is journalled in the backup directory before it is made, so a rollback (or
 * an interruption) undoes exactly what was done, newest first.
 */
export const APPLY_PART = String.raw`
journal() {
  printf '%s' "$1" >> "$backup/journal"; shift
  for field in "$@"; do printf '\t%s' "$field" >> "$backup/journal"; done
  printf '\n' >> "$backup/journal"
}

make_backup() {
  base="$conf/.nutca-backup"
  [ -d "$base" ] || mkdir -m 0700 "$base" || refuse "cannot make $base"
  stamp=$(date -u '+%Y%m%dT%H%M%SZ'); backup="$base/$stamp"; n=1
  while ! mkdir -m 0700 "$backup" 2>/dev/null; do n=$((n + 1)); backup="$base/$stamp-$n"; done
  printf 'bundle\t%s\n' "$BEGIN_MARK" > "$backup/journal"
  say "backup: $backup"
}

# A path as it is under --root, for the backup's own tree.
host_path() {
  if [ -z "$root" ]; then say "$1"; else say "$1" | cut -c "$(($(printf '%s' "$root" | wc -c) + 1))-"; fi
}

save() {
  if [ -e "$1" ]; then
    copy="$backup/files$(host_path "$1")"
    mkdir -p "$(dirname "$copy")" && cp -p "$1" "$copy" || return 1
    journal saved "$1" "$copy"
  else
    journal created "$1"
  fi
}

# A temporary name beside the target (umask 077: never readable by others, even
# for a moment), its owner and mode, then one rename.
put() {
  tmp="$2.nutca-tmp.$$"
  if (umask 077 && cp "$1" "$tmp") && chown "$4" "$tmp" && chmod "$3" "$tmp" && mv -f "$tmp" "$2"; then return 0; fi
  rm -f "$tmp"; return 1
}

apply_plan() {
  while IFS="$TAB" read -r kind path source mode owner; do
    case $kind in
      dir)
        if [ -d "$path" ]; then
          journal dirmode "$path" "$(mode_of "$path")" "$(owner_of "$path")"
        else
          journal mkdir "$path"; mkdir "$path" || { reason="cannot make $path"; return 1; }
        fi
        chown "$mode" "$path" && chmod "$source" "$path" || { reason="cannot set the owner or mode of $path"; return 1; } ;;
      file | conf)
        save "$path" && put "$source" "$path" "$mode" "$owner" || { reason="cannot install $path"; return 1; }
        say "installed $path ($mode, owner $owner)" ;;
      remove)
        save "$path" && rm -f "$path" || { reason="cannot remove $path"; return 1; }
        say "removed $path" ;;
      rmdir) if rmdir "$path" 2>/dev/null; then say "removed the directory $path"; fi ;;
    esac
  done < "$work/plan"
  return 0
}

rollback() {
  awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$backup/journal" > "$work/undo"
  # detail: the saved copy (saved) or the old mode (dirmode)
  while IFS="$TAB" read -r kind path detail owner; do
    case $kind in
      saved) put "$detail" "$path" "$(mode_of "$detail")" "$(owner_of "$detail")" ;;
      created) rm -f "$path" ;;
      mkdir) rmdir "$path" 2>/dev/null ;;
      dirmode) chown "$owner" "$path"; chmod "$detail" "$path" ;;
    esac
  done < "$work/undo"
  applying=0
  say "restored the files saved in $backup"
}

do_restart() {
  [ -n "$restart_command" ] || return 0
  say "restarting: $restart_command"
  sh -c "$restart_command"
}

log_mark() {
  log_offset=0
  [ -n "$log_file" ] && [ -f "$log_file" ] && log_offset=$(wc -c < "$log_file" | tr -d ' ')
  since=$(date '+%Y-%m-%d %H:%M:%S')
}

journald() { command -v journalctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && [ -n "$UNIT" ]; }

# Only what was written after the restart: an old failure line must not count.
log_since() {
  if [ -n "$log_file" ]; then
    [ -f "$log_file" ] || return 0
    size=$(wc -c < "$log_file" | tr -d ' ')
    if [ "$size" -lt "$log_offset" ]; then cat "$log_file"; else tail -c +"$((log_offset + 1))" "$log_file"; fi
  elif journald; then
    journalctl -u "$UNIT" --since "$since" --no-pager -o cat 2>/dev/null
  fi
}

alive() {
  if [ -n "$pid_file" ] || [ -f "$PID_FILE" ]; then
    file=$pid_file; [ -n "$file" ] || file=$PID_FILE
    pid=$(cat "$file" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
  elif command -v pgrep >/dev/null 2>&1; then
    pgrep -x "$PROCESS" >/dev/null
  fi
}

verify_daemon() {
  sleep "$SETTLE"
  waited=$SETTLE
  : > "$work/bad"
  while :; do
    alive || { reason="$PROCESS is not running $waited s after the restart"; log_since > "$work/bad"; return 1; }
    if [ -z "$log_file" ] && ! journald; then
      warn "no log to check: pass --log FILE to check $PROCESS's log too"; return 0
    fi
    log_since > "$work/log"
    if grep -F -f "$work/failures" "$work/log" > "$work/bad"; then
      reason="$PROCESS's log since the restart shows a TLS failure"; return 1
    fi
    if [ -z "$SUCCESS" ] || grep -q "$SUCCESS" "$work/log"; then return 0; fi
    if [ "$waited" -ge "$wait_s" ]; then
      reason="$PROCESS logged no \"$SUCCESS\" within $wait_s s"; tail -n 20 "$work/log" > "$work/bad"; return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
}

undo() {
  warn "$reason"
  [ -s "$work/bad" ] && mask < "$work/bad" | sed 's/^/  log: /' >&2
  rollback
  if ! do_restart; then
    warn "the restart after the rollback failed too: $restart_command"
  elif [ -n "$restart_command" ]; then
    sleep "$SETTLE"
    alive || warn "$PROCESS is not running after the rollback either — look at its log"
  fi
  finish rolled-back 1 "$reason"
}

interrupted() {
  reason="interrupted"
  [ "$applying" = 1 ] && undo
  finish failed 1 "interrupted before any change"
}

# A database built here differs byte for byte on every build: a stamp of the bundle it was
# built from tells a second run that it is in place already.
prepare_nssdb() {
  for f in *; do case $f in install.sh | README.txt) ;; *) [ -f "$f" ] && cat "$f" ;; esac; done |
    cksum > "$work/nssdb.stamp"
  nssdb_current=0
  if cmp -s "$work/nssdb.stamp" "$root$NSS_BUILD/.nutca-stamp"; then nssdb_current=1; return; fi
  NUT_GROUP=$group sh build-nssdb.sh "$work/nssdb" > "$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; refuse "build-nssdb.sh failed"; }
}

# A database exported ready-made differs byte for byte on every export too: its stamp is a
# hash of what it was built from, so the same stamp in place means the same database.
check_nss_stamp() {
  if cmp -s "$NSS_STAMP" "$root$NSS_STAMP_AT"; then nssdb_current=1; fi
}

main() {
  parse_args "$@"
  cd "$(dirname "$0")" || refuse "cannot enter the bundle directory"
  umask 077
  applying=0
  nssdb_current=0
  work=$(mktemp -d) || refuse "mktemp failed"
  trap 'rm -rf "$work"' EXIT
  trap interrupted INT TERM HUP
  preflight
  failure_lines > "$work/failures"
  : > "$work/plan"; : > "$work/planned"
  [ -n "$NSS_STAMP" ] && check_nss_stamp
  if [ "$uninstall" = 1 ]; then plan_uninstall; else
    [ -n "$NSS_BUILD" ] && prepare_nssdb
    plan_install
  fi
  changes=$(wc -l < "$work/plan" | tr -d ' ')
  if [ "$dry_run" = 1 ]; then show_plan; finish dry-run 0 "$changes change(s)"; fi
  [ "$changes" = 0 ] && { say "unchanged: every file is already as this bundle has it"; finish unchanged 0; }
  make_backup
  applying=1
  apply_plan || undo
  if [ "$uninstall" = 1 ]; then
    do_restart || warn "the restart failed: $restart_command"
    finish uninstalled 0 "backup in $backup"
  fi
  if [ -z "$restart_command" ]; then
    say "not restarted; to apply: $hint"
    finish installed 0 "not restarted — run: $hint"
  fi
  log_mark
  do_restart || { reason="the restart failed: $restart_command"; undo; }
  if [ "$verify" = 1 ]; then verify_daemon || undo; fi
  finish installed 0
}
`;
