"""The one-folder bundle (build.spec) built and tried out by scripts/build_bundle.sh.

Slow (about a minute on two cores) and needs PyInstaller, so it runs only when asked:

    WSJC_TEST_BUNDLE=1 python -m pytest tests/test_bundle.py

The script itself checks the size, ``--version``, the demo database, the screenshot, printing,
Excel, the figures, search, the holiday reminders, check, backup and portable mode, and fails on
any of them; here its outputs are looked at once more from the outside.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wsjc_desktop import __version__

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("WSJC_TEST_BUNDLE") != "1", reason="set WSJC_TEST_BUNDLE=1 to build"),
]

ROOT = Path(__file__).resolve().parent.parent
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


class Built:
    def __init__(self, base: Path, result: subprocess.CompletedProcess[str]) -> None:
        self.bundle = base / "dist" / "wsjc-desktop"
        self.smoke = base / "smoke"
        self.result = result
        self.output = result.stdout + result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("bundle")
    env = {
        **os.environ,
        "DIST_DIR": str(base / "dist"),
        "WORK_DIR": str(base / "work"),
        "SMOKE_DIR": str(base / "smoke"),
        "PYTHON": sys.executable,
    }
    env.pop("WSJC_DATA_DIR", None)
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_bundle.sh")],
        capture_output=True,
        env=env,
        timeout=1200,
        encoding="utf-8",
        errors="replace",
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    return Built(base, result)


def test_script_reports_size_under_200_mb(built: Built) -> None:
    match = re.search(r"bundle: (\d+) MB", built.output)
    assert match, built.output[-2000:]
    assert int(match.group(1)) < 200
    assert "== done in" in built.output


def test_bundle_layout(built: Built) -> None:
    internal = built.bundle / "_internal"
    assert (built.bundle / f"wsjc-desktop{EXE_SUFFIX}").is_file()
    if sys.platform == "win32":
        assert (built.bundle / "wsjc-cli.exe").is_file()
    fonts = (
        "wqy-microhei.ttc",
        "LXGWWenKai-Regular.ttf",
        "FandolFang-Regular.ttf",
        "NotoSerifSC-Bold-subset.ttf",
        "NotoSerifSC-Regular-subset.ttf",
    )
    for font in fonts:
        assert (internal / "resources" / "fonts" / font).is_file()
    assert (internal / "resources" / "icons" / "wsjc.ico").is_file()
    migrations = internal / "wsjc_desktop" / "storage" / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "versions" / "0001_initial_schema.py").is_file()
    assert list((internal / "holidays" / "locale").glob("zh_CN/LC_MESSAGES/CN.mo"))
    names = {p.name for p in internal.rglob("*")}
    for unused in ("QtNetwork", "QtQuick", "Qt6Quick", "QtWebEngine", "Qt6Qml", "QtMultimedia"):
        assert not any(n.startswith((unused + ".", "lib" + unused + ".")) for n in names), unused
    # the try-out of portable mode cleaned up after itself
    assert not (built.bundle / "data").exists()
    assert not (built.bundle / "portable.txt").exists()


def test_version_printed(built: Built) -> None:
    exe = built.bundle / f"wsjc-{'cli' if sys.platform == 'win32' else 'desktop'}{EXE_SUFFIX}"
    result = subprocess.run([str(exe), "--version"], capture_output=True, encoding="utf-8", timeout=60)
    assert result.stdout.strip() == f"wsjc-desktop {__version__}"


def test_screenshot_is_a_real_window(built: Built) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(built.smoke / "dashboard.png"))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 200, "text, charts and widgets, not a blank grab"


def test_printed_pdf_has_chinese_text(built: Built) -> None:
    import pdfplumber

    with pdfplumber.open(built.smoke / "notice.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "纪检监察组" in text


def test_ledger_opens(built: Built) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(built.smoke / "notices.xlsx").active
    assert sheet is not None
    assert sum(1 for row in sheet.iter_rows(values_only=True) if any(row)) > 10
