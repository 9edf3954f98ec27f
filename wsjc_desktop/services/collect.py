"""信息采集: a unit's workbook made from what the group knows, and the returned workbook brought back.

:func:`make_collection` writes, for one unit, its cadres, their family members and their
personal-matters reports into a workbook (:mod:`wsjc_desktop.excel.collect`) the unit checks and
completes. :func:`preview_collection` reads the returned file and says, per cadre, what would
change (old → new) and what would be added; nothing is written. :func:`import_collection`
writes a preview in one transaction, all or nothing: any bad cell refuses the whole file.

Rows are matched by the hidden keys the workbook carries (the cadre's id, the family member's
or report's id). A row the unit added has none: it is matched to what is stored by its natural
key (a cadre by ID number, else by name within the unit; a family member by the cadre and the
name; a report by the cadre and the year), so importing the same file twice changes nothing
the second time. A blank cell never clears a stored value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.fields import CADRE, FieldKind, RecordSpec
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel import collect as sheets
from wsjc_desktop.excel.collect import CADRE_ID_NUMBER, CADRE_KEY, CADRE_NAME, RECORD_KEY, CollectRow
from wsjc_desktop.limits import DEFAULT_LIMITS, Limits
from wsjc_desktop.services import ledgers, records, rules
from wsjc_desktop.services.display import screen_value
from wsjc_desktop.services.roster_import import NO_DATE_MARKS, id_number_cell
from wsjc_desktop.storage.database import Database

TABLES = ("cadres", "family_members", "personal_matters_reports")
#: What each kind of record is called in the preview and in messages.
KIND_LABELS = {"cadres": "干部信息", "family_members": "家庭成员", "personal_matters_reports": "个人有关事项"}
EMPTY = "（空）"


class Action(StrEnum):
    NEW = "新增"
    UPDATE = "更新"


# --- making the workbook ----------------------------------------------------------------------


@dataclass(frozen=True)
class MadeCollection:
    path: Path
    unit_name: str
    cadres: int
    family_members: int
    reports: int


def default_file_name(unit_name: str, day: date | None = None) -> str:
    """信息采集表-区财政局-20260615.xlsx"""
    return f"信息采集表-{unit_name}-{(day or date.today()):%Y%m%d}.xlsx"


def unit_choices(db: Database) -> list[tuple[int, str]]:
    """The units a workbook can be made for: (id, name as shown), in their order."""
    with db.read() as uow:
        rows = uow.session.execute(
            select(m.Unit.id, m.Unit.full_name, m.Unit.short_name)
            .where(m.Unit.deleted_at.is_(None))
            .order_by(m.Unit.sort_order, m.Unit.id)
        ).all()
    return [(int(i), short or full) for i, full, short in rows]


def _values(obj: m.Record, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def make_collection(db: Database, unit_id: int, out: Path | str) -> MadeCollection:
    """Write the collection workbook of unit ``unit_id`` to ``out``; noted in the audit log (the
    file holds ID numbers) when the database can be written."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"请给出 .xlsx 文件名：{out}")
    with db.read() as uow:
        session = uow.session
        unit = session.get(m.Unit, unit_id)
        if unit is None or unit.deleted_at is not None:
            raise UserError("所选单位不存在或已被删除。")
        unit_name = unit.display_name
        cadres = list(
            session.scalars(
                select(m.Cadre)
                .where(m.Cadre.unit_id == unit_id, m.Cadre.deleted_at.is_(None))
                .order_by(m.Cadre.is_top_leader.desc(), m.Cadre.is_leader.desc(), m.Cadre.id)
            )
        )
        order = {c.id: i for i, c in enumerate(cadres)}
        owners = {c.id: c for c in cadres}
        family = sorted(
            session.scalars(
                select(m.FamilyMember).where(
                    m.FamilyMember.cadre_id.in_(order), m.FamilyMember.deleted_at.is_(None)
                )
            ),
            key=lambda f: (order[f.cadre_id], f.id),
        )
        reports = sorted(
            session.scalars(
                select(m.PersonalMattersReport).where(
                    m.PersonalMattersReport.cadre_id.in_(order), m.PersonalMattersReport.deleted_at.is_(None)
                )
            ),
            key=lambda r: (order[r.cadre_id], -r.year, r.id),
        )

        def owned(record: m.FamilyMember | m.PersonalMattersReport, names: Iterable[str]) -> dict[str, Any]:
            owner = owners[record.cadre_id]
            return {
                CADRE_KEY: owner.id,
                RECORD_KEY: record.id,
                CADRE_NAME: owner.name,
                CADRE_ID_NUMBER: owner.id_number,
                **_values(record, names),
            }

        book = sheets.CollectBook(
            unit_id=unit_id,
            unit_name=unit_name,
            made_at=datetime.now(),
            rows={
                "cadres": [{CADRE_KEY: c.id, **_values(c, sheets.CADRE_FIELDS)} for c in cadres],
                "family_members": [owned(f, sheets.FAMILY_FIELDS) for f in family],
                "personal_matters_reports": [owned(r, sheets.REPORT_FIELDS) for r in reports],
            },
        )
    sheets.write_collection(out, book)
    made = MadeCollection(out, unit_name, len(cadres), len(family), len(reports))
    ledgers.note_export(
        db,
        f"生成信息采集表（{unit_name}）：干部{made.cadres}人，家庭成员{made.family_members}人，"
        f"个人有关事项报告{made.reports}份：{out.name}",
        "cadres",
    )
    return made


# --- the preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectIssue:
    sheet: str
    row: int  # 0: the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def text(self) -> str:
        where = f"工作表“{self.sheet}”第{self.row}行" if self.row else f"工作表“{self.sheet}”"
        return f"{where} {self.column}：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class NewCadreRow:
    """A cadre the unit added on the 干部基本信息 sheet (row ``row``), created by the import."""

    row: int


CadreRef = int | NewCadreRow


@dataclass
class Change:
    table: str
    row: int  # in its sheet
    action: Action
    title: str  # what the record is: the cadre's name, 配偶 李四, 2025年度
    fields: list[FieldChange]
    record_id: int | None
    values: dict[str, Any]  # checked, what is written
    cadre: CadreRef

    @property
    def kind(self) -> str:
        return KIND_LABELS[self.table]

    @property
    def sheet(self) -> str:
        return sheets.sheet_of(self.table).name

    def text(self) -> str:
        """One line: 更新家庭成员“配偶 李四”：工作单位 某公司 → 某局；职务 （空） → 科员"""
        head = f"{self.action.value}{self.kind}“{self.title}”"
        if self.action is Action.NEW:
            filled = "；".join(f"{f.label} {f.new}" for f in self.fields)
            return f"{head}：{filled}" if filled else head
        return head + "：" + "；".join(f"{f.label} {f.old} → {f.new}" for f in self.fields)


@dataclass
class CadreChanges:
    """What the file changes for one cadre (a new cadre included)."""

    name: str
    cadre: CadreRef
    changes: list[Change] = field(default_factory=list)


@dataclass
class CollectPreview:
    path: Path
    unit_id: int
    unit_name: str
    made_at: str
    cadres: list[CadreChanges]
    unchanged: dict[str, int]  # table → rows that change nothing
    errors: list[CollectIssue]
    warnings: list[CollectIssue]
    source: sheets.ReadCollection
    fingerprint: tuple[Any, ...] = ()

    @property
    def changes(self) -> list[Change]:
        return [c for group in self.cadres for c in group.changes]

    def count(self, action: Action, table: str | None = None) -> int:
        return sum(1 for c in self.changes if c.action is action and table in (None, c.table))

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            rows = len({(e.sheet, e.row) for e in self.errors})
            return f"有{rows}行存在错误（共{len(self.errors)}处），不能导入：请改正后重新选择文件。"
        if not self.changes:
            return "与系统中的信息相同，没有需要导入的内容。"
        parts = []
        for table in TABLES:
            new, updated = self.count(Action.NEW, table), self.count(Action.UPDATE, table)
            if new or updated:
                parts.append(f"{KIND_LABELS[table]}新增{new}、更新{updated}")
        return (
            f"涉及{len(self.cadres)}名干部："
            + "，".join(parts)
            + f"；无变化{sum(self.unchanged.values())}行。"
        )


@dataclass
class CollectResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[CollectIssue] = field(default_factory=list)
    warnings: list[CollectIssue] = field(default_factory=list)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, preview: CollectPreview) -> CollectResult:
        """What importing ``preview`` does (or would do): nothing at all when it has errors."""
        writes = not preview.errors
        by_kind = {
            table: {
                "imported": preview.count(Action.NEW, table) if writes else 0,
                "updated": preview.count(Action.UPDATE, table) if writes else 0,
                "unchanged": preview.unchanged.get(table, 0),
            }
            for table in TABLES
        }
        return cls(
            imported=sum(k["imported"] for k in by_kind.values()),
            updated=sum(k["updated"] for k in by_kind.values()),
            unchanged=sum(k["unchanged"] for k in by_kind.values()),
            skipped=len({(e.sheet, e.row) for e in preview.errors}),
            errors=list(preview.errors),
            warnings=list(preview.warnings),
            by_kind=by_kind,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "by_kind": self.by_kind,
        }


# --- cells → values ---------------------------------------------------------------------------


def _cell(session: Session, spec: RecordSpec, column: sheets.Column, cell: Any) -> Any:
    """The stored value a filled cell gives (None for a blank one); a ``UserError`` if it is bad."""
    if cell is None:
        return None
    kind = column.kind
    if isinstance(cell, str):
        text = cell.replace("\r\n", "\n").strip()
        if kind is not FieldKind.LONG_TEXT:
            text = " ".join(text.split())
        if not text:
            return None
        if kind in (FieldKind.MONTH, FieldKind.DATE) and v.to_halfwidth(text) in NO_DATE_MARKS:
            return None
        cell = text
    elif isinstance(cell, float) and cell.is_integer() and kind not in (FieldKind.MONTH, FieldKind.DATE):
        cell = int(cell)
    if kind is FieldKind.MONTH:
        value: Any = v.parse_month(cell, field=column.key, label=column.label)
    elif kind is FieldKind.DATE:
        value = v.parse_date(cell, field=column.key, label=column.label)
    elif kind is FieldKind.ID_NUMBER:
        value = id_number_cell(cell)
    elif isinstance(cell, int | float) and kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.PHONE):
        value = str(cell)
    else:
        value = cell
    if value is None:
        return None
    if kind is FieldKind.ENUM and column.choices and str(value) not in column.choices:
        choices = "、".join(column.choices)
        raise UserError(f"“{value}”不是可选项，请从下拉列表中选择（{choices}）", field=column.key)
    return records.clean_values(session, spec, {column.key: value}, creating=False)[column.key]


def _key(cell: Any) -> int | None:
    """A hidden key cell as an id; None if blank. A ``ValueError`` if it was tampered with."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError(cell)
        cell = int(cell)
    number = int(str(cell).strip())
    if number <= 0:
        raise ValueError(cell)
    return number


def _same(kind: FieldKind, stored: Any, new: Any) -> bool:
    """Whether a cell's value says what is stored: a month by its year and month (a birth date
    read from an ID number keeps its day), a text without its surrounding spaces."""
    if stored == new:
        return True
    if kind is FieldKind.MONTH and isinstance(stored, date) and isinstance(new, date):
        return (stored.year, stored.month) == (new.year, new.month) and new.day == 1
    if isinstance(stored, str) and isinstance(new, str):
        return stored.replace("\r\n", "\n").strip() == new.strip()
    return False


def _shown(spec: RecordSpec, name: str, value: Any, session: Session | None = None) -> str:
    if value is not None and spec.field(name).kind is FieldKind.REF and session is not None:
        unit = session.get(m.Unit, value) if name == "unit_id" else None
        return unit.display_name if unit is not None else str(value)
    text = screen_value(spec.field(name), value) if value is not None else ""
    return text or EMPTY


# --- matching ---------------------------------------------------------------------------------


@dataclass
class _Owner:
    ref: CadreRef
    name: str
    id_number: str | None


class _Planner:
    """Decides what each row of a read workbook does, against the database in ``session``."""

    def __init__(self, session: Session, read: sheets.ReadCollection) -> None:
        self.session = session
        self.read = read
        self.errors: list[CollectIssue] = []
        self.warnings: list[CollectIssue] = []
        self.groups: dict[CadreRef, CadreChanges] = {}
        self.unchanged = dict.fromkeys(TABLES, 0)
        self.owners: list[_Owner] = []

    # -- helpers

    def error(self, table: str, row: int, column: str, message: str) -> None:
        label = sheets.labels(table).get(column, column)
        self.errors.append(CollectIssue(sheets.sheet_of(table).name, row, label, message.rstrip("。")))

    def warn(self, table: str, row: int, column: str, message: str) -> None:
        label = sheets.labels(table).get(column, column)
        self.warnings.append(CollectIssue(sheets.sheet_of(table).name, row, label, message.rstrip("。")))

    def parse(self, table: str, row: CollectRow) -> dict[str, Any] | None:
        """The row's filled fields as stored values; None (with its errors noted) if any is bad."""
        sheet = sheets.sheet_of(table)
        spec = sheet.spec
        values: dict[str, Any] = {}
        bad = False
        for column in sheet.data_columns:
            if not spec.has_field(column.key) or column.key in (CADRE_NAME, CADRE_ID_NUMBER):
                continue
            try:
                value = _cell(self.session, spec, column, row.cells.get(column.key))
            except UserError as exc:
                self.error(table, row.row, column.key, exc.message)
                bad = True
                continue
            if value is not None:
                values[column.key] = value
        return None if bad else values

    def key(self, table: str, row: CollectRow, name: str) -> tuple[bool, int | None]:
        try:
            return True, _key(row.cells.get(name))
        except ValueError:
            self.error(
                table, row.row, name, "隐藏的编号被改动，无法对应到系统中的记录：请使用原表重新填写该行"
            )
            return False, None

    def diff(self, spec: RecordSpec, existing: m.Record, values: dict[str, Any]) -> dict[str, Any]:
        return {
            name: value
            for name, value in values.items()
            if not _same(spec.field(name).kind, getattr(existing, name), value)
        }

    def add(self, owner: _Owner, change: Change) -> None:
        group = self.groups.get(owner.ref)
        if group is None:
            group = self.groups[owner.ref] = CadreChanges(owner.name, owner.ref)
        group.changes.append(change)

    def checked(
        self, table: str, row: int, values: dict[str, Any], existing: m.Record | None, **keys: Any
    ) -> dict[str, Any] | None:
        """``values`` after the record type's own checks (which may add derived values)."""
        try:
            rules.check(self.session, table, values, existing, **keys)
        except UserError as exc:
            self.error(table, row, exc.field or "", exc.message)
            return None
        return values

    # -- the sheets

    def plan(self) -> None:
        unit = self.session.get(m.Unit, self.read.unit_id)
        if unit is None or unit.deleted_at is not None:
            raise UserError(
                f"生成此表的单位“{self.read.unit_name}”已不在系统中（已删除），无法导入：请先在回收站中恢复该单位。"
            )
        self.unit = unit
        self.unit_cadres = list(
            self.session.scalars(
                select(m.Cadre).where(m.Cadre.unit_id == unit.id, m.Cadre.deleted_at.is_(None))
            )
        )
        self.cadres()
        self.children("family_members", m.FamilyMember, self.match_family)
        self.children("personal_matters_reports", m.PersonalMattersReport, self.match_report)

    def cadres(self) -> None:
        table, spec = "cadres", CADRE
        keys = rules.CadreKeys.load(self.session)
        seen: dict[int, int] = {}  # cadre id → row
        new_ids: dict[str, int] = {}  # ID number of a new row → row
        for row in self.read.rows[table]:
            ok, key = self.key(table, row, CADRE_KEY)
            values = self.parse(table, row)
            if not ok or values is None:
                continue
            existing: m.Cadre | None = None
            if key is not None:
                existing = self.session.get(m.Cadre, key)
                if existing is None or existing.deleted_at is not None:
                    self.error(
                        table,
                        row.row,
                        "name",
                        "该干部已从系统中删除，不能更新：如仍在本单位，请填写在空白行中",
                    )
                    continue
                if existing.unit_id != self.unit.id:
                    self.warn(table, row.row, "name", "该干部在系统中已不属于本单位，仍按本表更新其信息")
            else:
                found, existing = self.match_cadre(row, values)
                if not found:
                    continue
                if existing is not None and existing.unit_id != self.unit.id:
                    # the unit lists someone the system has elsewhere by ID number: moved here
                    values["unit_id"] = self.unit.id
                    self.warn(
                        table, row.row, "id_number", "系统中该身份证号的干部属于其他单位，导入后将调入本单位"
                    )
            if existing is not None:
                if existing.id in seen:
                    self.error(table, row.row, "name", f"与第{seen[existing.id]}行是同一名干部，请合并为一行")
                    continue
                seen[existing.id] = row.row
                changes = self.diff(spec, existing, values)
                if changes:
                    checked = self.checked(table, row.row, changes, existing, cadre_keys=keys)
                    if checked is None:
                        continue
                    changes = self.diff(spec, existing, checked)
                owner = _Owner(existing.id, existing.name, existing.id_number)
                self.owners.append(owner)
                if not changes:
                    self.unchanged[table] += 1
                    continue
                fields = [
                    FieldChange(
                        spec.field(n).label,
                        _shown(spec, n, getattr(existing, n), self.session),
                        _shown(spec, n, value, self.session),
                    )
                    for n, value in changes.items()
                ]
                self.add(
                    owner,
                    Change(
                        table, row.row, Action.UPDATE, existing.name, fields, existing.id, changes, owner.ref
                    ),
                )
                continue
            if "name" not in values:
                self.error(table, row.row, "name", "新增的干部请填写姓名")
                continue
            id_number = values.get("id_number")
            if id_number and id_number in new_ids:
                self.error(table, row.row, "id_number", f"与第{new_ids[id_number]}行身份证号相同")
                continue
            values["unit_id"] = self.unit.id
            checked = self.checked(table, row.row, values, None, cadre_keys=keys)
            if checked is None:
                continue
            if id_number:
                new_ids[id_number] = row.row
            owner = _Owner(NewCadreRow(row.row), checked["name"], checked.get("id_number"))
            self.owners.append(owner)
            fields = [
                FieldChange(spec.field(n).label, EMPTY, _shown(spec, n, x))
                for n, x in checked.items()
                if n != "unit_id"
            ]
            self.add(owner, Change(table, row.row, Action.NEW, owner.name, fields, None, checked, owner.ref))
        listed = {o.ref for o in self.owners}
        self.owners += [_Owner(c.id, c.name, c.id_number) for c in self.unit_cadres if c.id not in listed]

    def match_cadre(self, row: CollectRow, values: dict[str, Any]) -> tuple[bool, m.Cadre | None]:
        """The stored cadre a row the unit added is (after an earlier import of the same file):
        the same ID number, else the only one of that name in the unit. (False, None) when the
        name fits several (the error is noted)."""
        id_number = values.get("id_number")
        if id_number:
            return True, self.session.scalars(
                select(m.Cadre).where(m.Cadre.id_number == id_number, m.Cadre.deleted_at.is_(None))
            ).first()
        name = values.get("name")
        if not name:
            return True, None
        name = v.normalize_name(name)
        same = [c for c in self.unit_cadres if c.name == name]
        if len(same) > 1:
            self.error(
                "cadres",
                row.row,
                "name",
                f"本单位有{len(same)}名干部叫“{name}”，无法确定是哪一位：新增人员请填写身份证号",
            )
            return False, None
        return True, same[0] if same else None

    def owner_of(self, table: str, row: CollectRow) -> _Owner | None:
        """The cadre a family member or report row belongs to: its hidden key, else the 干部姓名
        (and 干部身份证号) the unit wrote."""
        ok, key = self.key(table, row, CADRE_KEY)
        if not ok:
            return None
        if key is not None:
            for owner in self.owners:
                if owner.ref == key:
                    return owner
            cadre = self.session.get(m.Cadre, key)
            if cadre is None or cadre.deleted_at is not None:
                self.error(table, row.row, CADRE_NAME, "该干部已从系统中删除，不能导入其信息")
                return None
            return _Owner(cadre.id, cadre.name, cadre.id_number)
        name = " ".join(str(row.cells.get(CADRE_NAME) or "").split())
        if not name:
            self.error(table, row.row, CADRE_NAME, "请填写干部姓名（该行属于哪一名干部）")
            return None
        try:
            id_number = id_number_cell(row.cells.get(CADRE_ID_NUMBER))
        except UserError as exc:
            self.error(table, row.row, CADRE_ID_NUMBER, exc.message)
            return None
        name = v.normalize_name(name)
        found = [o for o in self.owners if o.name == name]
        if id_number:
            found = [o for o in found if o.id_number == id_number]
        if len(found) == 1:
            return found[0]
        if not found:
            self.error(
                table,
                row.row,
                CADRE_NAME,
                f"“干部基本信息”中没有干部“{name}”{'（身份证号相符）' if id_number else ''}",
            )
        else:
            self.error(
                table, row.row, CADRE_NAME, f"本单位有{len(found)}名干部叫“{name}”，请填写干部身份证号"
            )
        return None

    def match_family(self, owner_id: int, values: dict[str, Any]) -> list[m.Record]:
        name = values.get("name")
        if not name:
            return []
        name = v.normalize_name(name)
        return list(
            self.session.scalars(
                select(m.FamilyMember).where(
                    m.FamilyMember.cadre_id == owner_id,
                    m.FamilyMember.name == name,
                    m.FamilyMember.deleted_at.is_(None),
                )
            )
        )

    def match_report(self, owner_id: int, values: dict[str, Any]) -> list[m.Record]:
        if "year" not in values:
            return []
        report = m.PersonalMattersReport
        return list(
            self.session.scalars(
                select(report).where(
                    report.cadre_id == owner_id, report.year == values["year"], report.deleted_at.is_(None)
                )
            )
        )

    def children(
        self, table: str, model: type[m.FamilyMember] | type[m.PersonalMattersReport], match: Any
    ) -> None:
        spec = sheets.sheet_of(table).spec
        what = KIND_LABELS[table]
        seen: dict[int, int] = {}  # record id → row
        seen_new: dict[tuple[CadreRef, Any], int] = {}
        natural = "name" if table == "family_members" else "year"
        for row in self.read.rows[table]:
            ok, key = self.key(table, row, RECORD_KEY)
            owner = self.owner_of(table, row)
            values = self.parse(table, row)
            if not ok or owner is None or values is None:
                continue
            existing: m.FamilyMember | m.PersonalMattersReport | None = None
            if key is not None:
                existing = self.session.get(model, key)  # type: ignore[assignment]  # one of the two
                if existing is None or existing.deleted_at is not None:
                    self.error(
                        table,
                        row.row,
                        natural,
                        f"该{what}已从系统中删除，不能更新：如需保留，请填写在空白行中",
                    )
                    continue
                if existing.cadre_id != owner.ref:
                    self.error(
                        table, row.row, CADRE_NAME, f"该{what}在系统中属于另一名干部，请勿改动干部姓名"
                    )
                    continue
            elif isinstance(owner.ref, int):
                found = match(owner.ref, values)
                if len(found) > 1:
                    self.error(
                        table, row.row, natural, f"系统中该干部有{len(found)}条相同的{what}，无法确定是哪一条"
                    )
                    continue
                existing = found[0] if found else None
            if existing is not None:
                if existing.id in seen:
                    self.error(
                        table, row.row, natural, f"与第{seen[existing.id]}行是同一条{what}，请合并为一行"
                    )
                    continue
                seen[existing.id] = row.row
                changes = self.diff(spec, existing, values)
                if changes:
                    checked = self.checked(table, row.row, changes, existing)
                    if checked is None:
                        continue
                    changes = self.diff(spec, existing, checked)
                if not changes:
                    self.unchanged[table] += 1
                    continue
                fields = [
                    FieldChange(
                        spec.field(n).label, _shown(spec, n, getattr(existing, n)), _shown(spec, n, x)
                    )
                    for n, x in changes.items()
                ]
                title = self.title(table, {**_stored(spec, existing), **changes})
                self.add(
                    owner,
                    Change(table, row.row, Action.UPDATE, title, fields, existing.id, changes, owner.ref),
                )
                continue
            missing = [
                c.label
                for c in sheets.sheet_of(table).data_columns
                if c.required and spec.has_field(c.key) and c.key not in values
            ]
            if missing:
                self.error(table, row.row, "", f"新增的{what}请填写{'、'.join(missing)}")
                continue
            same = (owner.ref, values[natural])
            if same in seen_new:
                self.error(table, row.row, natural, f"与第{seen_new[same]}行重复")
                continue
            seen_new[same] = row.row
            for name, default in rules.defaults(table).items():
                values.setdefault(name, default)
            checked = self.checked(table, row.row, values, None)
            if checked is None:
                continue
            fields = [FieldChange(spec.field(n).label, EMPTY, _shown(spec, n, x)) for n, x in checked.items()]
            title = self.title(table, checked)
            self.add(owner, Change(table, row.row, Action.NEW, title, fields, None, checked, owner.ref))

    @staticmethod
    def title(table: str, values: dict[str, Any]) -> str:
        if table == "family_members":
            return f"{values.get('relation') or ''} {values.get('name') or ''}".strip()
        return f"{values.get('year')}年度"


def _stored(spec: RecordSpec, obj: m.Record) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in spec.fields}


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever a unit, cadre, family member or report is added, changed or deleted."""
    out: list[Any] = []
    for model in (m.Unit, m.Cadre, m.FamilyMember, m.PersonalMattersReport):
        out.extend(session.execute(select(func.count(model.id), func.max(model.updated_at))).one())
    return tuple(out)


def _plan(session: Session, read: sheets.ReadCollection, path: Path) -> CollectPreview:
    planner = _Planner(session, read)
    planner.plan()
    groups = list(planner.groups.values())
    return CollectPreview(
        path=path,
        unit_id=read.unit_id,
        unit_name=planner.unit.display_name,
        made_at=read.made_at,
        cadres=groups,
        unchanged=planner.unchanged,
        errors=planner.errors,
        warnings=planner.warnings,
        source=read,
        fingerprint=_fingerprint(session),
    )


def preview_collection(db: Database, path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> CollectPreview:
    """Read a returned collection workbook and say what importing it would do; nothing is written.

    The file is untrusted input, held to ``limits`` while it is read."""
    path = Path(path)
    read = sheets.read_collection(path, limits=limits)
    with db.read() as uow:
        return _plan(uow.session, read, path)


def import_collection(db: Database, preview: CollectPreview) -> CollectResult:
    """Write ``preview`` in one transaction: all of it or, on any error, nothing.

    If the records changed since the preview was made, the file is matched again inside the
    write, so what is written is what the database now holds against the file."""
    with db.uow() as uow:
        session = uow.session
        if _fingerprint(session) != preview.fingerprint:
            preview = _plan(session, preview.source, preview.path)
        result = CollectResult.of(preview)
        if preview.errors:
            raise UserError(
                f"信息采集表中有{result.skipped}行存在错误，未导入任何数据："
                + preview.errors[0].text()
                + "。请改正后重试。"
            )
        created: dict[NewCadreRow, int] = {}
        for change in preview.changes:
            try:
                _write(session, change, created)
            except UserError as exc:
                raise UserError(
                    f"导入失败，未写入任何数据。工作表“{change.sheet}”第{change.row}行：{exc.message}"
                ) from exc
        uow.add_audit(
            AuditAction.IMPORT,
            f"导入信息采集表“{preview.path.name}”（{preview.unit_name}）：新增{result.imported}条，"
            f"更新{result.updated}条，无变化{result.unchanged}条",
            table_name="cadres",
            after={"file": preview.path.name, "unit_id": preview.unit_id, **result.by_kind},
        )
        uow.commit()
    return result


def _write(session: Session, change: Change, created: dict[NewCadreRow, int]) -> None:
    spec = sheets.sheet_of(change.table).spec
    if change.action is Action.UPDATE:
        assert change.record_id is not None
        records.update_in(session, spec, change.record_id, change.values)
        return
    values = dict(change.values)
    if change.table == "cadres":
        assert isinstance(change.cadre, NewCadreRow)
        created[change.cadre] = records.create_in(session, spec, values)
        return
    values["cadre_id"] = change.cadre if isinstance(change.cadre, int) else created[change.cadre]
    records.create_in(session, spec, values)
