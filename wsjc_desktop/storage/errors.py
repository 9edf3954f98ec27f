"""Driver errors in words the user can act on.

SQLite (and SQLCipher) report a locked, read-only, full or damaged file as error text; these
turn that text into the Chinese ``UserError`` the window shows, or say there is none (a bug).
Every storage module may import this one: it imports none of them.
"""

from __future__ import annotations

from wsjc_desktop.errors import UserError

__all__ = ["is_damage", "translate_db_error"]


def is_damage(exc: BaseException) -> bool:
    """The driver error says the file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def translate_db_error(exc: BaseException) -> UserError | None:
    """A Chinese UserError for database failures the user can cause, else None."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return UserError("数据库正被另一程序或另一台电脑写入，请稍后再试。")
    if "readonly" in text or "read-only" in text or "attempt to write a readonly" in text:
        return UserError("数据库文件是只读的（可能在只读目录或被设为只读），无法保存修改。")
    if "disk is full" in text or "database or disk is full" in text:
        return UserError("磁盘空间已满，未能保存。请清理磁盘后重试。")
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return UserError("数据库文件已损坏或不是本程序的数据库文件。")
    if "unable to open" in text:
        return UserError("无法打开数据库文件，请检查路径和访问权限。")
    return None
