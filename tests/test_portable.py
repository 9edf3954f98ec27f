"""Portable mode: with ``--portable`` or a ``portable.txt`` beside the program, the database,
backups, logs and window layout stay in ``data/`` beside the program, and nothing is written to
the user's folders.

The real command line runs in a subprocess laid out like the bundle: ``sys.frozen`` set and
``sys.executable`` pointing at a fake ``wsjc-desktop.exe`` in a temporary folder (what PyInstaller
does), with HOME, APPDATA and the XDG folders pointed at an empty temporary home.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wsjc_desktop import paths

ROOT = Path(__file__).resolve().parent.parent

#: Runs the command line as the bundle's executable would (PyInstaller sets both attributes).
FROZEN_BOOT = """
import sys
sys.frozen = True
sys.executable = sys.argv[1]
from wsjc_desktop.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


class Layout:
    """A fake program folder and a fake home for one test."""

    def __init__(self, tmp_path: Path) -> None:
        self.app = tmp_path / "WSJC Desktop 便携版"  # spaces and Chinese, as a USB stick may have
        self.app.mkdir()
        self.exe = self.app / "wsjc-desktop.exe"
        self.exe.write_bytes(b"")
        self.data = self.app / "data"
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.cwd = tmp_path / "cwd"
        self.cwd.mkdir()

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("WSJC_DATA_DIR", "WSJC_DB")}
        home = str(self.home)
        env.update(
            HOME=home,
            USERPROFILE=home,
            APPDATA=str(self.home / "AppData" / "Roaming"),
            LOCALAPPDATA=str(self.home / "AppData" / "Local"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            QT_QPA_PLATFORM="offscreen",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        env.update(extra)
        return env

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-c", FROZEN_BOOT, str(self.exe), *args],
            capture_output=True,
            cwd=self.cwd,
            env=self.env(**env),
            timeout=300,
            encoding="utf-8",
        )
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result

    def home_files(self) -> list[str]:
        """Files written under the fake home, less fontconfig's cache (Qt's font lookup on Linux,
        not our data)."""
        return sorted(
            str(p.relative_to(self.home))
            for p in self.home.rglob("*")
            if p.is_file() and "fontconfig" not in p.parts
        )


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path)


def test_portable_flag_keeps_database_backups_and_logs_beside_the_program(layout: Layout) -> None:
    layout.run("--portable", "demo")
    layout.run("backup", "--portable")  # after the command, too
    checked = layout.run("--portable", "check")

    db = layout.data / "wsjc.db"
    assert db.is_file()
    assert str(db) in checked.stdout
    assert list((layout.data / "backups").glob("wsjc-*.db")), "the backup goes beside the database"
    assert (layout.data / "logs" / "wsjc.log").is_file()
    assert layout.home_files() == []
    assert list(layout.cwd.iterdir()) == []


def test_portable_txt_beside_the_program_turns_it_on(layout: Layout) -> None:
    (layout.app / paths.PORTABLE_MARKER).write_text("portable\n", encoding="utf-8")
    layout.run("demo")
    shot = layout.cwd / "shot.png"
    layout.run("gui", "--screenshot", str(shot))  # the window: start-up and exit backups, ui.ini

    assert shot.is_file()
    assert (layout.data / "wsjc.db").is_file()
    assert (layout.data / "ui.ini").is_file(), "window layout is saved beside the program"
    assert list((layout.data / "backups").glob("wsjc-*.db"))
    assert (layout.data / "logs" / "wsjc.log").is_file()
    assert layout.home_files() == []
    assert [p.name for p in layout.cwd.iterdir()] == ["shot.png"]


def test_wsjc_data_dir_wins_over_portable_mode(layout: Layout, tmp_path: Path) -> None:
    (layout.app / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    layout.run("--portable", "demo", WSJC_DATA_DIR=str(elsewhere))

    assert (elsewhere / "wsjc.db").is_file()
    assert (elsewhere / "logs" / "wsjc.log").is_file()
    assert not layout.data.exists()


def test_wsjc_db_still_names_the_database_in_portable_mode(layout: Layout, tmp_path: Path) -> None:
    named = tmp_path / "named.db"
    layout.run("--portable", "demo", WSJC_DB=str(named))

    assert named.is_file()
    assert not (layout.data / "wsjc.db").exists()
    assert (layout.data / "logs" / "wsjc.log").is_file(), "the log still stays beside the program"


@pytest.mark.skipif(sys.platform == "win32", reason="Windows finds its folders without HOME/APPDATA")
def test_without_portable_mode_the_users_data_folder_is_used(layout: Layout) -> None:
    """The other side of the tests above: the same run without the flag writes to the (fake)
    user's folder, so an empty home there really means portable mode kept it clean."""
    layout.run("demo")

    assert not layout.data.exists()
    assert any(name.endswith("wsjc.db") for name in layout.home_files())


# --- paths.py in-process -------------------------------------------------------------------


@pytest.fixture
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WSJC_DATA_DIR", raising=False)
    monkeypatch.setattr(paths, "_portable_requested", False)


def test_program_dir_is_the_executables_folder_when_frozen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "wsjc-desktop.exe"))
    assert paths.program_dir() == tmp_path.resolve()


def test_program_dir_is_the_checkout_from_source() -> None:
    assert not getattr(sys, "frozen", False)
    assert paths.program_dir() == ROOT
    assert (paths.program_dir() / "wsjc_desktop" / "paths.py").is_file()


def test_data_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_override: None) -> None:
    (tmp_path / "app").mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "app" / "wsjc-desktop.exe"))
    user = tmp_path / "user"
    monkeypatch.setattr("platformdirs.user_data_path", lambda *a, **k: user)

    assert not paths.is_portable()
    assert paths.data_dir() == user

    (tmp_path / "app" / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.is_portable()
    assert paths.data_dir() == tmp_path.resolve() / "app" / "data"
    assert paths.default_db_path() == tmp_path.resolve() / "app" / "data" / "wsjc.db"
    assert paths.log_dir() == tmp_path.resolve() / "app" / "data" / "logs"

    monkeypatch.setenv("WSJC_DATA_DIR", str(tmp_path / "tests"))
    assert paths.data_dir() == tmp_path / "tests"


def test_set_portable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_override: None) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "wsjc-desktop.exe"))
    paths.set_portable()
    assert paths.is_portable()
    assert paths.data_dir() == tmp_path.resolve() / "data"
