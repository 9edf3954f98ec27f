"""resources/ and the migrations reach the program from an installed wheel, not only a checkout."""

from __future__ import annotations

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
