"""The next start puts right what a killed restore or encryption left, before the file is opened.

:func:`recover_interrupted` is called with the database's path by the program about to write it
(``open_database`` for a writer; the start-up before it decides whether the file is encrypted):

* a replacement of the file cut short (restore, encryption, decryption, a new passphrase) is
  undone or finished (``replacement.recover_file``): the database's name again holds the old
  file or the new one, whole, and no temporary, old or plaintext file is left beside it;
* an encryption may leave a list of backups still to encrypt (or to remove), beside the database
  (``.wsjc.db.backups.intent``, written by ``services.backup.encrypt_database`` before the
  database is encrypted). It is acted on only once the database is encrypted; removing needs
  nothing more, encrypting needs the passphrase, so the start that opens the database with it
  (``key``) finishes the list, and a start without it says how many backups wait.

It must run only in the program about to write the file (holding the writer lock beside it, see
``lock``): a read-only instance must leave alone what the writer may be doing at that moment, so
it does nothing while another live program holds the lock. When nothing was interrupted it costs
one listing of the folder. What it did is logged and returned as Chinese notes, and kept for
:func:`take_notes` (for a window that did not call it itself, when ``open_database`` did).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wsjc_desktop.fileio import fsync_dir
from wsjc_desktop.storage import cipher
from wsjc_desktop.storage.replacement import (
    FORMAT,
    INTENT_SUFFIX,
    discard,
    folder_names,
    lexists,
    read_intent,
    recover_file,
    remove_intent,
    stored_path,
    write_intent,
)

__all__ = [
    "Pending",
    "finish_backups",
    "pending_path",
    "read_pending",
    "recover_interrupted",
    "run_pending",
    "take_notes",
    "write_pending",
]

log = logging.getLogger(__name__)


def pending_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.backups{INTENT_SUFFIX}")


#: What recovery found, per database, until the window or command shows it (``take_notes``).
_NOTES: dict[str, list[str]] = {}


def _key_of(db_path: Path) -> str:
    return os.path.normcase(os.path.abspath(db_path))


def take_notes(db_path: Path | str) -> list[str]:
    """The notes of every recovery of ``db_path`` in this process not taken yet (then cleared):
    for a caller that did not run the recovery itself (``open_database`` runs it) to show them."""
    return _NOTES.pop(_key_of(Path(db_path)), [])


def _held_elsewhere(db_path: Path) -> bool:
    """Another live program holds the writer lock of ``db_path`` (it may be mid-step)."""
    from wsjc_desktop.storage import lock

    try:
        info = lock.read_lock(db_path)
        if info is None or not info.valid:
            return False
        if info.pid == os.getpid() and lock.same_host(info.host, lock.current_host()):
            return False
        return not lock.is_stale(info)
    except Exception:  # never let the check stop a start: the lock is judged again when taken
        log.warning("could not read the writer lock of %s", db_path, exc_info=True)
        return False


def recover_interrupted(db_path: Path | str, *, key: str | None = None) -> list[str]:
    """Put right what an interrupted restore or conversion left beside ``db_path`` (and, for an
    encryption, in its backup folder), before the file is opened; returns Chinese notes for the
    user, also logged (empty: nothing was found, the usual case: one listing of the folder).

    ``key``, the passphrase the file is being opened with, lets backups left unencrypted by an
    interrupted encryption be encrypted now (a wrong key does nothing here). Call it only in the
    program that will write the file; it does nothing while another live program holds the
    writer lock.
    """
    db_path = Path(db_path)
    folder = db_path.parent
    if not folder.is_dir():
        return []
    prefixes = (f".{db_path.name}.", f"..{db_path.name}.")
    if not any(name.startswith(prefixes) for name in folder_names(folder)):
        return []
    if _held_elsewhere(db_path):
        log.info("not recovering %s: another program holds its writer lock", db_path)
        return []
    notes = recover_file(db_path)
    notes += finish_backups(db_path, key)
    for note in notes:
        log.warning("recovery of %s: %s", db_path, note)
    if notes:
        _NOTES.setdefault(_key_of(db_path), []).extend(notes)
    return notes


# --- backups still to encrypt -----------------------------------------------------------------


@dataclass
class Pending:
    """Backups an encryption of ``db_path`` is to encrypt (``convert``) or remove, or a change of
    its passphrase is to move to the new one (``rekey``)."""

    folder: Path
    files: list[Path]
    action: Literal["convert", "remove", "rekey"]
    converted: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)
    unreadable: bool = False


def write_pending(db_path: Path, folder: Path, files: Sequence[Path], action: str) -> None:
    """Record, before the database is encrypted, the plain backups to encrypt or remove once it is
    (or, before its passphrase changes, the backups under the old one to move to the new one)."""
    if action not in ("convert", "remove", "rekey"):
        raise ValueError(f"unknown action for backups: {action!r}")
    base = db_path.parent
    write_intent(
        pending_path(db_path),
        {
            "format": FORMAT,
            "op": "backups",
            "action": action,
            "folder": stored_path(base, folder),
            "files": [stored_path(base, f) for f in files],
        },
    )


def read_pending(db_path: Path) -> Pending | None:
    path = pending_path(db_path)
    if not lexists(path):
        return None
    try:
        data = read_intent(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a list of this format")
        action: Literal["convert", "remove", "rekey"] = "convert"
        if data.get("action") in ("remove", "rekey"):
            action = data["action"]
        base = db_path.parent
        return Pending(base / str(data["folder"]), [base / str(f) for f in data["files"]], action)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("unreadable list of backups to encrypt %s: %s", path, exc)
        return Pending(db_path.parent, [], "convert", unreadable=True)


def finish_backups(db_path: Path | str, key: str | None) -> list[str]:
    """Encrypt (or remove) the backups an encryption of ``db_path`` listed, now that the database
    is encrypted; the notes for the user. Encrypting needs ``key`` (checked against the database
    first); without it the list stays and the note says how many are left. After a change of
    passphrase cut short, the start with the passphrase that opens the database names the listed
    backups it does not open (they still have the old one, which this start does not know)."""
    return _finish_backups(Path(db_path), key)[1]


def _finish_backups(
    db_path: Path, key: str | None, old: str | None = None
) -> tuple[Pending | None, list[str]]:
    pending = read_pending(db_path)
    if pending is None:
        return None, []
    path = pending_path(db_path)
    if not cipher.is_encrypted(db_path):  # the encryption did not take place: nothing to follow it
        remove_intent(path)
        return pending, []
    notes: list[str] = []
    if pending.unreadable:
        notes.append("上次加密数据库时未完成的备份清单无法读取：请在备份列表中查看是否还有未加密的备份。")
    for backup in pending.files:
        notes += recover_file(backup)  # an encryption of this backup itself interrupted
    if pending.action == "rekey":
        if key is None or not _opens(db_path, key):
            return pending, notes  # the start that opens the database follows the list
        _rekey(pending, key, old)
    elif pending.action == "remove":  # every one listed, even one already part overwritten with zeros
        for backup in [f for f in pending.files if lexists(f)]:
            discard(backup, secret=True)
            if lexists(backup):
                pending.failed[backup] = "未能删除"
            else:
                pending.removed.append(backup)
        fsync_dir(pending.folder)
    elif left := [f for f in pending.files if lexists(f) and not cipher.is_encrypted(f)]:
        if key is None or not _opens(db_path, key):
            notes.append(
                f"上次加密数据库时还有 {len(left)} 份备份没有加密（在“{pending.folder}”中）。"
                "输入口令打开数据库后会自动加密它们。"
            )
            return pending, notes
        from wsjc_desktop.storage import crypto  # imported only for this (it is an upper layer)

        for backup in left:
            try:
                crypto.encrypt_existing(backup, key)
            except Exception as exc:  # a damaged backup, one in use: listed, the others go on
                message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                log.warning("could not encrypt the backup %s: %s", backup, message)
                pending.failed[backup] = message
            else:
                pending.converted.append(backup)
    remove_intent(path)
    if pending.failed and pending.action == "rekey":
        names = "、".join(p.name for p in pending.failed)
        notes.append(f"以下备份仍使用修改之前的口令，需用原口令才能恢复：{names}。请确认后删除或重新备份。")
    elif pending.failed:
        names = "、".join(p.name for p in pending.failed)
        notes.append(f"以下备份未能加密，仍是未加密的：{names}。请检查后删除或重新备份。")
    return pending, notes


def _rekey(pending: Pending, key: str, old: str | None) -> None:
    """Move the listed backups to ``key``, the database's passphrase now, from ``old`` (known
    only to the change itself: a later start names those left on the old passphrase)."""
    from wsjc_desktop.storage import crypto  # imported only for this (it is an upper layer)

    for backup in [f for f in pending.files if lexists(f) and cipher.is_encrypted(f)]:
        if _opens(backup, key):
            continue  # moved already, or the change of the database was undone: it fits
        if old is None or not _opens(backup, old):
            pending.failed[backup] = "仍使用原来的口令"
            continue
        try:
            crypto.change_passphrase(backup, old, key)
        except Exception as exc:  # a damaged backup, one in use: listed, the others go on
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.warning("could not move the backup %s to the new passphrase: %s", backup, message)
            pending.failed[backup] = message
        else:
            pending.converted.append(backup)


def _opens(db_path: Path, key: str) -> bool:
    try:
        cipher.check_key(db_path, key)
    except Exception:
        return False
    return True


def run_pending(db_path: Path, key: str, old: str | None = None) -> Pending | None:
    """The service's own pass over the list just after encrypting (or changing the passphrase
    from ``old`` to ``key``): as :func:`finish_backups`, returning what was done."""
    pending, notes = _finish_backups(db_path, key, old)
    for note in notes:
        log.warning("%s", note)
    return pending
