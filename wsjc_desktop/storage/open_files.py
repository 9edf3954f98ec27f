"""Which database files this process has open: a file being converted must not be.

``Database`` registers itself when made and leaves when disposed; ``crypto`` asks before it
converts a file. Kept apart from both so that neither imports the other.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Protocol


class OpenFile(Protocol):
    path: Path


#: Every open database of this process not yet disposed (weakly held: a forgotten one goes).
_OPEN: weakref.WeakSet[OpenFile] = weakref.WeakSet()


def add(db: OpenFile) -> None:
    _OPEN.add(db)


def discard(db: OpenFile) -> None:
    _OPEN.discard(db)


def is_open_here(path: Path | str) -> bool:
    """True while a ``Database`` of this process has the file at ``path`` open."""
    target = Path(path).resolve()
    return any(db.path.resolve() == target for db in list(_OPEN))
