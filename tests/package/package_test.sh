#!/usr/bin/env bash
# Package test: builds the .deb from the build tree with cpack, unpacks it into a temporary root
# and checks it — file list, desktop entry, AppStream metainfo, translations, that the unpacked
# `slmq --version` and `slmq-workbench --selftest` run — then runs lintian (when installed) and
# fails on any E: finding.
# Usage: package_test.sh BUILD_DIR WORK_DIR VERSION
set -euo pipefail
build=$1 work=$2 version=$3
fail() { echo "package test: FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
echo "== cpack (build tree $build)"
(cd "$build" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb="$work/slmq-workbench_${version}_amd64.deb"
[ -f "$deb" ] || { ls -l "$work" >&2; fail "expected $deb"; }
echo "package: $deb ($(stat -c %s "$deb") bytes)"

echo "== control"
dpkg-deb -I "$deb" | tee "$work/control.txt"
grep -q '^ *Section: science' "$work/control.txt" || fail "no Section: science"
grep -q '^ *Maintainer: .*<.*@.*>' "$work/control.txt" || fail "no Maintainer with an address"
grep -q '^ *Depends: .*libc6' "$work/control.txt" || fail "Depends lacks libc6: shlibdeps did not run"
grep -q '^ *Depends: .*libqt6widgets6' "$work/control.txt" || fail "Depends lacks libqt6widgets6"

echo "== file list"
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' | sort >"$work/files.txt"
need=(
  /usr/bin/slmq
  /usr/bin/slmq-workbench
  /usr/share/applications/io.github.slmq.Workbench.desktop
  /usr/share/metainfo/io.github.slmq.Workbench.metainfo.xml
  /usr/share/icons/hicolor/scalable/apps/slmq-workbench.svg
  /usr/share/doc/slmq-workbench/copyright
  /usr/share/doc/slmq-workbench/changelog.gz
)
for s in 16 24 32 48 64 128 256 512; do need+=("/usr/share/icons/hicolor/${s}x${s}/apps/slmq-workbench.png"); done
src=$(cd "$(dirname "$0")/../.." && pwd)
for ts in "$src"/translations/*.ts; do
  need+=("/usr/share/slmq-workbench/translations/$(basename "${ts%.ts}").qm")
done
for f in "${need[@]}"; do grep -qx "$f" "$work/files.txt" || fail "missing $f"; done
echo "all ${#need[@]} expected files present"
if grep -E '^/usr/(local|include|lib/.*\.a$)' "$work/files.txt"; then fail "stray files above"; fi

echo "== unpack"
root="$work/root"
dpkg-deb -x "$deb" "$root"
for s in 16 48 256; do
  png="$root/usr/share/icons/hicolor/${s}x${s}/apps/slmq-workbench.png"
  file "$png" | grep -q "PNG image data, $s x $s" || fail "$png is not a ${s}x${s} PNG: $(file "$png")"
done
for qm in "$root"/usr/share/slmq-workbench/translations/*.qm; do
  # A .qm file starts with the magic 3c b8 64 18 ca ef 9c 95.
  [ "$(head -c 8 "$qm" | od -An -tx1 | tr -d ' \n')" = "3cb86418caef9c95" ] || fail "$qm is not a .qm file"
done
desktop-file-validate "$root/usr/share/applications/io.github.slmq.Workbench.desktop" \
  || fail "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.slmq.Workbench.metainfo.xml" \
  || fail "appstreamcli validate"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/io.github.slmq.Workbench.metainfo.xml" \
  || fail "metainfo has no <release> for $version"
grep -q "<project_license>GPL-3.0-or-later</project_license>" \
  "$root/usr/share/metainfo/io.github.slmq.Workbench.metainfo.xml" || fail "metainfo has no project_license"
grep -q "^License: GPL-3+" "$root/usr/share/doc/slmq-workbench/copyright" \
  || fail "copyright does not state the GPL-3+ licence"

echo "== run the unpacked binaries"
out=$("$root/usr/bin/slmq" --version)
echo "$out"
[ "$out" = "slmq $version" ] || fail "slmq --version printed '$out', expected 'slmq $version'"
export QT_QPA_PLATFORM=offscreen
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
timeout 120 "$root/usr/bin/slmq-workbench" --selftest || fail "slmq-workbench --selftest (exit $?)"

echo "== lintian"
if command -v lintian >/dev/null; then
  # Tags that cannot apply to a CPack build tree are not suppressed: every E: fails the test.
  lintian --tag-display-limit 0 "$deb" 2>&1 | tee "$work/lintian.txt" || true
  if grep -q '^E:' "$work/lintian.txt"; then fail "lintian reported errors (see above)"; fi
  echo "lintian: no errors ($(grep -c '^W:' "$work/lintian.txt" || true) warnings)"
else
  echo "lintian not installed: skipped (Debian package 'lintian')"
fi
echo "package test: ok"
