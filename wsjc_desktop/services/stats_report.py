"""The counted report of a period and its Chinese text: figures, the records behind them, sentences.

:class:`Report` sums the figures of :mod:`wsjc_desktop.services.stats_figures` over the
grouped facts (for the group, each unit, each member), lists the records behind a figure
(:meth:`Report.trace`, one Chinese line each from :meth:`Report.describe`) and exports it all
as JSON (:meth:`Report.as_json`). :func:`sentences` writes the ready sentences of the year-end
summary with the figures filled in. Built by :func:`wsjc_desktop.services.stats.compute`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from wsjc_desktop.domain.enums import (
    CadreRank,
    ClueDisposal,
    DisciplineCategory,
    InspectionKind,
    MeetingType,
    NoticeKind,
    OpinionConclusion,
    ProblemCategory,
    TalkKind,
)
from wsjc_desktop.domain.sanctions import FORM_LABELS
from wsjc_desktop.services.stats_figures import (
    DERIVED,
    FIGURE_BY_KEY,
    FIGURES,
    FIGURES_BY_SOURCE,
    SOURCE_ATTRS,
    Fact,
    Period,
    cn_date,
    figure,
    people,
)

if TYPE_CHECKING:
    from wsjc_desktop.services.stats_sql import _Group, _Loader


# --- the lines naming a fact ---------------------------------------------------------------


def _short(text: str | None, limit: int = 40) -> str:
    stripped = (text or "").strip()
    first = stripped.splitlines()[0] if stripped else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _cn_iso(day: str | None) -> str:
    return cn_date(date.fromisoformat(day)) if day else ""


def _label(enum_cls: Any, value: str | None, empty: str = "") -> str:
    try:
        return str(enum_cls.parse(value).label) if value else empty
    except ValueError:
        return str(value)


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    section: str
    measure_unit: str
    value: int


@dataclass(frozen=True)
class TraceRow:
    """One record behind a figure: open ``table``/``record_id`` to see it."""

    table: str
    record_id: int
    day: date | None
    text: str


Counts = dict[str, int]


class Report:
    """Every figure of a period, for the group, each unit and each member, with the records behind them.

    Figures are summed over fact *signatures* (the few distinct combinations of kind, rank,
    flags …) counted inside SQLite; the facts themselves are fetched per source only when
    someone asks what is behind a figure.
    """

    def __init__(
        self,
        period: Period,
        today: date,
        loader: _Loader,
        groups: dict[str, list[_Group]],
        fetch: Callable[[str], list[Fact]],
    ) -> None:
        self.period = period
        self.today = today
        self.units = loader.in_scope  # units under supervision, in sort order: id → name
        self.members = loader.members
        self.groups = groups
        self._unit_names = loader.unit_names  # every live unit, for the lines naming facts
        self._fetch = fetch
        self._facts: dict[str, list[Fact]] = {}
        self._passing: dict[str, dict[tuple[Any, ...], list[tuple[str, int, int]]]] = {}
        self._group: Counts | None = None
        self._by_unit: dict[int, Counts] | None = None
        self._by_member: dict[int, Counts] | None = None

    # counting

    def _figures_for(self, source: str, sig: tuple[Any, ...]) -> list[tuple[str, int, int]]:
        """The figures a group of ``source`` with signature ``sig`` counts in, each as (key,
        how, attribute index): how 0 counts the facts, 1 weighs them by the attribute, 2
        counts the attribute's distinct values."""
        cache = self._passing.setdefault(source, {})
        found = cache.get(sig)
        if found is None:
            names = SOURCE_ATTRS[source]
            attrs = dict(zip(names, sig, strict=True))
            found = []
            for d in FIGURES_BY_SOURCE.get(source, ()):
                if not d.test(attrs):
                    continue
                if d.distinct is not None:
                    found.append((d.key, 2, names.index(d.distinct)))
                elif d.weight is not None:
                    found.append((d.key, 1, names.index(d.weight)))
                else:
                    found.append((d.key, 0, -1))
            cache[sig] = found
        return found

    def _tally(self) -> None:
        """Figures of the group, of every unit and of every member, in one pass over the
        grouped counts."""
        group: Counts = _zeros()
        units: dict[int, Counts] = defaultdict(_zeros)
        members: dict[int, Counts] = defaultdict(_zeros)
        seen: dict[tuple[int, int | None, str], set[Any]] = defaultdict(set)
        for source, groups in self.groups.items():
            for g in groups:
                passing = self._figures_for(source, g.sig)
                if not passing:
                    continue
                targets: list[tuple[int, int | None, Counts]] = [(0, None, group)]
                targets += [(1, uid, units[uid]) for uid in g.units]
                targets += [(2, mid, members[mid]) for mid in g.members]
                for key, how, at in passing:
                    if how == 0:
                        for _, _, target in targets:
                            target[key] += g.count
                    elif how == 1:
                        amount = g.count * int(g.sig[at] or 0)
                        for _, _, target in targets:
                            target[key] += amount
                    else:
                        value = g.sig[at]
                        for kind, who, target in targets:
                            found = seen[(kind, who, key)]
                            found.add(value)
                            target[key] = len(found)
        self._group = _derive(group)
        self._by_unit = {uid: _derive(units.get(uid) or _zeros()) for uid in self.units}
        self._by_member = {mid: _derive(members.get(mid) or _zeros()) for mid in self.members}

    def values(self, *, unit_id: int | None = None, member_id: int | None = None) -> Counts:
        """Every figure's value (for a unit, a member, or the whole group)."""
        if unit_id is not None:
            return dict(self.by_unit().get(unit_id) or _zeros())
        if member_id is not None:
            found = self.by_member().get(member_id) or _zeros()
            return {k: v for k, v in found.items() if FIGURE_BY_KEY[k].per_member}
        if self._group is None:
            self._tally()
        assert self._group is not None
        return dict(self._group)

    def by_unit(self) -> dict[int, Counts]:
        """Figures of every unit under supervision (a record of a unit out of scope counts only
        in the group's totals)."""
        if self._by_unit is None:
            self._tally()
        assert self._by_unit is not None
        return self._by_unit

    def by_member(self) -> dict[int, Counts]:
        if self._by_member is None:
            self._tally()
        assert self._by_member is not None
        return self._by_member

    def value(self, key: str, *, unit_id: int | None = None, member_id: int | None = None) -> int:
        figure(key)
        return self.values(unit_id=unit_id, member_id=member_id).get(key, 0)

    def figures(self, *, unit_id: int | None = None, member_id: int | None = None) -> list[Figure]:
        values = self.values(unit_id=unit_id, member_id=member_id)
        return [
            Figure(d.key, d.label, d.section, d.measure_unit, values[d.key])
            for d in FIGURES
            if d.key in values
        ]

    # tracing

    def facts(self, source: str) -> list[Fact]:
        found = self._facts.get(source)
        if found is None:
            found = self._facts[source] = self._fetch(source)
        return found

    def trace_facts(
        self, key: str, *, unit_id: int | None = None, member_id: int | None = None
    ) -> list[Fact]:
        """The facts a figure counted (for a distinct or weighted figure: those it summed over)."""
        fig = figure(key)
        if member_id is not None and not fig.per_member:
            return []
        if fig.derived:  # a sum: what its parts counted; a rate: what its numerator counted
            keys = (fig.ratio[0],) if fig.ratio is not None else fig.parts
            found = [f for k in keys for f in self.trace_facts(k, unit_id=unit_id, member_id=member_id)]
            return (
                sorted(found, key=lambda f: (f.day or "", f.source, f.record_id)) if len(keys) > 1 else found
            )
        return [
            f
            for f in self.facts(fig.source)
            if (unit_id is None or unit_id in f.units)
            and (member_id is None or member_id in f.members)
            and any(counted == key for counted, _, _ in self._figures_for(fig.source, f.sig))
        ]

    def trace(self, key: str, *, unit_id: int | None = None, member_id: int | None = None) -> list[TraceRow]:
        """The records behind a figure, one line each, in date order."""
        return [
            TraceRow(f.table, f.record_id, date.fromisoformat(f.day) if f.day else None, self.describe(f))
            for f in self.trace_facts(key, unit_id=unit_id, member_id=member_id)
        ]

    def unit_name(self, unit_id: int | None) -> str:
        return self._unit_names.get(unit_id, "") if unit_id is not None else ""

    def describe(self, f: Fact) -> str:
        """A line naming the fact, e.g. “2026年3月5日 廉政谈话 张三（区财政局）”."""
        day = _cn_iso(f.day)
        x = f.extra
        if f.source == "talks":
            return f"{day} {_label(TalkKind, f.sig[0])} {x[0] or '（未填谈话对象）'}"
        if f.source == "talk_persons":
            return f"{day} {_label(TalkKind, f.sig[0])} {x[0]}（{self.unit_name(x[1])}）"
        if f.source == "meetings":
            title = f"：{x[1]}" if x[1] else ""
            return f"{day} {self.unit_name(x[0])} {_label(MeetingType, f.sig[0])}{title}"
        if f.source == "opinions":
            return f"{day} {self.unit_name(x[0])} 意见建议：{_short(x[1])}"
        if f.source == "notices":
            return f"{day} {x[1] or ''} {self.unit_name(x[0])}：{_short(x[2])}"
        if f.source == "replies":
            said = _label(OpinionConclusion, f.sig[0], "（未填结论）")
            return f"{day} {x[0]}（{self.unit_name(x[1])}）来函单位：{x[2]}，{said}"
        if f.source == "clues":
            return f"{day} {self.unit_name(x[0])}：{_short(x[1])}"
        if f.source == "inspections":
            names = "、".join(self.unit_name(int(u)) for u in str(x[0]).split(",") if u)
            return f"{day} {_label(InspectionKind, f.sig[0])} {names or '（未填单位）'}：{_short(x[1])}"
        if f.source == "problems":
            what = "（已销号）" if f.sig[1] else "（逾期）" if f.sig[2] else ""
            return f"{day} {self.unit_name(x[0])} {_label(ProblemCategory, f.sig[0])}：{_short(x[1])}{what}"
        if f.source == "sanctions":
            end = f"，影响期至{_cn_iso(x[3])}" if x[3] else ""
            return f"{day} {x[0]}（{self.unit_name(x[1])}）{_label(DisciplineCategory, f.sig[0])}·{x[2]}{end}"
        if f.source == "discipline":
            return f"{day} {x[0]}（{self.unit_name(x[1])}）{_label(DisciplineCategory, f.sig[0])}·{x[2]}"
        if f.source == "files":
            what = "新建" if f.sig[0] else "更新"
            return f"{x[0]}（{self.unit_name(x[1])}）{what}于{day}"
        if f.source in ("duty_reports", "personal_matters"):
            what = "述责述廉" if f.source == "duty_reports" else "个人有关事项报告"
            return f"{x[2]}年{what} {x[0]}（{self.unit_name(x[1])}）"
        if f.source == "cadres":
            position = f" {x[2]}" if x[2] else ""
            return f"{x[0]}（{self.unit_name(x[1])}{position}）"
        return self.unit_name(x[0])

    def as_json(self) -> dict[str, Any]:
        """Every figure keyed by its stable English name, with its Chinese label; per unit and member."""
        group = self.values()
        return {
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "as_of": self.today.isoformat(),
            "figures": {
                d.key: {"label": d.label, "section": d.section, "unit": d.measure_unit, "value": group[d.key]}
                for d in FIGURES
            },
            "units": [
                {"id": uid, "name": name, "figures": self.values(unit_id=uid)}
                for uid, name in self.units.items()
            ],
            "members": [
                {"id": mid, "name": name, "figures": self.values(member_id=mid)}
                for mid, name in self.members.items()
            ],
            "sentences": sentences(self),
        }


def _zeros() -> Counts:
    return dict.fromkeys(FIGURE_BY_KEY, 0)


def percent(part: int, whole: int) -> int:
    """part/whole in whole percent, rounded half up (0 when there is nothing to divide by)."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def _derive(counts: Counts) -> Counts:
    """Fill in the derived figures (sums of others, rates) from the counted ones."""
    for d in DERIVED:
        if d.ratio is not None:
            counts[d.key] = percent(counts[d.ratio[0]], counts[d.ratio[1]])
        else:
            counts[d.key] = sum(counts[k] for k in d.parts)
    return counts


# --- ready sentences --------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九十"


def cn_count(n: int) -> str:
    """Small counts the way a summary writes them (六个单位); larger ones in Arabic numerals."""
    if n == 2:
        return "两"  # 两个单位, not 二个
    if 0 <= n <= 10:
        return CN_DIGITS[n]
    if 11 <= n <= 19:
        return "十" + CN_DIGITS[n - 10]
    return str(n)


def _parts(report: Report, items: Sequence[tuple[str, str]], measure: str) -> str:
    """“其中廉政谈话3人次、提醒谈话1人次” from the non-zero figures among ``items``."""
    found = [f"{label}{report.value(key)}{measure}" for key, label in items if report.value(key)]
    return "、".join(found)


def sentences(report: Report) -> list[str]:
    """Ready sentences in the style of the group's year-end summary, figures filled in."""
    v = report.value
    when = "全年" if report.period.is_year else report.period.label
    units = cn_count(v("units.count"))
    out: list[str] = []

    meetings = f"{when}共参加综合监督单位相关会议{v('meetings.count')}次"
    majors = v("meetings.major_topics")
    if majors:
        meetings += f"，审议涉及“三重一大”议题{majors}个"
    meetings += f"，针对涉及“三重一大”议题和存在的廉政风险隐患提出意见建议{v('opinions.count')}条"
    adopted = v("opinions.adopted")
    if adopted:
        meetings += f"，已采纳或落实{adopted}条"
    out.append(meetings + "。")
    topics, raised = v("meetings.agenda_review.topics"), v("meetings.agenda_review.opinions")
    if topics or raised:
        out.append(f"提前把关拟上会议题{topics}个，从纪检监察工作的角度提出意见{raised}条，为领导决策参谋。")
    if v("meetings.liaison"):
        out.append(f"组织综合监督单位党风廉政建设联络员召开例会{v('meetings.liaison')}次，传达最新工作要求。")

    talks = f"{when}共开展各类谈话{v('talks.count')}次{v('talks.person_times')}人次"
    kinds = _parts(report, [(f"talks.kind.{k.value}", k.label) for k in TalkKind], "人次")
    if kinds:
        talks += f"，其中{kinds}"
    out.append(talks + "。")
    integrity = [
        f"对{rank.label}干部开展廉政谈话{v(f'talks.integrity.rank.{rank.value}')}人次"
        for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION)
        if v(f"talks.integrity.rank.{rank.value}")
    ]
    if integrity:
        out.append("；".join(integrity) + "。")

    copy = NoticeKind.COPY_NOTICE.value
    notices = (
        f"{when}共发出廉情提醒{v('notices.issued')}份"
        + (
            f"（{kinds_text}）"
            if (
                kinds_text := _parts(report, [(f"notices.kind.{k.value}", k.label) for k in NoticeKind], "份")
            )
            else ""
        )
        + f"，其中开出廉情抄告单{v(f'notices.kind.{copy}')}份，已整改{v(f'notices.rectified.{copy}')}份"
    )
    notices += f"；各单位已反馈{v('notices.fed_back')}份，已整改{v('notices.rectified')}份"
    if v("notices.rectified_late"):
        notices += f"（其中逾期整改{v('notices.rectified_late')}份）"
    if v("notices.overdue"):
        notices += f"，逾期未反馈{v('notices.overdue')}份"
    out.append(notices + "。")

    holidays = v("notices.kind.holiday_reminder")
    if holidays:
        out.append(
            f"逢重大节假日，均对各综合监督单位进行节前廉政提醒，{when}共开展节前提醒"
            f"{v('notices.holiday_occasions')}次，发出提醒{holidays}份。"
        )

    out.extend(_inspection_sentences(report, when))
    out.extend(_problem_sentences(report, when))

    replies = f"{when}为拟提拔任用、评优评先等干部出具党风廉政意见回复{v('replies.person_times')}人次"
    conclusions = _parts(
        report, [(f"replies.conclusion.{c.value}", c.label) for c in OpinionConclusion], "人次"
    )
    if conclusions:
        replies += f"，其中{conclusions}"
    out.append(replies + "。")

    clues = f"{when}共受理问题线索{v('clues.received')}件"
    disposals = _parts(report, [(f"clues.disposal.{d.value}", d.label) for d in ClueDisposal], "件")
    if disposals:
        clues += f"，其中{disposals}"
    if v("clues.closed"):
        clues += f"；已办结{v('clues.closed')}件"
    if v("clues.overdue"):
        clues += f"，超期未办结{v('clues.overdue')}件"
    out.append(clues + "。")

    out.extend(_four_forms_sentences(report, when))
    out.extend(_in_effect_sentence(report))
    out.append(
        f"对{units}个综合监督单位监察对象信息进行了全面采集更新，建立或更新廉政档案"
        f"{v('files.built_or_updated')}人。"
    )
    if v("duty_reports.count"):
        duty = f"督促{v('duty_reports.leaders')}名班子成员按规定完成述责述廉"
        if v("duty_reports.middle"):
            duty += (
                f"，同时要求{units}个综合监督单位共{v('duty_reports.middle')}名中层干部梳理总结本年度"
                "履行“一岗双责”情况，并形成书面材料，报纪检监察组留存掌握"
            )
        out.append(duty + "。")
    ranks = _parts(report, [(f"cadres.rank.{r.value}", people(r)) for r in CadreRank], "名")
    cadres = f"{units}个被监督单位共有监察对象{v('cadres.count')}名"
    if ranks:
        cadres += f"，其中{ranks}"
    out.append(cadres + "。")
    return out


def _inspection_sentences(report: Report, when: str) -> list[str]:
    """监督检查: how many, of which kinds (明察暗访 in 次, 预警核查 in 起)."""
    v = report.value
    if not v("inspections.count"):
        return []
    named = [
        ("inspections.unannounced", "开展明察暗访", "次"),
        ("inspections.stationed", "开展驻点监督", "次"),
        ("inspections.rectification", "开展巡视巡察整改监督", "次"),
        ("inspections.alert_checks", "核查预警", "起"),
        ("inspections.kind.special", "开展专项监督检查", "次"),
        ("inspections.kind.routine", "开展日常监督检查", "次"),
    ]
    parts = "、".join(f"{label}{v(key)}{measure}" for key, label, measure in named if v(key))
    return [f"{when}共开展各类监督检查{v('inspections.count')}次，其中{parts}。"]


def _problem_sentences(report: Report, when: str) -> list[str]:
    """问题发现台账: found, by category, closed, the closing rate and what is overdue."""
    v = report.value
    if not v("problems.found"):
        return []
    text = f"{when}共发现各类问题{v('problems.found')}个"
    kinds = _parts(
        report,
        [
            (f"problems.category.{c.value}", c.label if c is ProblemCategory.OTHER else f"{c.label}方面")
            for c in ProblemCategory
        ],
        "个",
    )
    if kinds:
        text += f"（其中{kinds}）"
    text += f"，已验收销号{v('problems.closed')}个，销号率{v('problems.closing_rate')}%"
    if v("problems.overdue"):
        text += f"，逾期未整改{v('problems.overdue')}个"
    return [text + "。"]


def _four_forms_sentences(report: Report, when: str) -> list[str]:
    """四种形态: the first form from discipline records and from talks' 第一种形态 handling (see
    ``four_forms.*``); without such talks, the discipline records' sentence alone."""
    v = report.value
    talks = v("talks.first_form")
    if not v("discipline.count") and not talks:
        return []
    if not talks:
        forms = _parts(report, [(f"discipline.form.{n}", label) for n, label in FORM_LABELS.items()], "人次")
        return [f"精准运用监督执纪“四种形态”，{when}处分及组织处理{v('discipline.count')}人次，其中{forms}。"]
    forms = _parts(report, [(f"four_forms.{n}", label) for n, label in FORM_LABELS.items()], "人次")
    text = (
        f"精准运用监督执纪“四种形态”，{when}批评教育帮助和处理{v('four_forms.count')}人次，其中{forms}"
        f"（第一种形态中谈话提醒、批评教育等{talks}人次）"
    )
    if v("discipline.count"):
        text += f"；处分及组织处理{v('discipline.count')}人次"
    return [text + "。"]


def _in_effect_sentence(report: Report) -> list[str]:
    """影响期: the records inside one on the period's last day (or today, if earlier)."""
    n = report.value("sanctions.in_effect")
    if not n:
        return []
    asof = min(report.period.end, report.today)
    return [f"截至{cn_date(asof)}，尚在处分或组织处理影响期内的干部{n}人次。"]
