"""Working days and public holidays: the package estimate, the user's entry over it, and the
day arithmetic, on real SQLite files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings, workcalendar
from wsjc_desktop.services.workcalendar import Holiday
from wsjc_desktop.storage.database import Database

D = date


def blocks(db: Database, year: int) -> dict[str, tuple[date, date]]:
    return {h.name: (h.first_day, h.last_day) for h in workcalendar.holidays_of(db, year)}


# --- the package estimate ---------------------------------------------------------------------


def test_2026_from_the_package(db: Database) -> None:
    cal = workcalendar.year_calendar(db, 2026)
    assert cal.source == "package"
    assert cal.year == 2026
    # 春节: 农历除夕 and the 调休 rest days are named after the holiday they belong to
    assert cal.days_off[D(2026, 2, 16)] == "春节"  # 农历除夕
    assert cal.days_off[D(2026, 2, 20)] == "春节"  # 休息日（由 2026-02-14 调休）
    assert cal.days_off[D(2026, 2, 23)] == "春节"
    assert cal.days_off[D(2026, 1, 2)] == "元旦"
    assert cal.days_off[D(2026, 4, 6)] == "清明节"  # 清明节（补假）
    assert D(2026, 2, 14) in cal.workdays  # Saturday, 调休上班
    assert D(2026, 2, 14).weekday() == 5
    assert cal.is_working_day(D(2026, 2, 14))
    assert not cal.is_working_day(D(2026, 2, 15))  # Sunday
    assert not cal.is_working_day(D(2026, 2, 20))  # Friday, a rest day
    assert cal.is_working_day(D(2026, 2, 24))
    assert all(day.year == 2026 for day in cal.workdays)
    assert set(cal.days_off.values()) <= set(workcalendar.HOLIDAY_NAMES)

    assert blocks(db, 2026) == {
        "元旦": (D(2026, 1, 1), D(2026, 1, 3)),
        "春节": (D(2026, 2, 15), D(2026, 2, 23)),
        "清明节": (D(2026, 4, 4), D(2026, 4, 6)),
        "劳动节": (D(2026, 5, 1), D(2026, 5, 5)),
        "端午节": (D(2026, 6, 19), D(2026, 6, 21)),
        "中秋节": (D(2026, 9, 25), D(2026, 9, 27)),
        "国庆节": (D(2026, 10, 1), D(2026, 10, 7)),
    }
    spring = workcalendar.holidays_of(db, 2026)[1]
    assert spring == Holiday("春节", 2026, D(2026, 2, 15), D(2026, 2, 23))
    assert spring.days == 9
    assert [h.name for h in workcalendar.holidays_of(db, 2026)] == list(workcalendar.HOLIDAY_NAMES)


def test_2027_estimate_and_shared_blocks(db: Database) -> None:
    got = blocks(db, 2027)
    assert got["国庆节"] == (D(2027, 10, 1), D(2027, 10, 5))
    assert got["春节"] == (D(2027, 2, 5), D(2027, 2, 10))  # 除夕 Friday to the second 补假
    assert got["元旦"] == (D(2027, 1, 1), D(2027, 1, 3))
    assert workcalendar.year_calendar(db, 2027).source == "package"
    # 2023: 元旦 joined the weekend before it; 中秋节 and 国庆节 share one block
    got = blocks(db, 2023)
    assert got["元旦"] == (D(2022, 12, 31), D(2023, 1, 2))
    assert got["中秋节"] == got["国庆节"] == (D(2023, 9, 29), D(2023, 10, 6))
    # 2020: two holidays on one day, and the extended 春节
    cal = workcalendar.year_calendar(db, 2020)
    assert cal.days_off[D(2020, 10, 1)] == "中秋节、国庆节"
    assert cal.days_off[D(2020, 1, 31)] == "春节"  # 春节延长假期
    assert blocks(db, 2020)["春节"] == (D(2020, 1, 24), D(2020, 2, 2))


def test_next_holiday(db: Database) -> None:
    upcoming = workcalendar.next_holiday(db, D(2026, 11, 22))
    assert upcoming is not None
    assert (upcoming.name, upcoming.year) == ("元旦", 2027)
    assert upcoming.first_day == D(2027, 1, 1)
    # during a holiday: the ongoing one, to its last day
    assert workcalendar.next_holiday(db, D(2026, 2, 20)) == Holiday(
        "春节", 2026, D(2026, 2, 15), D(2026, 2, 23)
    )
    ongoing = workcalendar.next_holiday(db, D(2026, 10, 7))
    assert ongoing is not None and ongoing.name == "国庆节"
    after = workcalendar.next_holiday(db, D(2026, 10, 8))
    assert after is not None and (after.name, after.year) == ("元旦", 2027)
    # 元旦 2024 began in 2023
    first = workcalendar.next_holiday(db, D(2023, 12, 30))
    assert first is not None and (first.name, first.year, first.first_day) == ("元旦", 2024, D(2023, 12, 30))


def test_working_day_arithmetic(db: Database) -> None:
    assert workcalendar.is_working_day(db, D(2026, 2, 14))  # Saturday 调休上班
    assert not workcalendar.is_working_day(db, D(2026, 2, 18))
    assert not workcalendar.is_working_day(db, D(2026, 6, 20))  # an ordinary Saturday
    # across 春节: Friday 13th, then Saturday 14th (调休上班), then nothing until the 24th
    assert workcalendar.add_working_days(db, D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert workcalendar.add_working_days(db, D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert workcalendar.add_working_days(db, D(2026, 2, 16), 5) == D(2026, 2, 28)  # Saturday 调休上班
    assert workcalendar.add_working_days(db, D(2026, 2, 16), 6) == D(2026, 3, 2)
    # n = 0: the day itself if working, else the next working day
    assert workcalendar.add_working_days(db, D(2026, 2, 13), 0) == D(2026, 2, 13)
    assert workcalendar.add_working_days(db, D(2026, 2, 17), 0) == D(2026, 2, 24)
    # across a year end: 元旦 2027 falls on a Friday
    assert workcalendar.add_working_days(db, D(2026, 12, 30), 1) == D(2026, 12, 31)
    assert workcalendar.add_working_days(db, D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert workcalendar.add_working_days(db, D(2026, 12, 25), 10) == D(2027, 1, 11)
    with pytest.raises(ValueError):
        workcalendar.add_working_days(db, D(2026, 1, 5), -1)

    assert workcalendar.working_days_between(db, D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert workcalendar.working_days_between(db, D(2026, 2, 24), D(2026, 2, 13)) == -2
    assert workcalendar.working_days_between(db, D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert workcalendar.working_days_between(db, D(2026, 12, 30), D(2027, 1, 4)) == 2
    # October 2026: 22 weekdays, 5 of them 国庆 days off, and Saturday 10th a working day
    assert workcalendar.working_days_between(db, D(2026, 9, 30), D(2026, 10, 31)) == 18


def test_works_on_a_session_too(db: Database) -> None:
    with db.read() as uow:
        assert workcalendar.add_working_days(uow.session, D(2026, 2, 13), 2) == D(2026, 2, 24)
        assert workcalendar.is_working_day(uow.session, D(2026, 2, 14))
        assert workcalendar.year_calendar(uow.session, 2026).source == "package"


def test_a_session_sees_the_entry_stored_in_its_own_transaction(db: Database) -> None:
    """Read through the session's own connection: an entry stored but not yet committed (nor
    flushed) counts within that transaction, and goes with it."""
    with db.uow() as uow:
        settings.store_in(uow.session, "calendar.2027", entry_2027())
        assert workcalendar.year_calendar(uow.session, 2027).source == "user"
        assert workcalendar.is_working_day(uow.session, D(2027, 2, 14))  # the make-up Sunday
    assert workcalendar.year_calendar(db, 2027).source == "package"  # rolled back
    assert not workcalendar.is_working_day(db, D(2027, 2, 14))


# --- the user's entry -------------------------------------------------------------------------


def entry_2027() -> dict[str, Any]:
    """2027 as a user typed it: 春节 one day later than the estimate, a Sunday 调休上班."""
    est = workcalendar.package_calendar(2027)
    days_off = {day: name for day, name in est.days_off.items() if name != "春节"}
    for day in range(6, 13):  # Saturday 6th to Friday 12th, not from Friday 5th (除夕) as estimated
        days_off[D(2027, 2, day)] = "春节"
    return {
        "days_off": [[day.isoformat(), name] for day, name in sorted(days_off.items())],
        "workdays": ["2027-02-14", "2027-02-20"],  # Sunday, Saturday
    }


def test_a_user_entry_replaces_the_estimate(db: Database) -> None:
    estimate = workcalendar.year_calendar(db, 2027)
    assert not estimate.is_working_day(D(2027, 2, 5))
    assert not workcalendar.is_working_day(db, D(2027, 2, 14))  # an ordinary Sunday in the estimate
    settings.set_many(db, {"calendar.2027": entry_2027()})

    cal = workcalendar.year_calendar(db, 2027)
    assert cal.source == "user"
    assert cal.days_off[D(2027, 2, 12)] == "春节"
    assert D(2027, 2, 5) not in cal.days_off
    assert cal.workdays == frozenset({D(2027, 2, 14), D(2027, 2, 20)})
    assert workcalendar.is_working_day(db, D(2027, 2, 5))  # Friday: back at work
    assert not workcalendar.is_working_day(db, D(2027, 2, 11))
    assert workcalendar.is_working_day(db, D(2027, 2, 14))  # the make-up Sunday
    assert blocks(db, 2027)["春节"] == (D(2027, 2, 6), D(2027, 2, 13))  # with Saturday 13th
    assert workcalendar.add_working_days(db, D(2027, 2, 4), 1) == D(2027, 2, 5)
    assert workcalendar.add_working_days(db, D(2027, 2, 5), 1) == D(2027, 2, 14)
    assert workcalendar.add_working_days(db, D(2027, 2, 5), 2) == D(2027, 2, 15)
    # other years keep the estimate
    assert workcalendar.year_calendar(db, 2026).source == "package"

    # cleared, the estimate is back
    settings.clear(db, "calendar.2027")
    assert workcalendar.year_calendar(db, 2027).source == "package"
    assert settings.get(db, "calendar.2027") is None
    assert workcalendar.is_working_day(db, D(2027, 2, 5)) is False


def test_an_entry_may_reach_into_the_year_before(db: Database) -> None:
    """元旦 2027 taken as 2026-12-31 to 2027-01-03, with Sunday 2026-12-27 worked."""
    value = {
        "days_off": [["2026-12-31", "元旦"], ["2027-01-01", "元旦"]],
        "workdays": ["2026-12-27"],
    }
    settings.set_many(db, {"calendar.2027": value})
    assert not workcalendar.is_working_day(db, D(2026, 12, 31))
    assert workcalendar.is_working_day(db, D(2026, 12, 27))
    assert workcalendar.year_calendar(db, 2026).is_working_day(D(2026, 12, 31))  # 2026's own view
    new_year = blocks(db, 2027)["元旦"]
    assert new_year == (D(2026, 12, 31), D(2027, 1, 3))
    upcoming = workcalendar.next_holiday(db, D(2026, 12, 20))
    assert upcoming is not None and (upcoming.name, upcoming.year) == ("元旦", 2027)
    assert workcalendar.add_working_days(db, D(2026, 12, 30), 1) == D(2027, 1, 4)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"days_off": [["2027-02-30", "春节"]], "workdays": []}, "无法识别"),
        ({"days_off": [["2027/02/05", "春节"]], "workdays": []}, "2027-01-01 的格式"),
        ({"days_off": [["2027-02-05", "  "]], "workdays": []}, "2027年2月5日的假日名称未填写"),
        ({"days_off": [["2027-02-05", "春节春节春节春节春节春节"]], "workdays": []}, "过长"),
        ({"days_off": [["2027-02-06", "春节"]], "workdays": ["2027-02-06"]}, "既填为放假日又填为调休上班日"),
        ({"days_off": [], "workdays": ["2027-02-08"]}, "星期一，本来就要上班"),
        ({"days_off": [["2026-10-01", "国庆节"]], "workdays": []}, "不在2027年"),
        (
            {"days_off": [["2026-12-28", "元旦"], ["2027-01-01", "元旦"]], "workdays": []},
            "不与2027年的假期相连",
        ),
        ({"days_off": [], "workdays": ["2028-03-04"]}, "不在2027年"),
        ({"days_off": [["2027-02-05", "春节"], ["2027-02-05", "除夕"]], "workdays": []}, "填写了两次"),
        (["2027-02-05"], "格式有误"),
    ],
)
def test_bad_entries_are_refused_in_chinese(db: Database, value: Any, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        settings.set_many(db, {"calendar.2027": value})
    assert caught.value.message.startswith(("2027年节假日安排", "年份"))
    assert settings.get(db, "calendar.2027") is None


def test_calendar_keys(db: Database) -> None:
    assert workcalendar.setting_year(workcalendar.setting_key(2027)) == 2027
    assert settings.calendar_year("calendar.2027") == 2027  # the settings go by the calendar's rule
    for key in ("calendar.1999", "calendar.2101", "calendar.27", "calendar.abcd"):
        with pytest.raises(ValueError, match="unknown setting"):
            settings.set_many(db, {key: {"days_off": [], "workdays": []}})
    for key in (
        "calendar.+2027",
        "calendar. 2027",
        "calendar.2_027",
        "calendar.\u0662\u0660\u0662\u0667",
        "2027",
    ):
        assert workcalendar.setting_year(key) is None  # only the key setting_key would write
        with pytest.raises(ValueError, match="unknown setting"):
            settings.set_many(db, {key: {"days_off": [], "workdays": []}})
    settings.set_many(db, {"calendar.2100": {"days_off": [], "workdays": []}})
    assert workcalendar.year_calendar(db, 2100).source == "user"
    assert workcalendar.year_calendar(db, 2100).days_off == {}


def test_fill_from_the_package_round_trips(db: Database) -> None:
    """What 按节假日库填入 stores is accepted and means the same as the estimate."""
    for year in (2015, 2020, 2023, 2026, 2027):
        estimate = workcalendar.package_calendar(year)
        settings.set_many(db, {workcalendar.setting_key(year): estimate.to_setting()})
        stored = workcalendar.year_calendar(db, year)
        assert stored.source == "user"
        assert (stored.days_off, stored.workdays) == (estimate.days_off, estimate.workdays)


# --- the package's answers, cached in the data folder -----------------------------------------

CACHE_PROBE = """
import json, sys
from wsjc_desktop.services import workcalendar
cal = workcalendar.package_calendar(int(sys.argv[1]))
print(json.dumps({"holidays_imported": "holidays" in sys.modules, **cal.to_setting()}))
"""


def _in_fresh_process(year: int, data_dir: Path) -> dict[str, Any]:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "WSJC_DATA_DIR": str(data_dir)}
    out = subprocess.run(
        [sys.executable, "-c", CACHE_PROBE, str(year)], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_package_calendar_is_cached_so_a_later_start_needs_no_package(tmp_path: Path) -> None:
    first = _in_fresh_process(2026, tmp_path)
    assert first["holidays_imported"]  # nothing cached yet: computed by the package
    cache = tmp_path / "cache" / "calendar-2026.json"
    assert cache.is_file()

    again = _in_fresh_process(2026, tmp_path)
    assert not again.pop("holidays_imported")  # read from the cache
    first.pop("holidays_imported")
    assert again == first
    assert ["2026-10-01", "国庆节"] in again["days_off"]


def test_a_damaged_or_foreign_cache_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    import json

    cache = tmp_path / "cache" / "calendar-2027.json"
    cache.parent.mkdir()
    cache.write_text("{not json", encoding="utf-8")
    damaged = _in_fresh_process(2027, tmp_path)
    assert damaged.pop("holidays_imported")
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored["year"] == 2027 and stored["package"]

    stored["package"] = "holidays-0.0.1"  # another version's answer
    stored["days_off"] = [["2027-03-03", "不存在的假日"]]
    cache.write_text(json.dumps(stored), encoding="utf-8")
    foreign = _in_fresh_process(2027, tmp_path)
    assert foreign.pop("holidays_imported")
    assert foreign == damaged
