"""What a write changed, so every open view can refresh only that."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChangeSet:
    """Ids created, updated, deleted (to the recycle bin) and restored, by table name."""

    created: dict[str, set[int]] = field(default_factory=dict)
    updated: dict[str, set[int]] = field(default_factory=dict)
    deleted: dict[str, set[int]] = field(default_factory=dict)
    restored: dict[str, set[int]] = field(default_factory=dict)

    def add(self, op: str, table: str, record_id: int) -> None:
        getattr(self, op).setdefault(table, set()).add(record_id)

    @property
    def tables(self) -> set[str]:
        return set(self.created) | set(self.updated) | set(self.deleted) | set(self.restored)

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))

    def ids(self, table: str) -> set[int]:
        out: set[int] = set()
        for bucket in (self.created, self.updated, self.deleted, self.restored):
            out |= bucket.get(table, set())
        return out

    def __bool__(self) -> bool:
        return bool(self.tables)

    def merge(self, other: ChangeSet) -> None:
        for op in ("created", "updated", "deleted", "restored"):
            mine: dict[str, set[int]] = getattr(self, op)
            for table, ids in getattr(other, op).items():
                mine.setdefault(table, set()).update(ids)
