"""Replacing a database file so that a kill at any step loses nothing, and putting right what a
killed replacement left.

Restoring a backup (``services.backup.restore``) and converting a file (``crypto``: encrypting,
decrypting, a new passphrase) end the same way: a new file, complete, checked and on the disk, is
prepared beside the database under a hidden name and takes the database's name in one rename.
:class:`Replacement` carries that out, and first writes an *intent* file beside the database
(``wsjc.db`` → ``.wsjc.db.intent``, JSON, itself written whole or not at all) saying what it is
about to do:

1. **prepare** — the temporary files about to be written (the new file; for a restore also the
   safety copy's partial file) are named. A kill: they are deleted, the database is untouched.
2. **swap** — written once the new file is complete and flushed. Then, in order: log files the old
   file still has (``-wal``, a hot ``-journal``: a restore folds them into the old file first, so
   there are none unless it is damaged) are moved aside, since a log beside the new file would be
   replayed into it; a copy the user asked to keep is made; the old file gets a second name
   (``hold``) if it is to be overwritten after the swap; the new file is renamed over the
   database — **the commit**; the folder is flushed.
3. **finish** — the old file (``hold``) is overwritten with zeros and deleted, the moved logs are
   deleted, the intent last.

A second name is a hard link, so the database's name always holds the old or the new file. A file
system without hard links (FAT, exFAT: a USB stick in portable mode) cannot do that: there the old
file is renamed to ``hold`` and, for that one step, the database's name is empty.

:func:`recover_file` (run by ``recovery.recover_interrupted`` at the next start, before the file is
opened) reads the intent and tells the states apart by one fact: the new file keeps its temporary
name exactly until the commit. Before the commit it **undoes** the step (the old file back at its
name, logs moved back, temporaries deleted); after it, it **finishes** it. Temporaries and old
files holding plaintext beside an encrypted database are overwritten before they are deleted. It
never deletes the only copy of the data: a file it cannot place is left where it is and reported.

Files left by versions of the program that wrote no intent (``.wsjc.db.<token>.converting``,
``….old``, ``.wsjc.db.restore-<token>.partial``) are judged by their names and contents: a
partial restore or conversion is deleted; an ``.old`` file goes back to the database's name if
that is empty, is deleted if it is the database itself under a second name, and is overwritten and
deleted if the database is the encrypted file made from it; anything else is reported.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from wsjc_desktop.fileio import atomic_write, fsync_dir, wipe
from wsjc_desktop.storage import cipher

__all__ = [
    "FORMAT",
    "INTENT_SUFFIX",
    "Replacement",
    "discard",
    "folder_names",
    "intent_path",
    "lexists",
    "new_token",
    "read_intent",
    "recover_file",
    "remove_intent",
    "stored_path",
    "write_intent",
]

log = logging.getLogger(__name__)

INTENT_SUFFIX = ".intent"
FORMAT = 1
SIDES = ("-journal", "-wal", "-shm")
#: The logs a database's changes may still sit in: never beside another file than their own.
LOGS = ("-wal", "-journal")

#: Chinese names of the operations, for the notes shown to the user.
LABELS = {
    "restore": "从备份恢复",
    "encrypt": "加密数据库",
    "decrypt": "取消数据库加密",
    "rekey": "修改数据库口令",
    "convert": "转换数据库",
}


def intent_path(target: Path | str) -> Path:
    target = Path(target)
    return target.with_name(f".{target.name}{INTENT_SUFFIX}")


def new_token() -> str:
    return uuid.uuid4().hex[:8]


def _sides(path: Path) -> list[Path]:
    return [Path(f"{path}{end}") for end in SIDES]


def stored_path(folder: Path, path: Path) -> str:
    """``path`` as kept in an intent: relative to the database's folder when it can be (a USB
    stick may come back under another drive letter), else absolute."""
    try:
        return os.path.relpath(path, folder)
    except ValueError:  # Windows: another drive
        return str(path.absolute())


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def lexists(path: Path) -> bool:
    return os.path.lexists(path)


def discard(path: Path, *, secret: bool) -> None:
    """Delete ``path`` and its side files; overwritten first if ``secret`` (the database is
    encrypted) and the file is not encrypted itself. Never raises for an ``OSError``."""
    for one in (path, *_sides(path)):
        if not lexists(one):
            continue
        if secret and not cipher.is_encrypted(one):
            wipe(one)
            continue
        try:
            one.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            log.warning("could not delete %s", one, exc_info=True)


# --- the intent -----------------------------------------------------------------------------


@dataclass
class Plan:
    """What a replacement is about to do; written to the intent file (names relative to the
    folder of ``target``)."""

    op: str
    token: str
    phase: Literal["prepare", "swap"] = "prepare"
    new: str = ""
    hold: str | None = None
    wipe_old: bool = False
    keep: str | None = None
    aside: list[list[str]] = field(default_factory=list)  # [log, its name while aside]
    extra: list[str] = field(default_factory=list)  # other temporaries of the operation
    expect: Literal["encrypted", "plain"] | None = None  # what the new file is
    format: int = FORMAT

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not an intent of this format")
        plan = cls(op=str(data["op"]), token=str(data["token"]))
        plan.phase = "swap" if data.get("phase") == "swap" else "prepare"
        plan.new = str(data["new"])
        plan.hold = _text(data.get("hold"))
        plan.wipe_old = bool(data.get("wipe_old"))
        plan.keep = _text(data.get("keep"))
        plan.aside = [[str(a), str(b)] for a, b in data.get("aside") or []]
        plan.extra = [str(x) for x in data.get("extra") or []]
        expect = data.get("expect")
        plan.expect = expect if expect in ("encrypted", "plain") else None
        return plan


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def write_intent(path: Path, data: dict[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    with atomic_write(path, holder=None) as handle:
        handle.write(payload)


def read_intent(path: Path) -> Any:
    return json.loads(path.read_bytes().decode("utf-8"))


def remove_intent(path: Path) -> None:
    """The intent deleted once its step is finished or undone (a failure here only logs: the
    next start finds the step done and removes it then)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete %s", path, exc_info=True)
        return
    fsync_dir(path.parent)


class Replacement:
    """One replacement of the file ``target`` by ``new``, journalled in the intent file.

    ``hold``: the name the old file keeps until it is overwritten (``wipe_old``) or deleted after
    the commit; ``keep``: a copy of the old file the user asked for (must not exist yet);
    ``extra``: other temporary files of the operation, deleted if it is undone; ``move_logs``: the
    old file's logs are moved aside before the commit; ``expect``: what the new file is, checked
    before the old one is overwritten. Use: :meth:`prepare`, write ``new``, :meth:`commit`; on a
    failure before the commit, :meth:`abandon`.
    """

    def __init__(
        self,
        target: Path,
        op: str,
        *,
        new: Path,
        token: str,
        hold: Path | None = None,
        wipe_old: bool = False,
        keep: Path | None = None,
        extra: Sequence[Path] = (),
        move_logs: bool = False,
        expect: Literal["encrypted", "plain"] | None = None,
    ) -> None:
        self.target = Path(target)
        self.folder = self.target.parent
        self.new = Path(new)
        self.hold = hold
        self.keep = keep
        self.move_logs = move_logs
        self.intent = intent_path(self.target)
        self.committed = False
        self.plan = Plan(
            op=op,
            token=token,
            new=stored_path(self.folder, self.new),
            hold=stored_path(self.folder, hold) if hold is not None else None,
            wipe_old=wipe_old,
            keep=stored_path(self.folder, keep) if keep is not None else None,
            extra=[stored_path(self.folder, p) for p in extra],
            expect=expect,
        )

    def prepare(self) -> list[str]:
        """Write the intent (phase prepare), first putting right what an earlier replacement of
        the same file left; returns the notes of that."""
        notes = recover_file(self.target) if lexists(self.intent) else []
        write_intent(self.intent, asdict(self.plan))
        return notes

    def abandon(self) -> None:
        """An ordinary failure before the commit: temporaries gone, the old file as it was."""
        try:
            if self.committed:
                return
            if lexists(self.intent):
                _resolve(self.target, self.plan, failed=True)
        except OSError:
            log.warning("could not undo the replacement of %s", self.target, exc_info=True)

    def commit(self) -> None:
        """Put the new file (complete and flushed) in place of the old one; then overwrite or
        delete the old one. An error before the commit undoes what was done and is raised."""
        target, plan = self.target, self.plan
        old_exists = lexists(target)
        moved: list[tuple[Path, Path]] = []
        if self.move_logs and old_exists:
            for end in LOGS:
                log_file = Path(f"{target}{end}")
                if lexists(log_file):
                    moved.append((log_file, self.folder / f".{target.name}.{plan.token}.aside{end}"))
        plan.aside = [[stored_path(self.folder, a), stored_path(self.folder, b)] for a, b in moved]
        plan.phase = "swap"
        write_intent(self.intent, asdict(plan))
        try:
            for log_file, aside in moved:
                os.replace(log_file, aside)
            shm = Path(f"{target}-shm")
            if self.move_logs and lexists(shm):
                shm.unlink()  # an index of the log, no data: rebuilt from the log it indexes
            if self.keep is not None and old_exists:
                _second_name(target, self.keep, copy=True)
            if self.hold is not None and old_exists:
                _second_name(target, self.hold, copy=False)
            os.replace(self.new, target)  # the commit
            self.committed = True
        except BaseException:
            if not self.committed:
                with contextlib.suppress(Exception):
                    _resolve(target, plan, failed=True)
            raise
        fsync_dir(self.folder)
        _finish(target, plan)


def _second_name(path: Path, name: Path, *, copy: bool) -> None:
    """``path`` also reachable as ``name``: a hard link where the file system has them, else a
    copy (``copy``) or the file itself renamed (then ``path`` is empty until the commit)."""
    try:
        os.link(path, name)
        return
    except OSError:  # no hard links here (FAT, exFAT, some network drives)
        pass
    if copy:
        from wsjc_desktop.fileio import copy_new

        copy_new(path, name)
    else:
        os.replace(path, name)


def _finish(target: Path, plan: Plan) -> list[str]:
    """After the commit: the old file and the moved logs overwritten and deleted, the intent last."""
    folder = target.parent
    notes: list[str] = []
    secret = cipher.is_encrypted(target)
    hold = folder / plan.hold if plan.hold else None
    if hold is not None and lexists(hold):
        if _same(hold, target):
            hold.unlink()
        elif plan.expect is not None and _state(target) != plan.expect:
            notes.append(_leftover_note(hold, "数据库文件与预期不符，这个文件保留未动"))
        elif plan.wipe_old:  # encrypted or not, no one is to read it again (an old passphrase)
            for one in (hold, *_sides(hold)):
                if lexists(one):
                    wipe(one)
        else:
            discard(hold, secret=secret)
    for _log, aside in plan.aside:
        discard(folder / aside, secret=secret)
    for extra in plan.extra:
        discard(folder / extra, secret=secret)
    remove_intent(intent_path(target))
    return notes


def _state(path: Path) -> str:
    return "encrypted" if cipher.is_encrypted(path) else "plain"


def _undo(target: Path, plan: Plan) -> list[str]:
    """Before the commit: the old file back at its name, temporaries deleted."""
    folder = target.parent
    notes: list[str] = []
    hold = folder / plan.hold if plan.hold else None
    if hold is not None and lexists(hold):
        if not lexists(target):
            os.replace(hold, target)  # the old file had been moved away (no hard links here)
        elif _same(hold, target):
            hold.unlink()
        else:
            notes.append(_leftover_note(hold, "数据库文件在中断后被替换过，原来的数据库保留在这个文件中"))
    for log_name, aside_name in plan.aside:
        log_file, aside = folder / log_name, folder / aside_name
        if lexists(aside):
            if lexists(log_file):
                notes.append(_leftover_note(aside, "原数据库的日志文件，已有新的日志文件，未放回"))
            else:
                os.replace(aside, log_file)
    secret = cipher.is_encrypted(target)
    if plan.keep is not None and plan.phase == "swap":  # made in that phase only
        keep = folder / plan.keep
        if lexists(keep):
            if _same(keep, target):
                keep.unlink()
            else:
                discard(keep, secret=secret)
    discard(folder / plan.new, secret=secret)
    for extra in plan.extra:
        discard(folder / extra, secret=secret)
    return notes


def _resolve(target: Path, plan: Plan, *, failed: bool = False) -> list[str]:
    """Undo or finish the replacement ``plan`` describes; the intent is removed. ``failed``: the
    replacement itself undoing its steps after an error (not a start after a kill)."""
    folder = target.parent
    label = LABELS.get(plan.op, LABELS["convert"])
    new = folder / plan.new
    if plan.phase == "prepare" or lexists(new):
        notes = _undo(target, plan)
        fsync_dir(folder)
        remove_intent(intent_path(target))
        if failed:
            log.info("undid the %s of %s after an error (phase %s)", plan.op, target, plan.phase)
        else:
            log.warning("undid an interrupted %s of %s (phase %s)", plan.op, target, plan.phase)
        return [f"上次“{label}”没有完成，数据库“{target.name}”保持原样。", *notes]
    if not lexists(target):
        hold = folder / plan.hold if plan.hold else None
        if hold is not None and lexists(hold):
            os.replace(hold, target)
            fsync_dir(folder)
            remove_intent(intent_path(target))
            log.error("after an interrupted %s, %s was missing: its old file put back", plan.op, target)
            return [f"上次“{label}”没有完成，已把原来的数据库放回“{target.name}”。"]
        remove_intent(intent_path(target))
        log.error("after an interrupted %s, %s is missing", plan.op, target)
        return [f"上次“{label}”中断后找不到数据库文件“{target.name}”，请从备份恢复。"]
    notes = _finish(target, plan)
    log.warning("finished an interrupted %s of %s", plan.op, target)
    return [f"上次“{label}”在最后一步被中断，已经完成。", *notes]


def _leftover_note(path: Path, why: str) -> str:
    return f"发现上次操作中断后留下的文件“{path}”（{why}）。请勿删除，必要时请联系管理员。"


# --- the next start -------------------------------------------------------------------------


def _patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The names of a conversion's and a restore's temporaries of the file ``name``."""
    base = re.escape(name)
    side = r"(?P<side>-journal|-wal|-shm)?"
    return (
        re.compile(rf"^\.{base}\.(?P<token>[0-9a-f]+)\.(?P<kind>converting|old|aside){side}$"),
        re.compile(rf"^\.{base}\.restore-(?P<token>[0-9a-f]+)\.partial{side}$"),
    )


def folder_names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def recover_file(target: Path | str) -> list[str]:
    """Undo or finish what an interrupted replacement of ``target`` left (its intent, or files
    named after it by older versions); the notes for the user (empty: nothing was found). Only
    for the program about to write the file (see ``recovery.recover_interrupted``)."""
    target = Path(target)
    folder = target.parent
    intent = intent_path(target)
    names = folder_names(folder)
    notes: list[str] = []
    # an intent (or list of backups) killed while it was being written: ``atomic_write``'s temporary
    for name in names:
        if name.startswith(f"..{target.name}.") and name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
    current: str | None = None
    if lexists(intent):
        try:
            plan = Plan.from_json(read_intent(intent))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("unreadable intent %s (%s): judging the files by their names", intent, exc)
            intent.unlink(missing_ok=True)
        else:
            current = plan.token
            notes += _resolve(target, plan)
            names = folder_names(folder)
    notes += _legacy(target, names, skip=current)
    return notes


def _legacy(target: Path, names: Iterable[str], *, skip: str | None) -> list[str]:
    """Files named after ``target`` with no intent: left by an older version, or by the user."""
    folder = target.parent
    temp, partial = _patterns(target.name)
    partials: set[str] = set()
    tokens: dict[str, set[str]] = {}
    for name in names:
        match = partial.match(name)
        if match is not None and match["token"] != skip:
            partials.add(name[: -len(match["side"])] if match["side"] else name)
            continue
        match = temp.match(name)
        if match is not None and match["token"] != skip:
            tokens.setdefault(match["token"], set()).add(match["kind"])
    notes: list[str] = []
    for name in sorted(partials):
        log.warning("removing a restore left half done: %s", folder / name)
        discard(folder / name, secret=cipher.is_encrypted(target))
    for token, kinds in sorted(tokens.items()):
        converting = folder / f".{target.name}.{token}.converting"
        old = folder / f".{target.name}.{token}.old"
        old_there = lexists(old)
        if old_there and not lexists(target):
            os.replace(old, target)
            fsync_dir(folder)
            log.error("put %s back at %s (an interrupted conversion had moved it)", old, target)
            notes.append(f"上次转换数据库时被中断，已把原来的数据库放回“{target.name}”。")
            old_there = False
        elif old_there and _same(old, target):
            old.unlink()
            old_there = False
        secret = cipher.is_encrypted(target)
        if "converting" in kinds:
            if old_there:  # the database's name was empty, and then something made a new file there
                notes.append(_leftover_note(old, "原来的数据库可能在这个文件中"))
                notes.append(_leftover_note(converting, "转换后的数据库"))
                continue
            discard(converting, secret=secret)
        if old_there:
            if secret:  # the database is the encrypted file made from this one: the conversion was done
                log.warning("overwriting and deleting %s left by an interrupted conversion", old)
                discard(old, secret=True)
                if lexists(old):
                    notes.append(_leftover_note(old, "未能删除"))
                else:
                    notes.append(f"已清除上次加密数据库时留下的旧文件“{old.name}”。")
            else:
                notes.append(_leftover_note(old, "可能是转换前的数据库"))
        if "aside" in kinds:
            for end in LOGS:
                discard(folder / f".{target.name}.{token}.aside{end}", secret=secret)
    if partials or tokens:
        fsync_dir(folder)
    return notes
