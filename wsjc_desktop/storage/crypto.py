"""Optional encryption at rest: the database file encrypted with SQLCipher (``sqlcipher3``).

An encrypted file is a whole SQLCipher 4 database (AES-256, a per-page HMAC, the key derived
from the passphrase with PBKDF2-HMAC-SHA512): nothing of its contents, not even the schema,
can be read without the passphrase, and a lost passphrase cannot be recovered.

Deriving the key costs a tenth of a second or more per connection, so an open encrypted
database keeps one connection in its pool (see ``engine``), and ``open_database`` hands the
connection that checked the passphrase straight to that pool: opening derives the key once.

Converting a file (``encrypt_existing``, ``decrypt_existing``, ``change_passphrase``) writes
a new file beside it with ``sqlcipher_export``, checks that it opens and holds the same rows,
and only then puts it in place in one rename, so the file at ``path`` is always either the
old one or the new one. The database must not be open while it is converted.

``sqlcipher3`` is imported only when an encrypted file is actually used (it costs ~20 ms).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The first 16 bytes of every plain SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Every SQLite/SQLCipher page size is a multiple of this; a database file is whole pages.
MIN_PAGE_SIZE = 512

MIN_PASSPHRASE_LENGTH = 8
MAX_PASSPHRASE_LENGTH = 256

MISSING_KEY = "该数据库已加密，请输入口令。"
WRONG_KEY = "口令不正确，无法打开加密的数据库。"
IN_USE = "数据库正被本程序或其他程序使用，请先关闭后再试。"

#: Connections an encrypted engine may open beyond the one it keeps (a nested or concurrent
#: unit of work); each of these derives the key again and is closed when given back.
MAX_OVERFLOW = 4


class PassphraseError(UserError):
    """The passphrase is missing or does not open the file (shown beside the passphrase box)."""

    def __init__(self, message: str = WRONG_KEY) -> None:
        super().__init__(message, field="passphrase")


def driver() -> Any:
    """The ``sqlcipher3`` DB-API module (a drop-in ``sqlite3`` with encryption)."""
    import sqlcipher3

    return sqlcipher3


def driver_errors() -> tuple[type[Exception], ...]:
    """Exception classes of both drivers: ``sqlcipher3``'s do not derive from ``sqlite3``'s."""
    return (sqlite3.Error, driver().Error)


# --- passphrases ------------------------------------------------------------------------


def check_new_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    """Refuse a passphrase too weak to set (a ``UserError`` naming the field in error)."""
    if not passphrase:
        raise UserError("请输入口令。", field="passphrase")
    if not passphrase.strip():
        raise UserError("口令不能只由空格组成。", field="passphrase")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise UserError(f"口令至少需要 {MIN_PASSPHRASE_LENGTH} 个字符。", field="passphrase")
    if len(passphrase) > MAX_PASSPHRASE_LENGTH:
        raise UserError(f"口令不能超过 {MAX_PASSPHRASE_LENGTH} 个字符。", field="passphrase")
    if "\x00" in passphrase:
        raise UserError("口令含有不允许的字符。", field="passphrase")
    if confirmation is not None and confirmation != passphrase:
        raise UserError("两次输入的口令不一致。", field="confirmation")


def strength(passphrase: str) -> tuple[int, str]:
    """A rough strength score 0–3 and its Chinese label, for the hint under the input."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return 0, "太短"
    classes = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isascii() for c in passphrase),  # 汉字 and other non-ASCII
            any(c.isascii() and not c.isalnum() for c in passphrase),  # punctuation, spaces
        )
    )
    distinct = len(set(passphrase))
    score = 1
    if len(passphrase) >= 12 and classes >= 2 and distinct >= 6:
        score = 2
    if len(passphrase) >= 16 and classes >= 3 and distinct >= 10:
        score = 3
    return score, ("弱", "较弱", "中等", "强")[score]


# --- files ------------------------------------------------------------------------------


def is_encrypted(path: Path | str) -> bool:
    """True for a file that is not a plain SQLite database but can be an SQLCipher one.

    A plain file starts with ``SQLITE_HEADER``; an SQLCipher file starts with its random
    salt and, like any database, is made of whole pages. An empty or missing file is not
    encrypted (it is a new database); neither is a file of the wrong size (it is damaged).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return head != SQLITE_HEADER and size >= MIN_PAGE_SIZE and size % MIN_PAGE_SIZE == 0


def is_plain(path: Path | str) -> bool:
    """True for a file that starts like a plain SQLite database."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(
    path: Path | str,
    key: str | None,
    *,
    readonly: bool = False,
    timeout: float = 5.0,
    pragmas: Sequence[str] = (),
) -> Any:
    """A ``sqlcipher3`` connection to ``path`` keyed with ``key`` (None: a plain file), the
    key checked by reading the schema. Raises ``PassphraseError`` for a wrong key.

    The connection may be used from another thread (the pool hands it on), never from two
    at once. A new, empty file gets the key and is encrypted from its first write.
    ``pragmas`` run after the key is set and before the file is first read.
    """
    sqlcipher3 = driver()
    path = Path(path)
    if readonly:
        conn = sqlcipher3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout, check_same_thread=False
        )
    else:
        conn = sqlcipher3.connect(str(path), timeout=timeout, check_same_thread=False)
    try:
        # SQLCipher logs a failed HMAC check to stderr; a wrong key is reported here instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.execute(f"PRAGMA key = {_quote(key)}")
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        text = str(exc).lower()
        if key is not None and ("not a database" in text or "encrypted" in text):
            raise PassphraseError(WRONG_KEY) from exc
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def check_key(path: Path | str, key: str) -> None:
    """Raise ``PassphraseError`` unless ``key`` opens the encrypted file at ``path``."""
    connect(path, key, readonly=True).close()


def engine(
    path: Path | str,
    key: str,
    *,
    readonly: bool = False,
    first: Any = None,
    timeout: float = 5.0,
    echo: bool = False,
) -> Engine:
    """An SQLAlchemy engine on the encrypted file that keeps one connection open.

    ``first``, a connection already keyed (by ``connect``), is the pool's first connection, so
    the key derived to check the passphrase is not derived again. The pool (a ``QueuePool``
    of one) hands that connection to one unit of work at a time, from any thread; a second
    unit of work open at the same moment gets an extra connection, closed when given back.
    """
    from sqlalchemy import URL, create_engine
    from sqlalchemy.pool import QueuePool

    path = Path(path)
    pending = [first] if first is not None else []

    def creator() -> Any:
        try:
            return pending.pop()  # atomic: two threads never get the same one
        except IndexError:
            return connect(path, key, readonly=readonly, timeout=timeout)

    return create_engine(
        URL.create("sqlite", database=str(path)),  # shown in logs only: ``creator`` connects
        module=driver(),
        creator=creator,
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=MAX_OVERFLOW,
        echo=echo,
    )


def create_encrypted(path: Path | str, passphrase: str) -> Path:
    """A new encrypted database of this program at ``path`` (which must not exist yet)."""
    from wsjc_desktop.storage.migrate import ensure_schema

    path = Path(path)
    check_new_passphrase(passphrase)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(f"文件已存在：{path}")
    ensure_schema(path, key=passphrase)
    return path


# --- converting a file ------------------------------------------------------------------


def encrypt_existing(path: Path | str, passphrase: str, *, keep_plain: Path | str | None = None) -> Path:
    """Encrypt the plain database at ``path`` in place; return ``path``.

    The encrypted copy is written and checked beside the file, then renamed over it. The
    plain original is kept at ``keep_plain`` if given; by default it is overwritten with
    zeros and deleted (on SSDs and copy-on-write file systems the old blocks may survive;
    only full-disk encryption helps there).
    """
    path = Path(path)
    check_new_passphrase(passphrase)
    if is_encrypted(path):
        raise UserError(f"“{path.name}”已经是加密的数据库。")
    _rewrite(path, None, passphrase, keep=keep_plain, wipe=True)
    return path


def decrypt_existing(path: Path | str, passphrase: str, *, keep_encrypted: Path | str | None = None) -> Path:
    """Turn the encrypted database at ``path`` back into a plain one; return ``path``."""
    path = Path(path)
    if not is_encrypted(path):
        raise UserError(f"“{path.name}”不是加密的数据库。")
    _rewrite(path, passphrase, None, keep=keep_encrypted, wipe=False)
    return path


def change_passphrase(path: Path | str, old: str, new: str) -> Path:
    """Re-encrypt the database at ``path`` under ``new``; return ``path``. The copy under
    the old passphrase is overwritten and deleted, so the old passphrase opens nothing."""
    path = Path(path)
    check_new_passphrase(new)
    if not is_encrypted(path):
        raise UserError(f"“{path.name}”不是加密的数据库。")
    if old == new:
        raise UserError("新口令与原口令相同。", field="passphrase")
    _rewrite(path, old, new, keep=None, wipe=True)
    return path


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _tables(conn: Any) -> list[str]:
    """The real (not virtual) tables, in a stable order."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for name, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")]


def row_counts(conn: Any) -> dict[str, int]:
    """Rows per table (virtual tables left out: their shadow tables are counted)."""
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in _tables(conn)}


@contextlib.contextmanager
def _exclusive_source(path: Path, key: str | None) -> Iterator[Any]:
    """The file opened, checked and locked against other connections for the whole
    conversion, its write-ahead log folded back in so that only the file holds data.

    The file must not be open in this program (checked) nor in another one (the writer lock
    beside the file is the caller's business: an idle connection of another process holds
    no SQLite lock that could be seen from here).
    """
    from wsjc_desktop.storage.database import is_open_here

    if is_open_here(path):
        raise UserError(IN_USE)
    sqlcipher3 = driver()
    try:
        # EXCLUSIVE locking mode: the first read takes a lock kept until the connection closes.
        conn = connect(path, key, timeout=2.0, pragmas=("locking_mode = EXCLUSIVE",))
    except sqlcipher3.OperationalError as exc:
        raise UserError(IN_USE) from exc
    except sqlcipher3.DatabaseError as exc:
        raise UserError(f"“{path.name}”已损坏或不是数据库文件，无法转换。") from exc
    try:
        conn.isolation_level = None
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        except sqlcipher3.OperationalError as exc:
            raise UserError(IN_USE) from exc
        except sqlcipher3.DatabaseError as exc:
            rows = [str(exc)]
        if rows != ["ok"]:
            raise UserError(f"“{path.name}”已损坏（完整性检查未通过），无法转换。请先从备份恢复。")
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            # a write (of the same value): from here on the exclusive lock is held
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute(f"PRAGMA user_version = {version}")
        except sqlcipher3.OperationalError as exc:
            raise UserError(IN_USE) from exc
        if str(mode).lower() != "delete":
            raise UserError(IN_USE)
        yield conn
    finally:
        conn.close()


def _rewrite(
    path: Path, old_key: str | None, new_key: str | None, *, keep: Path | str | None, wipe: bool
) -> None:
    """Replace the file at ``path`` by a copy under ``new_key`` (None: plain)."""
    if not path.is_file():
        raise UserError(f"数据库文件不存在：{path}")
    token = uuid.uuid4().hex[:8]
    tmp = path.with_name(f".{path.name}.{token}.converting")
    keep_path = Path(keep) if keep is not None else None
    if keep_path is not None and keep_path.exists():
        raise UserError(f"文件已存在：{keep_path}")
    try:
        with _exclusive_source(path, old_key) as src:
            expected = row_counts(src)
            src.execute("ATTACH DATABASE ? AS target KEY ?", (str(tmp), new_key or ""))
            try:
                src.execute("SELECT sqlcipher_export('target')")
                version = src.execute("PRAGMA main.user_version").fetchone()[0]
                src.execute(f"PRAGMA target.user_version = {int(version)}")
            finally:
                src.execute("DETACH DATABASE target")
            _verify_copy(tmp, new_key, expected)
            _fsync(tmp)
        # The source is closed (and unlocked) here: Windows renames no open file.
        leftovers = [p for p in _sidecars(path) if p.exists()]
        if leftovers:
            raise UserError(IN_USE)
        hold = path.with_name(f".{path.name}.{token}.old")
        try:
            _swap_in(path, tmp, keep=keep_path, hold=hold if wipe and keep_path is None else None)
        except PermissionError as exc:  # Windows: another program has the file open
            raise UserError(IN_USE) from exc
    except BaseException:
        for leftover in (tmp, *_sidecars(tmp)):
            leftover.unlink(missing_ok=True)
        raise
    if keep_path is None and wipe:
        _wipe(hold)
    log.info("rewrote %s: %s → %s", path, _state(old_key), _state(new_key))


def _state(key: str | None) -> str:
    return "plain" if key is None else "encrypted"


def _verify_copy(tmp: Path, key: str | None, expected: dict[str, int]) -> None:
    conn = connect(tmp, key, readonly=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        counts = row_counts(conn)
    finally:
        conn.close()
    if rows != ["ok"] or counts != expected:
        missing = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
        raise RuntimeError(f"converted copy differs: check={rows[:3]} counts={missing}")


def _swap_in(path: Path, new: Path, *, keep: Path | None, hold: Path | None) -> None:
    """Rename ``new`` over ``path`` in one step; the old file stays reachable as ``keep`` (a
    copy the user asked for) or ``hold`` (to be wiped), as a hard link where possible."""
    second = keep or hold
    if second is None:
        os.replace(new, path)
    else:
        try:
            os.link(path, second)  # the same bytes under a second name: nothing copied
        except OSError:  # no hard links here (FAT, some network drives)
            if keep is not None:
                import shutil

                shutil.copy2(path, keep)
                _fsync(keep)
            else:
                os.replace(path, second)  # a moment without a file at ``path``
        try:
            os.replace(new, path)
        except BaseException:
            if not path.exists():
                os.replace(second, path)
            elif keep is not None:
                keep.unlink(missing_ok=True)
            else:
                second.unlink(missing_ok=True)
            raise
    _fsync_dir(path.parent)


def _wipe(path: Path, chunk: int = 1 << 20) -> None:
    """Overwrite the file with zeros, then delete it (best effort: never raises)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            zeros = bytes(chunk)
            done = 0
            while done < size:
                n = min(chunk, size - done)
                fh.write(zeros[:n])
                done += n
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        log.warning("could not overwrite %s before deleting it", path, exc_info=True)
    with contextlib.suppress(OSError):
        path.unlink()


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
