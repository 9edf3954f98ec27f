"""resources/ and the migrations reach the program from an installed wheel, not only a checkout."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    (wheel,) = tmp_path.glob("wsjc_desktop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ROOT.joinpath("resources").rglob("*"):
        if path.is_file():
            assert f"wsjc_desktop/_resources/{path.relative_to(ROOT / 'resources').as_posix()}" in names
    assert "wsjc_desktop/storage/migrations/env.py" in names
    assert "wsjc_desktop/storage/migrations/versions/0001_initial_schema.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_resource_helper_finds_the_checkout_folder() -> None:
    from wsjc_desktop.resources import resource_path, resources_root

    assert resources_root().is_dir()
    assert resource_path("README.md").read_text(encoding="utf-8").startswith("#")


def test_linux_system_library_table() -> None:
    """packaging/linux-system-libs.txt, read by build.spec (what a Linux bundle leaves out) and
    scripts/build_deb.sh (the .deb's Depends): one soname and its package(s) a line."""
    table = ROOT / "packaging" / "linux-system-libs.txt"
    rows = [
        line.split(None, 1)
        for line in table.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) > 30
    sonames = [row[0] for row in rows]
    assert len(set(sonames)) == len(sonames)
    package = r"[a-z0-9][a-z0-9+.-]+"
    for row in rows:
        assert len(row) == 2, row
        soname, packages = row
        assert re.fullmatch(r"(lib|ld-)[A-Za-z0-9_+.-]*\.so\.[0-9]+", soname), soname
        assert re.fullmatch(rf"{package}( \| {package})*", packages.strip()), row
    # what the Qt platform plugin needs is the system's; what Debian 10 (UOS 20) lacks is not
    assert {"libxcb.so.1", "libGL.so.1", "libxkbcommon-x11.so.0", "libxcb-cursor.so.0"} <= set(sonames)
    assert "libxcb-util.so.1" not in sonames
    assert "libpython3.11.so.1.0" not in sonames
