"""Program settings kept in the database, so every PC that opens the file sees the same."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.docnumber import (
    DEFAULT_AGENCY_CODE,
    DEFAULT_TEMPLATE,
    check_agency_code,
    check_prefix,
    check_template,
)
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.domain.models import Setting, now
from wsjc_desktop.domain.problem_rules import DEFAULT_STAGE_DAYS, TIMED_STAGES
from wsjc_desktop.domain.sanctions import DEFAULT_EFFECT_MONTHS
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing.fonts import ROLES
from wsjc_desktop.services import workcalendar
from wsjc_desktop.services.members import DEFAULT_GROUP_NAME
from wsjc_desktop.storage.database import Database
from wsjc_desktop.storage.sync_schema import setting_uid

#: The font roles a setting ``print.font.<role>`` may point at another font file for: the roles
#: the printed layouts ask for (``printing.fonts.ROLES``, light to import: no reportlab).
FONT_ROLES: tuple[str, ...] = ROLES

#: What each font role sets, as the settings page names it.
#: How a text setting is named in a message.
TEXT_LABELS: dict[str, str] = {
    "group.name": "纪检监察组名称",
    "group.agency_code": "机关代字",
    "doc_number.template": "文号模板",
}

FONT_ROLE_LABELS: dict[str, str] = {
    "fangsong": "正文（仿宋）",
    "xiaobiaosong": "标题（小标宋）",
    "hei": "一级标题（黑体）",
    "kai": "二级标题（楷体）",
    "song": "宋体",
}


def font_key(role: str) -> str:
    """The setting holding the font file chosen for ``role`` (empty: the default fonts)."""
    return f"print.font.{role}"


#: Every font setting, role by role.
FONT_KEYS: tuple[str, ...] = tuple(font_key(role) for role in FONT_ROLES)

DEFAULTS: dict[str, Any] = {
    "group.name": DEFAULT_GROUP_NAME,  # shown on every slip
    # the start of every 文号; the placeholder until the group gives its own (issuing is refused meanwhile)
    "group.agency_code": DEFAULT_AGENCY_CODE,
    "doc_number.template": DEFAULT_TEMPLATE,
    "notice.signatory": "",
    # the 抄送 printed in the 版记 of letters (GB/T 9704 §7.4); empty: no 版记
    "print.copy_to": "",
    # the 落款 leaves room for the seal (§7.3.5.1); False: 不加盖印章 (§7.3.5.2)
    "print.sealed": True,
    "notice.default_deadline_days": 15,
    # months of 影响期 per category and measure (domain.sanctions; the regulations' by default)
    "sanctions.effect_months": DEFAULT_EFFECT_MONTHS,
    # days each stage of a 问题线索 may take (登记, 研判, 处置); the light is yellow past half
    "clues.stage_days": DEFAULT_STAGE_DAYS,
    # count the default 反馈期限 in working days (法定节假日 and 调休 observed), not calendar days
    "notice.deadline_working_days": False,
    "folders.export": "",
    "folders.backup": "",
    # font files for printing, by role; empty: the system's 仿宋/宋体/黑体/楷体, else the bundled ones
    **dict.fromkeys(FONT_KEYS, ""),
    # lock the window after this many minutes without keyboard or mouse input (1–120)
    "security.idle_lock_minutes": 10,
    # how past ledgers write an option, added by the user to the built-in list
    # (``services.ledger_import``): {column label: {as written: option}}
    "import.synonyms": {},
    # columns of past ledgers the user placed in the import dialog: {ledger: {header: field}}
    "import.columns": {},
}

#: The days a 问题线索 stage may take (``clues.stage_days``): at least one, at most a year.
STAGE_DAYS_RANGE = (1, 365)

#: The range ``security.idle_lock_minutes`` must lie in.
IDLE_LOCK_MINUTES = (1, 120)

#: Per-kind overrides: ``doc_number.prefix.<kind>`` and ``doc_number.template.<kind>``.
PER_KIND_KEYS = ("doc_number.prefix.", "doc_number.template.")


def calendar_year(key: str) -> int | None:
    """The year of a per-year holiday schedule's key, ``calendar.<year>``, else None.

    The schedule is the user's entry from the 国务院办公厅 notice, JSON ``{"days_off":
    [["2027-02-05", "春节"], ...], "workdays": ["2027-02-14"]}``. Its key, its years and its
    format are :mod:`wsjc_desktop.services.workcalendar`'s (``setting_key``, ``check_entry``),
    which reads the stored entries itself (with plain SQL) and so does not import this module."""
    return workcalendar.setting_year(key)


def prefix_key(kind: NoticeKind) -> str:
    """The setting holding a kind's own 文号 prefix (empty: the agency code plus the kind's letter)."""
    return f"{PER_KIND_KEYS[0]}{kind.value}"


def template_key(kind: NoticeKind) -> str:
    """The setting holding a kind's own 文号 template (empty: the shared ``doc_number.template``)."""
    return f"{PER_KIND_KEYS[1]}{kind.value}"


def per_kind_keys() -> list[str]:
    """Every per-kind key, kind by kind: prefix then template."""
    return [key for kind in NoticeKind for key in (prefix_key(kind), template_key(kind))]


def _known(key: str) -> bool:
    if key in DEFAULTS or calendar_year(key) is not None:
        return True
    for start in PER_KIND_KEYS:
        if key.startswith(start):
            return key[len(start) :] in {k.value for k in NoticeKind}
    return False


def get_in(session: Session, key: str) -> Any:
    row = session.scalar(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None)))
    if row is None:
        return copy.deepcopy(DEFAULTS.get(key))  # a caller may change what it gets
    return json.loads(row.value)


def get(db: Database, key: str) -> Any:
    with db.read() as uow:
        return get_in(uow.session, key)


def get_all(db: Database) -> dict[str, Any]:
    """Every setting: stored values over the defaults."""
    out = copy.deepcopy(DEFAULTS)
    with db.read() as uow:
        for row in uow.session.scalars(select(Setting).where(Setting.deleted_at.is_(None))):
            out[row.key] = json.loads(row.value)
    return out


def _check(key: str, value: Any) -> None:
    if not _known(key):
        raise ValueError(f"unknown setting {key!r}")
    if isinstance(value, str):  # the group's name, its 机关代字, a 文号 prefix … print on every slip
        v.check_text(value, field=key, label=TEXT_LABELS.get(key, "所填内容"))
    if key.startswith("doc_number.template") and value:
        check_template(str(value))
    if key == "group.name" and not str(value or "").strip():
        raise UserError("请填写纪检监察组名称。", field=key)
    if key == "group.agency_code" or (key.startswith(PER_KIND_KEYS[0]) and value):  # empty prefix: 机关代字
        check_code = check_agency_code if key == "group.agency_code" else check_prefix
        try:
            check_code(str(value or ""))
        except UserError as exc:
            raise UserError(exc.message, field=key) from exc
    if key.startswith("print.font.") and value:
        path = Path(str(value))
        if not path.is_file() or path.suffix.lower() not in (".ttf", ".ttc"):
            raise UserError(f"字体文件“{value}”不存在或不是 TrueType 字体（.ttf / .ttc）。", field=key)
    if key == "notice.deadline_working_days" and not isinstance(value, bool):
        raise UserError("“反馈期限按工作日计算”只能是“是”或“否”。", field=key)
    if key == "security.idle_lock_minutes":
        low, high = IDLE_LOCK_MINUTES
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise UserError(f"自动锁定时间须为 {low} 到 {high} 之间的整数（分钟）。", field=key)
    if key == "import.synonyms":
        _check_synonyms(value)
    if key == "clues.stage_days":
        _check_stage_days(value)
    if key == "import.columns" and not (
        isinstance(value, dict)
        and all(
            isinstance(m, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in m.items())
            for m in value.values()
        )
    ):
        raise UserError("导入台账时记住的列对应格式有误。", field=key)
    year = calendar_year(key)
    if year is not None:
        workcalendar.check_entry(year, value)


def _check_stage_days(value: Any) -> None:
    """{stage: days} for 登记, 研判 and 处置 (``problem_rules.TIMED_STAGES``), each 1 to 365."""
    key = "clues.stage_days"
    if not isinstance(value, dict):
        raise UserError("线索各阶段期限的格式有误。", field=key)
    low, high = STAGE_DAYS_RANGE
    for stage in TIMED_STAGES:
        days = value.get(stage.value, DEFAULT_STAGE_DAYS[stage.value])
        if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
            raise UserError(f"“{stage.label}”阶段的期限须为 {low} 到 {high} 之间的整数（天）。", field=key)
    unknown = set(value) - {stage.value for stage in TIMED_STAGES}
    if unknown:
        raise UserError(f"线索阶段“{'、'.join(sorted(map(str, unknown)))}”不设期限。", field=key)


def _check_synonyms(value: Any) -> None:
    """{column label: {as written: option}}, every text free of hidden characters."""
    if not isinstance(value, dict) or not all(isinstance(m, dict) for m in value.values()):
        raise UserError("选项的其他写法格式有误。", field="import.synonyms")
    for label, mapping in value.items():
        for written, option in mapping.items():
            for text in (label, written, option):
                if not isinstance(text, str) or not text.strip():
                    raise UserError("选项的其他写法不能为空。", field="import.synonyms")
                v.check_text(text, field="import.synonyms", label="选项的其他写法")


def check_value(key: str, value: Any) -> None:
    """The check :func:`set_many` makes of one value, its UserError naming ``key`` as the field
    (so a form can show the message beside that input)."""
    try:
        _check(key, value)
    except UserError as exc:
        raise UserError(exc.message, field=key) from exc


def store_in(session: Session, key: str, value: Any) -> None:
    """Store one setting inside a caller's transaction (after checking it)."""
    _check(key, value)
    row = session.scalar(select(Setting).where(Setting.key == key))
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=text, uid=setting_uid(key)))  # one record per key in the group
    elif row.value != text or row.deleted_at is not None:
        row.value = text
        row.deleted_at = None


def set_many(db: Database, values: Mapping[str, Any], *, cleared: Iterable[str] = ()) -> None:
    """Store several settings in one transaction, after checking them; the ``cleared`` keys go
    back to their defaults (their rows are soft-deleted) in the same transaction."""
    for key, value in values.items():
        _check(key, value)
    gone = list(dict.fromkeys(cleared))
    for key in gone:
        if not _known(key):
            raise ValueError(f"unknown setting {key!r}")
        if key in values:
            raise ValueError(f"setting {key!r} both set and cleared")
    if not values and not gone:
        return
    with db.uow() as uow:
        for key, value in values.items():
            store_in(uow.session, key, value)
        stamp = now()
        for key in gone:
            row = uow.session.scalar(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None)))
            if row is not None:
                row.deleted_at = stamp
        uow.commit()


def clear(db: Database, *keys: str) -> None:
    """Put settings back to their defaults (a ``calendar.<year>`` back to the package estimate),
    in one transaction."""
    set_many(db, {}, cleared=keys)
