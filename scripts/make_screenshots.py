"""Regenerate docs/screenshots/: every tab of the window on a fresh demo database.

python scripts/make_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
TABS = {
    "监督单位": "units",
    "廉政档案": "dossier",
    "廉情提醒": "notices",
    "列席会议": "meetings",
    "谈话记录": "talks",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(Path(tmp) / "data")}
        run = [sys.executable, "-m", "wsjc_desktop"]
        subprocess.run(
            [*run, "demo", "--db", str(db), "--seed", "7"], env=env, check=True, capture_output=True
        )
        for title, name in TABS.items():
            target = OUT / f"{name}.png"
            subprocess.run(
                [*run, "gui", "--db", str(db), "--tab", title, "--screenshot", str(target)],
                env=env,
                check=True,
                capture_output=True,
            )
            print(f"{title}: {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
