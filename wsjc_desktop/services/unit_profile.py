"""政治生态分析研判: one unit's picture of one year, from its records.

:func:`profile` reads, in one read transaction, what the group did with a unit in a year and
what it found there: talks, meetings and opinions, notices and their rectification (the
year-end figures of :mod:`wsjc_desktop.services.stats`, per unit), the checks of the unit, the
problems found and closed (:mod:`wsjc_desktop.domain.problem_rules`), clues by disposal,
sanctions by category and form, 个人有关事项 漏报/瞒报, 述责述廉 ratings; the same main counts for
the two years before (the trend charts); the unit's risk points; what is still open.

:func:`sentences` and :func:`assessment` write it in the words of a 研判报告; every number in
them is one of the profile's, and nothing is said that the records do not show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from wsjc_desktop.domain import notice_rules, problem_rules
from wsjc_desktop.domain.enums import (
    ClueDisposal,
    ClueStage,
    DisciplineCategory,
    DutyReportRating,
    InspectionKind,
    NoticeKind,
    NoticeStatus,
    ProblemStatus,
    RiskLevel,
)
from wsjc_desktop.domain.sanctions import FORM_LABELS
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import settings
from wsjc_desktop.services.stats import FIGURE_BY_KEY, Period, Report, compute
from wsjc_desktop.storage.database import Database

__all__ = [
    "TREND_CHARTS",
    "TREND_YEARS",
    "OpenItem",
    "RiskLine",
    "UnitProfile",
    "YearFigures",
    "assessment",
    "percent",
    "profile",
    "report_values",
    "sentences",
    "unit_by_name",
    "write_report",
]

#: Years in the trend charts: the year and the two before it.
TREND_YEARS = 3

#: The three trend charts: (title, ((series label, YearFigures attribute), …)).
TREND_CHARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("谈话与列席会议", (("谈话人次", "talks"), ("列席会议", "meetings"), ("意见建议", "opinions"))),
    (
        "廉情提醒与问题整改",
        (("廉情提醒", "notices"), ("发现问题", "problems_found"), ("验收销号", "problems_closed")),
    ),
    ("问题线索与处分处理", (("问题线索", "clues_received"), ("处分处理", "sanctions"))),
)

_LEVEL_ORDER = {RiskLevel.HIGH.value: 0, RiskLevel.MEDIUM.value: 1, RiskLevel.LOW.value: 2}


@dataclass(frozen=True)
class YearFigures:
    """The unit's figures of one year. 逾期 is judged as of the profile's ``today``."""

    year: int
    talks: int = 0  # 人次
    talks_first_form: int = 0  # 人次 handled under 第一种形态 in a talk
    meetings: int = 0
    opinions: int = 0
    notices: int = 0  # issued (drafts never count)
    notices_to_rectify: int = 0  # issued, 节前提醒 aside: those asking for rectification
    notices_rectified: int = 0
    notices_overdue: int = 0
    inspections: int = 0
    inspections_by_kind: tuple[tuple[str, int], ...] = ()
    problems_found: int = 0
    problems_closed: int = 0  # of those found in the year, 已销号
    problems_overdue: int = 0  # of those found in the year, 逾期 now
    clues_received: int = 0
    clues_by_disposal: tuple[tuple[str, int], ...] = ()
    sanctions: int = 0  # 人次
    sanctions_by_category: tuple[tuple[str, int], ...] = ()
    sanctions_by_form: tuple[tuple[str, int], ...] = ()
    matters_reports: int = 0
    matters_omitted: int = 0  # 漏报
    matters_concealed: int = 0  # 瞒报
    duty_ratings: tuple[tuple[str, int], ...] = ()  # 述责述廉 评议, by rating (未评议 last)

    @property
    def rectification_rate(self) -> float | None:
        """整改完成率: rectified of the notices asking for rectification (None: none asked)."""
        return self.notices_rectified / self.notices_to_rectify if self.notices_to_rectify else None

    @property
    def closing_rate(self) -> float | None:
        """销号率: closed of the problems found (None: none found)."""
        return self.problems_closed / self.problems_found if self.problems_found else None

    @property
    def duty_reports(self) -> int:
        return sum(n for _, n in self.duty_ratings)

    def value(self, name: str) -> int:
        return int(getattr(self, name))


@dataclass(frozen=True)
class RiskLine:
    """A 廉政风险点 of the unit or of one of its cadres."""

    level: str  # 高 / 中 / 低
    where: str  # 岗位、环节 (or the cadre's name)
    description: str
    measures: str


@dataclass(frozen=True)
class OpenItem:
    """Something still open: a notice not rectified, a problem not closed, a clue not 办结."""

    kind: str  # 廉情提醒 / 问题 / 问题线索
    table: str
    record_id: int
    title: str
    since: date | None  # issued / found / received
    deadline: date | None
    status: str
    overdue: bool


@dataclass(frozen=True)
class UnitProfile:
    unit_id: int
    unit_name: str  # 全称
    short_name: str
    year: int
    today: date
    group_name: str
    figures: YearFigures
    trend: tuple[YearFigures, ...]  # oldest first, ending with ``figures``
    risks: tuple[RiskLine, ...]
    open_items: tuple[OpenItem, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"关于{self.unit_name}{self.year}年度政治生态分析研判情况的报告"

    def open_of(self, kind: str) -> list[OpenItem]:
        return [item for item in self.open_items if item.kind == kind]

    def risk_count(self, level: RiskLevel) -> int:
        return sum(1 for r in self.risks if r.level == level.label)


# --- reading ----------------------------------------------------------------------------------


def unit_by_name(db: Database, name: str) -> int:
    """The unit named ``name`` (全称 or 简称); refused in Chinese, listing the units, when none is."""
    wanted = " ".join(name.split())
    with db.read() as uow:
        rows = uow.session.execute(
            text(
                "SELECT id, full_name, short_name FROM units WHERE deleted_at IS NULL ORDER BY sort_order, id"
            )
        ).all()
    for uid, full, short in rows:
        if wanted in (full, short):
            return int(uid)
    names = "、".join(str(full) for _, full, _ in rows) or "（还没有单位）"
    raise UserError(f"没有名为“{wanted}”的单位。现有单位：{names}。", field="unit")


def profile(db: Database, unit_id: int, year: int, today: date | None = None) -> UnitProfile:
    """The unit's profile of ``year`` (逾期 judged as of ``today``), read in one transaction."""
    today = today or date.today()
    Period.year(year)  # refuses a year out of range in Chinese
    with db.read() as uow:
        s = uow.session
        unit = s.execute(
            text("SELECT full_name, short_name FROM units WHERE id = :id AND deleted_at IS NULL"),
            {"id": unit_id},
        ).first()
        if unit is None:
            raise NotFoundError("该单位不存在或已删除。")
        stage_days = settings.get_in(s, "clues.stage_days") or {}
        trend = tuple(_year_figures(s, unit_id, y, today) for y in range(year - TREND_YEARS + 1, year + 1))
        return UnitProfile(
            unit_id=unit_id,
            unit_name=str(unit[0]),
            short_name=str(unit[1] or unit[0]),
            year=year,
            today=today,
            group_name=str(settings.get_in(s, "group.name") or settings.DEFAULTS["group.name"]),
            figures=trend[-1],
            trend=trend,
            risks=_risks(s, unit_id, year),
            open_items=_open_items(s, unit_id, today, stage_days),
        )


def _rows(s: Session, sql: str, params: Mapping[str, Any]) -> list[Any]:
    return list(s.execute(text(sql), dict(params)).all())


def _unit_values(report: Report, unit_id: int) -> dict[str, int]:
    """The year-end figures of one unit. A unit out of supervision counts only in the group's
    totals there (:meth:`Report.by_unit`), but its own profile still counts its own records: the
    same groups, summed the way :meth:`Report._tally` sums them, for this unit alone."""
    if unit_id in report.units:
        return report.values(unit_id=unit_id)
    counts = dict.fromkeys(FIGURE_BY_KEY, 0)
    seen: dict[str, set[Any]] = defaultdict(set)
    for source, groups in report.groups.items():
        for group in groups:
            if unit_id not in group.units:
                continue
            for key, how, at in report._figures_for(source, group.sig):
                if how == 0:
                    counts[key] += group.count
                elif how == 1:
                    counts[key] += group.count * int(group.sig[at] or 0)
                else:
                    seen[key].add(group.sig[at])
                    counts[key] = len(seen[key])
    return counts


def _year_figures(s: Session, unit_id: int, year: int, today: date) -> YearFigures:
    period = Period.year(year)
    counts = _unit_values(compute(s, period, today=today), unit_id)
    p = {"unit": unit_id, "start": period.start, "end": period.end, "year": year, "today": today}

    kinds = dict(
        _rows(
            s,
            "SELECT i.kind, count(*) FROM inspections i JOIN inspection_units iu ON iu.inspection_id = i.id"
            " WHERE iu.unit_id = :unit AND i.deleted_at IS NULL AND i.started_on BETWEEN :start AND :end"
            " GROUP BY i.kind",
            p,
        )
    )
    problems = _rows(
        s,
        f"SELECT count(*), coalesce(sum({problem_rules.closed_sql('p')}), 0),"
        f" coalesce(sum({problem_rules.overdue_sql('p')}), 0)"
        " FROM problems p WHERE p.unit_id = :unit AND p.deleted_at IS NULL"
        " AND p.found_on BETWEEN :start AND :end",
        p,
    )[0]
    matters = _rows(
        s,
        "SELECT count(*), coalesce(sum(r.check_result = 'omitted'), 0),"
        " coalesce(sum(r.check_result = 'concealed'), 0)"
        " FROM personal_matters_reports r JOIN cadres c ON c.id = r.cadre_id"
        " WHERE c.unit_id = :unit AND r.year = :year AND r.deleted_at IS NULL AND c.deleted_at IS NULL",
        p,
    )[0]
    ratings = dict(
        _rows(
            s,
            "SELECT coalesce(r.rating, ''), count(*) FROM duty_reports r JOIN cadres c ON c.id = r.cadre_id"
            " WHERE c.unit_id = :unit AND r.year = :year AND r.deleted_at IS NULL AND c.deleted_at IS NULL"
            " GROUP BY 1",
            p,
        )
    )
    duty = [(r.label, int(ratings.get(r.value, 0))) for r in DutyReportRating]
    if ratings.get(""):
        duty.append(("未评议", int(ratings[""])))
    # 节前提醒 ask for no rectification: the rate is of the other kinds
    asking = [k for k in NoticeKind if k is not NoticeKind.HOLIDAY_REMINDER]
    return YearFigures(
        year=year,
        talks=counts["talks.person_times"],
        talks_first_form=sum(v for k, v in counts.items() if k.startswith("talks.handling.")),
        meetings=counts["meetings.count"],
        opinions=counts["opinions.count"],
        notices=counts["notices.issued"],
        notices_to_rectify=sum(counts[f"notices.kind.{k.value}"] for k in asking),
        notices_rectified=sum(counts[f"notices.rectified.{k.value}"] for k in asking),
        notices_overdue=counts["notices.overdue"],
        inspections=sum(int(n) for n in kinds.values()),
        inspections_by_kind=tuple((k.label, int(kinds.get(k.value, 0))) for k in InspectionKind),
        problems_found=int(problems[0]),
        problems_closed=int(problems[1]),
        problems_overdue=int(problems[2]),
        clues_received=counts["clues.received"],
        clues_by_disposal=tuple((d.label, counts[f"clues.disposal.{d.value}"]) for d in ClueDisposal),
        sanctions=counts["discipline.count"],
        sanctions_by_category=tuple(
            (c.label, counts[f"discipline.category.{c.value}"]) for c in DisciplineCategory
        ),
        sanctions_by_form=tuple((label, counts[f"discipline.form.{n}"]) for n, label in FORM_LABELS.items()),
        matters_reports=int(matters[0]),
        matters_omitted=int(matters[1]),
        matters_concealed=int(matters[2]),
        duty_ratings=tuple(duty),
    )


def _risks(s: Session, unit_id: int, year: int) -> tuple[RiskLine, ...]:
    """The unit's risk points and its cadres' (serving or not, not deleted), identified in or
    before ``year`` (or undated), high ones first."""
    rows = _rows(
        s,
        "SELECT r.level, r.post, r.process, c.name, r.description, r.measures, r.id"
        " FROM risk_points r LEFT JOIN cadres c ON c.id = r.cadre_id"
        " WHERE r.deleted_at IS NULL AND (r.year IS NULL OR r.year <= :year)"
        " AND (r.unit_id = :unit OR (c.unit_id = :unit AND c.deleted_at IS NULL))",
        {"unit": unit_id, "year": year},
    )
    rows.sort(key=lambda r: (_LEVEL_ORDER.get(r[0], 9), r[6]))
    out = []
    for level, post, process, cadre, description, measures, _ in rows:
        where = "、".join(x for x in (post, process) if x) or (cadre or "")
        out.append(RiskLine(RiskLevel.parse(level).label, where, str(description or ""), str(measures or "")))
    return tuple(out)


def _short(value: str | None, limit: int = 40) -> str:
    stripped = (value or "").strip()
    first = stripped.splitlines()[0] if stripped else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _open_items(s: Session, unit_id: int, today: date, stage_days: Mapping[str, int]) -> tuple[OpenItem, ...]:
    """Every open notice, problem and clue of the unit, whatever year it began in."""
    items: list[OpenItem] = []
    for nid, title, number, issued, deadline, status in _rows(
        s,
        "SELECT n.id, n.title, n.doc_number, n.issued_on, n.deadline, n.status FROM alert_notices n"
        f" WHERE n.unit_id = :unit AND n.deleted_at IS NULL AND {notice_rules.open_sql('n')}"
        " ORDER BY n.issued_on, n.id",
        {"unit": unit_id},
    ):
        end = _day(deadline)
        late = notice_rules.is_overdue(status, end, today)
        label = "逾期未反馈" if late else NoticeStatus.parse(status).label
        name = f"{title}（{number}）" if number else str(title)
        items.append(OpenItem("廉情提醒", "alert_notices", int(nid), name, _day(issued), end, label, late))
    for pid, description, found, deadline, status in _rows(
        s,
        "SELECT p.id, p.description, p.found_on, p.deadline, p.status FROM problems p"
        f" WHERE p.unit_id = :unit AND p.deleted_at IS NULL AND NOT {problem_rules.closed_sql('p')}"
        " ORDER BY p.found_on, p.id",
        {"unit": unit_id},
    ):
        end = _day(deadline)
        late = problem_rules.is_overdue(status, end, today)
        label = "逾期未整改" if late else ProblemStatus.parse(status).label
        items.append(
            OpenItem("问题", "problems", int(pid), _short(description), _day(found), end, label, late)
        )
    for cid, summary, received, stage, since in _rows(
        s,
        "SELECT cl.id, cl.summary, cl.received_on, cl.stage, cl.stage_since FROM clues cl"
        " LEFT JOIN cadres c ON c.id = cl.cadre_id"
        " WHERE cl.deleted_at IS NULL AND coalesce(cl.unit_id, c.unit_id) = :unit"
        f" AND cl.stage <> '{ClueStage.CLOSED.value}' ORDER BY cl.received_on, cl.id",
        {"unit": unit_id},
    ):
        start = _day(since)
        light = problem_rules.light(stage, start, today, stage_days)
        deadline = problem_rules.stage_deadline(stage, start, stage_days)
        late = light is problem_rules.Light.RED
        label = f"{ClueStage.parse(stage).label}·{light.label}" if light else ClueStage.parse(stage).label
        items.append(
            OpenItem("问题线索", "clues", int(cid), _short(summary), _day(received), deadline, label, late)
        )
    return tuple(items)


# --- the words ----------------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    """66.7% (one decimal, none when whole: 100%)."""
    if rate is None:
        return "—"
    value = round(rate * 100, 1)
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def _listed(pairs: Sequence[tuple[str, int]], measure: str) -> str:
    return "、".join(f"{label}{n}{measure}" for label, n in pairs if n)


def sentences(p: UnitProfile) -> tuple[str, ...]:
    """The year's work with the unit, in the sentences of a 研判报告 (seeds' style)."""
    f = p.figures
    name = p.unit_name
    out = []
    first = (
        f"{p.year}年，对{name}开展谈话{f.talks}人次，列席会议{f.meetings}次、提出意见建议{f.opinions}条，"
        f"发出廉情提醒{f.notices}份"
    )
    if f.notices_to_rectify:
        first += f"，整改完成率{percent(f.rectification_rate)}"
        if f.notices_overdue:
            first += f"，逾期未反馈{f.notices_overdue}份"
    out.append(first + "。")
    check = f"开展监督检查{f.inspections}次"
    kinds = _listed([(k, n) for k, n in f.inspections_by_kind], "次")
    if kinds:
        check += f"（其中{kinds}）"
    check += f"，发现问题{f.problems_found}个"
    if f.problems_found:
        check += f"、已验收销号{f.problems_closed}个，销号率{percent(f.closing_rate)}"
        if f.problems_overdue:
            check += f"，逾期未整改{f.problems_overdue}个"
    out.append(check + "。")
    clue = f"受理涉及该单位的问题线索{f.clues_received}件"
    disposals = _listed(f.clues_by_disposal, "件")
    if disposals:
        clue += f"，其中{disposals}"
    out.append(clue + "。")
    forms = dict(f.sanctions_by_form)
    first_form = next(iter(FORM_LABELS.values()))
    forms[first_form] = forms.get(first_form, 0) + f.talks_first_form
    total = sum(forms.values())
    if total:
        used = _listed(list(forms.items()), "人次")
        handled = f"运用“四种形态”处理{total}人次，其中{used}"
        kinds = _listed(
            [
                (label, n)
                for label, n in f.sanctions_by_category
                if label != DisciplineCategory.FIRST_FORM.label
            ],
            "人次",
        )
        if kinds:
            handled += f"；给予{kinds}"
        out.append(handled + "。")
    else:
        out.append("全年该单位干部未受到处分及处理。")
    matters = f"个人有关事项报告{f.matters_reports}人"
    if f.matters_omitted or f.matters_concealed:
        matters += f"，抽查核实发现漏报{f.matters_omitted}人、瞒报{f.matters_concealed}人"
    elif f.matters_reports:
        matters += "，抽查核实未发现漏报、瞒报"
    duty = _listed(f.duty_ratings, "人")
    matters += f"；述责述廉{f.duty_reports}人" + (f"，评议{duty}" if duty else "") + "。"
    out.append(matters)
    return tuple(out)


def _change(label: str, now: int, before: int, measure: str) -> str:
    if now > before:
        return f"{label}增加{now - before}{measure}"
    if now < before:
        return f"{label}减少{before - now}{measure}"
    return f"{label}数量持平"


def assessment(p: UnitProfile) -> tuple[str, ...]:
    """The 研判: the risk points, the trend and what is open, as the records show them, and what
    follows from them for the group's next steps."""
    f = p.figures
    out = []
    if p.risks:
        high = [r for r in p.risks if r.level == RiskLevel.HIGH.label]
        risk = f"{p.unit_name}现有廉政风险点{len(p.risks)}个"
        levels = _listed([(lv.label + "风险", p.risk_count(lv)) for lv in RiskLevel], "个")
        risk += f"（{levels}）"
        if high:
            places = list(dict.fromkeys(r.where.split("、")[0] or _short(r.description, 16) for r in high))
            named = "、".join(places[:5]) + ("等" if len(places) > 5 else "")
            risk += f"，高风险点主要在{named}"
        out.append(risk + "。")
    else:
        out.append(f"{p.unit_name}尚未登记廉政风险点，需督促其开展风险排查。")
    if len(p.trend) > 1:
        before = p.trend[-2]
        out.append(
            f"与{before.year}年相比，{_change('发现问题', f.problems_found, before.problems_found, '个')}，"
            f"{_change('受理问题线索', f.clues_received, before.clues_received, '件')}，"
            f"{_change('处分处理', f.sanctions, before.sanctions, '人次')}。"
        )
    notices, problems, clues = (p.open_of(k) for k in ("廉情提醒", "问题", "问题线索"))
    if notices or problems or clues:
        parts = []
        for label, items, measure, late_word in (
            ("廉情提醒", notices, "份", "逾期"),
            ("问题", problems, "个", "逾期"),
            ("问题线索", clues, "件", "超期"),
        ):
            if items:
                late = sum(1 for i in items if i.overdue)
                parts.append(
                    f"未办结{label}{len(items)}{measure}"
                    + (f"（其中{late_word}{late}{measure}）" if late else "")
                )
        out.append(f"截至{p.today.year}年{p.today.month}月{p.today.day}日，尚有{'、'.join(parts)}。")
    else:
        out.append(
            f"截至{p.today.year}年{p.today.month}月{p.today.day}日，该单位无未办结的提醒、问题和线索。"
        )
    steps = []
    if any(r.level == RiskLevel.HIGH.label for r in p.risks):
        steps.append("将高风险岗位和环节作为日常监督重点")
    if notices or problems:
        steps.append("督促按期整改反馈、逐项验收销号")
    if clues:
        steps.append("加快问题线索处置")
    if f.matters_omitted or f.matters_concealed:
        steps.append("对个人有关事项漏报、瞒报的干部依规处理")
    if steps:
        out.append(f"下一步，{'，'.join(steps)}。")
    return tuple(out)


# --- the report ---------------------------------------------------------------------------------


def _figure_rows(p: UnitProfile) -> list[tuple[str, ...]]:
    """Label and a value per year of the trend; a breakdown row only where some year has one."""
    years = p.trend

    def row(label: str, values: Sequence[Any]) -> tuple[str, ...]:
        return (label, *(str(v) for v in values))

    def breakdown(parts: Callable[[Any], Sequence[tuple[str, int]]]) -> list[tuple[str, ...]]:
        """“其中” rows: one per part (named by the latest year) with a count in some year."""
        rows = []
        for i, (name, _n) in enumerate(parts(years[-1])):
            values = [parts(y)[i][1] for y in years]
            if any(values):
                rows.append(row(f"　其中：{name}", values))
        return rows

    rows = [
        row("谈话（人次）", [y.talks for y in years]),
        row("列席会议（次）", [y.meetings for y in years]),
        row("提出意见建议（条）", [y.opinions for y in years]),
        row("发出廉情提醒（份）", [y.notices for y in years]),
        row("整改完成率", [percent(y.rectification_rate) for y in years]),
        row("逾期未反馈（份）", [y.notices_overdue for y in years]),
        row("监督检查（次）", [y.inspections for y in years]),
    ]
    rows += breakdown(lambda y: y.inspections_by_kind)
    rows += [
        row("发现问题（个）", [y.problems_found for y in years]),
        row("验收销号（个）", [y.problems_closed for y in years]),
        row("销号率", [percent(y.closing_rate) for y in years]),
        row("逾期未整改（个）", [y.problems_overdue for y in years]),
        row("受理问题线索（件）", [y.clues_received for y in years]),
    ]
    rows += breakdown(lambda y: y.clues_by_disposal)
    rows.append(row("处分及处理（人次）", [y.sanctions for y in years]))
    rows += breakdown(lambda y: y.sanctions_by_category)
    rows.append(row("谈话中第一种形态处理（人次）", [y.talks_first_form for y in years]))
    rows += [
        row("个人有关事项报告（人）", [y.matters_reports for y in years]),
        row("　漏报（人）", [y.matters_omitted for y in years]),
        row("　瞒报（人）", [y.matters_concealed for y in years]),
        row("述责述廉（人）", [y.duty_reports for y in years]),
    ]
    for i, (rating, _n) in enumerate(years[-1].duty_ratings):
        values = [y.duty_ratings[i][1] if i < len(y.duty_ratings) else 0 for y in years]
        if any(values):
            rows.append(row(f"　评议为“{rating}”", values))
    return rows


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def report_values(p: UnitProfile) -> Any:
    """The report's plain values (:class:`wsjc_desktop.printing.unit_profile.ProfileValues`)."""
    from wsjc_desktop.printing.unit_profile import ChartValues, ProfileValues

    years = tuple(y.year for y in p.trend)
    charts = tuple(
        ChartValues(
            title, years, tuple((label, tuple(y.value(name) for y in p.trend)) for label, name in series)
        )
        for title, series in TREND_CHARTS
    )
    return ProfileValues(
        title=p.title,
        group_name=p.group_name,
        subtitle=f"{p.group_name}　{_cn(p.today)}",
        sentences=sentences(p),
        figure_headers=("统计项", *(f"{y}年" for y in years)),
        figure_rows=tuple(_figure_rows(p)),
        charts=charts,
        risk_rows=tuple((r.level, r.where, r.description, r.measures) for r in p.risks),
        open_rows=tuple(
            (i.kind, i.title, "\n".join(d for d in (_cn(i.since), _cn(i.deadline)) if d), i.status)
            for i in p.open_items
        ),
        assessment=assessment(p),
    )


def write_report(
    db: Database, unit_id: int, year: int, out: Path | str, *, today: date | None = None
) -> UnitProfile:
    """The unit's 研判报告 of ``year`` into ``out``: a Word file for a .docx, else a PDF. Written
    whole or not at all; noted in the audit log."""
    from wsjc_desktop.printing import unit_profile as report
    from wsjc_desktop.services.printing import (
        _atomic_file,
        _font_overrides,
        _fonts,
        _note_print,
        _printed,
        is_word,
    )

    found = profile(db, unit_id, year, today)
    values = report_values(found)
    with db.read() as uow:
        overrides = _font_overrides(uow.session)
    with _atomic_file(out) as temp:
        if is_word(out):
            report.render_docx(values, temp)
        else:
            report.render_pdf(values, temp, fonts=_fonts(overrides))
    _note_print(db, f"{_printed(out)}政治生态分析研判报告 {found.unit_name}（{year}年）", "units", unit_id)
    return found
