"""The two kinds of error: what the user caused (shown in Chinese) and everything else (a bug)."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Bad input, a missing record, a locked file: shown to the user, nothing is written.

    ``field`` names the offending field (its code name) so a form can put the message
    beside the right input; ``message`` is the Chinese text shown to the user.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFoundError(UserError):
    """The record asked for does not exist (or is in the recycle bin)."""


class DuplicateError(UserError):
    """The record would duplicate one already present."""


class SchemaTooNewError(UserError):
    """The file was written by a newer program version than this one."""


def write_error(exc: OSError, out: Path, holder: str) -> UserError:
    """A Chinese message for a file that could not be written; ``holder`` names the program
    likely to hold it open (Excel、WPS, a PDF reader)."""
    import errno

    if isinstance(exc, PermissionError):
        return UserError(
            f"无法写入“{out}”：没有写入权限，或文件正被其他程序（如 {holder}）打开。"
            "请关闭后重试，或另选位置。"
        )
    if exc.errno == errno.ENOSPC:
        return UserError(f"磁盘空间已满，未能保存“{out.name}”。请清理磁盘后重试。")
    if isinstance(exc, FileNotFoundError):
        return UserError(f"文件夹不存在：{out.parent}")
    return UserError(f"无法写入“{out}”：{exc.strerror or exc}")
