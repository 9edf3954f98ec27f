#!/usr/bin/env bash
# Install the .deb built by scripts/build_deb.sh on this machine, run the program from its
# installed path (--version, demo, check, gui --screenshot offscreen and, with xvfb-run, on an X
# server through the xcb plugin), then remove it and check that nothing is left outside the user's
# data folder (issue 20). Needs root (apt-get for the Depends, dpkg -i / dpkg -r).
#
#   bash scripts/try_deb.sh [dist/org.wsjc.desktop_<version>_<arch>.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
APPID=org.wsjc.desktop
DEB=${1:-$(ls -t "$ROOT"/dist/${APPID}_*.deb 2>/dev/null | head -n 1)}
[[ -f "$DEB" ]] || { echo "FAILED: no .deb (run scripts/build_deb.sh)" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}
SUDO=""
[[ $(id -u) == 0 ]] || SUDO=sudo

step "install $DEB"
if dpkg -s "$APPID" >/dev/null 2>&1; then $SUDO dpkg -r "$APPID" >/dev/null; fi
# the declared Depends from the distribution (apt-get), then the package itself with dpkg -i
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $DEPENDS"
if command -v apt-get >/dev/null; then
  # each "a | b" alternative: the first one this distribution has
  mapfile -t WANTED < <(printf '%s\n' "$DEPENDS" | tr ',' '\n' | while read -r alternatives; do
    IFS='|' read -ra choices <<<"$alternatives"
    for choice in "${choices[@]}"; do
      name=$(awk '{print $1}' <<<"$choice")
      if apt-cache show "$name" >/dev/null 2>&1; then echo "$name"; break; fi
    done
  done)
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${WANTED[@]}" >/dev/null
fi
$SUDO dpkg -i "$DEB" >/dev/null
dpkg -s "$APPID" | sed -n 's/^\(Status\|Version\|Installed-Size\): /  \1: /p'
mapfile -t FILES < <(dpkg -L "$APPID")
echo "${#FILES[@]} paths installed"
for path in "${FILES[@]}"; do
  case "$path" in
    /. | /opt | /opt/apps | "/opt/apps/$APPID" | "/opt/apps/$APPID"/*) ;;
    *) fail "installed outside /opt/apps/$APPID: $path" ;;
  esac
done

step "run from /opt/apps/$APPID/files"
EXE="/opt/apps/$APPID/files/wsjc-desktop"
HOME_DIR=$(mktemp -d)  # the user's data folder lives under HOME (~/.local/share/WSJC Desktop)
unset WSJC_DATA_DIR WSJC_DB
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
HOME="$HOME_DIR" "$EXE" --version
HOME="$HOME_DIR" "$EXE" demo --db "$HOME_DIR/demo.db" >/dev/null
HOME="$HOME_DIR" "$EXE" check --db "$HOME_DIR/demo.db" >/dev/null
SHOT="$ROOT/build/deb-smoke/deb-screenshot.png"
mkdir -p "$(dirname "$SHOT")"
HOME="$HOME_DIR" "$EXE" gui --db "$HOME_DIR/demo.db" --tab 问题台账 --screenshot "$SHOT"
(($(stat -c %s "$SHOT") / 1024 >= 30)) || fail "the installed program's screenshot looks empty"
echo "screenshot: $SHOT ($(stat -c %s "$SHOT") bytes)"
if command -v xvfb-run >/dev/null; then
  # on an X server through the xcb platform plugin: the system's xcb, xkbcommon and GL libraries
  # (the package's Depends) with the bundle's Qt
  SHOT_X="$ROOT/build/deb-smoke/deb-screenshot-xcb.png"
  HOME="$HOME_DIR" QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
    "$EXE" gui --db "$HOME_DIR/demo.db" --tab 监督检查 --screenshot "$SHOT_X"
  (($(stat -c %s "$SHOT_X") / 1024 >= 30)) || fail "the screenshot under X looks empty"
  echo "screenshot under X (xcb): $SHOT_X ($(stat -c %s "$SHOT_X") bytes)"
else
  echo "(xvfb-run not installed: the xcb platform plugin not tried)"
fi

step "remove"
$SUDO dpkg -r "$APPID" >/dev/null
dpkg -s "$APPID" >/dev/null 2>&1 && fail "still installed"
LEFT=()
for path in "${FILES[@]}"; do
  [[ "$path" == "/." || "$path" == /opt || "$path" == /opt/apps ]] && continue
  [[ -e "$path" ]] && LEFT+=("$path")
done
((${#LEFT[@]} == 0)) || fail "left after dpkg -r: ${LEFT[*]:0:5}"
[[ ! -e "/opt/apps/$APPID" ]] || fail "/opt/apps/$APPID is still there"
echo "removed: nothing left outside the user's data folder ($HOME_DIR)"
rm -rf "$HOME_DIR"
echo "size: $(($(stat -c %s "$DEB") / 1024 / 1024)) MB packed"
