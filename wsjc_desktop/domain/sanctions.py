"""影响期: how long a sanction or an organizational measure weighs on a cadre (issue 19, point 4).

The defaults follow the regulations (《中国共产党纪律处分条例》, 《公职人员政务处分法》,
《党政领导干部选拔任用工作条例》) and may be changed by the group (setting
``sanctions.effect_months``): months per measure, per category.

* 党纪处分: 警告 12 months, 严重警告 18, 撤销党内职务 24, 留党察看 its term (一年 or 二年) + 24;
* 政务处分: 警告 6, 记过 12, 记大过 18, 降级 24, 撤职 24;
* 组织处理: 诫勉 6, 调整职务 12, 责令辞职 12, 免职 12, 降职 24.

An 影响期 runs from its start (the decision's date unless given) for the months of the measure:
its last day is the eve of the same date that many months later (2026-03-05 + 12 months: to
2027-03-04; a month without that date uses its last day, :func:`add_months`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from wsjc_desktop.domain.enums import DisciplineCategory

#: Months of 影响期 per category and measure (the setting's default).
DEFAULT_EFFECT_MONTHS: dict[str, dict[str, int]] = {
    DisciplineCategory.PARTY_SANCTION.value: {"警告": 12, "严重警告": 18, "撤销党内职务": 24, "留党察看": 24},
    DisciplineCategory.GOVERNMENT_SANCTION.value: {
        "警告": 6,
        "记过": 12,
        "记大过": 18,
        "降级": 24,
        "撤职": 24,
    },
    DisciplineCategory.ORGANIZATIONAL.value: {
        "诫勉": 6,
        "调整职务": 12,
        "责令辞职": 12,
        "免职": 12,
        "降职": 24,
    },
}

#: 留党察看's own term comes on top of its months: 留党察看一年 is 12 + 24.
_PROBATION = "留党察看"
_TERM = re.compile(r"([一二两12])年")
_YEARS = {"一": 1, "1": 1, "二": 2, "两": 2, "2": 2}

#: Expiries within so many days are listed on the 工作台.
EXPIRY_NOTICE_DAYS = 30
#: A sanctioned cadre's first 回访 is due so many days after the decision; each visit then sets
#: the next (seed 004 §10: 受处分干部跟踪回访).
FIRST_VISIT_DAYS = 90


@dataclass(frozen=True)
class EffectPeriod:
    start: date
    end: date  # the last day in effect
    months: int
    rule: str  # 党纪处分·严重警告 18个月


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` months on, kept within the month it lands in (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_for(
    category: str, measure: str, table: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[int, str] | None:
    """The months of 影响期 for ``measure`` in ``category`` and the measure they were found under
    (the longest name in the table that ``measure`` contains: 严重警告 before 警告), or None for
    a measure without one (第一种形态, or one the table does not know)."""
    rules = (table or DEFAULT_EFFECT_MONTHS).get(category) or {}
    text = "".join(measure.split())
    for name in sorted(rules, key=len, reverse=True):
        if name and name in text:
            months = int(rules[name])
            if name == _PROBATION:
                term = _TERM.search(text)
                months += 12 * _YEARS[term.group(1)] if term else 12
            return months, name
    return None


def effect_period(
    category: str,
    measure: str,
    decided_on: date,
    *,
    start: date | None = None,
    table: Mapping[str, Mapping[str, Any]] | None = None,
) -> EffectPeriod | None:
    """The 影响期 of a measure decided on ``decided_on`` (from ``start`` when given)."""
    found = months_for(category, measure, table)
    if found is None:
        return None
    months, name = found
    begin = start or decided_on
    label = DisciplineCategory.parse(category).label
    return EffectPeriod(
        begin, add_months(begin, months) - timedelta(days=1), months, f"{label}·{name} {months}个月"
    )


def in_effect(start: date | None, end: date | None, on: date) -> bool:
    """Whether a period from ``start`` to ``end`` (inclusive; open ends are unbounded) covers ``on``."""
    return (start is None or start <= on) and (end is None or on <= end)


# --- the 四种形态 -----------------------------------------------------------------------------

#: Words of a measure that put it in the fourth, third or first 形态; every other measure with a
#: category beyond 第一种形态 is the second (党纪轻处分, 政务处分 警告/记过/记大过, 组织调整).
FORM_FOUR_WORDS = ("开除",)  # 开除党籍, 开除公职: 严重违纪违法
FORM_THREE_WORDS = ("撤销党内职务", "留党察看", "降级", "撤职", "降职")  # 重处分, 重大职务调整
FORM_ONE_WORDS = ("诫勉",)  # 诫勉 belongs to the first, with 谈话提醒, 批评教育 …
FORM_LABELS = {1: "第一种形态", 2: "第二种形态", 3: "第三种形态", 4: "第四种形态"}


def form_of(category: str, measure: str) -> int:
    """Which of the 四种形态 a measure is (1–4)."""
    if category == DisciplineCategory.FIRST_FORM.value:
        return 1
    for form, words in ((4, FORM_FOUR_WORDS), (3, FORM_THREE_WORDS), (1, FORM_ONE_WORDS)):
        if any(word in measure for word in words):
            return form
    return 2


def form_sql(category: str, measure: str) -> str:
    """:func:`form_of` as an SQL expression over the two columns (the same words)."""

    def any_of(words: tuple[str, ...]) -> str:
        return " OR ".join(f"instr({measure}, '{word}') > 0" for word in words)

    return (
        f"CASE WHEN {category} = '{DisciplineCategory.FIRST_FORM.value}' THEN 1"
        f" WHEN {any_of(FORM_FOUR_WORDS)} THEN 4"
        f" WHEN {any_of(FORM_THREE_WORDS)} THEN 3"
        f" WHEN {any_of(FORM_ONE_WORDS)} THEN 1 ELSE 2 END"
    )
