"""What every command shares: the database file it works on (``--db``), who runs it (``--member``,
the system user), the writer lock it holds while it writes, the passphrase of an encrypted file,
and how it talks to the terminal (stdout for answers, stderr for remarks and progress).

Used by :mod:`wsjc_desktop.cli` and :mod:`wsjc_desktop.roster_cli`.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wsjc_desktop.errors import UserError
from wsjc_desktop.paths import default_db_path

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database
    from wsjc_desktop.storage.lock import LockInfo, WriterLock


def resolve_db(args: argparse.Namespace) -> Path:
    """The database file the command works on (``--db``, else the default), refused at once if
    the path names a folder or a device rather than a file (nothing is opened or created)."""
    path = getattr(args, "db", None)
    found = Path(path).expanduser() if path else default_db_path()
    check_db_path(found)
    return found


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's own words for the rare rest)."""
    import errno

    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "没有访问权限"
    if exc.errno == errno.EROFS:
        return "所在的磁盘是只读的"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间已满"
    if exc.errno == errno.ENAMETOOLONG:
        return "路径太长"
    if exc.errno == errno.ELOOP:
        return "符号链接循环"
    if isinstance(exc, NotADirectoryError):
        return "路径中有一项不是文件夹"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    return exc.strerror or str(exc)


def check_db_path(path: Path) -> None:
    """Refuse a database path that is a folder, a device, a pipe or cannot be looked at; a path
    where nothing is yet is fine (the command says whether it may create the file)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UserError(f"无法访问数据库文件“{path}”：{os_reason(exc)}。") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(
            f"“{path}”是一个文件夹，不是数据库文件。请在 --db 后给出数据库文件的路径，如 {path / 'wsjc.db'}。"
        )
    if not stat.S_ISREG(info.st_mode):
        raise UserError(
            f"“{path}”不是普通文件（是设备、管道等特殊文件），不能用作数据库。"
            "请在 --db 后给出数据库文件的路径。"
        )


def output_path(given: Path, what: str) -> Path:
    """The file a command is to write (``--out``), refused at once if it names a device or a
    pipe: the new file would take the special file's place (``/dev/null`` replaced by a PDF)."""
    path = Path(given).expanduser()
    try:
        info = path.stat()
    except OSError:
        return path  # nothing there yet (or not reachable: the writing says why)
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise UserError(
            f"“{path}”不是普通文件（是设备、管道等特殊文件），不能保存{what}。请给出{what}的文件名。"
        )
    return path


# --- who runs a command, and the writer lock ---------------------------------------------------


@dataclass(frozen=True)
class Who:
    """Who runs a command: ``member``, the name given with ``--member`` (or ``WSJC_MEMBER``), if
    any, and ``actor``, the command line with the system user (命令行（wang）) in any case."""

    member: str | None
    actor: str

    @property
    def label(self) -> str:
        """The name the lock file shows to other programs."""
        return self.member or self.actor


def who_runs(args: argparse.Namespace) -> Who:
    import unicodedata

    from wsjc_desktop.storage import lock

    given = getattr(args, "member", None)
    if given is None:
        given = os.environ.get("WSJC_MEMBER")
    name = " ".join(unicodedata.normalize("NFKC", given or "").split())
    return Who(name or None, f"命令行（{lock.current_user() or '未知用户'}）")


def member_id(db: Database, name: str) -> int:
    """The id of the active member called ``name``; a Chinese refusal if there is none (or two)."""
    with db.raw_read() as conn:
        rows = conn.execute(
            "SELECT id, name FROM members WHERE deleted_at IS NULL AND is_active = 1 ORDER BY sort_order, id"
        ).fetchall()
    found = [int(row[0]) for row in rows if row[1] == name]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(f"组内有 {len(found)} 人都叫“{name}”，无法确定是谁：请先在程序中修改重名人员的姓名。")
    names = "、".join(str(row[1]) for row in rows)
    choices = f"组内人员：{names}。" if names else "数据库中还没有组内人员。"
    raise UserError(f"没有名为“{name}”的组内人员（--member 或环境变量 WSJC_MEMBER）。{choices}")


def sign(db: Database, who: Who) -> None:
    """Make ``db``'s audit entries name who runs the command (refusing an unknown member)."""
    db.actor = who.actor
    if who.member:
        db.member_id = member_id(db, who.member)


def held_text(
    info: LockInfo, outcome: str = "为免两处同时修改，本命令没有做任何修改；请待其关闭数据库后再试。"
) -> str:
    """Who holds the writer lock, on which computer, since when, and what this command did."""
    from wsjc_desktop.storage import lock

    return lock.held_message(info, readonly_hint=False) + outcome


@contextmanager
def writer_lock(path: Path, who: Who) -> Iterator[WriterLock]:
    """Hold the writer lock of ``path`` (renewing its heartbeat) for the block, or refuse with who
    holds it, on which computer and since when. A new file's folder is made first."""
    from wsjc_desktop.storage import lock

    if not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"无法创建文件夹“{path.parent}”：{os_reason(exc)}。") from None
    try:
        held = lock.acquire(path, who.label)
    except lock.LockHeld as exc:
        raise UserError(held_text(exc.info)) from None
    with held, held.keep_alive():
        yield held


Access = Literal["readonly", "read", "note", "write"]


@contextmanager
def database(args: argparse.Namespace, access: Access, *, create: bool = False) -> Iterator[Database]:
    """The database at ``--db``, opened for the command and closed after it.

    ``access`` says what the command does with it:

    * ``readonly``: only reads; opened read-only;
    * ``read``: only reads; opened read-only while another program holds the writer lock (an
      older file is then read as it is, never upgraded under that program's feet) and on
      read-only media;
    * ``note``: reads, and notes what it did in the audit log (export): holds the writer lock
      if it can, else works read-only and the note is only logged (the user is told);
    * ``write``: holds the writer lock throughout, or is refused naming who holds it.

    A command never creates a database by mistake: only with ``create`` may the file be missing
    or empty (others refuse an empty file rather than writing a schema into it). An encrypted
    file's passphrase comes from ``WSJC_PASSPHRASE`` or is asked for on the terminal. The audit
    entries of ``note`` and ``write`` name who ran the command (``--member``, else 命令行（user）).
    """
    from wsjc_desktop.storage import crypto, lock, media
    from wsjc_desktop.storage.database import open_database

    path = resolve_db(args)
    if not create:
        if not path.exists():
            raise UserError(f"数据库文件不存在：{path}")
        if path.stat().st_size == 0:
            raise UserError(f"空的数据库文件：{path}（没有任何数据，请检查是否选错了文件）")
    exists = path.is_file() and path.stat().st_size > 0
    who = who_runs(args)
    with ExitStack() as stack:
        readonly = access == "readonly"
        network = media.network_filesystem(path)  # never written there: see media.network_message
        if network is not None and access == "write":
            raise UserError(media.network_message(path, network).replace("\n\n", ""))
        if network is not None and access == "note":
            readonly = True
            note(f"提示：数据库位于网络共享上（{network}），本次以只读方式进行，不记入操作日志。")
        elif access == "write":
            if who.member and not exists:
                raise UserError(
                    f"新的数据库中还没有组内人员，不能以“{who.member}”的名义运行"
                    "（请去掉 --member 或环境变量 WSJC_MEMBER）。"
                )
            stack.enter_context(writer_lock(path, who))
        elif access == "note":
            readonly_note = "本次以只读方式进行，不记入操作日志。"
            try:
                held = lock.acquire(path, who.label)
            except lock.LockHeld as exc:
                readonly = True
                note("提示：" + held_text(exc.info, readonly_note))
            except lock.LockUnavailable as exc:
                readonly = True
                note(f"提示：{exc.message}{readonly_note}")
            else:
                stack.enter_context(held)
                stack.enter_context(held.keep_alive())
        elif access == "read":  # read-only media (a CD, a stick), a network share: read as it is
            readonly = network is not None or media.read_only_media(path) or lock.holder(path) is not None
        key = passphrase_for(path) if exists and crypto.is_encrypted(path) else None
        db = open_database(path, key=key, readonly=readonly)
        stack.callback(db.dispose)
        if access in ("note", "write") and not db.readonly:
            sign(db, who)
        yield db


def print_json(data: Any, *, compact: bool = False) -> None:
    """UTF-8 JSON on stdout; ``compact`` (no indentation) for big answers read by programs."""
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def say(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


#: Whether a progress line (``\r…``) on stderr is waiting for its line end.
_progress_open = False


def progress_line(text: str) -> None:
    """Show ``text`` as the progress line on stderr (each one overwrites the last)."""
    global _progress_open
    sys.stderr.buffer.write(f"\r{text}".encode())
    sys.stderr.flush()
    _progress_open = True


def end_progress() -> None:
    """End the progress line, if one is showing (before a message, or when done)."""
    global _progress_open
    if _progress_open:
        sys.stderr.buffer.write(b"\n")
        sys.stderr.flush()
        _progress_open = False


def note(text: str) -> None:
    """A remark for the person at the terminal, on stderr (stdout may be read by a program)."""
    end_progress()
    sys.stderr.buffer.write(text.encode("utf-8") + b"\n")
    sys.stderr.flush()


def passphrase_for(path: Path) -> str:
    """The passphrase of an encrypted file: ``WSJC_PASSPHRASE``, else asked (without echo)."""
    key = os.environ.get("WSJC_PASSPHRASE")
    if key:
        return key
    if not sys.stdin.isatty():
        raise UserError("该数据库已加密：请在终端运行并输入口令，或设置环境变量 WSJC_PASSPHRASE。")
    import getpass

    return getpass.getpass(f"数据库“{path.name}”的口令：")
