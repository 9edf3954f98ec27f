#!/usr/bin/env bash
# Build the one-folder bundle dist/wsjc-desktop/ from build.spec, then try it out:
#   size under 200 MB; --version; a demo database written by the bundle itself; screenshots of
#   the window (offscreen) on the 工作台 and on each register tab; a printed notice (reportlab + fonts), an Excel ledger (openpyxl), the
#   year's figures, a pinyin search, the holiday reminders (holidays), check and backup; an .xls
#   roster (xlrd); an encrypted copy (sqlcipher3); portable mode (--portable, then portable.txt)
#   keeping everything beside the program.
# Exits non-zero on any failure. Run from anywhere, inside the project's virtual environment:
#
#   bash scripts/build_bundle.sh
#
# Environment: DIST_DIR (default dist), WORK_DIR (default build/pyinstaller), SMOKE_DIR (default
# build/bundle-smoke: the screenshot and the files the try-out wrote stay there),
# MAX_BUNDLE_MB (default 200), SKIP_BUILD=1 (try out the bundle already in DIST_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
START=$(date +%s)
DIST_DIR=${DIST_DIR:-$ROOT/dist}
WORK_DIR=${WORK_DIR:-$ROOT/build/pyinstaller}
SMOKE_DIR=${SMOKE_DIR:-$ROOT/build/bundle-smoke}
MAX_BUNDLE_MB=${MAX_BUNDLE_MB:-200}
PYTHON=${PYTHON:-$(command -v python || command -v python3)}
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  step "PyInstaller"
  if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    # editable, so that a developer's editable install of the checkout stays one
    "$PYTHON" -m pip install -q -e ".[bundle]"
  fi
  "$PYTHON" -m PyInstaller --version

  step "build ($DIST_DIR/wsjc-desktop)"
  BUILD_START=$(date +%s)
  "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST_DIR" --workpath "$WORK_DIR" build.spec
  echo "built in $(($(date +%s) - BUILD_START)) s"
fi
[[ -d "$DIST_DIR/wsjc-desktop" ]] || fail "no bundle in $DIST_DIR/wsjc-desktop"
BUNDLE=$(cd "$DIST_DIR/wsjc-desktop" && pwd -P)

# the windowed program, and the one for the command line (wsjc-cli.exe on Windows)
EXE_SUFFIX=""
[[ -f "$BUNDLE/wsjc-desktop.exe" ]] && EXE_SUFFIX=".exe"
GUI="$BUNDLE/wsjc-desktop$EXE_SUFFIX"
CLI="$BUNDLE/wsjc-cli$EXE_SUFFIX"
[[ -f "$CLI" ]] || CLI="$GUI"
[[ -x "$GUI" ]] || fail "no executable at $GUI"

step "size"
SIZE_KB=$(du -sk "$BUNDLE" | cut -f1)
SIZE_MB=$((SIZE_KB / 1024))
echo "bundle: ${SIZE_MB} MB (limit ${MAX_BUNDLE_MB} MB); largest parts:"
(cd "$BUNDLE/_internal" && du -sk -- * | sort -rn | head -8 | awk '{printf "  %6.1f MB  %s\n", $1/1024, $2}')
((SIZE_MB < MAX_BUNDLE_MB)) || fail "bundle is ${SIZE_MB} MB, over ${MAX_BUNDLE_MB} MB"

step "Qt's Chinese translations"
QM=$(find "$BUNDLE" -name qtbase_zh_CN.qm | head -n 1)
[[ -n "$QM" ]] || fail "qtbase_zh_CN.qm is not in the bundle (Qt's buttons and menus would be English)"
echo "found ${QM#"$BUNDLE"/}"

step "try-out in $SMOKE_DIR"
rm -rf "$SMOKE_DIR"
mkdir -p "$SMOKE_DIR/home"
SMOKE_DIR=$(cd "$SMOKE_DIR" && pwd)
export QT_QPA_PLATFORM=offscreen
# keep the user's folders out of it: data in the smoke folder, a fake home for everything else
export WSJC_DATA_DIR="$SMOKE_DIR/data"
export HOME="$SMOKE_DIR/home" XDG_DATA_HOME="$SMOKE_DIR/home/.local/share"
export XDG_CONFIG_HOME="$SMOKE_DIR/home/.config" XDG_CACHE_HOME="$SMOKE_DIR/home/.cache"
unset WSJC_DB
DB="$SMOKE_DIR/demo.db"

run() {
  local started elapsed
  started=$(date +%s%N)
  "$@" >"$SMOKE_DIR/last.out" 2>"$SMOKE_DIR/last.err" || {
    cat "$SMOKE_DIR/last.out" "$SMOKE_DIR/last.err" >&2
    [[ -f "$WSJC_DATA_DIR/logs/wsjc.log" ]] && tail -20 "$WSJC_DATA_DIR/logs/wsjc.log" >&2
    fail "$(basename "$1") ${*:2}"
  }
  elapsed=$((($(date +%s%N) - started) / 1000000))
  printf '  %5d ms  %s %s\n' "$elapsed" "$(basename "$1")" "${*:2}"
}

VERSION=$("$PYTHON" -c "import re; print(re.search(r'__version__ = \"(.+)\"', open('wsjc_desktop/__init__.py', encoding='utf-8').read()).group(1))")
run "$CLI" --version
grep -qxF "wsjc-desktop $VERSION" "$SMOKE_DIR/last.out" || fail "--version printed: $(cat "$SMOKE_DIR/last.out")"
run "$CLI" demo --db "$DB"
SHOT="$SMOKE_DIR/dashboard.png"
run "$GUI" gui --db "$DB" --screenshot "$SHOT"
[[ -f "$SHOT" ]] || fail "no screenshot"
# a real window grab: 1280 × 800 and tens of kilobytes (a blank or broken one compresses to little)
read -r WIDTH HEIGHT < <("$PYTHON" -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); assert d[:8]==b'\x89PNG\r\n\x1a\n'; print(*struct.unpack('>II', d[16:24]))" "$SHOT")
SHOT_KB=$(($(wc -c <"$SHOT") / 1024))
echo "  screenshot: ${WIDTH}x${HEIGHT}, ${SHOT_KB} KB: $SHOT"
((WIDTH >= 800 && HEIGHT >= 600 && SHOT_KB >= 50)) || fail "screenshot looks empty"
# every register tab is made from a module imported by name when the tab is first shown: each
# must be in the bundle (a missing one fails here, not on a user's PC)
for TAB in 监督单位 廉政档案 廉情提醒 列席会议 谈话记录 监督检查 问题台账 问题线索; do
    run "$GUI" gui --db "$DB" --tab "$TAB" --screenshot "$SMOKE_DIR/tab-$TAB.png"
    (($(wc -c <"$SMOKE_DIR/tab-$TAB.png") / 1024 >= 30)) || fail "screenshot of $TAB looks empty"
done
run "$CLI" print notice 1 --db "$DB" --out "$SMOKE_DIR/notice.pdf"
run "$CLI" print talk 1 --db "$DB" --out "$SMOKE_DIR/talk.pdf"
run "$CLI" export notices --db "$DB" --out "$SMOKE_DIR/notices.xlsx"
run "$CLI" stats --db "$DB" --json
grep -q '"talks.person_times"' "$SMOKE_DIR/last.out" || fail "stats --json has no talks.person_times"
grep -q '"problems.found"' "$SMOKE_DIR/last.out" || fail "stats --json has no problems.found"
run "$CLI" stats --db "$DB" --out "$SMOKE_DIR/stats.pdf"
run "$CLI" export problems --db "$DB" --out "$SMOKE_DIR/problems.xlsx"
UNIT=$("$PYTHON" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT full_name FROM units ORDER BY id').fetchone()[0])" "$DB")
run "$CLI" report unit-profile --unit "$UNIT" --year "$(date +%Y)" --db "$DB" --out "$SMOKE_DIR/unit-profile.pdf"
run "$CLI" report unit-profile --unit "$UNIT" --year "$(date +%Y)" --db "$DB" --out "$SMOKE_DIR/unit-profile.docx"
run "$CLI" search zs --db "$DB" --json
grep -q '"record_id"' "$SMOKE_DIR/last.out" || fail "pinyin search found nothing"
run "$CLI" print holiday-reminder --holiday 春节 --year 2030 --db "$DB" --out "$SMOKE_DIR/holiday.pdf"
run "$CLI" check --db "$DB"
run "$CLI" backup --db "$DB"
# xlrd: an old-style .xls roster (written with xlwt, from the test extra, when it is there)
if "$PYTHON" -c "import xlwt" 2>/dev/null; then
  "$PYTHON" - "$SMOKE_DIR/roster.xls" <<'PY'
import sys
from datetime import datetime

import xlwt

base = "11010519750315001"
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
id_number = base + "10X98765432"[sum(int(d) * w for d, w in zip(base, weights)) % 11]
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("花名册")
for col, header in enumerate(["姓名", "出生年月", "工作单位", "身份证号"]):
    sheet.write(0, col, header)
for col, value in enumerate(["张三", datetime(1975, 3, 15), "区财政局", id_number]):
    sheet.write(1, col, value, xlwt.easyxf(num_format_str="yyyy-mm-dd"))
book.save(sys.argv[1])
PY
  run "$CLI" import-roster "$SMOKE_DIR/roster.xls" --db "$DB" --dry-run --json
  grep -q '"imported": 1' "$SMOKE_DIR/last.out" || fail "the .xls roster: $(cat "$SMOKE_DIR/last.out")"
else
  echo "  (xlwt not installed: no .xls roster tried)"
fi
# SQLCipher: encrypt a copy, then read it with the passphrase
cp "$DB" "$SMOKE_DIR/encrypted.db"
export WSJC_NEW_PASSPHRASE="bundle-smoke-9" WSJC_PASSPHRASE="bundle-smoke-9"
run "$CLI" encrypt --db "$SMOKE_DIR/encrypted.db"
run "$CLI" search 张 --db "$SMOKE_DIR/encrypted.db" --json
grep -q '"record_id"' "$SMOKE_DIR/last.out" || fail "search in the encrypted copy found nothing"
unset WSJC_NEW_PASSPHRASE WSJC_PASSPHRASE
head -c 15 "$SMOKE_DIR/encrypted.db" | grep -q "SQLite format" && fail "encrypted.db is not encrypted"
for f in notice.pdf talk.pdf holiday.pdf stats.pdf; do
  head -c 5 "$SMOKE_DIR/$f" | grep -q '%PDF-' || fail "$f is not a PDF"
done
head -c 2 "$SMOKE_DIR/notices.xlsx" | grep -q 'PK' || fail "notices.xlsx is not an .xlsx"

step "portable mode"
PORTABLE_DATA="$BUNDLE/data"
[[ -e "$PORTABLE_DATA" ]] && fail "$PORTABLE_DATA exists before the try-out"
unset WSJC_DATA_DIR
rm -rf "${SMOKE_DIR:?}/home" && mkdir -p "$SMOKE_DIR/home"
cleanup_portable() { rm -rf "$PORTABLE_DATA" "$BUNDLE/portable.txt"; }
trap cleanup_portable EXIT
run "$CLI" --portable demo
run "$CLI" --portable backup
[[ -f "$PORTABLE_DATA/wsjc.db" ]] || fail "--portable: no $PORTABLE_DATA/wsjc.db"
[[ -f "$PORTABLE_DATA/logs/wsjc.log" ]] || fail "--portable: no log in $PORTABLE_DATA/logs"
compgen -G "$PORTABLE_DATA/backups/wsjc-*.db" >/dev/null || fail "--portable: no backup in $PORTABLE_DATA/backups"
echo "portable" >"$BUNDLE/portable.txt"
run "$CLI" check
WANT="$PORTABLE_DATA/wsjc.db"
command -v cygpath >/dev/null && WANT=$(cygpath -w "$WANT") # Git Bash: the program prints C:\…
grep -qF "$WANT" "$SMOKE_DIR/last.out" || fail "portable.txt: check did not use $WANT"
LEFT=$(find "$SMOKE_DIR/home" -mindepth 1 | head -5)
[[ -z "$LEFT" ]] || fail "portable mode wrote into the home folder: $LEFT"
cleanup_portable
trap - EXIT

step "done in $(($(date +%s) - START)) s: $BUNDLE (${SIZE_MB} MB)"
