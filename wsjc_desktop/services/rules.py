"""The rules that differ per record type: cross-field checks, duplicates, delete and restore guards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules, sanctions
from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.enums import ClueStage, FourForms, NoticeStatus, ProblemHandoff, ProblemSource
from wsjc_desktop.domain.fields import FieldKind, spec_for
from wsjc_desktop.errors import DuplicateError, UserError

Values = dict[str, Any]
Rule = Callable[[Session, Values, m.Record | None], None]


def merged(values: Values, obj: m.Record | None, name: str) -> Any:
    """The value a field will have after the write: the new one if given, else the stored one."""
    if name in values:
        return values[name]
    return getattr(obj, name, None) if obj is not None else None


def _same_day_or_later(first: date | None, second: date | None, field: str, message: str) -> None:
    v.check_order(first, second, field=field, message=message)


def _not_future(values: Values, field: str, label: str) -> None:
    v.check_date_between(values.get(field), field=field, label=label, latest=date.today())


# --- per type -------------------------------------------------------------------------


def _unique_name(model: type[m.Unit] | type[m.Member], column: str, message: str) -> Rule:
    """A rule: no two records in service share this name."""

    def rule(session: Session, values: Values, obj: m.Record | None) -> None:
        name = merged(values, obj, column)
        own_id = obj.id if obj else -1
        clash = session.scalar(
            select(model.id).where(
                getattr(model, column) == name, model.deleted_at.is_(None), model.id != own_id
            )
        )
        if clash is not None:
            raise DuplicateError(message.format(name=name), field=column)

    return rule


_unit = _unique_name(m.Unit, "full_name", "单位“{name}”已存在。")
_member = _unique_name(m.Member, "name", "组内人员“{name}”已存在。")


def _normalize_person_name(values: Values) -> None:
    """Tidy a given name (“张  三” → “张三”); one that tidies away to nothing (“·”, a zero-width
    space) is as good as blank, so the required-field message applies."""
    if values.get("name"):
        values["name"] = v.normalize_name(values["name"])
        if not values["name"]:
            raise UserError("请填写姓名。", field="name")


@dataclass
class CadreKeys:
    """The duplicate keys of every cadre in service, read once for many checks (a roster import):
    ``check_cadre_duplicates`` then answers from memory instead of two queries per row.

    Only valid while the cadres do not change: build it inside the transaction that checks.
    """

    by_id_number: dict[str, list[int]] = field(default_factory=dict)
    by_person: dict[tuple[str, date, int], list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, cadres: Iterable[tuple[int, str, str | None, date | None, int]]) -> CadreKeys:
        """From (id, name, id number, birth date, unit id) of the cadres in service."""
        keys = cls()
        for cadre_id, name, id_number, birth, unit_id in cadres:
            if id_number:
                keys.by_id_number.setdefault(id_number, []).append(cadre_id)
            if name and birth and unit_id:
                keys.by_person.setdefault((name, birth, unit_id), []).append(cadre_id)
        return keys

    @classmethod
    def load(cls, session: Session) -> CadreKeys:
        c = m.Cadre
        stmt = select(c.id, c.name, c.id_number, c.birth_date, c.unit_id).where(c.deleted_at.is_(None))
        return cls.of(session.execute(stmt).tuples())


def _other(ids: list[int] | None, own_id: int) -> int | None:
    return next((i for i in ids or () if i != own_id), None)


def _cadre(session: Session, values: Values, obj: m.Record | None, keys: CadreKeys | None = None) -> None:
    _normalize_person_name(values)
    for name, label in (
        ("birth_date", "出生年月"),
        ("party_join_date", "入党时间"),
        ("work_start_date", "参加工作时间"),
        ("position_start_date", "任现职时间"),
    ):
        _not_future(values, name, label)
    id_number = merged(values, obj, "id_number")
    if id_number and "id_number" in values:
        born = v.id_number_birth_date(id_number)
        birth = merged(values, obj, "birth_date")
        if birth is None:
            values["birth_date"] = born
        elif (birth.year, birth.month) != (born.year, born.month):
            raise UserError(
                f"身份证号中的出生日期（{born.year}年{born.month}月）与出生年月"
                f"（{birth.year}年{birth.month}月）不一致，请核对。",
                field="id_number",
            )
        sex = v.id_number_gender(id_number)
        gender = merged(values, obj, "gender")
        if gender is None:
            values["gender"] = sex
        elif gender != sex:
            raise UserError(f"身份证号显示性别为“{sex.label}”，与所填性别不一致，请核对。", field="id_number")
    birth = merged(values, obj, "birth_date")
    for name, label in (
        ("party_join_date", "入党时间"),
        ("work_start_date", "参加工作时间"),
        ("position_start_date", "任现职时间"),
    ):
        _same_day_or_later(birth, merged(values, obj, name), name, f"{label}不能早于出生年月。")
    if merged(values, obj, "is_top_leader"):
        values["is_leader"] = True
    check_cadre_duplicates(session, values, obj, keys)


def check_cadre_duplicates(
    session: Session, values: Values, obj: m.Record | None, keys: CadreKeys | None = None
) -> None:
    """Same ID number, or same name + birth date + unit, as another cadre in service.

    With ``keys`` (read in the same transaction) the lookups are in memory.
    """
    own_id = obj.id if obj else -1
    id_number = merged(values, obj, "id_number")
    active = (m.Cadre.deleted_at.is_(None), m.Cadre.id != own_id)
    if id_number:
        if keys is not None:
            found = _other(keys.by_id_number.get(id_number), own_id)
            clash = session.get(m.Cadre, found) if found is not None else None
        else:
            clash = session.scalar(select(m.Cadre).where(m.Cadre.id_number == id_number, *active))
        if clash is not None:
            raise DuplicateError(
                f"身份证号与已有干部“{clash.name}”（{clash.unit.display_name}）重复。", field="id_number"
            )
    name, birth, unit_id = (merged(values, obj, k) for k in ("name", "birth_date", "unit_id"))
    if name and birth and unit_id:
        if keys is not None:
            clash_id = _other(keys.by_person.get((name, birth, unit_id)), own_id)
        else:
            clash_id = session.scalar(
                select(m.Cadre.id).where(
                    m.Cadre.name == name, m.Cadre.birth_date == birth, m.Cadre.unit_id == unit_id, *active
                )
            )
        if clash_id is not None:
            raise DuplicateError(f"本单位已有同名、同出生年月的干部“{name}”，请勿重复录入。", field="name")


def _family_member(session: Session, values: Values, obj: m.Record | None) -> None:
    _normalize_person_name(values)
    _not_future(values, "birth_date", "出生年月")


def _personal_matters(session: Session, values: Values, obj: m.Record | None) -> None:
    _not_future(values, "report_date", "报告日期")


def _duty_report(session: Session, values: Values, obj: m.Record | None) -> None:
    _not_future(values, "report_date", "述责述廉日期")


def _integrity_opinion(session: Session, values: Values, obj: m.Record | None) -> None:
    _same_day_or_later(
        merged(values, obj, "request_date"),
        merged(values, obj, "reply_date"),
        "reply_date",
        "回复日期不能早于来函日期。",
    )


def _discipline(session: Session, values: Values, obj: m.Record | None) -> None:
    _fill_effect_period(session, values, obj)
    start, end = merged(values, obj, "effect_start"), merged(values, obj, "effect_end")
    _same_day_or_later(start, end, "effect_end", "影响期止不能早于影响期起。")
    _same_day_or_later(merged(values, obj, "decided_on"), start, "effect_start", "影响期起不能早于决定日期。")


def _fill_effect_period(session: Session, values: Values, obj: m.Record | None) -> None:
    """An 影响期 left blank is the measure's (``domain.sanctions``, months from the setting
    ``sanctions.effect_months``): from the decision's date unless a start is given."""
    decided_on = merged(values, obj, "decided_on")
    if decided_on is None or merged(values, obj, "effect_end") is not None:
        return
    from wsjc_desktop.services import settings  # the settings import the rules' models lazily

    category = merged(values, obj, "category")
    table = settings.get_in(session, "sanctions.effect_months")
    period = sanctions.effect_period(
        getattr(category, "value", str(category or "")),
        str(merged(values, obj, "measure") or ""),
        decided_on,
        start=merged(values, obj, "effect_start"),
        table=table if isinstance(table, dict) else None,
    )
    if period is not None:
        values["effect_start"], values["effect_end"] = period.start, period.end
        if not merged(values, obj, "effect_rule"):
            values["effect_rule"] = period.rule


def _clue(session: Session, values: Values, obj: m.Record | None) -> None:
    received = merged(values, obj, "received_on")
    _same_day_or_later(
        received, merged(values, obj, "disposed_on"), "disposed_on", "处置日期不能早于受理日期。"
    )
    stage = merged(values, obj, "stage")
    stage = ClueStage.parse(stage) if stage else ClueStage.REGISTERED
    values["stage"] = stage
    moved = obj is None or (
        "stage" in values and ClueStage.parse(values["stage"]) != getattr(obj, "stage", None)
    )
    if moved and "stage_since" not in values:
        # a stage begins the day it is entered: a new clue's on the day it was received
        values["stage_since"] = received if obj is None and stage is ClueStage.REGISTERED else date.today()
    if merged(values, obj, "stage_since") is None:
        values["stage_since"] = received
    _same_day_or_later(
        received, merged(values, obj, "stage_since"), "stage_since", "本阶段起不能早于受理日期。"
    )
    if stage is ClueStage.CLOSED:
        if merged(values, obj, "closed_on") is None:
            values["closed_on"] = merged(values, obj, "stage_since") or date.today()
        if not merged(values, obj, "form"):
            raise UserError("办结的线索请选择处理形态（未形成处理或第几种形态）。", field="form")
        _same_day_or_later(
            received, merged(values, obj, "closed_on"), "closed_on", "办结日期不能早于受理日期。"
        )
    elif merged(values, obj, "closed_on") is not None:
        values["closed_on"] = None  # reopened: no longer 办结
        if "form" not in values and merged(values, obj, "form") == FourForms.NONE:
            values["form"] = None


def _inspection(session: Session, values: Values, obj: m.Record | None) -> None:
    _same_day_or_later(
        merged(values, obj, "started_on"),
        merged(values, obj, "ended_on"),
        "ended_on",
        "结束日期不能早于检查日期。",
    )


#: The field naming a problem's source record, by source.
PROBLEM_SOURCE_FIELDS = {
    ProblemSource.INSPECTION: "inspection_id",
    ProblemSource.MEETING: "meeting_id",
    ProblemSource.TALK: "talk_id",
    ProblemSource.CLUE: "clue_id",
}
#: The field naming what a problem was handed on by, by 交办方式.
PROBLEM_HANDOFF_FIELDS = {
    ProblemHandoff.NOTICE: "notice_id",
    ProblemHandoff.TALK: "handoff_talk_id",
    ProblemHandoff.CLUE: "handoff_clue_id",
}


def _problem(session: Session, values: Values, obj: m.Record | None) -> None:
    """A problem names at most the source record its 发现来源 says, and the record its 交办方式
    says; its status follows (``problem_rules.derive_status``)."""
    source = merged(values, obj, "source")
    keep = PROBLEM_SOURCE_FIELDS.get(ProblemSource.parse(source)) if source else None
    for name in PROBLEM_SOURCE_FIELDS.values():
        if name != keep and merged(values, obj, name) is not None:
            values[name] = None
    handoff = merged(values, obj, "handoff")
    how = ProblemHandoff.parse(handoff) if handoff else None
    keep = PROBLEM_HANDOFF_FIELDS.get(how) if how else None
    for name in PROBLEM_HANDOFF_FIELDS.values():
        if name != keep and merged(values, obj, name) is not None:
            values[name] = None
    found = merged(values, obj, "found_on")
    if how is not None and merged(values, obj, "handed_on") is None:
        values["handed_on"] = date.today() if found is None or found <= date.today() else found
    if how is None and merged(values, obj, "handed_on") is not None:
        values["handed_on"] = None
    _same_day_or_later(found, merged(values, obj, "handed_on"), "handed_on", "交办日期不能早于发现日期。")
    _same_day_or_later(found, merged(values, obj, "closed_on"), "closed_on", "销号日期不能早于发现日期。")
    notice = session.get(m.AlertNotice, merged(values, obj, "notice_id") or -1)
    clue = session.get(m.Clue, merged(values, obj, "handoff_clue_id") or -1)
    if how is ProblemHandoff.NOTICE and notice is not None and merged(values, obj, "deadline") is None:
        values["deadline"] = notice.deadline  # the notice's 反馈期限 is the problem's 整改期限
    values["status"] = problem_rules.derive_status(
        closed_on=merged(values, obj, "closed_on"),
        handoff=how,
        notice_status=notice.status if notice is not None else None,
        clue_stage=clue.stage if clue is not None else None,
    )


def _notice(session: Session, values: Values, obj: m.Record | None) -> None:
    if isinstance(obj, m.AlertNotice) and obj.doc_number and "kind" in values and values["kind"] != obj.kind:
        raise UserError("已编号发出的提醒不能更改类别。", field="kind")
    issued_on = merged(values, obj, "issued_on")
    _same_day_or_later(issued_on, merged(values, obj, "deadline"), "deadline", "反馈期限不能早于发出日期。")


def _rectification(session: Session, values: Values, obj: m.Record | None) -> None:
    notice_id = merged(values, obj, "notice_id")
    notice = session.get(m.AlertNotice, notice_id) if notice_id else None
    if notice is not None:
        if notice.status == NoticeStatus.DRAFT:
            raise UserError("草稿尚未发出，不能登记整改反馈。", field="notice_id")
        _same_day_or_later(
            notice.issued_on,
            merged(values, obj, "feedback_date"),
            "feedback_date",
            "反馈日期不能早于提醒的发出日期。",
        )


def _talk(session: Session, values: Values, obj: m.Record | None) -> None:
    start, end = merged(values, obj, "start_time"), merged(values, obj, "end_time")
    if start is not None and end is not None and end < start:
        raise UserError("结束时间不能早于开始时间。", field="end_time")


RULES: dict[str, Rule] = {
    "units": _unit,
    "members": _member,
    "cadres": _cadre,
    "family_members": _family_member,
    "personal_matters_reports": _personal_matters,
    "duty_reports": _duty_report,
    "integrity_opinions": _integrity_opinion,
    "discipline_records": _discipline,
    "clues": _clue,
    "alert_notices": _notice,
    "rectifications": _rectification,
    "talks": _talk,
    "inspections": _inspection,
    "problems": _problem,
}


def check(
    session: Session, table: str, values: Values, obj: m.Record | None, *, cadre_keys: CadreKeys | None = None
) -> None:
    """Cross-field and duplicate checks; may fill values derived from others (birth date from ID).

    ``cadre_keys``: the cadres' duplicate keys read once for many checks (``CadreKeys.load``).
    """
    if table == "cadres":
        _cadre(session, values, obj, cadre_keys)
        return
    rule = RULES.get(table)
    if rule is not None:
        rule(session, values, obj)


def defaults(table: str) -> Values:
    """What a new record starts with where nothing was given: the field spec's defaults (the
    same ones the form of a new record shows)."""
    return dict(spec_for(table).new_record_values())


# --- delete and restore guards --------------------------------------------------------


def check_delete(session: Session, table: str, obj: m.Record) -> None:
    if table == "units":
        counts = []
        for model, label in ((m.Cadre, "名干部"), (m.AlertNotice, "份廉情提醒"), (m.Meeting, "次会议记录")):
            n = session.scalar(
                select(func.count()).where(model.unit_id == obj.id, model.deleted_at.is_(None))
            )
            if n:
                counts.append(f"{n}{label}")
        if counts:
            raise UserError(f"该单位下还有{'、'.join(counts)}，请先删除或调整后再删除单位。")


def check_restore(session: Session, table: str, obj: m.Record) -> None:
    spec = spec_for(table)
    if spec.parent is not None:
        parent_spec = spec_for(spec.parent[0])
        parent = session.get(parent_spec.model, getattr(obj, spec.parent[1]))
        if parent is not None and parent.deleted_at is not None:
            raise UserError(f"所属的{parent_spec.label}已在回收站中，请先恢复它。")
    for fld in spec.fields:
        if fld.kind is FieldKind.REF and fld.ref and fld.required:
            ref_spec = spec_for(fld.ref)
            target = session.get(ref_spec.model, getattr(obj, fld.name))
            if target is not None and target.deleted_at is not None:
                raise UserError(
                    f"{fld.label}“{getattr(target, ref_spec.title_field)}”已在回收站中，请先恢复它。"
                )
    if table == "units":
        _unit(session, {}, obj)
    elif table == "cadres":
        check_cadre_duplicates(session, {}, obj)
    elif table == "members":
        _member(session, {}, obj)
