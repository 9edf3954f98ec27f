"""The complete schema the migrations must produce: the models plus the search tables (the
FTS5 tables and the replica's ``sync_*`` tables are the migrations' own, unknown to the models)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from wsjc_desktop.domain import models
from wsjc_desktop.storage import search_index  # noqa: F401  (registers its tables)

metadata: MetaData = models.Base.metadata

#: Virtual (FTS5) tables and their shadow tables, and the replica's tables (``storage.sync_schema``):
#: made by migrations, unknown to the models.
VIRTUAL_TABLE_PREFIXES = ("search_fts", "sync_")


def is_virtual(name: str) -> bool:
    return name.startswith(VIRTUAL_TABLE_PREFIXES)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave the FTS5 tables to the migrations that made them."""
    return not (type_ == "table" and name is not None and is_virtual(name))


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and name is not None and is_virtual(name))
