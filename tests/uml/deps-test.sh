#!/bin/bash
# Prove that tests/uml/deps.sh installs what a fresh machine lacks.
#
#   tests/uml/deps-test.sh [DEPS_SH]
#
# Runs DEPS_SH (default: deps.sh beside this script) with a stub dpkg-query
# and a stub apt-get first on PATH. The stub dpkg-query behaves as the real
# one does on a fresh machine: it reports some of the asked packages
# installed, the others not, and exits 1 with "no packages found matching"
# on stderr. The stub apt-get only records its arguments. The test passes
# only if deps.sh exits 0 and ran `apt-get install` with exactly the missing
# packages; then it runs once more with everything installed and expects no
# apt-get at all. Prints one TAP line; never touches the real apt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
deps=${1:-$here/deps.sh}
name="deps.sh installs the packages dpkg-query reports missing (stubbed apt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"

# Installed on the "fresh" machine: every third package, the rest missing.
cat >"$work/bin/dpkg-query" <<'EOF'
#!/bin/bash
# Stub: dpkg-query -W -f=FORMAT PKG...; FORMAT ignored, status then name.
rc=0 i=0
for a in "$@"; do
	case "$a" in -*) continue ;; esac
	if [ "${STUB_ALL_INSTALLED:-0}" = 1 ] || [ $((i % 3)) = 0 ]; then
		printf 'installed %s\n' "$a"
	else
		echo "dpkg-query: no packages found matching $a" >&2
		rc=1
	fi
	i=$((i + 1))
done
exit $rc
EOF
cat >"$work/bin/apt-get" <<'EOF'
#!/bin/bash
echo "$*" >>"$STUB_LOG"
EOF
chmod +x "$work/bin/dpkg-query" "$work/bin/apt-get"

fail() { echo "not ok - $name: $*"; exit 0; }

# The package list, as deps.sh asks for it.
STUB_LOG=$work/apt.log PATH=$work/bin:$PATH
export STUB_LOG PATH
if ! "$deps" >"$work/out" 2>&1; then
	sed 's/^/# /' "$work/out"
	fail "deps.sh exited non-zero with packages missing"
fi
install=$(grep -E '(^| )install ' "$work/apt.log" | tail -n1 || true)
[ -n "$install" ] || fail "apt-get install was never run (apt-get calls: $(tr '\n' ';' <"$work/apt.log"))"

# Recompute what should be missing from deps.sh's own list, by asking the
# stub the same question.
pkgs=$(sed -n '/^pkgs=(/,/)/p' "$deps" | tr -d '()' | sed 's/^pkgs=//' | tr -s ' \t\n' ' ')
i=0 want=() have=()
for p in $pkgs; do
	if [ $((i % 3)) = 0 ]; then have+=("$p"); else want+=("$p"); fi
	i=$((i + 1))
done
[ ${#want[@]} -gt 0 ] || fail "could not read deps.sh's package list"
for p in "${want[@]}"; do
	[[ " $install " == *" $p "* ]] || fail "missing package $p not in: apt-get $install"
done
for p in "${have[@]}"; do
	[[ " $install " != *" $p "* ]] || fail "installed package $p reinstalled: apt-get $install"
done

: >"$work/apt.log"
STUB_ALL_INSTALLED=1 "$deps" >"$work/out2" 2>&1 || fail "deps.sh failed with everything installed"
[ ! -s "$work/apt.log" ] || fail "apt-get ran with everything installed: $(cat "$work/apt.log")"
echo "ok - $name (${#want[@]} missing, ${#have[@]} present)"
