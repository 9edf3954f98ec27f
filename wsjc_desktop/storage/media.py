"""Files on read-only media: a write-protected USB stick, a CD, a read-only mount or folder.

SQLite opens a file read-only (``mode=ro``) only where it can still create the side files it
needs: a WAL-mode file wants its ``-shm`` beside it, so on read-only media it does not open at
all. There it is opened ``immutable``: SQLite then takes no locks, creates nothing and reads the
file alone. That is right only when nothing can be waiting beside the file, so a file on
read-only media with a write-ahead log or a hot journal beside it is refused with a message
(its last transactions would be missed without a word).

Every read-only connection of the program takes its URI from :func:`readonly_uri` (or uses
:func:`connect_readonly`), so a database, a backup or a file to restore from can be checked,
listed and read wherever it lies. Backups are written in rollback-journal mode
(:func:`wsjc_desktop.storage.backupio.online_backup`), so that even other SQLite tools read them
from such media.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from wsjc_desktop.errors import UserError

#: the side files whose content belongs to the database (``-shm`` is only an index)
LOGS = ("-wal", "-journal")


def _volume_read_only_windows(folder: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    root = ctypes.create_unicode_buffer(1024)
    if not kernel32.GetVolumePathNameW(str(folder), root, len(root)):
        return False
    flags = wintypes.DWORD()
    if not kernel32.GetVolumeInformationW(root, None, 0, None, None, ctypes.byref(flags), None, 0):
        return False
    FILE_READ_ONLY_VOLUME = 0x00080000
    return bool(flags.value & FILE_READ_ONLY_VOLUME)


def read_only_media(path: Path | str) -> bool:
    """Whether nothing can be written beside ``path``: its folder is on a read-only file system
    (a write-protected stick, a CD, a read-only mount) or is a folder this user may not write."""
    folder = Path(path).expanduser().resolve().parent
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            if _volume_read_only_windows(folder):
                return True
        except OSError:
            pass
    else:
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            return False
    return folder.is_dir() and not os.access(folder, os.W_OK)


def pending_log(path: Path | str) -> Path | None:
    """A ``-wal`` or ``-journal`` beside ``path`` that still holds something, if there is one."""
    for end in LOGS:
        side = Path(f"{path}{end}")
        try:
            if side.is_file() and side.stat().st_size > 0:
                return side
        except OSError:
            continue
    return None


def stranded_message(path: Path, log_file: Path) -> str:
    return (
        f"“{path.name}”位于只读的位置（{path.parent}），旁边还有尚未写入它的日志文件“{log_file.name}”，"
        "在这里无法完整读取。请把这两个文件一起复制到可写的文件夹（如桌面）后再打开。"
    )


def readonly_uri(path: Path | str) -> str:
    """The SQLite URI that opens ``path`` read-only: ``mode=ro``, and on read-only media also
    ``immutable=1``. Raises UserError for a file on read-only media with a log beside it."""
    path = Path(path).expanduser()
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not read_only_media(path):
        return uri
    stranded = pending_log(path)
    if stranded is not None:
        raise UserError(stranded_message(path, stranded))
    return uri + "&immutable=1"


def connect_readonly(
    path: Path | str, *, timeout: float = 5.0, check_same_thread: bool = True
) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection that only reads ``path`` (see :func:`readonly_uri`)."""
    return sqlite3.connect(readonly_uri(path), uri=True, timeout=timeout, check_same_thread=check_same_thread)


def try_connect_readonly(path: Path | str) -> sqlite3.Connection | None:
    """:func:`connect_readonly`, or None if the file cannot be read that way (for quick looks
    whose caller has a default: the real opening says what is wrong)."""
    try:
        return connect_readonly(path)
    except (sqlite3.Error, UserError):
        return None


# --- network file systems ------------------------------------------------------------------------

#: File system types (Linux ``/proc/mounts``) where SQLite's locking and write-ahead log are not
#: safe between computers.
NETWORK_TYPES = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "9p"}
    | {"fuse.sshfs", "sshfs", "davfs", "fuse.davfs2"}
)


def _mount_type(path: Path, mounts: str) -> str | None:
    """The type of the file system ``path`` lies on, from the text of ``/proc/mounts``."""
    best, kind = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = str(path) == point or str(path).startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _windows_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    text = str(path)
    if text.startswith(("\\\\", "//")):  # a UNC path: \\server\share
        return True
    drive = os.path.splitdrive(text)[0]
    if not drive:
        return False
    DRIVE_REMOTE = 4
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
    return bool(kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE)


def network_filesystem(path: Path | str, *, mounts: str | None = None) -> str | None:
    """What network file system ``path`` (a database file) lies on — ``cifs``, ``nfs4``, a UNC
    path — or None on a local disk. ``mounts``: the text of ``/proc/mounts`` (for tests)."""
    target = Path(path).expanduser()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return "网络共享" if _windows_remote(target) else None
    folder = target.resolve().parent
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    kind = _mount_type(folder, mounts)
    return kind if kind in NETWORK_TYPES else None


def network_message(path: Path, kind: str) -> str:
    return (
        f"数据库“{path.name}”位于网络共享上（{kind}：{path.parent}）。两台电脑通过网络共享同时使用一个数据库文件"
        "会损坏它，所以本程序只以只读方式打开网络上的数据库。\n\n"
        "请把数据库放在本机硬盘上，两台电脑之间用“文件 → 数据交换”或设置中的“交换文件夹”"
        "（可以是这个网络共享）交换数据。"
    )
