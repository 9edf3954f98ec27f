"""How stored values read in tables, ledgers and slips: labels, 是/否, dates, names (no Qt).

:func:`display_value` is the full text (ledgers, slips, the edit form); :func:`screen_value`
is what a table, the dossier or a search result shows, with a 身份证号 masked
(:func:`mask_id_number`). A deliberate output (an Excel ledger, a printed slip) keeps the full
value; the screen shows it only on request, and that look is audited.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import LabeledEnum, NoticeStatus
from wsjc_desktop.domain.fields import ALERT_NOTICE, Field, FieldKind
from wsjc_desktop.storage.database import Database


def format_date(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def format_month(value: date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def format_cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


class Lookups:
    """Names of units, members and cadres by id, loaded once and refreshed when they change."""

    TABLES = ("units", "members", "cadres")

    def __init__(self, db: Database) -> None:
        self.db = db
        self.units: dict[int, str] = {}
        self.unit_full: dict[int, str] = {}
        self.members: dict[int, str] = {}
        self.cadres: dict[int, tuple[str, int]] = {}  # id → (name, unit id)
        self._loaded: set[str] = set()

    def invalidate(self, changes: ChangeSet | None = None) -> None:
        if changes is None:
            self._loaded.clear()
        else:
            self._loaded -= changes.tables

    def _ensure(self, table: str) -> None:
        if table in self._loaded:
            return
        with self.db.read() as uow:
            s = uow.session
            if table == "units":
                rows = s.execute(select(m.Unit.id, m.Unit.short_name, m.Unit.full_name)).all()
                self.units = {i: short or full for i, short, full in rows}
                self.unit_full = {i: full for i, _short, full in rows}
            elif table == "members":
                self.members = {i: n for i, n in s.execute(select(m.Member.id, m.Member.name))}
            elif table == "cadres":
                self.cadres = {
                    i: (name, unit_id)
                    for i, name, unit_id in s.execute(select(m.Cadre.id, m.Cadre.name, m.Cadre.unit_id))
                }
        self._loaded.add(table)

    def name(self, table: str, record_id: int | None) -> str:
        if record_id is None:
            return ""
        self._ensure(table)
        if table == "units":
            return self.units.get(record_id, f"#{record_id}")
        if table == "members":
            return self.members.get(record_id, f"#{record_id}")
        if table == "cadres":
            found = self.cadres.get(record_id)
            return found[0] if found else f"#{record_id}"
        return f"#{record_id}"

    def active_units(self) -> list[tuple[int, str]]:
        with self.db.read() as uow:
            rows = uow.session.execute(
                select(m.Unit.id, m.Unit.short_name, m.Unit.full_name)
                .where(m.Unit.deleted_at.is_(None))
                .order_by(m.Unit.sort_order, m.Unit.id)
            ).all()
        return [(i, short or full) for i, short, full in rows]

    def active_members(self) -> list[tuple[int, str]]:
        with self.db.read() as uow:
            rows = uow.session.execute(
                select(m.Member.id, m.Member.name)
                .where(m.Member.deleted_at.is_(None), m.Member.is_active.is_(True))
                .order_by(m.Member.sort_order, m.Member.id)
            ).all()
        return [(i, n) for i, n in rows]

    def active_cadres(self) -> list[tuple[int, str]]:
        """(id, “姓名（单位）”) for pickers."""
        self._ensure("units")
        with self.db.read() as uow:
            rows = uow.session.execute(
                select(m.Cadre.id, m.Cadre.name, m.Cadre.unit_id)
                .join(m.Unit, m.Unit.id == m.Cadre.unit_id)
                .where(m.Cadre.deleted_at.is_(None), m.Unit.deleted_at.is_(None))
                .order_by(m.Unit.sort_order, m.Cadre.unit_id, m.Cadre.id)
            ).all()
        return [(i, f"{n}（{self.units.get(u, '')}）") for i, n, u in rows]


def display_value(fld: Field, value: Any, lookups: Lookups | None = None) -> str:
    """The text a table cell or a slip shows for a stored value."""
    if value is None or value == "":
        return ""
    kind = fld.kind
    if isinstance(value, LabeledEnum):
        return value.label
    if kind is FieldKind.ENUM and fld.enum is not None:
        try:
            return fld.enum.parse(value).label
        except ValueError:
            return str(value)
    if kind is FieldKind.BOOL:
        return "是" if value else "否"
    if kind is FieldKind.MONTH and isinstance(value, date):
        return format_month(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if kind is FieldKind.REF and fld.ref and lookups is not None:
        return lookups.name(fld.ref, int(value))
    if kind is FieldKind.REFS and fld.ref and lookups is not None:
        return "、".join(lookups.name(fld.ref, int(v)) for v in value)
    if kind is FieldKind.LONG_TEXT:
        text = str(value).replace("\n", " ")
        return text if len(text) <= 60 else text[:58] + "…"
    return str(value)


#: Characters kept at each end of a masked 身份证号 (of an 18-character one; fewer if shorter).
ID_KEEP = 4
MASK = "*"


def mask_id_number(value: str | None) -> str:
    """A 身份证号 as the screen shows it: 330102198001014149 → 3301**********4149.

    The first and last ``min(4, len // 4)`` characters stay, so at least half of any value is
    hidden whatever its length (a 15-digit number keeps 3 + 3, a short or malformed one less,
    under 4 characters nothing); the length is kept, so a column still lines up.
    """
    text = (value or "").strip()
    keep = min(ID_KEEP, len(text) // 4)
    if not keep:
        return MASK * len(text)
    return text[:keep] + MASK * (len(text) - 2 * keep) + text[-keep:]


def is_masked(fld: Field) -> bool:
    """Whether the screen masks this field's values (the full value only on request)."""
    return fld.kind is FieldKind.ID_NUMBER


def screen_value(fld: Field, value: Any, lookups: Lookups | None = None) -> str:
    """The text a table cell, the dossier or a search result shows: :func:`display_value`, with
    a 身份证号 masked. Copying rows copies this text, never the full value."""
    if is_masked(fld) and value:
        return mask_id_number(str(value))
    return display_value(fld, value, lookups)


def notice_status(row: dict[str, Any], today: date | None = None) -> NoticeStatus:
    """A notice's status as shown (逾期 derived from its deadline): its spec's ``shown_status``."""
    status = ALERT_NOTICE.row_status(row, today or date.today())
    assert isinstance(status, NoticeStatus)
    return status
