"""Logins on a file opened read-only: kept in a small file until a writer puts them in the log (no Qt).

A program that opened the database read-only (another program holds the writer lock, or the
file was opened read-only on purpose) cannot write the audit log, which is where
:mod:`~wsjc_desktop.services.auth` reads the run of wrong passwords from. So every login,
unlock and password confirmation it checks is appended to a *login file* instead: the member
whose password was tried, who was logged in, the audit summary the writer would have written,
when, and on which computer by which system user. Never a password, a hash or a member's name.

Where the file lives:

* beside the database, as ``<database>.logins`` (``wsjc.db`` → ``wsjc.db.logins``, next to the
  writer lock ``wsjc.db.lock``). Two programs on two PCs opening the same file on a shared
  folder therefore read and write the same login file and see the same waiting, and the
  writer finds what the readers recorded;
* when that folder cannot be written (a read-only share, a write-protected stick) or the file
  there cannot be read (made by another system user: it is readable by its owner only), in the
  data folder (:func:`wsjc_desktop.paths.data_dir`), as ``logins/<database>.<hash of its
  path>.logins``. The waiting then holds on this PC for this system user only, and the attempts
  reach the audit log when a writer opens the file from this account (a writer reads both
  places);
* if neither can be written (it should not happen: the program's log is in the data folder),
  the attempts are kept in memory, so the waiting still holds until the program ends.

Each write replaces the whole file at once (``fileio.atomic_write``: readers see the old or the
new file, never half of one), created readable by its owner only (0600), while holding a
short-lived ``<file>.guard`` made with ``O_EXCL`` so that two programs appending at once do not
lose each other's attempt (one left by a program that died is ignored after
:data:`GUARD_STALE_S`; after :data:`GUARD_WAIT_S` the write goes ahead without it).

The file protects the login, not the file: whoever can delete files in the folder can reset the
read-only waiting, as they could copy the database and try passwords on the copy. An entry that
is not well formed is skipped; a time in the future never makes anyone wait longer than the
longest waiting (``auth`` caps it).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

from wsjc_desktop.domain import models as m
from wsjc_desktop.fileio import atomic_write

log = logging.getLogger(__name__)

#: The login file beside the database: ``wsjc.db`` → ``wsjc.db.logins``.
SUFFIX = ".logins"
#: Its folder inside the data folder when the database's folder cannot be used.
FALLBACK_DIR = "logins"
GUARD_SUFFIX = ".guard"
#: A guard file older than this belongs to a program that died while holding it.
GUARD_STALE_S = 5.0
#: Waiting longer than this for the guard, the write goes ahead without it.
GUARD_WAIT_S = 2.0
#: Attempts kept at most; older ones are dropped (and counted) so the file stays small.
MAX_KEPT = 5000
FORMAT = 1
#: Longest host and user names kept.
MAX_NAME = 100

#: Keys of the values an imported entry carries in the audit log (shown by the log viewer).
WHEN_KEY = "尝试时间"
UID_KEY = "记录编号"
HOST_KEY = "计算机"
USER_KEY = "系统用户"
HOW_KEY = "方式"
HOW_READONLY = "只读打开"


@dataclass(frozen=True)
class Attempt:
    """One password check on a read-only file, as the writer will log it."""

    uid: str
    member_id: int  # whose password was tried (the entry's ``record_id``)
    actor_id: int | None  # who was logged in (the entry's ``member_id``)
    summary: str  # the audit summary, as ``auth`` names it
    at: datetime  # local time, as ``models.now``
    host: str = ""
    user: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "member": self.member_id,
            "actor": self.actor_id,
            "summary": self.summary,
            "at": self.at.isoformat(),
            "host": self.host,
            "user": self.user,
        }

    @classmethod
    def from_json(cls, data: Any) -> Attempt | None:
        """The attempt an entry holds; None if it is not well formed."""
        if not isinstance(data, dict):
            return None
        uid, summary = data.get("uid"), data.get("summary")
        if not (isinstance(uid, str) and 0 < len(uid) <= 64 and isinstance(summary, str)):
            return None
        member, actor = data.get("member"), data.get("actor")
        if not _is_id(member) or not (actor is None or _is_id(actor)):
            return None
        at = parse_time(data.get("at"))
        if at is None:
            return None
        host, user = data.get("host"), data.get("user")
        return cls(
            uid=uid,
            member_id=member,
            actor_id=actor,
            summary=summary,
            at=at,
            host=host[:MAX_NAME] if isinstance(host, str) else "",
            user=user[:MAX_NAME] if isinstance(user, str) else "",
        )

    def audit_values(self) -> dict[str, str]:
        """The values the writer's audit entry keeps (its ``after``): when and where it was."""
        return {
            HOW_KEY: HOW_READONLY,
            WHEN_KEY: self.at.isoformat(timespec="seconds"),
            HOST_KEY: self.host,
            USER_KEY: self.user,
            UID_KEY: self.uid,
        }


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def parse_time(value: Any) -> datetime | None:
    """A stored ISO time as a naive local time (as ``models.now``); None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found.astimezone().replace(tzinfo=None) if found.tzinfo is not None else found


def from_audit(after: str | None) -> tuple[str | None, datetime | None]:
    """(uid, when tried) of an audit entry imported from a login file; (None, None) for others."""
    if not after or UID_KEY not in after:
        return None, None
    try:
        values = json.loads(after)
    except ValueError:
        return None, None
    if not isinstance(values, dict):
        return None, None
    uid = values.get(UID_KEY)
    return (uid if isinstance(uid, str) else None), parse_time(values.get(WHEN_KEY))


# --- where --------------------------------------------------------------------------------


def beside_path(db_path: Path | str) -> Path:
    """The login file beside the database (shared by every program that opens it)."""
    path = Path(db_path)
    return path.with_name(path.name + SUFFIX)


def fallback_path(db_path: Path | str) -> Path:
    """The login file in the data folder, for a database whose folder cannot be used."""
    from wsjc_desktop.paths import data_dir

    path = Path(db_path)
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:16]
    return data_dir() / FALLBACK_DIR / f"{path.name}.{digest}{SUFFIX}"


def places(db_path: Path | str) -> tuple[Path, Path]:
    """The two places a login file for ``db_path`` may be, beside it first."""
    return beside_path(db_path), fallback_path(db_path)


#: Attempts no file could take, by database path: the waiting holds until the program ends.
_unsaved: dict[str, list[Attempt]] = {}


def _key(db_path: Path | str) -> str:
    return str(Path(db_path).resolve())


# --- reading and writing ------------------------------------------------------------------


@dataclass
class _Contents:
    attempts: list[Attempt]
    dropped: int = 0


def _load(path: Path) -> _Contents:
    """What a login file holds: empty if there is none or it is not a login file (a file cut
    short cannot happen: it is replaced whole). Raises OSError if it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _Contents([])
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        log.warning("login file %s is not valid JSON; starting it anew", path)
        return _Contents([])
    if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
        log.warning("login file %s holds no attempts; starting it anew", path)
        return _Contents([])
    found = [Attempt.from_json(item) for item in data["attempts"]]
    attempts = [a for a in found if a is not None]
    if len(attempts) != len(found):
        log.warning("login file %s: %d entries not well formed, skipped", path, len(found) - len(attempts))
    dropped = data.get("dropped")
    return _Contents(attempts, dropped if _is_id(dropped) else 0)


def _save(path: Path, db_path: Path | str, contents: _Contents) -> None:
    """Replace the file with ``contents`` (0600), or remove it when there is nothing to keep."""
    if not contents.attempts and not contents.dropped:
        path.unlink(missing_ok=True)
        return
    data = {
        "format": FORMAT,
        "program": "WSJC Desktop",
        "database": str(Path(db_path)),
        "dropped": contents.dropped,
        "attempts": [a.to_json() for a in contents.attempts],
    }
    payload = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    deadline = time.monotonic() + 1.0
    while True:
        try:
            with atomic_write(path, holder=None) as handle:  # mkstemp: readable by its owner only
                handle.write(payload)
            return
        except PermissionError:
            # Windows: another PC is reading the file at that moment and it cannot be replaced
            if sys.platform != "win32" or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextlib.contextmanager
def _guard(path: Path) -> Iterator[None]:
    """Hold ``<path>.guard`` while reading and rewriting ``path`` (see the module's docstring).
    Raises OSError if the folder does not allow creating it."""
    guard = path.with_name(path.name + GUARD_SUFFIX)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    deadline = time.monotonic() + GUARD_WAIT_S
    held = False
    while not held:
        try:
            os.close(os.open(guard, flags, 0o600))
            held = True
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - guard.stat().st_mtime > GUARD_STALE_S:
                    log.warning("removing an abandoned login file guard %s", guard)
                    guard.unlink()
                    continue
            if time.monotonic() > deadline:
                log.warning("login file guard %s stays taken; writing without it", guard)
                break
            time.sleep(0.01)
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(OSError):
                guard.unlink()


def _host() -> str:
    from wsjc_desktop.storage.lock import current_host

    return current_host()[:MAX_NAME]


def _user() -> str:
    try:
        return getpass.getuser()[:MAX_NAME]
    except Exception:  # no login name in some service environments
        return ""


def record(db_path: Path | str, member_id: int, summary: str, *, actor_id: int | None) -> Attempt:
    """Append one password check made on the read-only database at ``db_path``: beside it if
    possible, else in the data folder, else in memory (see the module's docstring)."""
    attempt = Attempt(uuid.uuid4().hex, member_id, actor_id, summary, m.now(), _host(), _user())
    for path in places(db_path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _guard(path):
                contents = _load(path)
                contents.attempts.append(attempt)
                extra = len(contents.attempts) - MAX_KEPT
                if extra > 0:
                    del contents.attempts[:extra]
                    contents.dropped += extra
                _save(path, db_path, contents)
            return attempt
        except OSError as exc:
            log.warning("cannot record a login attempt in %s: %s", path, exc)
    log.error("login attempt on %s kept in memory only: no login file could be written", db_path)
    _unsaved.setdefault(_key(db_path), []).append(attempt)
    return attempt


@dataclass(frozen=True)
class Pending:
    """Every attempt recorded for a database and not yet in its audit log, oldest first, and
    how many older ones were dropped to keep the files small."""

    attempts: tuple[Attempt, ...] = ()
    dropped: int = 0

    def __bool__(self) -> bool:
        return bool(self.attempts or self.dropped)

    def of_member(self, member_id: int) -> list[Attempt]:
        return [a for a in self.attempts if a.member_id == member_id]


def pending(db_path: Path | str) -> Pending:
    """What the login files (both places) and memory hold for the database at ``db_path``.
    A file that cannot be read is left out (and logged)."""
    sources: list[list[Attempt]] = []
    dropped = 0
    for path in places(db_path):
        try:
            contents = _load(path)
        except OSError as exc:
            log.warning("cannot read the login file %s: %s", path, exc)
            continue
        dropped += contents.dropped
        sources.append(contents.attempts)
    sources.append(_unsaved.get(_key(db_path), []))
    seen: dict[str, Attempt] = {}
    for attempt in (a for source in sources for a in source):
        seen.setdefault(attempt.uid, attempt)
    ordered = list(seen.values())  # a file's own order is the order the attempts were made in
    if sum(1 for source in sources if source) > 1:
        ordered.sort(key=lambda a: a.at)  # two places: merged by time (stable)
    return Pending(tuple(ordered), dropped)


def forget(db_path: Path | str, done: Pending) -> None:
    """Remove what the writer has put in the audit log (``done``) from both places and from
    memory, keeping anything recorded meanwhile; a file left empty is removed. Never raises:
    what cannot be removed is logged, and ``auth`` skips an attempt already in the log."""
    uids = {a.uid for a in done.attempts}
    dropped_left = done.dropped  # the dropped counts imported, taken off file by file
    for path in places(db_path):
        if not path.exists():
            continue
        try:
            with _guard(path):
                contents = _load(path)
                kept = [a for a in contents.attempts if a.uid not in uids]
                dropped = max(0, contents.dropped - dropped_left)
                dropped_left -= contents.dropped - dropped
                if len(kept) != len(contents.attempts) or dropped != contents.dropped:
                    _save(path, db_path, _Contents(kept, dropped))
        except OSError as exc:
            log.warning("cannot clear the login file %s: %s", path, exc)
    key = _key(db_path)
    if key in _unsaved:
        _unsaved[key] = [a for a in _unsaved[key] if a.uid not in uids]
        if not _unsaved[key]:
            del _unsaved[key]
