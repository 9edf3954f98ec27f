"""影响期 arithmetic (issue 19, point 4): the regulations' months, 留党察看's own term, month ends."""

from __future__ import annotations

from datetime import date

import pytest

from wsjc_desktop.domain.sanctions import add_months, effect_period, in_effect, months_for


@pytest.mark.parametrize(
    ("category", "measure", "months"),
    [
        ("party_sanction", "警告", 12),
        ("party_sanction", "党内严重警告", 18),  # the longest name it contains: not 警告
        ("party_sanction", "撤销党内职务", 24),
        ("party_sanction", "留党察看一年", 36),  # its term + 24
        ("party_sanction", "留党察看二年", 48),
        ("party_sanction", "留党察看 2年", 48),
        ("government_sanction", "警告", 6),
        ("government_sanction", "记过", 12),
        ("government_sanction", "记大过", 18),
        ("government_sanction", "降级", 24),
        ("government_sanction", "撤职", 24),
        ("organizational", "诫勉", 6),
        ("organizational", "调整职务", 12),
        ("organizational", "责令辞职", 12),
        ("organizational", "免职", 12),
        ("organizational", "降职", 24),
    ],
)
def test_the_regulations_months(category: str, measure: str, months: int) -> None:
    found = months_for(category, measure)
    assert found is not None and found[0] == months


def test_measures_without_an_effect_period() -> None:
    assert months_for("first_form", "谈话提醒") is None
    assert months_for("organizational", "通报批评") is None  # not in the table: left to the user


def test_the_period_ends_on_the_eve_of_the_same_date_months_later() -> None:
    period = effect_period("party_sanction", "严重警告", date(2026, 3, 5))
    assert period is not None
    assert (period.start, period.end) == (date(2026, 3, 5), date(2027, 9, 4))
    assert period.rule == "党纪处分·严重警告 18个月"
    later = effect_period("government_sanction", "记过", date(2026, 3, 5), start=date(2026, 4, 1))
    assert later is not None and (later.start, later.end) == (date(2026, 4, 1), date(2027, 3, 31))


def test_month_ends_and_leap_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 18) == date(2028, 6, 15)
    period = effect_period("organizational", "诫勉", date(2026, 8, 31))
    assert period is not None and period.end == date(2027, 2, 27)  # 28 Feb 2027, less a day


def test_a_table_of_the_groups_own() -> None:
    own = {"organizational": {"诫勉": 3}}
    period = effect_period("organizational", "诫勉谈话", date(2026, 1, 1), table=own)
    assert period is not None and period.end == date(2026, 3, 31) and period.months == 3
    assert effect_period("party_sanction", "警告", date(2026, 1, 1), table=own) is None


def test_in_effect_is_inclusive() -> None:
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    assert in_effect(start, end, start) and in_effect(start, end, end)
    assert not in_effect(start, end, date(2026, 7, 1)) and not in_effect(start, end, date(2025, 12, 31))
    assert in_effect(None, None, date(2026, 1, 1))
