"""Importing a cadre roster: a preview of every row first, then one transaction for the valid rows.

A cadre already present (same ID number, else same name + birth month + unit) is updated,
not duplicated; re-importing the same file changes nothing. Units named in the file that
do not exist yet are created. Blank cells never clear a stored value.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import partial, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.enums import AuditAction, CadreRank, Gender, UnitType
from wsjc_desktop.domain.fields import CADRE, UNIT, FieldKind
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import LABELS, RawRow, read_roster, write_template
from wsjc_desktop.limits import DEFAULT_LIMITS, Limits
from wsjc_desktop.services import bulk, records, rules
from wsjc_desktop.storage import search_index
from wsjc_desktop.storage.database import Database

Progress = Callable[[int, int], None]


class RowAction(StrEnum):
    NEW = "新增"
    UPDATE = "更新"
    UNCHANGED = "无变化"
    SKIP = "跳过"


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # the Chinese column label ("" for the row as a whole)
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PreviewRow:
    row: int  # row number in the sheet, as Excel shows it
    values: dict[str, Any]  # cleaned cadre values (unit as its name under "unit")
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    action: RowAction = RowAction.SKIP
    cadre_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # 新增: the checked values; 更新: what differs
    parsed: tuple[int, int] = (0, 0)  # how many errors and warnings came from the cells themselves

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def unit_name(self) -> str:
        return str(self.values.get("unit") or "")

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RosterPreview:
    path: Path
    sheet_name: str
    header_row: int
    rows: list[PreviewRow]
    warnings: list[str] = field(default_factory=list)  # about the file as a whole
    new_units: list[str] = field(default_factory=list)
    fingerprint: tuple[Any, ...] = ()  # the state of the database the rows were matched against

    def count(self, action: RowAction) -> int:
        return sum(1 for r in self.rows if r.action is action)

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    def summary(self) -> str:
        return (
            f"共 {len(self.rows)} 行：新增 {self.count(RowAction.NEW)}，更新 {self.count(RowAction.UPDATE)}，"
            f"无变化 {self.count(RowAction.UNCHANGED)}，有错误 {self.error_rows}（将跳过）"
        )

    def issues(self) -> tuple[list[Issue], list[Issue]]:
        errors = [Issue(r.row, col, msg) for r in self.rows for col, msg in r.errors]
        warnings = [Issue(0, "", msg) for msg in self.warnings]
        warnings += [Issue(r.row, col, msg) for r in self.rows for col, msg in r.warnings]
        return errors, warnings


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


# --- cell values → stored values --------------------------------------------------------

_WS_RE = re.compile(r"\s+")
_TIME_GAP_RE = re.compile(r"\s+(?=\d{1,2}:\d{2})")
_DECIMAL_RE = re.compile(r"\d+\.\d+")
_SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:\.\d+)?E[+-]?\d+", re.IGNORECASE)
_ID_AS_NUMBER = "身份证号以数字格式保存，后几位已丢失，请把该列设为“文本”格式后重新填写"


#: Control characters (C0 and C1) other than tab and line breaks: invisible garbage from other
#: programs (NUL, form feeds, escape codes) that no one typed and no search would find.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text(value: Any) -> str:
    """A cell as stripped half-width text on one line; integral numbers without “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _CONTROL_RE.sub("", _WS_RE.sub(" ", v.to_halfwidth(str(value)))).strip()


def _note(value: Any) -> str | None:
    """A 备注 cell: its line breaks kept, control characters dropped."""
    return _CONTROL_RE.sub("", str(value)).strip() if value is not None else None


def id_number_cell(value: Any) -> str | None:
    """The checked 18-character ID number in a cell; None for a blank cell.

    A number (or its text in scientific notation, 1.10105E+17) has lost digits in Excel: an error.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise UserError(_ID_AS_NUMBER, field="id_number")
    text = v.to_halfwidth(str(value)).strip()
    if _SCIENTIFIC_RE.fullmatch(text) or _DECIMAL_RE.fullmatch(text):
        raise UserError(_ID_AS_NUMBER, field="id_number")
    return v.normalize_id_number(text)


#: What clerks write in a date cell that has no date: 无, a dash, a slash, 暂无 (a 群众's 入党时间).
NO_DATE_MARKS = frozenset({"无", "暂无", "没有", "-", "--", "—", "——", "–", "/", "\\", "－", "／"})


def month_cell(value: Any, name: str) -> date | None:
    """A year-month (or full date) cell: 1975.03, 1975.3, 1975年3月, 197503, 1975-03-15, a real date;
    None for a blank one or one that says there is none (无, —, /, 暂无)."""
    if isinstance(value, str):
        # “1975 年 3 月” → “1975年3月”, but a time of day keeps its separator
        text = _TIME_GAP_RE.sub("T", v.to_halfwidth(value).strip())
        value = _WS_RE.sub("", text)
        if value in NO_DATE_MARKS or v.to_halfwidth(value) in NO_DATE_MARKS:
            return None
    return v.parse_month(value, field=name, label=LABELS[name])


def _gender(value: Any) -> Gender | None:
    text = _WS_RE.sub("", _text(value))
    if not text:
        return None
    if text in ("男", "男性", "M"):
        return Gender.MALE
    if text in ("女", "女性", "F"):
        return Gender.FEMALE
    raise UserError(f"性别“{text}”应为“男”或“女”", field="gender")


def _rank(value: Any) -> CadreRank | None:
    text = _WS_RE.sub("", _text(value))
    if not text:
        return None
    for rank in CadreRank:
        if text == rank.label:
            return rank
    if "厅" in text or "局级" in text or "司级" in text:
        return CadreRank.BUREAU
    if "处" in text or "县级" in text:
        return CadreRank.DIVISION
    if "科级" in text or "乡" in text:
        return CadreRank.SECTION
    if text in ("科员", "办事员", "一般", "一般干部", "干部"):
        return CadreRank.STAFF
    raise UserError(f"职级“{text}”无法识别（可选：厅级、处级、科级、一般干部），未导入该项", field="rank")


def _bool_cell(value: Any, name: str) -> bool | None:
    text = _WS_RE.sub("", _text(value))
    return records._as_bool(CADRE.field(name), text) if text else None


_TEXT_FIELDS = ("ethnicity", "native_place", "political_status", "education", "position")
_MONTH_FIELDS = ("birth_date", "party_join_date", "work_start_date", "position_start_date")


def _unit_cell(value: Any) -> str:
    return _checked("unit", _WS_RE.sub("", _text(value)))


def _checked(name: str, text: str, *, long_text: bool = False) -> str:
    """``text`` refused if it hides a direction control or an invisible character (the rule of
    every name and title: :func:`validation.check_text`), as the form would refuse it."""
    v.check_text(text, field=name, label=LABELS[name], long_text=long_text)
    return text


def _text_cell(value: Any, name: str) -> str:
    """A text column as the form stores it (``validation.normalize_text``): full-width letters
    and digits folded, full-width punctuation kept (研究生（硕士） stays as typed)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    one_line = _CONTROL_RE.sub("", _WS_RE.sub(" ", str(value))).strip()
    return _checked(name, v.normalize_text(one_line).strip())


def _note_cell(value: Any) -> str | None:
    text = _note(value)
    return _checked("note", text, long_text=True) if text is not None else None


def _without(parse: Callable[[Any], Any], cell: Any, label: str) -> Any:
    """``parse(cell)``; a refused cell is a warning that the person comes in without it."""
    try:
        return parse(cell)
    except UserError as exc:
        raise UserError(f"{exc.message.rstrip('。')}；该人员将不带{label}导入", field=exc.field) from exc


def _phone_cell(value: Any) -> str | None:
    text = _text(value)
    return v.normalize_phone(text) if text else None


def _status_cell(value: Any) -> Any:
    """状态 (在职 …), as the roster the program exports writes it."""
    text = _WS_RE.sub("", _text(value))
    return records._as_enum(CADRE.field("status"), text) if text else None


def _date_cell(value: Any, name: str) -> date | None:
    """A whole date (档案更新): a date cell, or a text such as 2026-06-22 or 2026年6月22日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text or text in NO_DATE_MARKS or v.to_halfwidth(text) in NO_DATE_MARKS:
        return None
    return v.parse_date(text, field=name, label=LABELS[name])


#: The columns in the order they are parsed: (field, parser, a failure is only a warning).
_PARSERS: tuple[tuple[str, Callable[[Any], Any], bool], ...] = (
    ("name", lambda c: v.normalize_name(_text(c)), False),
    ("unit", _unit_cell, False),
    ("gender", _gender, False),
    *((name, partial(month_cell, name=name), False) for name in _MONTH_FIELDS),
    *((name, partial(_text_cell, name=name), False) for name in _TEXT_FIELDS),
    ("note", _note_cell, False),
    ("rank", _rank, True),
    *((name, partial(_bool_cell, name=name), False) for name in ("is_leader", "is_top_leader")),
    ("id_number", lambda c: _without(id_number_cell, c, "身份证号"), True),
    ("phone", _phone_cell, False),
    ("status", _status_cell, False),
    ("file_updated_on", partial(_date_cell, name="file_updated_on"), False),
)

#: Outcomes of parsing cells, (True, value) or (False, message), per field and then by the cell:
#: a text cell by itself, any other by (its class, itself), since 1, 1.0 and True are equal keys.
ParseCache = dict[str, dict[Any, tuple[bool, Any]]]

_LIMITS: dict[str, int | None] = {}


def _limit(name: str) -> int | None:
    """The length limit of the stored column (a new unit's 全称 for 单位)."""
    if name not in _LIMITS:
        spec, column = (UNIT, "full_name") if name == "unit" else (CADRE, name)
        _LIMITS[name] = records._column_length(spec, column)
    return _LIMITS[name]


def _outcome(parse: Callable[[Any], Any], cell: Any) -> tuple[bool, Any]:
    """``parse(cell)`` as (True, value) or (False, the message of its UserError)."""
    try:
        return True, parse(cell)
    except UserError as exc:
        return False, exc.message.rstrip("。")


def clean_row(raw: RawRow, cache: ParseCache | None = None) -> PreviewRow:
    """Parse one raw row; errors and warnings per column, no database needed.

    ``cache``: the outcomes of cells parsed before, the same dict for every row of a file.
    Parsing depends on the cell alone, and a roster repeats most of its values (性别, 民族,
    单位, months …) row after row.
    """
    out = PreviewRow(row=raw.row, values={})
    cells = raw.cells
    values, errors = out.values, out.errors
    if cache is None:
        cache = {}
    for name, parse, warn in _PARSERS:
        if name not in cells:
            continue
        cell = cells[name]
        known = cache.get(name)
        if known is None:
            known = cache[name] = {}
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        try:
            hit = known.get(key)
        except TypeError:  # an unhashable cell
            hit = _outcome(parse, cell)
        else:
            if hit is None:
                hit = known[key] = _outcome(parse, cell)
        ok, value = hit
        if not ok:
            (out.warnings if warn else errors).append((LABELS[name], value))
        elif value is not None and value != "":
            values[name] = value
    if "name" not in values and not any(col == LABELS["name"] for col, _ in errors):
        errors.append((LABELS["name"], "请填写姓名"))
    if "unit" not in values:
        errors.append((LABELS["unit"], "请填写单位"))
    # lengths and anything else the stored columns demand (a unit not yet in the system is
    # created with the name as its 全称)
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = _LIMITS[name] if name in _LIMITS else _limit(name)
        if limit and len(value) > limit:
            errors.append((LABELS[name], f"{LABELS[name]}不能超过{limit}个字"))
    out.parsed = (len(errors), len(out.warnings))
    return out


# --- matching against the database ------------------------------------------------------

_COMPARED = tuple(f.name for f in CADRE.fields if f.editable and f.kind is not FieldKind.REFS)


@dataclass
class _Index:
    units: dict[str, int]  # full name and short name → id
    by_id_number: dict[str, m.Cadre]
    by_person: dict[tuple[str, int, int, int], m.Cadre]  # name, year, month, unit id
    keys: rules.CadreKeys  # the duplicate keys of the same cadres, for rules.check
    by_name: dict[tuple[str, int], list[m.Cadre]]  # name, unit id: the last resort

    @classmethod
    def load(cls, session: Session) -> _Index:
        units: dict[str, int] = {}
        for unit in session.scalars(select(m.Unit).where(m.Unit.deleted_at.is_(None))):
            units.setdefault(unit.full_name, unit.id)
            if unit.short_name:
                units.setdefault(unit.short_name, unit.id)
        by_id: dict[str, m.Cadre] = {}
        by_person: dict[tuple[str, int, int, int], m.Cadre] = {}
        by_name: dict[tuple[str, int], list[m.Cadre]] = {}
        cadres = list(session.scalars(select(m.Cadre).where(m.Cadre.deleted_at.is_(None))))
        for cadre in cadres:
            by_name.setdefault((cadre.name, cadre.unit_id), []).append(cadre)
            if cadre.id_number:
                by_id[cadre.id_number] = cadre
            if cadre.birth_date:
                key = (cadre.name, cadre.birth_date.year, cadre.birth_date.month, cadre.unit_id)
                by_person[key] = cadre
        keys = rules.CadreKeys.of((c.id, c.name, c.id_number, c.birth_date, c.unit_id) for c in cadres)
        return cls(units, by_id, by_person, keys, by_name)

    def by_name_and_unit(
        self, name: str, unit_id: int, id_number: str | None, birth: date | None
    ) -> list[m.Cadre]:
        """The cadres of that name in that unit whose ID number and birth month (where both
        sides have one) do not tell them apart from the row's person."""
        return [
            c
            for c in self.by_name.get((name, unit_id), [])
            if not (id_number and c.id_number and c.id_number != id_number)
            and not (
                birth
                and c.birth_date
                and (c.birth_date.year, c.birth_date.month) != (birth.year, birth.month)
            )
        ]


def _plan(session: Session, rows: list[PreviewRow]) -> list[str]:
    """Decide each row's action against the database; returns the units that will be created."""
    index = _Index.load(session)
    new_units: list[str] = []
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple[str, int, int, str], int] = {}
    seen_bare: dict[tuple[str, str], int] = {}
    for row in rows:
        row.action, row.cadre_id, row.changes = RowAction.SKIP, None, {}
        del row.errors[row.parsed[0] :], row.warnings[row.parsed[1] :]
        if row.errors:
            continue
        vals = row.values
        unit_name = vals["unit"]
        unit_id = index.units.get(unit_name)
        # the same person twice in one file
        birth = vals.get("birth_date")
        id_number = vals.get("id_number")
        if id_number and id_number in seen_ids:
            row.errors.append(("重复", f"与第{seen_ids[id_number]}行身份证号相同"))
            continue
        person = (vals["name"], birth.year, birth.month, unit_name) if birth else None
        if person and person in seen_people:
            row.errors.append(("重复", f"与第{seen_people[person]}行姓名、出生年月、单位相同"))
            continue
        bare = None if id_number or birth else (vals["name"], unit_name)  # only a name and a unit
        if bare and bare in seen_bare:
            row.errors.append(("重复", f"与第{seen_bare[bare]}行姓名、单位相同，且都没有身份证号和出生年月"))
            continue
        if id_number:
            seen_ids[id_number] = row.row
        if person:
            seen_people[person] = row.row
        if bare:
            seen_bare[bare] = row.row

        existing = index.by_id_number.get(id_number) if id_number else None
        if existing is None and birth and unit_id is not None:
            existing = index.by_person.get((vals["name"], birth.year, birth.month, unit_id))
        if existing is None and unit_id is not None:
            # the last resort, name and unit: one such cadre is the row's person; several are
            # for the user to tell apart (never a new twin)
            found = index.by_name_and_unit(vals["name"], unit_id, id_number, birth)
            if len(found) > 1:
                row.errors.append(
                    (
                        LABELS["name"],
                        f"“{unit_name}”有{len(found)}名干部叫“{vals['name']}”，无法确定是哪一位："
                        "请在表中填写身份证号或出生年月",
                    )
                )
                continue
            if found:
                existing = found[0]  # what the row adds (an ID number, a birth month) is checked below
        values = {k: x for k, x in vals.items() if k != "unit"}
        try:
            if existing is None:
                if unit_id is not None:
                    values["unit_id"] = unit_id
                rules.check(session, "cadres", values, None, cadre_keys=index.keys)
            else:
                values = _changes(existing, values, unit_id)
                if values:
                    rules.check(session, "cadres", values, existing, cadre_keys=index.keys)
                    values = _changes(existing, values, unit_id)
        except UserError as exc:
            label = CADRE.field(exc.field).label if exc.field and CADRE.has_field(exc.field) else ""
            row.errors.append((LABELS.get(exc.field or "", label), exc.message.rstrip("。")))
            continue
        # a unit is created only for a row that is imported, never for a skipped one
        if unit_id is None and unit_name not in new_units:
            new_units.append(unit_name)
            row.warnings.append((LABELS["unit"], f"系统中没有单位“{unit_name}”，导入时将新建"))
        if existing is None:
            row.action = RowAction.NEW
            row.changes = values  # as checked: birth date and gender may come from the ID number
        else:
            row.cadre_id = existing.id
            row.changes = values
            row.action = RowAction.UPDATE if values else RowAction.UNCHANGED
    return new_units


def _same_month(stored: date | None, value: date | None) -> bool:
    return (
        stored is not None and value is not None and (stored.year, stored.month) == (value.year, value.month)
    )


def _changes(existing: m.Cadre, values: dict[str, Any], unit_id: int | None) -> dict[str, Any]:
    """The given values that differ from what is stored, as a cell would hold them: a month by
    its year and month, a text after the cell's own clean-up (half-width, one line)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in _COMPARED:
            continue
        stored = getattr(existing, name)
        # a month the sheet gives (1998.07, the ledger's own form) keeps the stored day; a birth
        # date only ever changes by its month
        if name in _MONTH_FIELDS and _same_month(stored, value) and (name == "birth_date" or value.day == 1):
            continue
        if name in _TEXT_FIELDS and isinstance(stored, str) and _text(stored) == value:
            continue  # the same text as read from a cell: 研究生（硕士） is kept as it was typed
        if stored != value:
            out[name] = value
    if unit_id is not None and existing.unit_id != unit_id:
        out["unit_id"] = unit_id
    return out


# --- the use cases -----------------------------------------------------------------------

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the duration of a bulk step.

    A roster makes hundreds of thousands of small objects (cells, rows, index rows) that form no
    cycles; the collector would meanwhile walk every object the program holds, again and again,
    for a tenth of the step's time. Reference counting still frees what is dropped; cycles wait
    for the first collection after the step.
    """
    if not gc.isenabled():  # paused already (another bulk step, a caller)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _bulk_step(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    @wraps(fn)
    def step(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _collector_paused():
            return fn(*args, **kwargs)

    return step


@_bulk_step
def preview_roster(db: Database, path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> RosterPreview:
    """Read ``path`` and show what importing it would do; nothing is written.

    The file is untrusted input: it is held to ``limits`` (size, unpacked size, compression
    ratio, rows, columns, cell length …, see :mod:`wsjc_desktop.limits`) before and while it is
    read, and a file over one is refused with a ``LimitError`` stating the limit, before any row
    is checked or matched. Only a preview can be imported, so a refused file writes nothing.
    """
    sheet = read_roster(path, limits=limits)
    cache: ParseCache = {}
    rows = [clean_row(raw, cache) for raw in sheet.rows]
    with db.read() as uow:
        new_units = _plan(uow.session, rows)
        fingerprint = _fingerprint(uow.session)
    warnings: list[str] = []
    if "unit" not in sheet.columns:
        warnings.append("文件中没有“单位”列，所有行都将跳过")
    if sheet.unknown_headers:
        warnings.append("以下列不是花名册中的项目，不会导入：" + "、".join(sheet.unknown_headers))
    return RosterPreview(
        path=Path(path),
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        rows=rows,
        warnings=warnings,
        new_units=new_units,
        fingerprint=fingerprint,
    )


@_bulk_step
def import_roster(
    db: Database, preview: RosterPreview, *, only_valid: bool = True, progress: Progress | None = None
) -> ImportResult:
    """Write the valid rows of ``preview`` in one transaction; on any failure nothing is written.

    If the cadres or units changed after the preview (someone added a cadre meanwhile), the
    rows are matched again inside the write, so a stale preview cannot create a duplicate.
    New cadres were checked by the same rules as a form's (``rules.check``) while matching,
    inside this transaction or against an unchanged database, so they are added in bulk.
    """
    rows = preview.rows
    with db.uow() as uow:
        session = uow.session
        new_units = preview.new_units
        if not preview.fingerprint or _fingerprint(session) != preview.fingerprint:
            new_units = _plan(session, rows)
        errors, warnings = preview.issues()
        if errors and not only_valid:
            raise UserError(f"有{len({e.row for e in errors})}行存在错误，未导入任何数据。请改正后重试。")
        unit_ids: dict[str, int] = {}
        first_type = next(iter(UnitType))
        for name in new_units:
            unit_ids[name] = records.create_in(session, UNIT, {"full_name": name, "unit_type": first_type})
        result = ImportResult(errors=errors, warnings=warnings)
        known: dict[str, int] = {}
        total = len(rows)
        added: list[dict[str, Any]] = []
        for done, row in enumerate(rows, start=1):
            try:
                if row.action is RowAction.NEW:
                    unit_id = unit_ids.get(row.unit_name) or _unit_id(session, row.unit_name, known)
                    added.append(new_cadre(row.changes, unit_id))
                    result.imported += 1
                elif row.action is RowAction.UPDATE:
                    assert row.cadre_id is not None
                    records.update_in(session, CADRE, row.cadre_id, row.changes)
                    result.updated += 1
                elif row.action is RowAction.UNCHANGED:
                    result.unchanged += 1
                else:
                    result.skipped += 1
            except UserError as exc:
                raise UserError(f"导入失败，未写入任何数据。第{row.row}行：{exc.message}") from exc
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total)
        session.flush()
        new_ids = bulk.insert_records(uow, CADRE, added)
        # Indexed here in one pass with the new units (whose entries would otherwise send all
        # their cadres through the index a second time at commit).
        search_index.refresh(
            session, [("units", i) for i in unit_ids.values()] + [("cadres", i) for i in new_ids]
        )
        uow.add_audit(
            AuditAction.IMPORT,
            f"导入花名册“{preview.path.name}”：新增{result.imported}人，更新{result.updated}人，"
            f"无变化{result.unchanged}人，跳过{result.skipped}行",
            table_name="cadres",
            after={"file": preview.path.name, "new_units": new_units, **_counts(result)},
        )
        uow.commit()
    return result


def _counts(result: ImportResult) -> dict[str, int]:
    return {
        "imported": result.imported,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
    }


def new_cadre(values: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """The columns of a new cadre from checked values, with the defaults a form's create would add
    (written in bulk by ``bulk.insert_records``)."""
    row = bulk.new_row(CADRE, values)
    row["unit_id"] = unit_id  # the template has every column, so the order stays the template's
    return row


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever a cadre or unit is added, changed or deleted."""
    out: list[Any] = []
    for model in (m.Cadre, m.Unit):
        out.extend(session.execute(select(func.count(model.id), func.max(model.updated_at))).one())
    return tuple(out)


def _unit_id(session: Session, name: str, known: dict[str, int]) -> int:
    if name in known:
        return known[name]
    found = session.scalar(
        select(m.Unit.id).where(
            (m.Unit.full_name == name) | (m.Unit.short_name == name), m.Unit.deleted_at.is_(None)
        )
    )
    if found is None:  # pragma: no cover - _plan lists every unit it does not find
        raise UserError(f"单位“{name}”不存在")
    known[name] = int(found)
    return known[name]


def save_template(path: Path | str) -> None:
    """A blank roster .xlsx with the headers the importer expects."""
    try:
        write_template(path)
    except OSError as exc:
        raise UserError(f"无法保存模板“{path}”：{exc.strerror or exc}") from exc
