"""``atomic_write``: the target is either the old file or the whole new one, never half, and no
temporary is left beside it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import (
    PRIVATE_MODE,
    atomic_write,
    copy_new,
    create_private,
    fsync_dir,
    fsync_file,
    wipe,
)

OLD = "旧的台账".encode()


def folder_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(OLD)
    return path


def test_the_new_content_replaces_the_target_when_the_block_ends(target: Path) -> None:
    with atomic_write(target, holder="Excel、WPS") as handle:
        handle.write(b"new ")
        handle.flush()
        assert target.read_bytes() == OLD  # not yet: the writing goes to a temporary beside it
        assert len(folder_names(target.parent)) == 2
        handle.write(b"ledger")
    assert target.read_bytes() == b"new ledger"
    assert folder_names(target.parent) == [target.name]


def test_a_new_file_is_made(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "new.pdf", holder="PDF 阅读器") as handle:
        handle.write(b"%PDF")
    assert folder_names(tmp_path) == ["new.pdf"]


def test_a_writer_that_fails_midway_leaves_the_target_untouched_and_no_temporary(target: Path) -> None:
    with pytest.raises(ValueError, match="bad row"), atomic_write(target, holder="Excel、WPS") as handle:
        handle.write(b"half a ledger")
        handle.flush()
        raise ValueError("bad row")
    assert target.read_bytes() == OLD
    assert folder_names(target.parent) == [target.name]


def test_an_os_error_midway_is_the_chinese_write_error(target: Path) -> None:
    with pytest.raises(UserError) as info, atomic_write(target, holder="Excel、WPS") as handle:
        handle.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert info.value.message == f"磁盘空间已满，未能保存“{target.name}”。请清理磁盘后重试。"
    assert isinstance(info.value.__cause__, OSError)
    assert target.read_bytes() == OLD
    assert folder_names(target.parent) == [target.name]


def test_a_failed_rename_leaves_the_target_and_no_temporary(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when Excel holds the old file open on Windows: the rename is refused."""

    def refused(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(UserError) as info, atomic_write(target, holder="Excel、WPS") as handle:
        handle.write(b"the whole new ledger")
    assert "Excel、WPS" in info.value.message and str(target) in info.value.message
    assert target.read_bytes() == OLD
    assert folder_names(target.parent) == [target.name]


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "没有的文件夹"
    with pytest.raises(UserError) as info, atomic_write(missing / "x.pdf", holder="PDF 阅读器"):
        pytest.fail("the block must not run")
    assert info.value.message == f"文件夹不存在：{missing}"
    assert folder_names(tmp_path) == []


def test_without_a_holder_the_os_error_is_the_callers_to_word(target: Path) -> None:
    with pytest.raises(OSError) as info, atomic_write(target, holder=None) as handle:
        handle.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert not isinstance(info.value, UserError) and info.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD
    assert folder_names(target.parent) == [target.name]


# --- the file steps of backups, restores and conversions ------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_private_files_are_the_owners_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        create_private(tmp_path / "a.db")
        (tmp_path / "source").write_bytes(b"x" * 3_000_000)
        copy_new(tmp_path / "source", tmp_path / "b.db")
    finally:
        os.umask(old)
    assert (tmp_path / "a.db").stat().st_mode & 0o777 == PRIVATE_MODE == 0o600
    assert (tmp_path / "b.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b.db").read_bytes() == b"x" * 3_000_000


def test_private_files_are_never_made_over_another(tmp_path: Path) -> None:
    (tmp_path / "a.db").write_bytes(OLD)
    with pytest.raises(FileExistsError):
        create_private(tmp_path / "a.db")
    with pytest.raises(FileExistsError):
        copy_new(tmp_path / "a.db", tmp_path / "a.db")
    assert (tmp_path / "a.db").read_bytes() == OLD


def test_wipe_overwrites_with_zeros_before_deleting(tmp_path: Path) -> None:
    path = tmp_path / ".wsjc.db.0badc0de.old"
    secret = "欧阳震华".encode() * 300_000  # more than one chunk
    path.write_bytes(secret)
    with path.open("rb") as seen:  # the blocks as they are when the name goes
        assert wipe(path, chunk=1 << 16)
        assert not path.exists()
        left = seen.read()
    assert len(left) == len(secret) and left.count(0) == len(left)
    assert wipe(tmp_path / "missing")  # nothing to do: gone already


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_wipe_never_raises(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "f").write_bytes(b"secret")
    os.chmod(folder / "f", 0o400)
    os.chmod(folder, 0o500)
    try:
        gone = wipe(folder / "f")
    finally:
        os.chmod(folder, 0o700)
    assert gone is (not (folder / "f").exists())


def test_fsync_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x")
    fsync_file(tmp_path / "f")
    fsync_dir(tmp_path)
    fsync_dir(tmp_path / "missing")  # best effort: never raises


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_special_file_is_never_replaced(tmp_path: Path) -> None:
    """Issue 15: as root, ``restore … --db /dev/null`` replaced the device with a regular file.
    The command line refuses such paths; the writers themselves now refuse too (a named pipe
    stands in for the device here: anyone may make one)."""
    from wsjc_desktop.services import backup

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(UserError, match="不是普通文件"), atomic_write(pipe, holder="Excel、WPS") as out:
        out.write(b"never")
    with pytest.raises(UserError, match="不是普通文件"), atomic_write(pipe, holder=None) as out:
        out.write(b"never")
    with pytest.raises(UserError, match="不是普通文件"):
        backup.restore(tmp_path / "no-backup.db", pipe)
    assert folder_names(tmp_path) == ["pipe"] and pipe.is_fifo()
