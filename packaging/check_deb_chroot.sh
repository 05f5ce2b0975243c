#!/usr/bin/env bash
# Install baodao_*.deb into a fresh Debian 12 root with no network, then run it there:
#   bash packaging/check_deb_chroot.sh dist/usb/baodao_X.Y.Z_amd64.deb [SCREENSHOT_DIR]
# The minimal Debian 12 root is made once with debootstrap and kept as a tarball in
# $BAODAO_BUILD_CACHE (default ~/.cache/baodao-build). The package's dependencies (and Xvfb to
# look at the window) are downloaded into the fresh root first; the install itself and every
# run after it happen inside `unshare -n`, a network namespace with no network at all.
# Needs root (chroot, mount). Exit 1 on any failure.
set -euo pipefail
DEB=$(realpath "$1")
SHOTS=$(realpath -m "${2:-build/packaging/chroot-shots}")
CACHE=${BAODAO_BUILD_CACHE:-$HOME/.cache/baodao-build}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOTFS=$(realpath -m build/packaging/chroot)
TARBALL=$CACHE/bookworm-minbase.tar
start=$(date +%s)
mkdir -p "$CACHE" "$SHOTS"

if [ ! -s "$TARBALL" ]; then
  echo "== debootstrap a minimal Debian 12 (once; cached in $TARBALL)"
  tmp=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >/dev/null
  tar -C "$tmp" -cf "$TARBALL.part" . && mv "$TARBALL.part" "$TARBALL"
  rm -rf "$tmp"
fi

cleanup() {
  for m in dev/pts dev proc; do umount -l "$ROOTFS/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$ROOTFS" && mkdir -p "$ROOTFS"
tar -C "$ROOTFS" -xf "$TARBALL"
mount -t proc proc "$ROOTFS/proc"
mount --bind /dev "$ROOTFS/dev"
mount --bind /dev/pts "$ROOTFS/dev/pts"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
cp "$DEB" "$ROOTFS/root/"
NAME=$(basename "$DEB")
in_root() { chroot "$ROOTFS" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
offline() { unshare -n chroot "$ROOTFS" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

echo "== fetch the dependencies into the fresh root (the only step with network)"
in_root apt-get update -qq
in_root apt-get install -y -qq --download-only "./root/$NAME" xvfb xauth x11-apps >/dev/null
echo "== apt install ./$NAME with no network"
offline sh -c "cd /root && apt-get install -y -qq ./$NAME xvfb xauth x11-apps" >/dev/null
offline dpkg -s baodao | grep -E '^(Status|Version)'
offline sh -c 'ls /opt/baodao >/dev/null && command -v baodao && test -f /usr/share/applications/baodao.desktop && test -f /usr/share/icons/hicolor/48x48/apps/baodao.png'
echo "ok    /opt/baodao, /usr/bin/baodao, .desktop entry and icon installed"

echo "== baodao demo + check"
offline baodao demo --profile tiny --out /tmp/check.db --quiet
offline baodao check /tmp/check.db | tail -1
echo "ok    baodao check passes"

echo "== baodao --demo under Xvfb, screenshot"
offline sh -c 'export BAODAO_HOME=/tmp/home; xvfb-run -a -s "-screen 0 1366x768x24" sh -c "
  baodao --demo & app=\$!; sleep 20; xwd -root -silent > /tmp/main.xwd; kill \$app; wait \$app || true"'
offline sh -c 'export BAODAO_HOME=/tmp/home QT_QPA_PLATFORM=xcb; xvfb-run -a -s "-screen 0 1366x768x24" python3 -I -c "
import sys, subprocess
sys.path[0:0] = [\"/opt/baodao/app\", \"/opt/baodao/lib\"]
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop.ui.help import load_qt_translations, show_manual
app = QApplication([])
load_qt_translations(app)
dialog = show_manual(None)
assert dialog is not None and dialog.document.pageCount() > 5, \"manual did not open\"
print(\"manual pages:\", dialog.document.pageCount())
def shot():
    subprocess.run(\"xwd -root -silent > /tmp/manual.xwd\", shell=True, check=True)
    app.quit()
QTimer.singleShot(6000, shot)
app.exec()
"'
for s in main manual; do
  test -s "$ROOTFS/tmp/$s.xwd" || { echo "FAIL  no screenshot $s"; exit 1; }
  convert "xwd:$ROOTFS/tmp/$s.xwd" "$SHOTS/chroot-$s.png"
done
echo "ok    screenshots: $SHOTS/chroot-main.png $SHOTS/chroot-manual.png (look at them)"
echo "deb chroot check: passed in $(( $(date +%s) - start )) s"
