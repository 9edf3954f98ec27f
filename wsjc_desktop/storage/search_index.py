"""Search index maintenance (placeholder until the search work lands)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session


def refresh(session: Session, items: Sequence[tuple[str, int]]) -> None:
    """Bring the index up to date for these (table name, id) pairs, inside the caller's transaction."""


def rebuild(session: Session) -> None:
    """Rebuild the whole index from the records."""
