"""A database on a network share is never opened for writing (issue 16, point 5): SQLite's
locks and write-ahead log are not safe between computers."""

from __future__ import annotations

from pathlib import Path

from wsjc_desktop.storage import media

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
//server/share /mnt/share cifs rw,relatime,vers=3.0 0 0
server:/export /mnt/nfs nfs4 rw,relatime 0 0
/dev/sdb1 /mnt/share/local ext4 rw 0 0
tmpfs /mnt/with\\040space tmpfs rw 0 0
"""


def test_the_file_system_under_a_database_is_named() -> None:
    assert media.network_filesystem(Path("/mnt/share/组/wsjc.db"), mounts=MOUNTS) == "cifs"
    assert media.network_filesystem(Path("/mnt/nfs/wsjc.db"), mounts=MOUNTS) == "nfs4"
    assert media.network_filesystem(Path("/mnt/share/local/wsjc.db"), mounts=MOUNTS) is None  # a disk inside
    assert media.network_filesystem(Path("/mnt/sharex/wsjc.db"), mounts=MOUNTS) is None  # not a prefix match
    assert media.network_filesystem(Path("/home/wsjc.db"), mounts=MOUNTS) is None
    assert media.network_filesystem(Path("/mnt/with space/wsjc.db"), mounts=MOUNTS) is None


def test_the_message_says_why_and_what_to_do_instead() -> None:
    text = media.network_message(Path("/mnt/share/wsjc.db"), "cifs")
    assert "网络共享" in text and "只读" in text and "交换文件夹" in text
