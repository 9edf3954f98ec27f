#!/usr/bin/env bash
# Build a CPython 3.11 whose every ELF file needs glibc 2.17 at most, for a bundle that starts on
# UOS 20 and Kylin V10 SP1 (glibc 2.28) although it is built on a newer Debian (issue 20).
#
# A bundle made by PyInstaller carries the Python it was built with: Debian 12's libpython and its
# extension modules need glibc 2.34–2.36. No registry this project may use ships an older-glibc
# CPython, so this script makes one from Debian's own sources:
#   - the compiler: the GCC 11 toolchain with a glibc 2.17 sysroot that PyPI's ``ppbt`` wheel
#     carries (crosstool-NG; the wheel is a tarball of it, nothing is run from it at install);
#   - the sources: ``apt-get source`` of python3.11, zlib, xz-utils, libffi, sqlite3 and openssl (bookworm;
#     a deb-src entry is added when none is there);
#   - zlib, liblzma, libffi, SQLite (FTS5, JSON, as Debian builds it) and OpenSSL's libcrypto are built
#     static and linked into the modules that need them (_hashlib: hashlib.scrypt needs OpenSSL);
#   - CPython is configured as a cross build (--host: the toolchain's sysroot only, never
#     /usr/include) with --enable-shared, the build Python being the system's python3.11; the
#     new interpreter is then run under the sysroot's own glibc 2.17 to import every module the
#     program needs, hash with scrypt and open an FTS5 table.
# Then the interpreter gets pip (ensurepip, offline), and the program's dependencies are installed
# from wheels downloaded by the system's pip for manylinux 2.28 at most (PySide6 6.9.3 is the
# last release with such wheels: 6.10 and later need glibc 2.34).
#
# Usage:  bash scripts/build_python.sh          → build/pyfloor/python/bin/python3.11
# Environment: PYFLOOR_WORK (default build/pyfloor), HOST_PYTHON (default python3: a Python with
# pip, used to download the toolchain and the wheels; its version must be the sources', 3.11),
# PPBT_VERSION (default 0.1.8), MANYLINUX_MAX (default 28). Run as root (apt-get source needs a
# deb-src entry, added once) or with the sources already in $PYFLOOR_WORK/src.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${PYFLOOR_WORK:-$ROOT/build/pyfloor}
HOST_PYTHON=${HOST_PYTHON:-python3}
PPBT_VERSION=${PPBT_VERSION:-0.1.8}
MANYLINUX_MAX=${MANYLINUX_MAX:-28}
ARCH=$(uname -m)
TRIPLET=$ARCH-linux-gnu
PREFIX=$WORK/python
DEPS=$WORK/deps
JOBS=$(nproc)
START=$(date +%s)
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s (%d s)\n' "$*" "$(($(date +%s) - START))"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}
# run a build step quietly; on failure show the end of its log
quiet() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "$* (log: $log)"
  fi
}

if [[ -x "$PREFIX/bin/python3.11" && -f "$PREFIX/.complete" ]]; then
  echo "already built: $PREFIX/bin/python3.11 (remove $PREFIX to build again)"
  exit 0
fi
"$HOST_PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || fail "HOST_PYTHON must be a Python 3.11 (the build Python of a cross build is the same version)"
mkdir -p "$WORK/dl" "$WORK/src" "$WORK/build"

if [[ -f "$PREFIX/.interpreter" ]]; then
  echo "the interpreter is built already ($PREFIX/.interpreter): going on with its packages"
else
# --- the toolchain ---------------------------------------------------------------------------
step "toolchain (ppbt $PPBT_VERSION, $TRIPLET, glibc 2.17 sysroot)"
TOOLCHAIN=$WORK/toolchain/$TRIPLET
if [[ ! -x "$TOOLCHAIN/bin/$TRIPLET-gcc" ]]; then
  quiet "$WORK/dl/ppbt.log" "$HOST_PYTHON" -m pip download -q --no-deps --only-binary=:all: -d "$WORK/dl" \
    "ppbt==$PPBT_VERSION"
  WHEEL=$(ls "$WORK"/dl/ppbt-"$PPBT_VERSION"-*.whl | head -n 1)
  rm -rf "$WORK/toolchain" "$WORK/dl/ppbt"
  mkdir -p "$WORK/toolchain"
  (cd "$WORK/dl" && "$HOST_PYTHON" -m zipfile -e "$WHEEL" ppbt-wheel)
  TARBALL=$WORK/dl/ppbt-wheel/ppbt/_toolchain/$TRIPLET.tar.xz
  [[ -f "$TARBALL" ]] || fail "the ppbt wheel has no toolchain for $TRIPLET"
  tar -xJf "$TARBALL" -C "$WORK/toolchain"
  rm -rf "$WORK/dl/ppbt-wheel"
fi
export PATH=$TOOLCHAIN/bin:$PATH
"$TRIPLET-gcc" --version | head -n 1
SYSROOT_GLIBC=$(ls "$TOOLCHAIN/$TRIPLET/sysroot/lib/" | sed -n 's/^libc-\([0-9.]*\)\.so$/\1/p')
echo "sysroot glibc: $SYSROOT_GLIBC"

# --- the sources -----------------------------------------------------------------------------
step "sources (apt-get source)"
SOURCES=(python3.11 zlib xz-utils libffi sqlite3 openssl)
have_sources() {
  for name in "${SOURCES[@]}"; do
    ls "$WORK/src/${name}"_*.orig.tar.* >/dev/null 2>&1 || return 1
  done
}
if ! have_sources; then
  if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # the distribution's own sources, beside its binary packages
    SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
    cat >/etc/apt/sources.list.d/zz-wsjc-src.sources <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get update -qq >/dev/null
  fi
  (cd "$WORK/src" && apt-get source --download-only -qq "${SOURCES[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  have_sources || fail "apt-get source did not bring ${SOURCES[*]}"
fi
ls "$WORK"/src/*.orig.tar.* | sed 's|.*/|  |'

unpack() { # name → the unpacked folder
  local name=$1 tarball dir
  tarball=$(ls "$WORK/src/${name}"_*.orig.tar.* | grep -v -- '-www' | head -n 1)
  rm -rf "$WORK/build/$name"
  mkdir -p "$WORK/build/$name"
  tar -xf "$tarball" -C "$WORK/build/$name" --strip-components=1
  echo "$WORK/build/$name"
}

export CC=$TRIPLET-gcc CXX=$TRIPLET-g++ AR=$TRIPLET-ar RANLIB=$TRIPLET-ranlib READELF=$TRIPLET-readelf
CROSS=(--host="$TRIPLET" --build="$(uname -m)-pc-linux-gnu")
rm -rf "$DEPS"
mkdir -p "$DEPS"

# --- static libraries ------------------------------------------------------------------------
step "zlib"
dir=$(unpack zlib)
(cd "$dir" && CFLAGS="-O2 -fPIC" quiet "$WORK/build/zlib.log" ./configure --static --prefix="$DEPS" \
  && quiet "$WORK/build/zlib-make.log" make -j"$JOBS" install)

step "liblzma"
dir=$(unpack xz-utils)
(cd "$dir" && CFLAGS="-O2 -fPIC" quiet "$WORK/build/xz.log" ./configure "${CROSS[@]}" --prefix="$DEPS" \
  --disable-shared --enable-static --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
  --disable-scripts --disable-doc --disable-nls \
  && quiet "$WORK/build/xz-make.log" make -j"$JOBS" -C src/liblzma install \
  && quiet "$WORK/build/xz-make2.log" make -j"$JOBS" -C src/liblzma/api install)

step "libffi"
dir=$(unpack libffi)
(cd "$dir" && CFLAGS="-O2 -fPIC" quiet "$WORK/build/libffi.log" ./configure "${CROSS[@]}" \
  --prefix="$DEPS" --disable-shared --enable-static --disable-docs --disable-multi-os-directory \
  && quiet "$WORK/build/libffi-make.log" make -j"$JOBS" install)

step "SQLite"
dir=$(unpack sqlite3)
SQLITE_FLAGS="-DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5"
SQLITE_FLAGS+=" -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_DBSTAT_VTAB"
SQLITE_FLAGS+=" -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_SECURE_DELETE"
SQLITE_FLAGS+=" -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_MAX_VARIABLE_NUMBER=250000"
(cd "$dir" && CFLAGS="-O2 -fPIC $SQLITE_FLAGS" quiet "$WORK/build/sqlite.log" ./configure "${CROSS[@]}" \
  --prefix="$DEPS" --disable-shared --enable-static --disable-tcl --disable-readline --enable-fts5 \
  && quiet "$WORK/build/sqlite-make.log" make -j"$JOBS" libsqlite3.la \
  && quiet "$WORK/build/sqlite-install.log" make lib_install \
  && cp sqlite3.h src/sqlite3ext.h "$DEPS/include/")

step "OpenSSL (libcrypto, libssl)"
dir=$(unpack openssl)
(cd "$dir" && quiet "$WORK/build/openssl.log" ./Configure "linux-$ARCH" no-shared no-tests no-engine \
  no-module no-legacy no-afalgeng no-comp -fPIC --prefix="$DEPS" --libdir=lib \
  && quiet "$WORK/build/openssl-make.log" make -j"$JOBS" build_libs \
  && quiet "$WORK/build/openssl-install.log" make install_dev)

# --- CPython ---------------------------------------------------------------------------------
step "CPython"
dir=$(unpack python3.11)
# setup.py adds the host's /usr/include/<multiarch> to every extension: the sysroot's only here
sed -i 's/^    def add_multiarch_paths(self):$/&\n        return  # sysroot only (scripts\/build_python.sh)/' \
  "$dir/setup.py"
grep -q 'sysroot only (scripts/build_python.sh)' "$dir/setup.py" || fail "setup.py not patched"
rm -rf "$PREFIX"
(
  cd "$dir"
  export CONFIG_SITE=/dev/null ac_cv_buggy_getaddrinfo=no ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=no
  export CPPFLAGS="-I$DEPS/include" LDFLAGS="-L$DEPS/lib" PKG_CONFIG_PATH=$DEPS/lib/pkgconfig
  export LIBFFI_CFLAGS="-I$DEPS/include" LIBFFI_LIBS="-L$DEPS/lib -lffi"
  export LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="-L$DEPS/lib -lsqlite3 -lm"
  export ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="-L$DEPS/lib -lz"
  export LIBLZMA_CFLAGS="-I$DEPS/include" LIBLZMA_LIBS="-L$DEPS/lib -llzma"
  quiet "$WORK/build/python-configure.log" ./configure "${CROSS[@]}" \
    --with-build-python="$(command -v "$HOST_PYTHON")" --prefix="$PREFIX" --enable-shared \
    --with-openssl="$DEPS" --with-ensurepip=no --without-readline --without-doc-strings
  quiet "$WORK/build/python-make.log" make -j"$JOBS"
  quiet "$WORK/build/python-install.log" make install
)
# the interpreter finds its libpython beside it, wherever the folder is moved
patchelf --set-rpath '$ORIGIN/../lib' "$PREFIX/bin/python3.11"
PY=$PREFIX/bin/python3.11
# run under the sysroot's own glibc (2.17), not only linked against it
SYSROOT=$TOOLCHAIN/$TRIPLET/sysroot
LOADER=$(ls "$SYSROOT"/lib/ld-linux*.so.* | head -n 1)
"$LOADER" --library-path "$SYSROOT/lib:$SYSROOT/usr/lib:$PREFIX/lib" "$PY" - <<'PY'
import importlib
import sys

# every extension module the program or PyInstaller needs must have been built
for name in ("_ctypes", "_lzma", "_hashlib", "_sqlite3", "zlib", "pyexpat", "_decimal", "_elementtree",
             "_json", "_multiprocessing", "_posixsubprocess", "select", "unicodedata", "_uuid"):
    try:
        importlib.import_module(name)
    except ImportError as error:
        if name == "_uuid":
            continue  # optional: uuid falls back to pure Python
        sys.exit(f"the new Python lacks {name}: {error}")
import hashlib
import sqlite3

assert hashlib.scrypt(b"x", salt=b"y" * 16, n=16, r=8, p=1, dklen=8)
con = sqlite3.connect(":memory:")
con.execute("create virtual table t using fts5(a)")
import ctypes

libc_version = ctypes.CDLL(None).gnu_get_libc_version
libc_version.restype = ctypes.c_char_p
print("Python", sys.version.split()[0], "with SQLite", sqlite3.sqlite_version, "and OpenSSL's libcrypto,",
      "running on glibc", libc_version().decode())
PY
touch "$PREFIX/.interpreter"
fi
PY=$PREFIX/bin/python3.11

# --- pip and the program's dependencies --------------------------------------------------------
step "pip and the dependencies (wheels for manylinux 2.$MANYLINUX_MAX at most)"
quiet "$WORK/build/ensurepip.log" "$PY" -m ensurepip
PLATFORMS=()
for ((minor = MANYLINUX_MAX; minor >= 5; minor--)); do PLATFORMS+=(--platform "manylinux_2_${minor}_$ARCH"); done
PLATFORMS+=(--platform "manylinux2014_$ARCH" --platform "manylinux2010_$ARCH" --platform "manylinux1_$ARCH")
WHEELS=$WORK/wheels
rm -rf "$WHEELS"
mkdir -p "$WHEELS"
REQUIREMENTS=$("$HOST_PYTHON" - <<'PY'
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
# xlwt: scripts/build_bundle.sh writes an .xls roster with it for the bundle's try-out (build.spec
# keeps it out of the bundle)
xlwt = [r for r in project["optional-dependencies"]["test"] if r.startswith("xlwt")]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["bundle"] + xlwt))
PY
)
mapfile -t REQS <<<"$REQUIREMENTS"
quiet "$WORK/build/wheels.log" "$HOST_PYTHON" -m pip download -q --only-binary=:all: "${PLATFORMS[@]}" \
  --python-version 3.11 -d "$WHEELS" "${REQS[@]}"
# from those wheels alone, whatever pip configuration the machine has
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null PIP_ROOT_USER_ACTION=ignore \
  "$PY" -m pip install -q --no-index --find-links "$WHEELS" "${REQS[@]}"
"$PY" -m pip list 2>/dev/null | grep -iE '^(pyside6|pyinstaller|sqlcipher3|pillow) '

# --- the floor ---------------------------------------------------------------------------------
step "glibc floor of the new Python"
HIGHEST=$(find "$PREFIX" -type f \( -name '*.so*' -o -path '*/bin/python3.11' \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
echo "highest GLIBC_ version needed by the interpreter and its packages: $HIGHEST"
touch "$PREFIX/.complete"
echo "built $PY in $(($(date +%s) - START)) s"
