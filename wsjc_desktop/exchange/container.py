"""The exchange package (``*.wsjcx``): an encrypted, authenticated file that carries data from one of
the group's PCs to the other on a USB stick. This module is only the container; the merge engine
fills and reads its tables.

The file, in order::

    MAGIC                  8 bytes, b"WSJCX\\x00\\x01\\n" (the \\x01 is the layout's version)
    header length          4 bytes, big-endian, at most MAX_HEADER_BYTES
    header                 UTF-8 JSON, in clear: the fields of ``Header`` and ``check``
    body                   a whole SQLCipher 4 database file (4096-byte pages)

The body is keyed with a raw 256-bit key derived from the group's exchange passphrase (SQLCipher's
own PBKDF2 is then skipped). With ``kdf = "scrypt-hmac"`` (what this program writes) the header's
``salt`` is 32 bytes: scrypt of the passphrase with the header's parameters and the first 16 (the
writing program's, the same for all it writes in one run) gives a **master key**; an HMAC-SHA512
of the last 16 (new for every package) under it gives the package's key and ``check``. A program
that writes or reads many packages thus pays scrypt once per passphrase and salt, and still every
guess at the passphrase costs one scrypt. With ``kdf = "scrypt"`` (the first packages) the salt is
16 bytes and scrypt gives the key directly; such packages are still read. Every page
of the body is encrypted (AES-256) and authenticated (HMAC-SHA512), so without the passphrase
nothing of the data, not even the names of its tables, can be read, and a changed page is found.

The header is in clear so that the program can say from whom and when a package comes, and refuse
one from another group, before asking for the passphrase. It reveals random ids (the group's, the
sending PC's), the sending PC's name, when it was written, and the key derivation's parameters;
the file's size tells roughly how much data it carries. Nothing else. The header is authenticated
too: the body's table ``container_meta`` holds the SHA-256 of the header's bytes, compared once the
body is open, so a changed header is found (as is a body put under another package's header).

``check`` is 16 more bytes of the scrypt output (after the 32 of the key): it tells a wrong
passphrase from a damaged body, which SQLCipher alone cannot (both fail the first page's HMAC). It
lets an attacker test a guessed passphrase no faster than the first page's HMAC already does:
each guess costs one scrypt either way.

A package is refused, with a Chinese ``PackageError`` that names the file, when it is not a
package, is bigger than ``MAX_PACKAGE_BYTES``, was written by a newer program, comes from another
group, does not open with the passphrase, is truncated or longer than it should be, or has any
byte changed. Reading writes nothing but one private temporary copy of the body (SQLite cannot
open a database that starts at an offset), removed when the package is closed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import shutil
import struct
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from wsjc_desktop.errors import UserError, write_error
from wsjc_desktop.fileio import create_private, fsync_dir, wipe
from wsjc_desktop.limits import human_size
from wsjc_desktop.storage import cipher

__all__ = [
    "FORMAT",
    "MAGIC",
    "MAX_HEADER_BYTES",
    "MAX_PACKAGE_BYTES",
    "PAGE_SIZE",
    "SUFFIX",
    "Header",
    "PackageError",
    "new_header",
    "open_package",
    "read_header",
    "write_package",
]

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30

SUFFIX = ".wsjcx"
MAGIC = b"WSJCX\x00\x01\n"
_MAGIC_FAMILY = MAGIC[:6]  # a later layout keeps these and raises MAGIC[6]
_LENGTH = struct.Struct(">I")
#: The version of the header and of the body's ``container_meta``; a newer one asks for an upgrade.
FORMAT = 1
#: SQLCipher 4's page size, set explicitly (``cipher_compatibility = 4``); the body is whole pages.
PAGE_SIZE = 4096

MAX_HEADER_BYTES = 64 * KiB
MAX_PACKAGE_BYTES = 2 * GiB
"""A package bigger than this is refused before it is read (and never written): a group's data,
with years of records, is a few tens of MB."""

MAX_SENDER_NAME_CHARS = 100

# scrypt: the defaults cost ~0.15 s and 32 MiB. A header is read before anything is authenticated,
# so its parameters are held to bounds, alone and together: a hostile file cannot make us spend
# more than 64 MiB or four times the defaults' work.
SCRYPT_N = 1 << 15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_SCRYPT_N, MAX_SCRYPT_N = 1 << 14, 1 << 20
MAX_SCRYPT_R = 16
MAX_SCRYPT_P = 4
MAX_SCRYPT_MEMORY = 64 * MiB  # 128 * n * r bytes
MAX_SCRYPT_WORK = 4 * SCRYPT_N * SCRYPT_R * SCRYPT_P  # n * r * p
_SCRYPT_MAXMEM = MAX_SCRYPT_MEMORY + MiB  # OpenSSL's ceiling, a little above ours (it adds 128 * r * (p + 2))
SALT_BYTES = 16
CHECK_BYTES = 16
#: What this program writes; what it reads.
KDF = "scrypt-hmac"
#: Each kdf's salt length in bytes.
KDFS = {KDF: 2 * SALT_BYTES, "scrypt": SALT_BYTES}
#: Master keys derived in this process, by (passphrase, master salt, n, r, p): at most a few.
_MASTERS: dict[tuple[str, bytes, int, int, int], bytes] = {}
_MAX_MASTERS = 8
#: The master salt this run writes with (one per process: its packages share the master key).
_OWN_SALT = secrets.token_bytes(SALT_BYTES)
_KEY_BYTES = 32

#: ``cipher_integrity_check`` came with SQLCipher 4.3; an older one would ignore the pragma.
_MIN_SQLCIPHER = (4, 3)
_CHUNK = MiB

Reason = Literal[
    "not_package", "too_large", "truncated", "damaged", "newer", "other_group", "passphrase", "io"
]


class PackageError(UserError):
    """A package refused; ``reason`` says why, for a caller that reacts to it (the passphrase box)."""

    def __init__(self, message: str, *, reason: Reason) -> None:
        super().__init__(message, field="passphrase" if reason == "passphrase" else None)
        self.reason = reason


@dataclass(frozen=True)
class Header:
    """The package's cleartext header.

    ``group_id`` and ``sender_id`` are UUIDs in their usual text form (the group's, and the replica
    that wrote the package); ``sender_name`` is that PC's name as shown (王明的电脑); ``created`` is
    an ISO 8601 time with its UTC offset, to the second. ``kdf``, ``salt`` (hex), ``n``, ``r`` and
    ``p`` derive the key from the passphrase.
    """

    format: int
    group_id: str
    sender_id: str
    sender_name: str
    created: str
    kdf: str
    salt: str
    n: int
    r: int
    p: int


_HEADER_KEYS = frozenset(f.name for f in dataclasses.fields(Header)) | {"check"}


def new_header(group_id: str, sender_id: str, sender_name: str) -> Header:
    """The header of a package written now by ``sender_id``: a fresh salt and the default scrypt
    parameters. The ids may be given in any form ``uuid.UUID`` reads; ``sender_name`` loses
    control and format characters and is cut to ``MAX_SENDER_NAME_CHARS``."""
    name = "".join(c for c in sender_name if not unicodedata.category(c).startswith("C")).strip()
    header = Header(
        format=FORMAT,
        group_id=str(uuid.UUID(group_id)),
        sender_id=str(uuid.UUID(sender_id)),
        sender_name=name[:MAX_SENDER_NAME_CHARS].strip(),
        created=datetime.now().astimezone().isoformat(timespec="seconds"),
        kdf=KDF,
        salt=(_OWN_SALT + secrets.token_bytes(SALT_BYTES)).hex(),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
    )
    problem = _header_problem(header)
    if problem:
        raise ValueError(f"bad header: {problem}")
    return header


# --- messages ---------------------------------------------------------------------------------


def _not_package(name: str) -> PackageError:
    return PackageError(f"“{name}”不是交换包（*{SUFFIX}），无法导入。", reason="not_package")


def _truncated(name: str) -> PackageError:
    return PackageError(
        f"交换包“{name}”不完整或已损坏（可能复制时中断，或U盘被提前拔出），无法导入。"
        "请重新复制，或请对方重新生成交换包。",
        reason="truncated",
    )


def _damaged(name: str) -> PackageError:
    return PackageError(
        f"交换包“{name}”已损坏或被改动，无法导入。请对方重新生成交换包后再导入。",
        reason="damaged",
    )


def _bad_header(name: str, detail: str = "") -> PackageError:
    return PackageError(
        f"交换包“{name}”的文件头已损坏{detail}，无法导入。请对方重新生成交换包后再导入。",
        reason="damaged",
    )


def _newer(name: str) -> PackageError:
    return PackageError(f"交换包“{name}”由更新版本的程序生成，请升级程序后再导入。", reason="newer")


def _other_group(name: str) -> PackageError:
    return PackageError(
        f"交换包“{name}”来自其他监督组，不能导入。请确认它是本组另一台电脑生成的交换包。",
        reason="other_group",
    )


def _wrong_passphrase(name: str) -> PackageError:
    return PackageError(
        f"交换口令不正确，无法打开交换包“{name}”。请核对口令（区分大小写）后重试；"
        "如确认口令无误，则该文件可能已损坏。",
        reason="passphrase",
    )


def _too_large(name: str, size: int) -> PackageError:
    return PackageError(
        f"“{name}”大小为{human_size(size)}，超过交换包{human_size(MAX_PACKAGE_BYTES)}的上限，未读取。",
        reason="too_large",
    )


def _unreadable(name: str, exc: OSError) -> PackageError:
    return PackageError(f"无法读取交换包“{name}”：{exc.strerror or exc}", reason="io")


# --- the header -------------------------------------------------------------------------------


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_hex(value: object, nbytes: int) -> bool:
    return isinstance(value, str) and len(value) == 2 * nbytes and all(c in "0123456789abcdef" for c in value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kdf_problem(n: int, r: int, p: int) -> str:
    if not (_is_int(n) and _is_int(r) and _is_int(p)):
        return "scrypt parameters are not integers"
    if not (MIN_SCRYPT_N <= n <= MAX_SCRYPT_N and n & (n - 1) == 0):
        return f"scrypt n={n} out of bounds"
    if not (1 <= r <= MAX_SCRYPT_R and 1 <= p <= MAX_SCRYPT_P):
        return f"scrypt r={r} p={p} out of bounds"
    if 128 * n * r > MAX_SCRYPT_MEMORY or n * r * p > MAX_SCRYPT_WORK:
        return f"scrypt n={n} r={r} p={p} too costly"
    return ""


def _header_problem(header: Header) -> str:
    """What is wrong with the header's fields (in English, for a log or a ValueError); "" if none."""
    if header.format != FORMAT or not _is_int(header.format):
        return f"format {header.format!r}"
    if not _is_uuid(header.group_id) or not _is_uuid(header.sender_id):
        return "ids are not UUIDs"
    name = header.sender_name
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_SENDER_NAME_CHARS:
        return "sender_name empty or too long"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "sender_name has control characters"
    if not isinstance(header.created, str) or len(header.created) > 64:
        return "created is not a time"
    try:
        datetime.fromisoformat(header.created)
    except ValueError:
        return "created is not a time"
    if header.kdf not in KDFS:
        return f"kdf {header.kdf!r}"
    if not _is_hex(header.salt, KDFS[header.kdf]):
        return f"salt is not {KDFS[header.kdf]} bytes of hex"
    return _kdf_problem(header.n, header.r, header.p)


def _header_bytes(header: Header, check: str) -> bytes:
    """The header as written: its canonical JSON (sorted keys, no spaces, UTF-8)."""
    fields: dict[str, object] = {**dataclasses.asdict(header), "check": check}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key!r}")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_header(raw: bytes, name: str) -> tuple[Header, str]:
    """The header and its ``check`` from the header's bytes, each field checked."""
    try:
        fields = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad_header(name) from exc
    if not isinstance(fields, dict):
        raise _bad_header(name)
    version = fields.get("format")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        raise _newer(name)
    if version != FORMAT or not _is_int(version) or set(fields) != _HEADER_KEYS:
        raise _bad_header(name)
    check = fields.pop("check")
    header = Header(**fields)
    problem = _header_problem(header)
    if problem.startswith("scrypt"):
        raise _bad_header(name, "（密钥参数超出允许范围）")
    if problem or not _is_hex(check, CHECK_BYTES):
        raise _bad_header(name)
    if _header_bytes(header, check) != raw:  # written canonical: anything else was changed
        raise _bad_header(name)
    return header, check


def _read_prefix(handle: IO[bytes], size: int, name: str) -> tuple[Header, str, bytes, int]:
    """From the start of the file: the header, its ``check``, its bytes, and the body's length
    (checked to be whole pages)."""
    if size > MAX_PACKAGE_BYTES:
        raise _too_large(name, size)
    head = handle.read(len(MAGIC) + _LENGTH.size)
    magic = head[: len(MAGIC)]
    if magic != MAGIC:
        later = magic[:6] == _MAGIC_FAMILY and magic[7:] == MAGIC[7:]
        if later and magic[6] > MAGIC[6]:
            raise _newer(name)
        if head and MAGIC.startswith(head):
            raise _truncated(name)
        raise _not_package(name)
    if len(head) < len(MAGIC) + _LENGTH.size:
        raise _truncated(name)
    (length,) = _LENGTH.unpack(head[len(MAGIC) :])
    if not 0 < length <= MAX_HEADER_BYTES:
        raise _bad_header(name)
    raw = handle.read(length)
    if len(raw) < length:
        raise _truncated(name)
    header, check = _parse_header(raw, name)
    body = size - len(head) - length
    if body < PAGE_SIZE or body % PAGE_SIZE:
        raise _truncated(name)
    return header, check, raw, body


def read_header(path: Path) -> Header:
    """The cleartext header of the package at ``path`` (who sent it, when), to show before the
    passphrase is asked for. Raises ``PackageError`` for a file that is not a whole package as far
    as can be told without the passphrase."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            header, _check, _raw, _body = _read_prefix(handle, os.fstat(handle.fileno()).st_size, path.name)
    except OSError as exc:
        raise _unreadable(path.name, exc) from exc
    return header


# --- the key ----------------------------------------------------------------------------------


def _scrypt(passphrase: str, salt: bytes, header: Header, length: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=header.n,
        r=header.r,
        p=header.p,
        maxmem=_SCRYPT_MAXMEM,
        dklen=length,
    )


def _master(passphrase: str, salt: bytes, header: Header) -> bytes:
    key = (passphrase, salt, header.n, header.r, header.p)
    found = _MASTERS.get(key)
    if found is None:
        found = _scrypt(passphrase, salt, header, _KEY_BYTES)
        if len(_MASTERS) >= _MAX_MASTERS:
            _MASTERS.clear()
        _MASTERS[key] = found
    return found


def forget_keys() -> None:
    """Drop the master keys derived so far (the window does when it locks itself)."""
    _MASTERS.clear()


def _derive(passphrase: str, header: Header) -> tuple[str, str]:
    """SQLCipher's raw key (``x'…'``) and the ``check`` that goes in the header."""
    if header.kdf == "scrypt":
        derived = _scrypt(passphrase, bytes.fromhex(header.salt), header, _KEY_BYTES + CHECK_BYTES)
    else:
        salt = bytes.fromhex(header.salt)
        master = _master(passphrase, salt[:SALT_BYTES], header)
        derived = hmac.new(master, b"wsjcx package key\x00" + salt[SALT_BYTES:], hashlib.sha512).digest()
    return f"x'{derived[:_KEY_BYTES].hex()}'", derived[_KEY_BYTES : _KEY_BYTES + CHECK_BYTES].hex()


def _require_cipher_integrity_check(conn: Any) -> None:
    version = str(conn.execute("PRAGMA cipher_version").fetchone()[0]).split()[0]
    numbers = tuple(int(part) for part in version.split(".")[:2])
    if numbers < _MIN_SQLCIPHER:  # the pragma would be ignored, and a damaged page let through
        raise RuntimeError(f"SQLCipher {version} lacks cipher_integrity_check (needs 4.3 or later)")


# --- writing ----------------------------------------------------------------------------------

#: A new file in a temporary name: nothing to recover from, so no journal on disk and no fsync
#: (the finished package is flushed once, whole). MEMORY, not OFF, so that a rollback inside
#: ``fill`` still works; a fresh file's new pages are never journaled, so it costs no memory.
_WRITE_PRAGMAS = (
    "cipher_compatibility = 4",
    "journal_mode = MEMORY",
    "synchronous = OFF",
    "temp_store = MEMORY",
    "cache_size = -65536",  # 64 MiB: a big package is written without spilling pages midway
)
_READ_PRAGMAS = ("cipher_compatibility = 4", "temp_store = MEMORY")

_META = "container_meta"


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """The container's own steps: a full disk, a stick pulled out, a folder that cannot be written
    become a Chinese ``UserError``."""
    sqlcipher3 = cipher.driver()
    try:
        yield
    except OSError as exc:
        raise write_error(exc, path, "杀毒软件、资源管理器") from exc
    except sqlcipher3.OperationalError as exc:
        text = str(exc).lower()
        if "full" in text:
            raise UserError(f"磁盘空间已满，未能生成交换包“{path.name}”。请清理磁盘后重试。") from exc
        if "i/o" in text:
            raise UserError(
                f"写入交换包“{path.name}”时发生磁盘读写错误（U盘是否已被拔出？），未生成交换包。"
            ) from exc
        raise


def write_package(path: Path, header: Header, passphrase: str, fill: Callable[[Any], None]) -> None:
    """Write the package ``path``: ``fill(conn)`` creates and fills the tables of the body through
    a ``sqlcipher3`` connection (the driver opens transactions itself; what is left uncommitted
    when ``fill`` returns is committed).

    The body is made in a private (0600) hidden ``.partial`` file beside ``path``, then copied
    after the header into a second one, flushed, and renamed onto ``path`` (replacing a file of
    that name): ``path`` is either absent, its old self, or the whole new package. On any error,
    including one raised by ``fill`` (which passes through unchanged), both partials are removed;
    a killed process may leave them (hidden, encrypted), never a half package at ``path``.

    A passphrase too weak to set, or a package over ``MAX_PACKAGE_BYTES``, is a ``UserError``;
    an invalid ``header`` is a ``ValueError`` (use ``new_header``).
    """
    path = Path(path)
    cipher.check_new_passphrase(passphrase)
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UserError("口令含有不允许的字符。", field="passphrase") from exc
    problem = _header_problem(header)
    if problem:
        raise ValueError(f"bad header: {problem}")
    key, check = _derive(passphrase, header)
    raw = _header_bytes(header, check)
    if len(raw) > MAX_HEADER_BYTES:
        raise ValueError("header too long")
    digest = hashlib.sha256(raw).hexdigest()
    body, final = _partial(path), _partial(path)
    try:
        with _writing(path):
            create_private(body)
            conn = cipher.connect(body, key, pragmas=_WRITE_PRAGMAS)
        try:
            with _writing(path):
                if int(conn.execute("PRAGMA cipher_page_size").fetchone()[0]) != PAGE_SIZE:
                    raise RuntimeError("SQLCipher did not take the page size")
                conn.execute(f"CREATE TABLE {_META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                meta = [("format", str(FORMAT)), ("header_sha256", digest)]
                conn.executemany(f"INSERT INTO {_META} (key, value) VALUES (?, ?)", meta)
                conn.commit()
            fill(conn)
            with _writing(path):
                conn.commit()
                if sorted(conn.execute(f"SELECT key, value FROM {_META}").fetchall()) != sorted(meta):
                    raise RuntimeError(f"fill changed {_META}")
        finally:
            conn.close()
        with _writing(path):
            size = body.stat().st_size
            if size < PAGE_SIZE or size % PAGE_SIZE:
                raise RuntimeError(f"SQLCipher wrote {size} bytes, not whole pages")
            total = len(MAGIC) + _LENGTH.size + len(raw) + size
            if total > MAX_PACKAGE_BYTES:
                raise UserError(
                    f"交换包“{path.name}”将有{human_size(total)}，超过{human_size(MAX_PACKAGE_BYTES)}的上限，"
                    "未生成。"
                )
            create_private(final)
            with final.open("r+b") as out, body.open("rb") as source:
                out.write(MAGIC + _LENGTH.pack(len(raw)) + raw)
                shutil.copyfileobj(source, out, _CHUNK)
                out.flush()
                os.fsync(out.fileno())
            body.unlink()
            os.replace(final, path)
    finally:
        for partial in (body, final):
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    fsync_dir(path.parent)


# --- reading ----------------------------------------------------------------------------------


def _same_group(header: Header, expected: str) -> bool:
    with contextlib.suppress(ValueError):
        expected = str(uuid.UUID(expected))
    return header.group_id == expected


def _read(handle: IO[bytes], size: int, name: str) -> bytes:
    try:
        return handle.read(size)
    except OSError as exc:
        raise _unreadable(name, exc) from exc


def _copy_body(handle: IO[bytes], length: int, target: IO[bytes], name: str) -> None:
    """The body's ``length`` bytes from ``handle`` into ``target``; the file must end there."""
    left = length
    while left:
        data = _read(handle, min(_CHUNK, left), name)
        if not data:  # the file shrank since its size was taken
            raise _truncated(name)
        target.write(data)
        left -= len(data)
    if _read(handle, 1, name):  # or grew
        raise _damaged(name)
    target.flush()


def _open_body(copy: Path, key: str, body: int, raw: bytes, name: str) -> Any:
    """The verified body, read-only: every page's HMAC, the page count, the database's structure,
    and the header's digest kept inside."""
    errors = cipher.driver_errors()
    try:
        conn = cipher.connect(copy, key, readonly=True, pragmas=_READ_PRAGMAS)
    except cipher.PassphraseError as exc:
        # ``check`` matched the passphrase: the first page is damaged, or not this header's body
        raise _damaged(name) from exc
    except errors as exc:
        raise _damaged(name) from exc
    try:
        _require_cipher_integrity_check(conn)
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        if pages * PAGE_SIZE != body:
            raise _truncated(name)
        if conn.execute("PRAGMA cipher_integrity_check").fetchall():
            raise _damaged(name)
        if conn.execute("PRAGMA integrity_check(1)").fetchall() != [("ok",)]:
            raise _damaged(name)
        meta = dict(conn.execute(f"SELECT key, value FROM {_META}").fetchall())
        digest = hashlib.sha256(raw).hexdigest()
        if meta.get("format") != str(FORMAT) or not hmac.compare_digest(
            str(meta.get("header_sha256")).encode(), digest.encode()
        ):
            raise _damaged(name)
        conn.execute("PRAGMA query_only = ON")
    except errors as exc:
        conn.close()
        raise _damaged(name) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def open_package(
    path: Path, passphrase: str, *, expected_group: str | None, temp_dir: Path | None = None
) -> Iterator[tuple[Header, Any]]:
    """The package at ``path`` verified whole, as its header and a read-only ``sqlcipher3``
    connection to its body.

    In order, each before what it guards: the file's size, the magic, the header (its format
    first: a newer one asks for an upgrade), the group (``expected_group``: before the
    passphrase is used), the body's length in whole pages, the passphrase (by ``check``), then,
    on a private temporary copy of the body in ``temp_dir`` (the system's temporary folder by
    default): every page's HMAC, the page count against the length, ``integrity_check``, and the
    header's digest kept in the body. Any failure is a ``PackageError``. The copy is overwritten
    and removed when the block ends.
    """
    path = Path(path)
    name = path.name
    copy: Path | None = None
    conn: Any = None
    try:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise _unreadable(name, exc) from exc
        with handle:
            try:
                size = os.fstat(handle.fileno()).st_size
                header, check, raw, body = _read_prefix(handle, size, name)
            except OSError as exc:
                raise _unreadable(name, exc) from exc
            if expected_group is not None and not _same_group(header, expected_group):
                raise _other_group(name)
            if not passphrase:
                raise PackageError(f"请输入交换包“{name}”的交换口令。", reason="passphrase")
            try:
                if len(passphrase) > cipher.MAX_PASSPHRASE_LENGTH:
                    raise _wrong_passphrase(name)
                key, expected_check = _derive(passphrase, header)
            except UnicodeEncodeError as exc:
                raise _wrong_passphrase(name) from exc
            if not hmac.compare_digest(check.encode(), expected_check.encode()):
                raise _wrong_passphrase(name)
            try:
                fd, temp = tempfile.mkstemp(prefix="wsjcx-", suffix=".tmp", dir=temp_dir)  # 0600
                copy = Path(temp)
                with os.fdopen(fd, "wb") as target:
                    _copy_body(handle, body, target, name)
            except OSError as exc:
                raise PackageError(
                    f"无法为交换包“{name}”在临时文件夹中准备副本：{exc.strerror or exc}", reason="io"
                ) from exc
        conn = _open_body(copy, key, body, raw, name)
    except BaseException:
        if copy is not None:
            wipe(copy)
        raise
    try:
        yield header, conn
    finally:
        conn.close()
        wipe(copy)
