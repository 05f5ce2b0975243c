#!/usr/bin/env bash
# Build what a secretary gets, in dist/usb/ (one folder to copy to a USB stick):
#   报到台账-安装程序-<version>.exe   Windows 10/11 installer (per user, offline)
#   baodao_<version>_amd64.deb         Debian 12 / 统信UOS / 银河麒麟 package
#   使用手册.pdf                        the manual, screenshots taken from the app just now
# and check them: the Windows bundle's PE imports (static), the .deb's metadata and contents,
# the .desktop entry. Run after `bash scripts/bootstrap.sh --test`.
#   bash scripts/build_packages.sh            # build + static checks
#   bash scripts/build_packages.sh --wine     # also install and run the .exe under Wine
#   bash scripts/build_packages.sh --chroot   # also install the .deb in a fresh Debian 12 root
# Downloads (PyPI wheels, the Windows interpreter, debootstrap's root) are cached in
# $BAODAO_BUILD_CACHE (default ~/.cache/baodao-build); a failed download fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
WINE=0; CHROOT=0
for arg in "$@"; do
  case $arg in --wine) WINE=1 ;; --chroot) CHROOT=1 ;; *) echo "unknown option $arg"; exit 2 ;; esac
done

TOOLS=(nsis osslsigncode desktop-file-utils)
((WINE)) && TOOLS+=(wine wine64 gcc-mingw-w64-x86-64-win32 x11-apps x11-utils imagemagick)  # mingw: test-only shims
((CHROOT)) && TOOLS+=(debootstrap imagemagick util-linux)
missing=()
for pkg in "${TOOLS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
.venv/bin/python -m pip install -q -r packaging/requirements.txt

PY=.venv/bin/python
export QT_QPA_PLATFORM=offscreen
VERSION=$($PY -c 'import sys; sys.path.insert(0, "packaging"); import common; print(common.version())')
OUT=dist/usb
rm -rf "$OUT" && mkdir -p "$OUT"
echo "== 报到台账 $VERSION"
$PY packaging/icons.py build/packaging/icons
$PY packaging/manual.py "$OUT/使用手册.pdf"
$PY packaging/build_windows.py --manual "$OUT/使用手册.pdf" --icons build/packaging/icons
$PY packaging/build_installer.py build/packaging/windows "$OUT" build/packaging/icons/baodao.ico
$PY packaging/build_deb.py "$OUT" --manual "$OUT/使用手册.pdf" --icons build/packaging/icons

echo "== checks"
DEB="$OUT/baodao_${VERSION}_amd64.deb"
EXE="$OUT/报到台账-安装程序-${VERSION}.exe"
# Every check runs even when an earlier one fails; the last line counts them and the exit
# status is 1 when any failed.
passed=0; failed=0; failures=()
check() {
  local name=$1; shift
  echo "-- $name"
  if "$@"; then passed=$((passed + 1)); echo "PASSED  $name"
  else failed=$((failed + 1)); failures+=("$name"); echo "FAILED  $name"; fi
}

pe_static() { $PY packaging/pe_check.py build/packaging/windows | tail -3; }

pe_catches_missing() {
  # The same check must fail on the real bundle without the VC++ runtime, a Qt DLL or the
  # platform plugin, and name each of them.
  local broken=build/packaging/windows-broken
  rm -rf "$broken" && cp -al build/packaging/windows "$broken"
  rm "$broken/python/vcruntime140.dll" "$broken/python/Lib/site-packages/PySide6/Qt6Network.dll" \
    "$broken/python/Lib/site-packages/PySide6/plugins/platforms/qwindows.dll"
  if $PY packaging/pe_check.py "$broken" > build/packaging/pe-broken.txt; then
    echo "the PE check passed a bundle without vcruntime140.dll"; return 1
  fi
  rm -rf "$broken"
  for dll in VCRUNTIME140.dll Qt6Network.dll qwindows.dll; do
    grep -qi "$dll" build/packaging/pe-broken.txt || { echo "the PE check missed $dll"; return 1; }
  done
  echo "without vcruntime140.dll, Qt6Network.dll, qwindows.dll: fails, names all three ($(grep -c UNRESOLVED build/packaging/pe-broken.txt) unresolved imports)"
}

deb_lint() {
  dpkg-deb --info "$DEB" | grep -E "Package|Version|Architecture|Depends" | cut -c1-120
  dpkg-deb --contents "$DEB" > build/packaging/deb-contents.txt
  for path in ./usr/bin/baodao ./usr/share/applications/baodao.desktop \
      ./usr/share/icons/hicolor/256x256/apps/baodao.png ./opt/baodao/app/start_baodao.py \
      ./opt/baodao/app/docs/使用手册.pdf ./opt/baodao/lib/PySide6/Qt/plugins/platforms/libqxcb.so \
      ./opt/baodao/lib/PySide6/Qt/translations/qtbase_zh_CN.qm; do
    grep -q " $path\$" build/packaging/deb-contents.txt || { echo ".deb lacks $path"; return 1; }
  done
  echo ".deb contents: $(wc -l < build/packaging/deb-contents.txt) entries, key files present"
}

manual_pdf() {
  $PY - "$OUT/使用手册.pdf" <<'PYEOF'
import sys
from pypdf import PdfReader
reader = PdfReader(sys.argv[1])
text = "".join(page.extract_text() for page in reader.pages)
box = reader.pages[0].mediabox
assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1, "not A4"
for word in ("安装", "第一次启动", "网格", "活动纪实", "打印卡片", "积分和评价", "用U盘交换数据", "备份和用户"):
    assert word in text, word
print(f"manual: A4, {len(reader.pages)} pages, every section present, text extractable")
PYEOF
}

check "PE imports of the Windows bundle" pe_static
check "PE check catches a missing DLL" pe_catches_missing
check ".deb metadata and contents" deb_lint
check ".desktop entry" desktop-file-validate packaging/linux/baodao.desktop
check "manual PDF" manual_pdf
((WINE)) && check "installer under Wine" $PY packaging/check_wine.py "$EXE"
((CHROOT)) && check ".deb in a fresh Debian 12 root" bash packaging/check_deb_chroot.sh "$DEB"
echo "== dist/usb"
ls -l "$OUT"
echo "installer $(du -m "$EXE" | cut -f1) MiB, .deb $(du -m "$DEB" | cut -f1) MiB, Windows bundle $(du -sm build/packaging/windows | cut -f1) MiB; built and checked in $(( $(date +%s) - start )) s"
((failed)) && echo "failed: ${failures[*]}"
echo "packaging: $passed passed, $failed failed"
((failed == 0))
