"""Opening the program on a database, safely, step by step.

1. the writer lock: if another instance or PC holds the file, the user is told who and since
   when and may open it read-only (a stale lock from a crash is cleared); a file on a network
   share is never written (two PCs writing one file over the network damage it): it opens
   read-only, and the user is told to keep it on the local disk and exchange packages instead;
2. an encrypted file asks for its passphrase (three tries; the key is derived once);
3. opening runs a quick integrity check: a damaged file is never written to — the newest good
   backup is offered instead (the damaged file is kept as it was, beside the backups); an
   older file is upgraded, with a backup first;
5. first start sets up the group and its members, every later start asks who is working;
6. the day's first start makes a verified backup (rotation keeps 30 daily and 12 monthly), in
   a background thread while the window opens (SQLite copies and checks outside Python's lock);
   the exit waits for it before making its own.

Every step that can fail tells the user in Chinese and leaves the file as it was.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from wsjc_desktop import APP_TITLE
from wsjc_desktop.errors import UserError
from wsjc_desktop.ui.actions import user_action

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database
    from wsjc_desktop.storage.lock import WriterLock

log = logging.getLogger(__name__)


@dataclass
class Session:
    """What a start-up produced: the open database, who is working, the lock held."""

    db: Database
    member_id: int | None = None
    key: str | None = None
    writer_lock: WriterLock | None = None
    notes: list[str] = field(default_factory=list)  # shown in the status bar once the window is up
    backup_thread: threading.Thread | None = None  # the day's first backup, made behind the window

    def wait_for_backup(self) -> None:
        """Wait for the start backup running in the background (if any)."""
        if self.backup_thread is not None:
            self.backup_thread.join()
            self.backup_thread = None

    @property
    def readonly(self) -> bool:
        return self.db.readonly

    def close(self, *, backup: bool = True) -> None:
        """At exit: a verified backup (if writable), then the lock is released and the file closed."""
        try:
            self.wait_for_backup()
            if backup and not self.db.readonly:
                from wsjc_desktop.services import backup as backups

                try:
                    backups.auto_backup(self.db, "exit", key=self.key)
                except UserError as exc:
                    log.warning("backup at exit failed: %s", exc.message)
        finally:
            try:
                self.db.dispose()
            finally:
                if self.writer_lock is not None:
                    self.writer_lock.release()
                    self.writer_lock = None


def _tell(parent: QWidget | None, text: str, *, warning: bool = False) -> None:
    box = QMessageBox.warning if warning else QMessageBox.critical
    box(parent, APP_TITLE, text)


class _Cancelled(Exception):
    """The user chose not to go on (cancel, 退出)."""


def _open(parent: QWidget | None, path: Path, *, readonly: bool) -> tuple[Database, str | None]:
    """The database opened (an encrypted one with the passphrase asked for; the key is
    derived once, by the opening itself). Raises DamagedDatabaseError for a damaged file."""
    from wsjc_desktop.storage import crypto, recovery
    from wsjc_desktop.storage.database import open_database

    if not readonly:  # before asking whether it is encrypted: recovery may put the file back
        recovery.recover_interrupted(path)
    if not (path.is_file() and crypto.is_encrypted(path)):
        # the integrity check runs behind the login (see start_session)
        db = open_database(path, readonly=readonly, check_in_background=True)
        db.start_check()  # now: the login is drawn meanwhile
        return db, None
    from wsjc_desktop.ui.dialogs.passphrase_dialog import ask_passphrase

    opened: list[Database] = []
    key = ask_passphrase(
        parent, path, try_open=lambda k: opened.append(open_database(path, readonly=readonly, key=k))
    )
    if key is None or not opened:
        raise _Cancelled
    return opened[0], key


def _offer_backup(parent: QWidget | None, path: Path, key: str | None, problem: str) -> str:
    """A damaged file is never written to: offer the newest good backup in its place (the
    damaged file is kept, byte for byte, beside the backups). Returns a note for the status bar."""
    from wsjc_desktop.services import backup as backups

    folder = backups.default_backup_dir(path, key)
    good = backups.newest_good_backup(folder, key, stem=path.stem)
    if good is None:
        raise UserError(f"{problem}\n\n在备份文件夹“{folder}”中没有找到完好的备份。")
    counts = "，".join(f"{label} {n}" for label, n in _count_labels(good.counts))
    answer = QMessageBox.question(
        parent,
        APP_TITLE,
        f"{problem}\n\n最新的完好备份：{good.created:%Y年%m月%d日 %H:%M}（{counts}）。\n"
        "是否用这个备份恢复？当前的损坏文件会原样另存一份以备查。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        raise _Cancelled
    safety = backups.restore(good.path, path, key=key)
    kept = f"；损坏的文件另存为 {safety.name}" if safety is not None else ""
    return f"数据库已从 {good.created:%Y年%m月%d日 %H:%M} 的备份恢复{kept}。"


#: The counts a restore offer names, in this order.
COUNT_LABELS = (("units", "单位"), ("cadres", "干部"), ("alert_notices", "廉情提醒"), ("talks", "谈话"))


def _count_labels(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, counts[table]) for table, label in COUNT_LABELS if table in counts]


def _take_lock(parent: QWidget | None, path: Path) -> WriterLock | None:
    """The writer lock, or None to open read-only (the user was told who holds the file, or
    why it is not written: read-only media, a network share)."""
    from wsjc_desktop.storage import lock, media

    network = media.network_filesystem(path)
    if network is not None:  # two PCs writing one file over the network would damage it
        _tell(parent, media.network_message(path, network), warning=True)
        return None
    try:
        return lock.acquire(path)
    except lock.LockHeld as held:
        from wsjc_desktop.ui.dialogs.lock_held_dialog import ask_lock_held

        choice = ask_lock_held(parent, held.info)
        if choice == "quit":
            raise _Cancelled from None
        if choice == "unlock":
            return lock.acquire(path, take_over=held.info)
        return None
    except lock.LockUnavailable as exc:
        from wsjc_desktop.storage import media

        if media.read_only_media(path):
            _tell(parent, read_only_media_text(path), warning=True)
        else:
            _tell(parent, f"{exc.message}\n\n将以只读方式打开。", warning=True)
        return None


def read_only_media_text(path: Path) -> str:
    return (
        f"数据库“{path.name}”位于只读的位置（{path.parent}），如写保护的U盘、光盘或只读文件夹。\n\n"
        "将以只读方式打开：可以查看、查找和导出，不能修改。"
        "要修改，请把它复制到可写的文件夹（如“文档”）后再打开。"
    )


def _login(parent: QWidget | None, db: Database) -> int | None:
    from wsjc_desktop.services import members  # plain SQL: the login shows before the ORM loads

    if members.needs_setup(db):
        if db.readonly:
            return None  # nobody can log in yet, and nothing can be set up in a read-only file
        db.wait_checked()  # the setup writes at once: the file must have passed the check
        from wsjc_desktop.ui.dialogs.setup_wizard import run_setup

        member_id = run_setup(parent, db)
    else:
        from wsjc_desktop.ui.dialogs.login_dialog import run_login

        member_id = run_login(parent, db)
    if member_id is None:
        raise _Cancelled
    return member_id


def start_session(db_path: Path, parent: QWidget | None = None, *, login: bool = True) -> Session | None:
    """Run the start-up steps; the session, or None if the user stopped (every message shown).

    ``login=False`` skips setup and login (only for ``gui --screenshot`` on a file whose group
    has set no passwords yet).
    """
    from wsjc_desktop.storage.health import DamagedDatabaseError

    path = Path(db_path)
    writer_lock: WriterLock | None = None
    db: Database | None = None
    try:
        with user_action(parent, title=APP_TITLE, critical=True):  # told, then let go below
            writer_lock = _take_lock(parent, path)  # before opening: an upgrade happens under the lock
            notes: list[str] = []
            try:
                db, key = _open(parent, path, readonly=writer_lock is None)
                # the check started by the opening runs while the member logs in; a login's own
                # write (its audit entry) waits for it and reports a damaged file as this error
                member_id = _login(parent, db) if login else None
                db.wait_checked()
            except DamagedDatabaseError as exc:
                log.error("start-up check failed for %s: %s", path, exc.message)
                if db is not None:
                    db.dispose()
                    db = None
                key = None
                if path.is_file():
                    from wsjc_desktop.storage import crypto

                    if crypto.is_encrypted(path):
                        raise  # a damaged encrypted file: its key cannot be checked; restore by hand
                notes.append(_offer_backup(parent, path, key, exc.message))
                db, key = _open(parent, path, readonly=writer_lock is None)
                member_id = _login(parent, db) if login else None
                db.wait_checked()
            if db.readonly:
                from wsjc_desktop.storage import media

                if media.network_filesystem(path) is not None:
                    why = "数据库位于网络共享上"
                elif media.read_only_media(path):
                    why = "数据库位于只读的位置"
                else:
                    why = "数据库正由他人使用"
                notes.append(f"{why}，已以只读方式打开：可以查看和打印，不能修改。")
            from wsjc_desktop.storage import recovery

            notes += recovery.take_notes(path)  # an interrupted restore or encryption put right
            session = Session(db, member_id, key, writer_lock, notes)
            if writer_lock is not None and member_id is not None:
                from wsjc_desktop.services import auth

                writer_lock.update_member(auth.member_info(db, member_id).name)
            if not db.readonly:
                session.backup_thread = threading.Thread(
                    target=_backup_at_start, args=(session,), name="wsjc-start-backup"
                )
                session.backup_thread.start()
            return session
    except _Cancelled:
        pass
    if db is not None:
        db.dispose()
    if writer_lock is not None:
        writer_lock.release()
    return None


def switch_member(session: Session, parent: QWidget | None = None) -> bool:
    """切换用户: the member logs out and the login asks who works next, on the same open file
    (no passphrase, lock or check again). False when nobody logs in (退出): the program ends."""
    from wsjc_desktop.services import auth

    auth.logout(session.db)
    session.member_id = None
    try:
        with user_action(parent, title=APP_TITLE, critical=True) as action:
            member_id = _login(parent, session.db)
    except _Cancelled:
        return False
    if action.failed:
        return False
    session.member_id = member_id
    if session.writer_lock is not None and member_id is not None:
        session.writer_lock.update_member(auth.member_info(session.db, member_id).name)
    return True


#: The start backup runs while the member works: if every copy attempt of a round met a write,
#: it waits and tries another round (the last round's failure becomes a note).
BUSY_ROUNDS = 5
BUSY_PAUSE_S = 2.0


def _backup_at_start(session: Session) -> None:
    from wsjc_desktop.services import backup as backups

    try:
        for _round in range(BUSY_ROUNDS - 1):  # the member may be saving meanwhile: try again later
            try:
                made = backups.auto_backup(session.db, "start", key=session.key)
                break
            except backups.BackupBusyError:
                time.sleep(BUSY_PAUSE_S)
        else:
            made = backups.auto_backup(session.db, "start", key=session.key)
    except Exception as exc:  # a thread of its own: anything it meets is a note, not a crash
        if isinstance(exc, UserError):
            problem = exc.message
        else:
            log.exception("backup at start failed")
            problem = f"{type(exc).__name__}: {exc}"
        log.warning("backup at start failed: %s", problem)
        session.notes.append(f"今天的自动备份未能完成：{problem}")
        return
    if made is not None:
        log.info("backup at start: %s", made.path)


def restore_and_restart(db_path: Path, backup_path: Path, key: str | None) -> None:
    """Restore a backup chosen in the window, once the window has closed the database (the
    program then starts again from the login). The current file is kept as a safety copy."""
    from wsjc_desktop.services import backup as backups

    with user_action(
        None, title=APP_TITLE, critical=True, text="恢复未完成，数据库保持原样。\n\n{message}"
    ) as action:
        safety = backups.restore(backup_path, db_path, key=key)
    if action.failed:
        return
    kept = f"恢复前的文件另存为：\n{safety}\n\n" if safety is not None else ""
    QMessageBox.information(None, APP_TITLE, f"已从备份恢复数据库。{kept}请重新登录。")


def encrypt_and_restart(db_path: Path, key: str | None) -> None:
    """Encrypt the file (or change its passphrase) once the window has closed it, holding the
    writer lock meanwhile; the program then starts again from the passphrase and login."""
    from wsjc_desktop.services import backup as backups
    from wsjc_desktop.storage import lock
    from wsjc_desktop.ui.dialogs.passphrase_dialog import ask_new_passphrase

    new = ask_new_passphrase(None, path=db_path)
    if new is None:
        return
    with (
        user_action(
            None, title=APP_TITLE, critical=True, text="未能完成，数据库保持原样。\n\n{message}"
        ) as action,
        lock.acquire(db_path),
    ):
        # its backups too: no plaintext copy is left behind, and the old passphrase opens none
        if key is None:
            failed = dict(backups.encrypt_database(db_path, new).failed)
        else:
            failed = dict(backups.change_database_passphrase(db_path, key, new).failed)
    if action.failed:
        return
    done = "数据库已加密，备份也已加密" if key is None else "数据库口令已修改，备份也已改用新口令"
    kind = "未能加密的备份" if key is None else "仍使用原口令的备份"
    left = "".join(f"\n{kind}：{path.name}（{why}）" for path, why in failed.items())
    QMessageBox.information(
        None, APP_TITLE, f"{done}。请牢记口令：口令丢失将无法恢复数据。{left}\n\n请重新打开。"
    )
