#!/usr/bin/env bash
# Qt (PySide6 wheels) needs a few system libraries that a minimal Debian/Ubuntu lacks. Check for them; as root,
# install the missing ones with apt-get; otherwise print the exact command and stop — never a Qt traceback later.
set -euo pipefail

# soname -> Debian package: what Qt needs even offscreen.
declare -A NEED=(
  [libGL.so.1]=libgl1
  [libEGL.so.1]=libegl1
  [libxkbcommon.so.0]=libxkbcommon0
  [libfontconfig.so.1]=libfontconfig1
  [libglib-2.0.so.0]=libglib2.0-0
  [libdbus-1.so.3]=libdbus-1-3
  [libpulse.so.0]=libpulse0
)
# What Qt's X11 plugin (xcb) loads: a desktop usually has most of them; a minimal one lacks libxcb-cursor0 and
# friends, and Qt then aborts at start. Needed with --display (make run); otherwise wanted, for the tests that
# open the kiosk in a real X window (tests/kiosk/ui/test_lockdown_x11.py).
declare -A DISPLAY_LIBS=(
  [libxcb-cursor.so.0]=libxcb-cursor0
  [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-image.so.0]=libxcb-image0
  [libxcb-randr.so.0]=libxcb-randr0
  [libxcb-xkb.so.1]=libxcb-xkb1
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libX11-xcb.so.1]=libx11-xcb1
)
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
# Tickets print Chinese and Japanese names with this font, embedded glyph by glyph (core/tickets/pdf_fonts.py).
# Wanted, not required: without it those names fall back to a font the PDF does not embed, which prints only
# where the viewer or printer has an Asian font of its own.
CJK_FONT=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
# The server stack's daemons, which tests/stack starts from server-stack/ (binary -> Debian package). Wanted,
# not required: without them those tests skip naming this install line (under CI=true they fail).
declare -A STACK=(
  [pgbouncer]=pgbouncer
  [haproxy]=haproxy
  [redis-server]=redis-server
  [mosquitto]=mosquitto
  # The point-in-time drill (tests/stack/test_pitr_drill.py); it also needs a PostgreSQL server's binaries.
  [pgbackrest]=pgbackrest
  # packaging/linux's desktop files and user units, checked by tests/stack/test_linux_desktop.py.
  [desktop-file-validate]=desktop-file-utils
  [systemd-analyze]=systemd
  # The kiosk on a real X server, bare and under a window manager (tests/kiosk/ui/test_lockdown_x11.py).
  [Xvfb]=xvfb
  [openbox]=openbox
  [xprop]=x11-utils
)

have_lib() {
  /sbin/ldconfig -p 2>/dev/null | grep -q "$1 " && return 0
  # ldconfig may be missing or its cache stale: look in the usual places too.
  compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/usr/lib/$1" >/dev/null || compgen -G "/lib/*/$1" >/dev/null
}

missing=()
for lib in "${!NEED[@]}"; do
  have_lib "$lib" || missing+=("${NEED[$lib]}")
done
[ -e "$FONT" ] || missing+=(fonts-dejavu-core)
wanted=()
for lib in "${!DISPLAY_LIBS[@]}"; do
  have_lib "$lib" && continue
  if [ "${1:-}" = "--display" ]; then missing+=("${DISPLAY_LIBS[$lib]}"); else wanted+=("${DISPLAY_LIBS[$lib]}"); fi
done
[ -e "$CJK_FONT" ] || wanted+=(fonts-droid-fallback)
stack_missing=()
for bin in "${!STACK[@]}"; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] || stack_missing+=("${STACK[$bin]}")
done
wanted+=("${stack_missing[@]}")
[ ${#missing[@]} -eq 0 ] && [ ${#wanted[@]} -eq 0 ] && exit 0

cjk_note() {
  if [[ " ${wanted[*]} " == *" fonts-droid-fallback "* ]]; then
    echo "Note: without fonts-droid-fallback (Debian's name), tickets print Chinese and Japanese names with a"
    echo "font the PDF does not embed. To embed one:  sudo apt-get install -y fonts-droid-fallback"
  fi
  if [ ${#stack_missing[@]} -gt 0 ]; then
    echo "Note: the server-stack tests (tests/stack) and the real-X-window kiosk tests skip without ${stack_missing[*]}."
    echo "To run them:  sudo apt-get install -y ${stack_missing[*]}"
  fi
}
if [ ${#missing[@]} -eq 0 ] && { [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; }; then
  cjk_note
  exit 0
fi

IFS=$'\n' missing=($(sort -u <<<"${missing[*]}")); unset IFS
if ! command -v apt-get >/dev/null; then
  echo "Encore's kiosk and admin (Qt) need these system libraries, which are missing: ${missing[*]}"
  echo "Install your distribution's packages for them (names above are Debian's), then run make again."
  [ ${#wanted[@]} -eq 0 ] || cjk_note
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  install=("${missing[@]}" "${wanted[@]}")
  echo "Installing system packages Encore needs: ${install[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${install[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${install[@]}" >/dev/null
  } || {
    # The ticket font is wanted, not needed: a mirror without it must not stop the install of what Qt needs.
    [ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || exit 1
    cjk_note
  }
  exit 0
fi
echo ""
echo "Encore's kiosk and admin (Qt) need system libraries that are missing. Install them, then run make again:"
echo ""
echo "    sudo apt-get install -y ${missing[*]} ${wanted[*]}"
echo ""
exit 1
