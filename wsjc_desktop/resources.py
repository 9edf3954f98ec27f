"""The one way to reach files under ``resources/``: from a checkout, an installed wheel or a
PyInstaller bundle alike."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_root() -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # PyInstaller one-folder bundle: build.spec copies resources/ to the top
        candidates.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    candidates.append(here / "_resources")  # installed wheel: resources/ shipped inside the package
    candidates.append(here.parent / "resources")  # source checkout / editable install
    for path in candidates:
        if path.is_dir():
            return path
    raise FileNotFoundError("resources folder not found; looked in: " + ", ".join(map(str, candidates)))


def resource_path(*parts: str) -> Path:
    """Absolute path of a file under resources/, e.g. ``resource_path("fonts", "x.ttf")``."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {'/'.join(parts)}")
    return path
