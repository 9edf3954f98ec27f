"""Read-only media for tests: a folder the test fills, then makes read-only for real.

As root (who writes anywhere a mode bit forbids) the folder is a tmpfs mount, remounted
read-only: every write fails with EROFS, as on a write-protected stick or a CD. As another user
the folder's mode is taken away (0555), which that user cannot write past. Both are real; a
machine where neither works skips the test with its reason.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class Medium:
    """A folder to fill (``path``), then :meth:`protect`."""

    def __init__(self, path: Path, mounted: bool) -> None:
        self.path = path
        self.mounted = mounted
        self.protected = False

    def protect(self) -> None:
        """Make the folder (and every folder in it) read-only."""
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)
        else:
            for folder in [self.path, *(p for p in self.path.rglob("*") if p.is_dir())]:
                folder.chmod(0o555)
        self.protected = True
        probe = self.path / ".probe"
        with pytest.raises(OSError):
            probe.touch()

    def release(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)
        else:
            for folder in [self.path, *(p for p in self.path.rglob("*") if p.is_dir())]:
                folder.chmod(0o755)

    def listing(self) -> dict[str, int]:
        """Every file on the medium with its size (to show nothing was added or changed)."""
        return {str(p.relative_to(self.path)): p.stat().st_size for p in self.path.rglob("*") if p.is_file()}


@pytest.fixture
def medium(tmp_path: Path) -> Iterator[Medium]:
    path = tmp_path / "medium"
    path.mkdir()
    mounted = False
    if os.name == "posix" and os.geteuid() == 0:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256m,mode=0755", "tmpfs", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"root cannot be kept from writing here without a mount: {done.stderr.strip()}")
        mounted = True
    elif os.name != "posix":
        pytest.skip("read-only folders are tested on POSIX")
    found = Medium(path, mounted)
    try:
        yield found
    finally:
        found.release()
