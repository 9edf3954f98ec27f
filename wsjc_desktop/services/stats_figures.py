"""The year-end figures: the period they cover, the facts they count and every figure's definition.

A *fact* is one counted thing (a record, or one person of a talk) with its *signature*: the
attributes of its source named in :data:`SOURCE_ATTRS` (kind, rank, flags …). A figure
(:class:`FigureDef`) is a test on that signature and a measure (count, sum of a weight,
distinct values); :data:`FIGURES` lists them in the order the summary shows them, under the
Chinese headings of :data:`SECTIONS`.

Nothing here reads the database: the selects giving the facts are in
:mod:`wsjc_desktop.services.stats_sql`, the counting and the sentences in
:mod:`wsjc_desktop.services.stats_report`. Entry point: :mod:`wsjc_desktop.services.stats`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from wsjc_desktop.domain.enums import (
    CadreRank,
    ClueDisposal,
    DisciplineCategory,
    FirstFormHandling,
    InspectionKind,
    MeetingType,
    NoticeKind,
    OpinionConclusion,
    OpinionFollowUp,
    ProblemCategory,
    TalkKind,
)
from wsjc_desktop.domain.sanctions import FORM_LABELS
from wsjc_desktop.errors import UserError

# --- the period -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed date range, usually one calendar year."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError("统计时段的结束日期早于开始日期。", field="end")

    @classmethod
    def year(cls, year: int) -> Period:
        if not 2000 <= year <= 2100:
            raise UserError(f"年度“{year}”不是有效年份。", field="year")
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def label(self) -> str:
        """“2026年” for a calendar year, else “2026年1月1日至2026年6月30日”."""
        if self.is_year:
            return f"{self.start.year}年"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- facts ------------------------------------------------------------------------------

#: A figure's test looks at a fact's attributes (its *signature*: kinds, ranks, flags).
Attrs = Mapping[str, Any]
Test = Callable[[Attrs], bool]


class Fact(NamedTuple):
    """One counted thing: a record, or one person of a talk."""

    source: str
    table: str  # the record behind it, to open it
    record_id: int
    day: str | None  # ISO date it counts by
    units: tuple[int, ...]
    members: tuple[int, ...]
    sig: tuple[Any, ...]  # the values of the source's attributes, in SOURCE_ATTRS order
    extra: tuple[Any, ...]  # what the line naming it needs


#: The attributes each source's facts carry, in signature order.
SOURCE_ATTRS: dict[str, tuple[str, ...]] = {
    "talks": ("kind",),
    "talk_persons": ("kind", "rank", "is_leader", "handling"),
    "meetings": ("type", "major_topics", "agenda_topics"),
    "opinions": ("follow_up", "type"),
    "notices": ("kind", "fed_back", "fed_back_late", "rectified", "rectified_late", "overdue", "occasion"),
    "replies": ("conclusion", "rank"),
    "clues": ("disposal", "stage", "light"),
    "discipline": ("category", "form"),
    "sanctions": ("category", "form"),
    "inspections": ("kind",),
    "problems": ("category", "closed", "overdue"),
    "files": ("built", "updated"),
    "duty_reports": ("is_leader",),
    "personal_matters": ("checked",),
    "cadres": ("rank", "is_leader", "is_top_leader"),
    "units": (),
}


@dataclass(frozen=True)
class FigureDef:
    key: str  # stable English name, e.g. ``talks.kind.integrity``
    label: str  # Chinese label
    section: str  # Chinese heading it is listed under
    source: str  # which facts
    measure_unit: str  # 人次 / 次 / 份 / 条 / 人 / 件 / 个
    test: Test = field(default=lambda a: True)
    weight: str | None = None  # sum this attribute instead of counting
    distinct: str | None = None  # count distinct values of this attribute
    per_member: bool = True  # whether the source can be split per member
    #: a figure computed from others after counting, not from facts of its own: the sum of
    #: ``parts``, or (``ratio``) the percentage numerator/denominator, rounded half up
    parts: tuple[str, ...] = ()
    ratio: tuple[str, str] | None = None

    @property
    def derived(self) -> bool:
        return bool(self.parts) or self.ratio is not None


def _attr(name: str, *values: Any) -> Test:
    wanted = set(values)
    return lambda a: a.get(name) in wanted


def _flag(name: str) -> Test:
    return lambda a: bool(a.get(name))


def _all(*tests: Test) -> Test:
    return lambda a: all(t(a) for t in tests)


SECTION_TALKS = "谈话"
SECTION_MEETINGS = "列席会议"
SECTION_INSPECTIONS = "监督检查"
SECTION_NOTICES = "廉情提醒"
SECTION_PROBLEMS = "问题整改"
SECTION_REPLIES = "党风廉政意见回复"
SECTION_CLUES = "问题线索"
SECTION_DISCIPLINE = "四种形态"
SECTION_FILES = "廉政档案"
SECTION_CADRES = "监察对象"


def agenda_topics(text: str | None) -> int:
    """提前把关议题 of a 议题前置审查: the non-empty lines of its 议题 (blank and space-only lines
    do not count). The SQL of ``stats_sql`` counts the same way; a test keeps them equal."""
    return sum(1 for line in (text or "").replace("\r", "\n").split("\n") if line.strip(_BLANKS))


#: What a line of 议题 may hold and still be empty: spaces, tabs, the full-width space.
_BLANKS = " \t\u3000"


def people(rank: CadreRank) -> str:
    """“处级干部”, and “一般干部” (not 一般干部干部)."""
    return rank.label if rank.label.endswith("干部") else f"{rank.label}干部"


def _definitions() -> list[FigureDef]:
    defs: list[FigureDef] = []

    def add(*args: Any, **kwargs: Any) -> None:
        defs.append(FigureDef(*args, **kwargs))

    # 谈话
    add("talks.count", "开展谈话（次）", SECTION_TALKS, "talks", "次")
    add("talks.person_times", "谈话人次（合计）", SECTION_TALKS, "talk_persons", "人次")
    for kind in TalkKind:
        add(
            f"talks.kind.{kind.value}",
            f"{kind.label}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("kind", kind.value),
        )
    for rank in CadreRank:
        add(
            f"talks.rank.{rank.value}",
            f"谈话对象为{people(rank)}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("rank", rank.value),
        )
    for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION):
        add(
            f"talks.integrity.rank.{rank.value}",
            f"对{rank.label}干部开展廉政谈话（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _all(_attr("kind", TalkKind.INTEGRITY.value), _attr("rank", rank.value)),
        )
    add("talks.leaders", "对班子成员谈话（人次）", SECTION_TALKS, "talk_persons", "人次", _flag("is_leader"))
    for handling in FirstFormHandling:
        add(
            f"talks.handling.{handling.value}",
            f"第一种形态·{handling.label}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("handling", handling.value),
        )
    # every person of a talk recording a 第一种形态 handling counts once (one talk, three cadres:
    # three 人次); the 四种形态's first form adds these to the discipline records of that form
    add(
        "talks.first_form",
        "谈话中作出第一种形态处理（人次）",
        SECTION_TALKS,
        "talk_persons",
        "人次",
        _flag("handling"),
    )

    # 列席会议
    add("meetings.count", "参加综合监督单位会议（次）", SECTION_MEETINGS, "meetings", "次")
    for mtype in MeetingType:
        add(
            f"meetings.type.{mtype.value}",
            f"{mtype.label}（次）",
            SECTION_MEETINGS,
            "meetings",
            "次",
            _attr("type", mtype.value),
        )
    add(
        "meetings.major_topics",
        "审议“三重一大”议题（个）",
        SECTION_MEETINGS,
        "meetings",
        "个",
        lambda f: int(f.get("major_topics") or 0) > 0,
        weight="major_topics",
    )
    agenda = MeetingType.AGENDA_REVIEW.value
    # 提前把关议题: a 议题前置审查's 议题, one a line (agenda_topics), and the 意见建议 raised on them
    add(
        "meetings.agenda_review.topics",
        "提前把关议题（个）",
        SECTION_MEETINGS,
        "meetings",
        "个",
        _all(_attr("type", agenda), lambda f: int(f.get("agenda_topics") or 0) > 0),
        weight="agenda_topics",
    )
    add(
        "meetings.agenda_review.opinions",
        "提前把关议题提出意见（条）",
        SECTION_MEETINGS,
        "opinions",
        "条",
        _attr("type", agenda),
    )
    add(
        "meetings.liaison",
        "召开党风廉政建设联络员例会（次）",
        SECTION_MEETINGS,
        "meetings",
        "次",
        _attr("type", MeetingType.LIAISON.value),
    )
    add("opinions.count", "提出意见建议（条）", SECTION_MEETINGS, "opinions", "条")
    add(
        "opinions.adopted",
        "意见建议已采纳或已落实（条）",
        SECTION_MEETINGS,
        "opinions",
        "条",
        _attr("follow_up", OpinionFollowUp.ADOPTED.value, OpinionFollowUp.IMPLEMENTED.value),
    )
    add(
        "opinions.implemented",
        "意见建议已落实（条）",
        SECTION_MEETINGS,
        "opinions",
        "条",
        _attr("follow_up", OpinionFollowUp.IMPLEMENTED.value),
    )

    # 监督检查: by the day it began; one inspection of three units counts once for the group and
    # once for each unit
    add("inspections.count", "开展监督检查（次）", SECTION_INSPECTIONS, "inspections", "次")
    for inspection_kind in InspectionKind:
        add(
            f"inspections.kind.{inspection_kind.value}",
            f"监督检查·{inspection_kind.label}（次）",
            SECTION_INSPECTIONS,
            "inspections",
            "次",
            _attr("kind", inspection_kind.value),
        )
    for key, label, kind_, measure in (
        ("inspections.unannounced", "开展明察暗访（次）", InspectionKind.UNANNOUNCED, "次"),
        ("inspections.alert_checks", "核查预警（起）", InspectionKind.ALERT_CHECK, "起"),
        ("inspections.stationed", "开展驻点监督（次）", InspectionKind.STATIONED, "次"),
        ("inspections.rectification", "开展巡视巡察整改监督（次）", InspectionKind.RECTIFICATION, "次"),
    ):
        add(key, label, SECTION_INSPECTIONS, "inspections", measure, _attr("kind", kind_.value))

    # 廉情提醒
    add("notices.issued", "发出廉情提醒（份）", SECTION_NOTICES, "notices", "份")
    for notice_kind in NoticeKind:
        add(
            f"notices.kind.{notice_kind.value}",
            f"{notice_kind.label}（份）",
            SECTION_NOTICES,
            "notices",
            "份",
            _attr("kind", notice_kind.value),
        )
    add("notices.fed_back", "已收到整改反馈（份）", SECTION_NOTICES, "notices", "份", _flag("fed_back"))
    add(
        "notices.fed_back_late",
        "超过期限才反馈（份）",
        SECTION_NOTICES,
        "notices",
        "份",
        _flag("fed_back_late"),
    )
    add("notices.rectified", "已整改（份）", SECTION_NOTICES, "notices", "份", _flag("rectified"))
    for notice_kind in NoticeKind:
        if notice_kind is NoticeKind.HOLIDAY_REMINDER:
            continue
        add(
            f"notices.rectified.{notice_kind.value}",
            f"{notice_kind.label}已整改（份）",
            SECTION_NOTICES,
            "notices",
            "份",
            _all(_attr("kind", notice_kind.value), _flag("rectified")),
        )
    add(
        "notices.rectified_late",
        "逾期整改（已整改但晚于期限）（份）",
        SECTION_NOTICES,
        "notices",
        "份",
        _flag("rectified_late"),
    )
    add("notices.overdue", "逾期未反馈（份）", SECTION_NOTICES, "notices", "份", _flag("overdue"))
    add(
        "notices.holiday_occasions",
        "开展节前廉政提醒（次）",
        SECTION_NOTICES,
        "notices",
        "次",
        _attr("kind", NoticeKind.HOLIDAY_REMINDER.value),
        distinct="occasion",
    )

    # 问题整改 (问题发现台账): problems found in the period; of those, the ones 验收销号 by the
    # period's end (or today, if earlier) and the ones 逾期 then (problem_rules.overdue_sql)
    add("problems.found", "发现问题（个）", SECTION_PROBLEMS, "problems", "个")
    add("problems.closed", "已验收销号（个）", SECTION_PROBLEMS, "problems", "个", _flag("closed"))
    add(
        "problems.closing_rate",
        "销号率（%）",
        SECTION_PROBLEMS,
        "problems",
        "%",
        _flag("closed"),
        ratio=("problems.closed", "problems.found"),
    )
    add("problems.overdue", "逾期未整改（个）", SECTION_PROBLEMS, "problems", "个", _flag("overdue"))
    for category_ in ProblemCategory:
        what = "其他问题" if category_ is ProblemCategory.OTHER else f"{category_.label}方面问题"
        add(
            f"problems.category.{category_.value}",
            f"{what}（个）",
            SECTION_PROBLEMS,
            "problems",
            "个",
            _attr("category", category_.value),
        )

    # 党风廉政意见回复
    add("replies.person_times", "出具党风廉政意见回复（人次）", SECTION_REPLIES, "replies", "人次")
    for conclusion in OpinionConclusion:
        add(
            f"replies.conclusion.{conclusion.value}",
            f"结论为“{conclusion.label}”（人次）",
            SECTION_REPLIES,
            "replies",
            "人次",
            _attr("conclusion", conclusion.value),
        )
    for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION):
        add(
            f"replies.rank.{rank.value}",
            f"涉及{rank.label}干部（人次）",
            SECTION_REPLIES,
            "replies",
            "人次",
            _attr("rank", rank.value),
        )

    # 问题线索
    add("clues.received", "受理问题线索（件）", SECTION_CLUES, "clues", "件")
    for disposal in ClueDisposal:
        add(
            f"clues.disposal.{disposal.value}",
            f"{disposal.label}（件）",
            SECTION_CLUES,
            "clues",
            "件",
            _attr("disposal", disposal.value),
        )
    # of the clues received in the period: 办结 ones, and open ones past their stage's limit as of
    # the period's end (or today, if earlier): problem_rules.light_sql, setting clues.stage_days
    add("clues.closed", "已办结（件）", SECTION_CLUES, "clues", "件", _attr("stage", "closed"))
    add("clues.overdue", "超期未办结（件）", SECTION_CLUES, "clues", "件", _attr("light", "red"))

    # 四种形态
    add("discipline.count", "处分及处理（人次）", SECTION_DISCIPLINE, "discipline", "人次")
    for form, form_label in FORM_LABELS.items():  # domain.sanctions.form_of
        add(
            f"discipline.form.{form}",
            f"{form_label}（人次，不含谈话）",
            SECTION_DISCIPLINE,
            "discipline",
            "人次",
            _attr("form", form),
        )
    for category in DisciplineCategory:
        add(
            f"discipline.category.{category.value}",
            f"{category.label}（人次）",
            SECTION_DISCIPLINE,
            "discipline",
            "人次",
            _attr("category", category.value),
        )
    # 四种形态 by form. The rule, kept simple to explain: the first form is the discipline
    # records of the first form (第一种形态, 诫勉 …; domain.sanctions.form_of) plus every person of
    # a talk recording a 第一种形态 handling (talks.first_form: each talk-cadre once); the second
    # to fourth are the discipline records of that form. A clue 办结 with a form is not counted
    # again: its handling is recorded as a talk or a discipline record.
    add(
        "four_forms.count",
        "运用“四种形态”批评教育帮助和处理（人次）",
        SECTION_DISCIPLINE,
        "discipline",
        "人次",
        parts=("discipline.count", "talks.first_form"),
    )
    for form, form_label in FORM_LABELS.items():
        parts = (f"discipline.form.{form}", "talks.first_form") if form == 1 else (f"discipline.form.{form}",)
        add(
            f"four_forms.{form}",
            f"运用{form_label}（人次{'，含谈话' if form == 1 else ''}）",
            SECTION_DISCIPLINE,
            "discipline",
            "人次",
            parts=parts,
        )
    # a state, not the period's work: records whose 影响期 covers the period's end (or today)
    add(
        "sanctions.in_effect",
        "处于处分或处理影响期内（人次）",
        SECTION_DISCIPLINE,
        "sanctions",
        "人次",
        per_member=False,
    )

    # 廉政档案
    add("files.built_or_updated", "建立或更新廉政档案（人）", SECTION_FILES, "files", "人", per_member=False)
    add("files.built", "新建廉政档案（人）", SECTION_FILES, "files", "人", _flag("built"), per_member=False)
    add(
        "files.updated",
        "更新廉政档案（人）",
        SECTION_FILES,
        "files",
        "人",
        _flag("updated"),
        per_member=False,
    )
    add("duty_reports.count", "述责述廉（人）", SECTION_FILES, "duty_reports", "人", per_member=False)
    add(
        "duty_reports.leaders",
        "班子成员述责述廉（人）",
        SECTION_FILES,
        "duty_reports",
        "人",
        _flag("is_leader"),
        per_member=False,
    )
    add(
        "duty_reports.middle",
        "中层干部述责述廉（人）",
        SECTION_FILES,
        "duty_reports",
        "人",
        lambda a: not a.get("is_leader"),
        per_member=False,
    )
    add(
        "personal_matters.count",
        "个人有关事项报告（人）",
        SECTION_FILES,
        "personal_matters",
        "人",
        per_member=False,
    )
    add(
        "personal_matters.checked",
        "个人有关事项抽查核实（人）",
        SECTION_FILES,
        "personal_matters",
        "人",
        _flag("checked"),
        per_member=False,
    )

    # 监察对象
    add("cadres.count", "监察对象（人）", SECTION_CADRES, "cadres", "人", per_member=False)
    for rank in CadreRank:
        add(
            f"cadres.rank.{rank.value}",
            f"{people(rank)}（人）",
            SECTION_CADRES,
            "cadres",
            "人",
            _attr("rank", rank.value),
            per_member=False,
        )
    add(
        "cadres.leaders",
        "班子成员（人）",
        SECTION_CADRES,
        "cadres",
        "人",
        _flag("is_leader"),
        per_member=False,
    )
    add(
        "cadres.top_leaders",
        "“一把手”（人）",
        SECTION_CADRES,
        "cadres",
        "人",
        _flag("is_top_leader"),
        per_member=False,
    )
    add("units.count", "综合监督单位（个）", SECTION_CADRES, "units", "个", per_member=False)
    return defs


FIGURES: tuple[FigureDef, ...] = tuple(_definitions())
FIGURE_BY_KEY: dict[str, FigureDef] = {d.key: d for d in FIGURES}
#: The figures counted from each source's facts (derived figures are computed from these).
FIGURES_BY_SOURCE: dict[str, list[FigureDef]] = defaultdict(list)
for _d in FIGURES:
    if not _d.derived:
        FIGURES_BY_SOURCE[_d.source].append(_d)
DERIVED: tuple[FigureDef, ...] = tuple(d for d in FIGURES if d.derived)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(d.section for d in FIGURES))


def figure(key: str) -> FigureDef:
    try:
        return FIGURE_BY_KEY[key]
    except KeyError:
        raise UserError(f"没有名为“{key}”的统计项。") from None
