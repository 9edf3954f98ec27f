#!/usr/bin/env bash
# Build a .deb for UOS and Kylin (信创) from the one-folder bundle dist/wsjc-desktop/ (issue 20).
#
# The package follows the UOS application layout:
#   /opt/apps/<appid>/info                              JSON: appid, name, version, arch, permissions
#   /opt/apps/<appid>/files/                            the bundle (wsjc-desktop, _internal/)
#   /opt/apps/<appid>/entries/applications/<appid>.desktop
#   /opt/apps/<appid>/entries/icons/hicolor/<n>x<n>/apps/<appid>.png
# and nothing else: no maintainer scripts, no file outside /opt/apps/<appid>. Its Depends are the
# system libraries the bundle's shared objects need and do not carry (X11/xcb, GL, fontconfig …),
# each found in packaging/linux-system-libs.txt, the sonames and the packages UOS 20 / Kylin V10
# (and Debian) ship them in; a soname missing from the table stops the build.
#
# Checks, each stopping the build when it fails:
#   - the layout above, and desktop-file-validate on the desktop entry (when installed);
#   - the glibc floor: the highest GLIBC_ symbol version any bundled ELF file needs, at most
#     GLIBC_MAX (2.28: UOS 20 and Kylin V10 SP1), and likewise GLIBCXX_ at most GLIBCXX_MAX
#     (3.4.25: GCC 8's libstdc++ on UOS 20). GLIBC_CHECK=report prints them and goes on.
#
# The bundle must be built with the Python of scripts/build_python.sh: the system's Python and its
# modules need the build machine's glibc.
#
# Usage (inside the project's virtual environment, after scripts/build_bundle.sh):
#   bash scripts/build_deb.sh            # → dist/<appid>_<version>_<arch>.deb
# Environment: DIST_DIR (default dist), DEB_WORK (default build/deb), GLIBC_MAX (default 2.28),
# GLIBC_CHECK (fail | report; default fail).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIST_DIR=${DIST_DIR:-$ROOT/dist}
DEB_WORK=${DEB_WORK:-$ROOT/build/deb}
GLIBC_MAX=${GLIBC_MAX:-2.28}
GLIBC_CHECK=${GLIBC_CHECK:-fail}
GLIBCXX_MAX=${GLIBCXX_MAX:-3.4.25}
PYTHON=${PYTHON:-$(command -v python || command -v python3)}
APPID=org.wsjc.desktop
NAME_ZH="派驻纪检监察组监督工作台"
VERSION=$(sed -n 's/^__version__ = "\([^"]*\)"/\1/p' wsjc_desktop/__init__.py)
ARCH=$(dpkg --print-architecture)
BUNDLE="$DIST_DIR/wsjc-desktop"

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}

[[ -x "$BUNDLE/wsjc-desktop" ]] || fail "no bundle at $BUNDLE (run scripts/build_bundle.sh first)"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is needed"

# --- what the bundle needs from the system ---------------------------------------------------
step "system libraries the bundle needs"
mapfile -t ELF_FILES < <(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' -o -name 'wsjc-desktop' \) \
  -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
echo "${#ELF_FILES[@]} ELF files in the bundle"
declare -A CARRIED=()
while IFS= read -r f; do CARRIED[$(basename "$f")]=1; done < <(find "$BUNDLE" -name '*.so*')
NEEDED=$(for f in "${ELF_FILES[@]}"; do objdump -p "$f" 2>/dev/null | awk '$1 == "NEEDED" {print $2}'; done | sort -u)
SYSTEM=()
for soname in $NEEDED; do
  [[ -n "${CARRIED[$soname]:-}" ]] || SYSTEM+=("$soname")
done
printf '  %s\n' "${SYSTEM[@]}"

# soname → package(s) that ship it on UOS 20 / Kylin V10 and on newer Debian: the table build.spec
# also reads to leave these libraries out of the bundle
declare -A PACKAGE_OF=()
while read -r soname pkg; do
  [[ -z "$soname" || "$soname" == \#* ]] && continue
  PACKAGE_OF[$soname]=$pkg
done <packaging/linux-system-libs.txt
DEPENDS=()
UNKNOWN=()
for soname in "${SYSTEM[@]}"; do
  pkg=${PACKAGE_OF[$soname]:-}
  if [[ -z "$pkg" ]]; then UNKNOWN+=("$soname"); continue; fi
  [[ " ${DEPENDS[*]} " == *" $pkg "* ]] || DEPENDS+=("$pkg")
done
((${#UNKNOWN[@]} == 0)) || fail "no package known for: ${UNKNOWN[*]} (the bundle must carry it, or packaging/linux-system-libs.txt name its package)"
DEPENDS_LINE=$(printf '%s, ' "${DEPENDS[@]}")
DEPENDS_LINE=${DEPENDS_LINE%, }
echo "Depends: $DEPENDS_LINE"

# --- the glibc floor -------------------------------------------------------------------------
step "glibc floor (at most $GLIBC_MAX)"
HIGHEST=$(for f in "${ELF_FILES[@]}"; do
  objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed "s|^GLIBC_||;s|\$| ${f#"$BUNDLE"/}|" || true
done | sort -V -k1,1 | awk 'END {print}')
GLIBC_NEEDED=${HIGHEST%% *}
echo "highest GLIBC_ version needed: $GLIBC_NEEDED (by ${HIGHEST#* })"
OVER=""
for f in "${ELF_FILES[@]}"; do
  v=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1 || true)
  [[ -n "$v" ]] || continue
  [[ "$(printf '%s\n%s\n' "$v" "$GLIBC_MAX" | sort -V | tail -n 1)" == "$GLIBC_MAX" ]] || OVER+="$v ${f#"$BUNDLE"/}"$'\n'
done
if [[ -n "$OVER" ]]; then
  echo "$(printf '%s' "$OVER" | grep -c .) files need more than $GLIBC_MAX, the highest:"
  printf '%s' "$OVER" | sort -V -r | awk 'NR <= 15 {print "  " $0}'
fi
if [[ "$(printf '%s\n%s\n' "$GLIBC_NEEDED" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]]; then
  if [[ "$GLIBC_CHECK" == report ]]; then
    echo "WARNING: the bundle needs glibc $GLIBC_NEEDED > $GLIBC_MAX: it will not start on UOS 20 / Kylin V10 SP1"
  else
    fail "the bundle needs glibc $GLIBC_NEEDED, more than $GLIBC_MAX (build it on a system with glibc $GLIBC_MAX)"
  fi
fi

# the C++ library: UOS 20's libstdc++6 is GCC 8's (GLIBCXX_3.4.25, CXXABI_1.3.11)
step "libstdc++ (at most GLIBCXX_$GLIBCXX_MAX)"
GLIBCXX_NEEDED=$(for f in "${ELF_FILES[@]}"; do objdump -T "$f" 2>/dev/null | grep -o 'GLIBCXX_[0-9][0-9.]*' || true; done \
  | sed 's/GLIBCXX_//' | sort -V | tail -n 1)
GLIBCXX_NEEDED=${GLIBCXX_NEEDED:-none}
echo "highest GLIBCXX_ version needed: $GLIBCXX_NEEDED"
if [[ "$GLIBCXX_NEEDED" != none && "$(printf '%s\n%s\n' "$GLIBCXX_NEEDED" "$GLIBCXX_MAX" | sort -V | tail -n 1)" != "$GLIBCXX_MAX" ]]; then
  if [[ "$GLIBC_CHECK" == report ]]; then
    echo "WARNING: the bundle needs GLIBCXX_$GLIBCXX_NEEDED > $GLIBCXX_MAX"
  else
    fail "the bundle needs GLIBCXX_$GLIBCXX_NEEDED, more than the $GLIBCXX_MAX of UOS 20's libstdc++"
  fi
fi

# the C library at least as new as the bundle needs
DEPENDS_LINE=$(printf '%s' "$DEPENDS_LINE" | sed "s/\(^\|, \)libc6\(,\|\$\)/\1libc6 (>= $GLIBC_NEEDED)\2/")
echo "Depends: $DEPENDS_LINE"

# --- the package tree ------------------------------------------------------------------------
step "package tree ($DEB_WORK)"
PKG="$DEB_WORK/${APPID}_${VERSION}_${ARCH}"
rm -rf "$PKG"
APP="$PKG/opt/apps/$APPID"
mkdir -p "$PKG/DEBIAN" "$APP/files" "$APP/entries/applications"
cp -a "$BUNDLE/." "$APP/files/"
"$PYTHON" - "$APP" "$APPID" "$VERSION" "$ARCH" "$NAME_ZH" <<'PY'
import json
import sys
from pathlib import Path

from PIL import Image

app, appid, version, arch, name = sys.argv[1:]
app_dir = Path(app)
info = {
    "appid": appid,
    "name": name,
    "version": version,
    "arch": [arch],
    "permissions": {
        "autostart": False,
        "notification": False,
        "trayicon": False,
        "clipboard": True,
        "account": False,
        "bluetooth": False,
        "camera": False,
        "audio_record": False,
        "installed_apps": False,
    },
}
(app_dir / "info").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
icon = Image.open(Path("resources/icons/wsjc.ico"))
sizes = sorted(icon.info.get("sizes", {icon.size}))
for size in (16, 32, 48, 64, 128, 256):
    best = min((s for s in sizes if s[0] >= size), default=max(sizes))
    icon.size = best
    image = icon.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)
    out = app_dir / "entries" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{appid}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
PY
cat > "$APP/entries/applications/$APPID.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.0
Name=WSJC Desktop
Name[zh_CN]=$NAME_ZH
GenericName=Supervision Workbench
GenericName[zh_CN]=监督工作台
Comment=Ledgers, notices and year-end figures of a dispatched discipline-inspection group, offline
Comment[zh_CN]=派驻纪检监察组日常监督台账、廉情提醒和年度统计（离线使用）
Exec=/opt/apps/$APPID/files/wsjc-desktop
Icon=$APPID
Terminal=false
Categories=Office;
Keywords=纪检;监察;台账;廉政;
StartupWMClass=wsjc-desktop
X-Deepin-Vendor=user-custom
DESKTOP
INSTALLED_KB=$(du -sk "$PKG/opt" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: $APPID
Version: $VERSION
Architecture: $ARCH
Maintainer: WSJC Desktop <wsjc-desktop@localhost>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS_LINE
Section: utils
Priority: optional
Description: $NAME_ZH (WSJC Desktop)
 派驻纪检监察组的监督工作台：监督单位、廉政档案、廉情提醒、列席会议、谈话记录、
 监督检查、问题台账和问题线索，Excel 台账与年度统计。离线使用，数据保存在用户目录。
CONTROL

step "layout"
[[ -f "$APP/info" && -x "$APP/files/wsjc-desktop" && -f "$APP/entries/applications/$APPID.desktop" ]] \
  || fail "the UOS layout is incomplete"
[[ -f "$APP/entries/icons/hicolor/256x256/apps/$APPID.png" ]] || fail "no 256x256 icon"
OUTSIDE=$(cd "$PKG" && find . -mindepth 1 -maxdepth 3 ! -path ./DEBIAN ! -path './DEBIAN/*' \
  ! -path ./opt ! -path ./opt/apps ! -path "./opt/apps/$APPID" | head -n 5)
[[ -z "$OUTSIDE" ]] || fail "files outside /opt/apps/$APPID: $OUTSIDE"
SCRIPTS=$(find "$PKG/DEBIAN" -type f ! -name control)
[[ -z "$SCRIPTS" ]] || fail "maintainer scripts are not allowed: $SCRIPTS"
"$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); \
assert {'appid','name','version','arch','permissions'} <= d.keys(), d" "$APP/info"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$APP/entries/applications/$APPID.desktop"
  echo "desktop-file-validate: ok"
else
  echo "desktop-file-validate not installed: not checked"
fi

step "build"
mkdir -p "$DIST_DIR"
DEB="$DIST_DIR/${APPID}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null
echo "$DEB: $(($(stat -c %s "$DEB") / 1024 / 1024)) MB packed, $((INSTALLED_KB / 1024)) MB installed"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
