#!/usr/bin/env bash
# Set up a fresh machine for Baodao: Debian packages Qt and Chinese fonts need (when apt-get is
# there), a virtualenv in .venv, and the project installed into it.
#   bash scripts/bootstrap.sh          # to run the app
#   bash scripts/bootstrap.sh --test   # also the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # Qt for Python on a bare Linux
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libx11-6 libfontconfig1 libfreetype6 libdbus-1-3
  # a real window (X11/Xvfb)
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth
  # Chinese fonts (TrueType, usable by Qt and by reportlab) and PDF-to-PNG for checking cards
  fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming poppler-utils
)

# The tests also open exchange files in LibreOffice Calc, as an office would in WPS or Excel.
if [ "${1:-}" = "--test" ]; then
  DEBIAN_PACKAGES+=(libreoffice-calc)
fi

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
