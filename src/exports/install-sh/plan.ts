/**
 * install.sh, part 3: what would change. The plan is a file of tab-separated
 * lines (dir, file, conf, remove, rmdir), built before anything is touched,
 * shown by --dry-run, and empty when a second run has nothing to do.
 */
export const PLAN_PART = String.raw`
TAB=$(printf '\t')

owner_of() { ls -ldn "$1" | awk '{ print $3 ":" $4 }'; }

# ls -l's permission string to octal (the special bits are not ours to keep or set).
mode_of() {
  ls -ldn "$1" | awk '{
    s = substr($1, 2, 9); m = 0
    for (i = 1; i <= 9; i++) { c = substr(s, i, 1); m = m * 2 + (c != "-" && c != "S" && c != "T") }
    printf "0%o\n", m
  }'
}

planned() { grep -Fxq "$1" "$work/planned"; }

plan_line() {
  printf '%s' "$1"; shift
  for field in "$@"; do printf '\t%s' "$field"; done
  printf '\n'
} >> "$work/plan"

plan_parents() {
  if [ -d "$(dirname "$1")" ] || planned "$(dirname "$1")"; then return; fi
  plan_parents "$(dirname "$1")"
  plan_dir "$(dirname "$1")" 0755 0:0
}

plan_dir() {
  if [ -d "$1" ] && [ "$(mode_of "$1")" = "$2" ] && [ "$(owner_of "$1")" = "$3" ]; then return; fi
  planned "$1" && return
  plan_parents "$1"
  plan_line dir "$1" "$2" "$3"
  say "$1" >> "$work/planned"
}

# kind path source mode owner: nothing when the file is already exactly that.
plan_file() {
  if [ -f "$2" ] && cmp -s "$3" "$2" && [ "$(mode_of "$2")" = "$4" ] && [ "$(owner_of "$2")" = "$5" ]; then return; fi
  plan_parents "$2"
  plan_line "$1" "$2" "$3" "$4" "$5"
}

owner_for() { if [ "$1" = service ]; then say "0:$gid"; else say 0:0; fi; }

source_of() { case $1 in built:*) say "$work/nssdb/$(say "$1" | cut -c 7-)" ;; *) say "$1" ;; esac; }

# Replaces (or appends) nutca's block; outside it, the directives the block sets are
# commented out with "# nutca: ", which --uninstall takes off again.
merge_conf() {
  awk -v mode="$1" -v block="$work/block" -v begin="$BEGIN_MARK" -v end="$END_MARK" \
    -v directives="$DIRECTIVES" -v certhost="$CERTHOST" '
    function emit(line) { while ((getline line < block) > 0) print line; close(block); placed = 1 }
    BEGIN { n = split(directives, d, " "); for (i = 1; i <= n; i++) want[d[i]] = 1 }
    $0 == begin { inside = 1; if (mode == "install") emit(); next }
    inside { if ($0 == end) inside = 0; next }
    mode == "uninstall" && index($0, "# nutca: ") == 1 { print substr($0, 10); next }
    mode == "install" && (toupper($1) in want) { print "# nutca: " $0; next }
    mode == "install" && certhost != "" && toupper($1) == "CERTHOST" && $2 == certhost { print "# nutca: " $0; next }
    { print }
    END { if (inside) exit 3; if (mode == "install" && !placed) emit() }
  ' "$2"
}

plan_conf() {
  file="$conf/$CONF_FILE"
  if [ -f "$file" ]; then current=$file; else current=/dev/null; fi
  [ "$1" = uninstall ] && [ "$current" = /dev/null ] && return
  { say "$BEGIN_MARK"; cat "$SNIPPET"; say "$END_MARK"; } > "$work/block"
  merge_conf "$1" "$current" > "$work/conf.new" ||
    refuse "$file has \"$BEGIN_MARK\" without \"$END_MARK\" — repair the file by hand"
  if [ "$current" = /dev/null ]; then
    plan_file conf "$file" "$work/conf.new" 0640 "0:$gid"
  else
    mode=$(mode_of "$file")
    # The block holds a password: the file keeps its mode, less what others could read.
    [ "$1" = install ] && [ -n "$SNIPPET_SECRET" ] && mode=$(printf '0%o' "$((mode & 0770))")
    plan_file conf "$file" "$work/conf.new" "$mode" "$(owner_of "$file")"
  fi
}

# A file of the NSS database whose stamp in place is this bundle's: the stamp stands for it.
stamped() {
  [ "$nssdb_current" = 1 ] || return 1
  case $1 in built:*) return 0 ;; esac
  [ -n "$NSS_STAMP" ] && [ "$(dirname "$1")" = "$(dirname "$NSS_STAMP")" ]
}

plan_install() {
  bundle_dirs | while IFS="$TAB" read -r path mode kind; do plan_dir "$root$path" "$mode" "$(owner_for "$kind")"; done
  bundle_files | while IFS="$TAB" read -r source path mode kind; do
    stamped "$source" && continue
    plan_file file "$root$path" "$(source_of "$source")" "$mode" "$(owner_for "$kind")"
  done
  [ -n "$NSS_BUILD" ] && plan_file file "$root$NSS_BUILD/.nutca-stamp" "$work/nssdb.stamp" 0640 "0:$gid"
  [ -n "$WHOLE_CONF" ] && plan_file conf "$conf/$WHOLE_CONF_NAME" "$WHOLE_CONF" 0644 0:0
  [ -n "$CONF_FILE" ] && plan_conf install
}

# The file as it was before this bundle's first install: the path of its saved copy, or
# nothing when it did not exist (backup directories sort by time).
first_copy() {
  for journal in "$conf"/.nutca-backup/*/journal; do
    [ -f "$journal" ] && grep -Fxq "bundle$TAB$BEGIN_MARK" "$journal" || continue
    awk -F '\t' -v path="$1" '$1 == "saved" && $2 == path { print $3; found = 1; exit } END { exit !found }' "$journal" &&
      return
    grep -Fxq "created$TAB$1" "$journal" && return
  done
}

plan_take_back() {
  copy=$(first_copy "$1")
  if [ -n "$copy" ] && [ -f "$copy" ]; then
    plan_file file "$1" "$copy" "$(mode_of "$copy")" "$(owner_of "$copy")"
  else
    plan_line remove "$1"
  fi
}

# Files are taken away only while they still hold what this bundle installed; one that
# this bundle replaced comes back from the backup.
plan_uninstall() {
  [ -n "$CONF_FILE" ] && plan_conf uninstall
  [ -n "$WHOLE_CONF" ] && [ -f "$conf/$WHOLE_CONF_NAME" ] && cmp -s "$WHOLE_CONF" "$conf/$WHOLE_CONF_NAME" &&
    plan_take_back "$conf/$WHOLE_CONF_NAME"
  bundle_files | while IFS="$TAB" read -r source path mode kind; do
    [ -f "$root$path" ] || continue
    case $source in built:*) ;; *) stamped "$source" || cmp -s "$source" "$root$path" || continue ;; esac
    plan_take_back "$root$path"
  done
  [ -n "$NSS_BUILD" ] && [ -f "$root$NSS_BUILD/.nutca-stamp" ] && plan_line remove "$root$NSS_BUILD/.nutca-stamp"
  bundle_dirs | awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' |
    while IFS="$TAB" read -r path mode kind; do [ -d "$root$path" ] && plan_line rmdir "$root$path"; done
  return 0
}

show_diff() {
  if diff -u "$1" "$2" > "$work/diff" 2>/dev/null || [ $? -eq 1 ]; then
    awk -v path="$3" 'NR <= 2 && /^(---|\+\+\+) / { print substr($0, 1, 4) path; next } { print }' "$work/diff"
  else
    say "--- $3"; say "+++ $3"
    sed 's/^/-/' "$1"; sed 's/^/+/' "$2"
  fi | mask
}

show_plan() {
  while IFS="$TAB" read -r kind path source mode owner; do
    case $kind in
      dir) say "would make directory $path ($source, owner $mode)" ;;
      file) say "would install $path ($mode, owner $owner)" ;;
      conf)
        say "would change $path ($mode, owner $owner):"
        if [ -f "$path" ]; then show_diff "$path" "$source" "$path"; else show_diff /dev/null "$source" "$path"; fi ;;
      remove) say "would remove $path" ;;
      rmdir) say "would remove the directory $path if empty" ;;
    esac
  done < "$work/plan"
}
`;
