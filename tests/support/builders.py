"""Small helpers that make test records through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from wsjc_desktop.services import records, settings
from wsjc_desktop.storage.database import Database

#: The 机关代字 tests give their group (a fresh file has the placeholder, and issuing is refused).
AGENCY_CODE = "驻财纪"

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth: date, seq: int = 123, region: str = "110105") -> str:
    """A valid 18-digit 身份证号, computed here independently of the program."""
    first = f"{region}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True))
    return first + "10X98765432"[total % 11]


def unit(db: Database, name: str = "区财政局", **values: Any) -> int:
    return records.create(db, "units", {"full_name": name, "unit_type": "agency", **values})


def cadre(db: Database, unit_id: int, name: str = "张三", **values: Any) -> int:
    return records.create(db, "cadres", {"name": name, "unit_id": unit_id, **values})


def member(db: Database, name: str = "李明", **values: Any) -> int:
    return records.create(db, "members", {"name": name, **values})


def agency_code(db: Database, code: str = AGENCY_CODE) -> str:
    """Give the group its 机关代字, as the first start does; returns it. A fresh file still has
    the placeholder “驻X纪”, with which no notice can be issued."""
    settings.set_many(db, {"group.agency_code": code})
    return code
