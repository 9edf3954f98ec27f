"""The complete schema the migrations must produce: the models plus the search tables."""

from __future__ import annotations

from sqlalchemy import MetaData

from wsjc_desktop.domain import models
from wsjc_desktop.storage import search_index  # noqa: F401  (registers its tables)

metadata: MetaData = models.Base.metadata

#: Virtual (FTS5) tables and their shadow tables: made by migrations, unknown to the models.
VIRTUAL_TABLE_PREFIXES = ("search_fts",)


def is_virtual(name: str) -> bool:
    return name.startswith(VIRTUAL_TABLE_PREFIXES)
