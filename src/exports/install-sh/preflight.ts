/**
 * install.sh, part 2: the checks made before anything changes (root, the
 * run-as user, the NUT binary's backend and version, the config directory).
 * Any failure here refuses with exit 2 and leaves the host untouched.
 */
export const PREFLIGHT_PART = String.raw`
find_nut_binary() {
  if [ -n "$nut_binary" ]; then say "$nut_binary"; return; fi
  for candidate in $(command -v "$PROGRAM" 2>/dev/null) $NUT_BINARIES; do
    [ -x "$candidate" ] || continue
    # Debian's /usr/sbin/upsd and /sbin/upsmon are shell wrappers: skip what names no TLS library.
    [ -n "$(backend_of "$candidate")" ] && { say "$candidate"; return; }
  done
}

# NSS's own TLS library is libssl3.so, so libnss3 is looked for first. Without ldd
# (some OpenWrt images) the binary's list of needed libraries is read as text.
backend_of() {
  libs=$(ldd "$1" 2>/dev/null) || libs=
  if [ -z "$libs" ]; then
    if grep -q 'libnss3\.so' "$1" 2>/dev/null; then say nss; return; fi
    if grep -q 'libssl\.so' "$1" 2>/dev/null; then say openssl; fi
    return
  fi
  case $libs in
    *libnss3.so*) say nss ;;
    *libssl.so*) say openssl ;;
  esac
}

# "Network UPS Tools upsd 2.8.0" -> 20800; a development build 2.8.5.941 counts as 2.8.6.
nut_version() {
  "$1" -V 2>&1 | awk '{
    for (i = 1; i <= NF; i++) if (match($i, /^[0-9]+\.[0-9]+\.[0-9]+/)) {
      n = split($i, v, /[^0-9]+/)
      dev = (n >= 4 && v[4] + 0 > 0) ? 1 : 0
      print v[1] * 10000 + v[2] * 100 + v[3] + dev
      exit
    }
  }'
}

check_nut() {
  [ -z "$nut_binary" ] || [ -x "$nut_binary" ] || refuse "--$PROGRAM $nut_binary is not an executable"
  binary=$(find_nut_binary)
  [ -n "$binary" ] || refuse "no $PROGRAM with TLS found (looked in PATH and $NUT_BINARIES) — pass --$PROGRAM PATH"
  found=$(backend_of "$binary")
  [ -n "$found" ] || refuse "$binary links neither libnss3 nor libssl: this NUT has no TLS — install a NUT built with TLS"
  if [ "$found" != "$BACKEND" ]; then
    refuse "$binary is built with $found, this bundle is for $BACKEND — export it again: $OTHER_EXPORT"
  fi
  version=$(nut_version "$binary")
  if [ -z "$version" ]; then
    warn "cannot read the NUT version from $binary -V; the log check after the restart still catches an invalid directive"
    return
  fi
  rejected=$(version_rules | while read -r before directive; do
    [ "$version" -lt "$before" ] && printf '%s ' "$directive"
  done)
  if [ -n "$rejected" ]; then
    refuse "$binary is NUT $(version_text "$version"), which rejects $rejected— upgrade NUT, or export for that version"
  fi
  if [ -n "$CLIENT_VALIDATION" ] && ! "$binary" -DDh 2>&1 | grep -q 'with client certificate validation'; then
    refuse "$binary is built without client certificate validation ($PROGRAM -DDh), which CERTREQUEST needs — export without --client-certs, or use a NUT built --with-ssl-client-validation"
  fi
  say "NUT: $binary, $BACKEND, version $(version_text "$version")"
}

version_text() { say "$(($1 / 10000)).$(($1 / 100 % 100)).$(($1 % 100))"; }

find_conf_dir() {
  if [ -n "$conf_dir" ]; then
    [ -d "$root$conf_dir" ] || refuse "--conf-dir $root$conf_dir is not a directory"
    conf="$root$conf_dir"; return
  fi
  for candidate in $CONF_DIRS; do
    [ -d "$root$candidate" ] || continue
    if [ -z "$CONF_MARKERS" ]; then conf="$root$candidate"; return; fi
    for marker in $CONF_MARKERS; do
      [ -f "$root$candidate/$marker" ] && { conf="$root$candidate"; return; }
    done
  done
  refuse "no config directory found (looked for $CONF_MARKERS in $CONF_DIRS under $root/) — pass --conf-dir DIR"
}

# OpenWrt writes upsd.conf and upsmon.conf from UCI at every start: a merged block would vanish.
check_distro() {
  [ -n "$UCI_CONFIG" ] && [ -f "$root/etc/config/$UCI_CONFIG" ] &&
    refuse "this host configures NUT through UCI (/etc/config/$UCI_CONFIG) — set the snippet's lines there (uci), not in $CONF_FILE"
  [ "$PROGRAM" = upsmon ] && [ "$uninstall" = 0 ] && check_monitor
  if [ -n "$CONF_FILE" ] && [ -f "$conf/nut.conf" ]; then
    mode_line=$(grep -E '^[[:space:]]*MODE[[:space:]]*=' "$conf/nut.conf" | tail -n 1 | tr -d ' "')
    case "$PROGRAM:$mode_line" in
      *:MODE=none | upsd:MODE=netclient) warn "$conf/nut.conf has $mode_line: $PROGRAM will not start until MODE allows it" ;;
    esac
  fi
  return 0
}

# nutca never writes a MONITOR line (it holds a user's password): one must name the host already.
check_monitor() {
  awk -v host="$CERTHOST" '
    toupper($1) == "MONITOR" {
      h = $2; sub(/^[^@]*@/, "", h)
      if (h ~ /^\[/) { sub(/^\[/, "", h); sub(/\].*$/, "", h) } else sub(/:[0-9]+$/, "", h)
      if (h == host) found = 1
    }
    END { exit !found }
  ' "$conf/upsmon.conf" 2>/dev/null ||
    refuse "$conf/upsmon.conf has no MONITOR line for $CERTHOST — add one, e.g. MONITOR <ups>@$CERTHOST 1 <user> <password> secondary (README.txt)"
}

preflight() {
  [ "$(id -u)" = 0 ] || refuse "install.sh must run as root (the files belong to root and $user's group)"
  if [ "$GROUP_KIND" = nut ]; then
    id -u "$user" >/dev/null 2>&1 || refuse "the user $user does not exist — pass --user with the user $TARGET runs as"
    group=$(id -gn "$user"); gid=$(id -g "$user")
  else
    gid=$(awk -F: -v g="$GROUP_KIND" '$1 == g { print $3; exit }' /etc/group 2>/dev/null)
    if [ -n "$gid" ]; then group=$GROUP_KIND; else group=root; gid=0; fi
  fi
  # Taking a block out needs no TLS from the host's NUT.
  [ -n "$PROGRAM" ] && [ "$uninstall" = 0 ] && check_nut
  find_conf_dir
  check_distro
  if [ -n "$NSS_BUILD" ] && [ "$uninstall" = 0 ]; then
    for tool in certutil pk12util; do
      command -v "$tool" >/dev/null 2>&1 || refuse "$tool not found: this bundle builds its NSS database here (Debian: apt install libnss3-tools)"
    done
  fi
  choose_restart
}

# With --root the daemons do not run from DIR: auto then only prints the command.
choose_restart() {
  case $restart in
    auto) hint=$(auto_restart); [ -n "$root" ] && restart_command= || restart_command=$hint ;;
    none) hint=$(auto_restart); restart_command= ;;
    *) hint=$restart; restart_command=$restart ;;
  esac
  [ -n "$hint" ] || hint="restart $PROCESS (no service manager found)"
}

auto_restart() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    say "systemctl restart $UNIT"
  elif [ -n "$OPENRC" ] && command -v rc-service >/dev/null 2>&1; then
    say "rc-service $OPENRC restart"
  elif [ -n "$FREEBSD" ] && [ "$(uname -s)" = FreeBSD ]; then
    say "service $FREEBSD restart"
  elif [ -n "$INITD" ] && [ -x "/etc/init.d/$INITD" ]; then
    say "/etc/init.d/$INITD restart"
  fi
}
`;
