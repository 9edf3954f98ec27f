"""SQLCipher, the driver of an encrypted database file: keyed connections and engines, and the
rules a passphrase must meet.

An encrypted file is a whole SQLCipher 4 database (AES-256, a per-page HMAC, the key derived
from the passphrase with PBKDF2-HMAC-SHA512): nothing of its contents, not even the schema,
can be read without the passphrase, and a lost passphrase cannot be recovered.

Deriving the key costs a tenth of a second or more per connection, so an open encrypted
database keeps one connection in its pool (see ``engine``), and ``open_database`` hands the
connection that checked the passphrase straight to that pool: opening derives the key once.

This is the bottom of the storage package: it imports none of the others. Making, encrypting
and converting whole files (which needs the schema) is ``crypto``'s.

``sqlcipher3`` is imported only when an encrypted file is actually used (it costs ~20 ms), and
SQLAlchemy only when an engine is made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: The first 16 bytes of every plain SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Every SQLite/SQLCipher page size is a multiple of this; a database file is whole pages.
MIN_PAGE_SIZE = 512

MIN_PASSPHRASE_LENGTH = 8
MAX_PASSPHRASE_LENGTH = 256

MISSING_KEY = "该数据库已加密，请输入口令。"
WRONG_KEY = "口令不正确，无法打开加密的数据库。"

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
    encrypted (it is a new database); neither is a file of the wrong size (it is damaged), nor
    one that starts with zeros (overwritten before it was deleted).
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
    if head == bytes(len(head)):  # no salt is all zeros: a file overwritten with zeros (wiped)
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
        from wsjc_desktop.storage.media import readonly_uri

        conn = sqlcipher3.connect(readonly_uri(path), uri=True, timeout=timeout, check_same_thread=False)
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
