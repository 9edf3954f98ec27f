"""Optional encryption at rest: make an encrypted database file, or convert one in place.

The driver side (keyed connections, engines, the rules of a passphrase) is ``cipher``'s; its
names are re-exported here, so callers keep to one module, ``crypto``, for everything about
encryption.

Converting a file (``encrypt_existing``, ``decrypt_existing``, ``change_passphrase``) writes
a new file beside it with ``sqlcipher_export``, checks that it opens and holds the same rows,
and only then puts it in place in one rename (``replacement.Replacement``), so the file at ``path``
is always either the old one or the new one, and a conversion killed at any step is undone or
finished by the next start (``recovery.recover_interrupted``). The database must not be open
while it is converted. Every file made here is readable by its owner only.

Backups are not converted here: ``services.backup.encrypt_database`` encrypts the database and
its backups together.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import create_private, fsync_file
from wsjc_desktop.storage.cipher import (
    MAX_OVERFLOW,
    MAX_PASSPHRASE_LENGTH,
    MIN_PAGE_SIZE,
    MIN_PASSPHRASE_LENGTH,
    MISSING_KEY,
    SQLITE_HEADER,
    WRONG_KEY,
    PassphraseError,
    check_key,
    check_new_passphrase,
    connect,
    driver,
    driver_errors,
    engine,
    is_encrypted,
    is_plain,
    strength,
)
from wsjc_desktop.storage.open_files import is_open_here
from wsjc_desktop.storage.replacement import Replacement, new_token

__all__ = [
    "IN_USE",
    "MAX_OVERFLOW",
    "MAX_PASSPHRASE_LENGTH",
    "MIN_PAGE_SIZE",
    "MIN_PASSPHRASE_LENGTH",
    "MISSING_KEY",
    "SQLITE_HEADER",
    "WRONG_KEY",
    "PassphraseError",
    "change_passphrase",
    "check_key",
    "check_new_passphrase",
    "connect",
    "create_encrypted",
    "decrypt_existing",
    "driver",
    "driver_errors",
    "encrypt_existing",
    "engine",
    "is_encrypted",
    "is_plain",
    "row_counts",
    "strength",
]

log = logging.getLogger(__name__)

IN_USE = "数据库正被本程序或其他程序使用，请先关闭后再试。"


def create_encrypted(path: Path | str, passphrase: str) -> Path:
    """A new encrypted database of this program at ``path`` (which must not exist yet)."""
    # imported here for its cost (it loads SQLAlchemy): the passphrase dialogs import this module
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
    only full-disk encryption helps there). Backups are not touched: use
    ``services.backup.encrypt_database`` to encrypt them with the database.
    """
    path = Path(path)
    check_new_passphrase(passphrase)
    if is_encrypted(path):
        raise UserError(f"“{path.name}”已经是加密的数据库。")
    _rewrite(path, None, passphrase, keep=keep_plain, wipe=True, op="encrypt")
    return path


def decrypt_existing(path: Path | str, passphrase: str, *, keep_encrypted: Path | str | None = None) -> Path:
    """Turn the encrypted database at ``path`` back into a plain one; return ``path``."""
    path = Path(path)
    if not is_encrypted(path):
        raise UserError(f"“{path.name}”不是加密的数据库。")
    _rewrite(path, passphrase, None, keep=keep_encrypted, wipe=False, op="decrypt")
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
    _rewrite(path, old, new, keep=None, wipe=True, op="rekey")
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
    path: Path, old_key: str | None, new_key: str | None, *, keep: Path | str | None, wipe: bool, op: str
) -> None:
    """Replace the file at ``path`` by a copy under ``new_key`` (None: plain).

    The copy is written and checked beside the file, then takes its name through a
    ``replacement.Replacement``: a kill at any step leaves the old or the new file at ``path``,
    and the next start undoes or finishes the step (``recovery.recover_interrupted``). With
    ``wipe`` the old file is overwritten with zeros once the copy is in place.
    """
    if not path.is_file():
        raise UserError(f"数据库文件不存在：{path}")
    token = new_token()
    tmp = path.with_name(f".{path.name}.{token}.converting")
    keep_path = Path(keep) if keep is not None else None
    if keep_path is not None and keep_path.exists():
        raise UserError(f"文件已存在：{keep_path}")
    hold = path.with_name(f".{path.name}.{token}.old") if wipe and keep_path is None else None
    replacement = Replacement(
        path,
        op,
        new=tmp,
        token=token,
        hold=hold,
        wipe_old=hold is not None,
        keep=keep_path,
        expect="plain" if new_key is None else "encrypted",
    )
    replacement.prepare()
    try:
        with _exclusive_source(path, old_key) as src:
            expected = row_counts(src)
            create_private(tmp)  # SQLite writes into it (and its journal) with this mode
            src.execute("ATTACH DATABASE ? AS target KEY ?", (str(tmp), new_key or ""))
            try:
                src.execute("SELECT sqlcipher_export('target')")
                version = src.execute("PRAGMA main.user_version").fetchone()[0]
                src.execute(f"PRAGMA target.user_version = {int(version)}")
            finally:
                src.execute("DETACH DATABASE target")
            _verify_copy(tmp, new_key, expected)
            fsync_file(tmp)
        # The source is closed (and unlocked) here: Windows renames no open file.
        if any(p.exists() for p in _sidecars(path)):
            raise UserError(IN_USE)
        try:
            replacement.commit()
        except PermissionError as exc:  # Windows: another program has the file open
            raise UserError(IN_USE) from exc
    except BaseException:
        replacement.abandon()
        raise
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
