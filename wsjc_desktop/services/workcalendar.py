"""工作日与法定节假日: which days are working days, and the named public holidays of a year.

Two sources per year. The ``holidays`` package estimates the official schedule (the 国务院办公厅
notice with its 补假 and 调休 is announced late in the year before, so its estimate for a coming
year may differ). The user's own entry for a year — setting ``calendar.<year>``, typed in from
that notice — replaces the estimate for that year entirely.

A holiday's *block* is the run of consecutive days off it lies in: the holiday itself, its 补假
and 调休 rest days, and the weekend days that join them (2026 春节: 2月15日 to 2月23日).

Every function takes a :class:`~wsjc_desktop.storage.database.Database`, an open SQLAlchemy
``Session`` or a DB-API connection, and reads each year it needs once per call, with plain SQL
(``storage.quickread.stored_setting``). This module owns the entry's key and format; the settings
store (``services.settings``) checks an entry with :func:`check_entry` before storing it and
imports this module, not the other way round.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from wsjc_desktop.domain.notice_rules import REMINDER_NAMES
from wsjc_desktop.errors import UserError

log = logging.getLogger(__name__)

#: The statutory holidays, in calendar order (kept with the names their 节前提醒 may carry).
HOLIDAY_NAMES: tuple[str, ...] = tuple(REMINDER_NAMES)
#: Words in a day's name that point to a holiday (农历除夕 is part of 春节).
_ALIASES = (
    ("元旦", "元旦"),
    ("新年", "元旦"),
    ("除夕", "春节"),
    ("春节", "春节"),
    ("清明", "清明节"),
    ("劳动", "劳动节"),
    ("五一", "劳动节"),
    ("端午", "端午节"),
    ("中秋", "中秋节"),
    ("国庆", "国庆节"),
)
#: Names of rest days that belong to whichever holiday they join (调休 rest days, 补假).
GENERIC_NAMES = frozenset({"休息日", "休息", "调休", "补假", "补休", "放假", "休假", "假日", "假期"})
#: Names the package gives to one-off days off, shortened to fit a user entry.
_SHORT_NAMES = {"中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "抗战胜利纪念日"}
#: How several holidays on one day are named (2020-10-01: 中秋节、国庆节).
NAME_SEPARATOR = "、"
MAX_NAME_LENGTH = 10
SETTING_PREFIX = "calendar."
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: How far outside its year a year's entry may reach (元旦 rest days and 调休 at the turn of the year).
_REACH = timedelta(days=14)
#: The longest run of days off looked at when finding a block (2020's extended 春节 was 10 days).
_MAX_BLOCK = 40

_WEEKDAYS = "一二三四五六日"

#: A Database, an ORM session, or a DB-API connection (the 工作台 reads with plain SQL)
SessionOrDb = Any


def setting_key(year: int) -> str:
    """The setting holding the user's entry for ``year``."""
    return f"{SETTING_PREFIX}{year}"


def setting_year(key: str) -> int | None:
    """The year whose entry setting ``key`` holds (``calendar.2027``: 2027), else None: the
    inverse of :func:`setting_key` for the years an entry may be kept for."""
    try:
        year = int(key.removeprefix(SETTING_PREFIX))
    except ValueError:
        return None
    return year if setting_key(year) == key and FIRST_YEAR <= year <= LAST_YEAR else None


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def weekday_name(day: date) -> str:
    """星期一 … 星期日."""
    return f"星期{_WEEKDAYS[day.weekday()]}"


@dataclass(frozen=True)
class Holiday:
    """A named public holiday and the block of days off it lies in."""

    name: str
    year: int
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class YearCalendar:
    """The official days off and make-up working days of one year."""

    year: int
    days_off: dict[date, str]
    workdays: frozenset[date]
    source: str  # "user" or "package"

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a day off, or a weekend day made a working day (调休上班)."""
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def to_setting(self) -> dict[str, Any]:
        """This calendar as the value of setting ``calendar.<year>``."""
        return {
            "days_off": [[day.isoformat(), name] for day, name in sorted(self.days_off.items())],
            "workdays": [day.isoformat() for day in sorted(self.workdays)],
        }


# --- names -------------------------------------------------------------------------------


def holiday_names(name: str) -> tuple[str, ...]:
    """The holidays a day's name points to, in calendar order: ``("春节",)`` for 春节（补假） and
    农历除夕, ``("中秋节", "国庆节")`` for 中秋节; 国庆节, ``()`` for a 调休 rest day (休息日), the
    name itself for any other one-off day off."""
    text = name.strip()
    found = {canonical for word, canonical in _ALIASES if word in text}
    if found:
        return tuple(n for n in HOLIDAY_NAMES if n in found)
    bare = re.sub(r"[（(][^）)]*[）)]", "", text).strip()
    if not bare or bare in GENERIC_NAMES:
        return ()
    return (_SHORT_NAMES.get(bare, bare),)


def _name_days(raw: Mapping[date, str], workdays: frozenset[date]) -> dict[date, str]:
    """Each day off named after its holiday: a rest day gets the name of the nearest named day
    in its block (else 休息日); several holidays on one day are joined with 、."""
    named = {day: NAME_SEPARATOR.join(holiday_names(name)) for day, name in raw.items()}

    def off(day: date) -> bool:
        return day not in workdays and (day in raw or day.weekday() >= 5)

    out: dict[date, str] = {}
    for day, name in named.items():
        if name:
            out[day] = name
            continue
        best: tuple[int, str] | None = None
        for step in (-1, 1):
            other = day
            for distance in range(1, _MAX_BLOCK):
                other += timedelta(days=step)
                if not off(other):
                    break
                if named.get(other) and (best is None or distance < best[0]):
                    best = (distance, named[other])
                    break
        out[day] = best[1] if best else "休息日"
    return out


# --- the two sources -----------------------------------------------------------------------


PackageData = tuple[tuple[tuple[date, str], ...], frozenset[date]]


@lru_cache(maxsize=32)
def _package_data(year: int) -> PackageData:
    cached = _read_cached(year)
    if cached is not None:
        return cached
    import holidays  # slow to import (~0.3 s, every country's module): only when not cached

    data = holidays.China(years=year, language="zh_CN")  # type: ignore[attr-defined]  # loaded lazily
    raw = {day: str(name) for day, name in data.items() if day.year == year}
    workdays = frozenset(day for day in getattr(data, "weekend_workdays", ()) if day.year == year)
    out = tuple(sorted(_name_days(raw, workdays).items())), workdays
    _write_cached(year, out)
    return out


# The package's answer for a year only changes with the package, so it is kept in a small file
# in the data folder's cache: the 工作台's holiday card then needs no import of the package at
# all. The file names the package's version (or, failing that, this program's): another
# version's file is ignored and rewritten; a damaged one too.


def _package_version() -> str:
    from importlib.util import find_spec

    from wsjc_desktop import __version__

    try:
        spec = find_spec("holidays")  # finds the package without importing it
    except (ImportError, ValueError):
        spec = None
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    if origin is not None:
        for info in origin.parent.parent.glob("holidays-*.dist-info"):
            return info.name.removesuffix(".dist-info")
    return f"wsjc-{__version__}"


def _cache_file(year: int) -> Path:
    from wsjc_desktop.paths import data_dir

    return data_dir() / "cache" / f"calendar-{year}.json"


def _read_cached(year: int) -> PackageData | None:
    try:
        stored = json.loads(_cache_file(year).read_text(encoding="utf-8"))
        if stored.get("package") != _package_version() or stored.get("year") != year:
            return None
        days_off = tuple((date.fromisoformat(day), str(name)) for day, name in stored["days_off"])
        workdays = frozenset(date.fromisoformat(day) for day in stored["workdays"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return days_off, workdays


def _write_cached(year: int, data: PackageData) -> None:
    days_off, workdays = data
    value = {
        "package": _package_version(),
        "year": year,
        "days_off": [[day.isoformat(), name] for day, name in days_off],
        "workdays": sorted(day.isoformat() for day in workdays),
    }
    path = _cache_file(year)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # a cache: the calendar works without it
        log.info("could not cache the %s calendar: %s", year, exc)


def package_calendar(year: int) -> YearCalendar:
    """The ``holidays`` package's estimate for ``year`` (official once the year's notice is out
    and the package has been updated; an estimate before)."""
    days_off, workdays = _package_data(year)
    return YearCalendar(year=year, days_off=dict(days_off), workdays=workdays, source="package")


def _parse_day(year: int, text: Any, what: str) -> date:
    if not isinstance(text, str):
        raise UserError(f"{year}年节假日安排：{what}的日期未填写或格式有误。")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{year}年节假日安排：{what}的日期“{text}”无法识别，请按 {year}-01-01 的格式填写。"
        ) from None


def parse_entry(year: int, value: Any) -> YearCalendar:
    """The user's entry for ``year`` (the value of setting ``calendar.<year>``), checked.

    Raises :class:`UserError`, in Chinese, naming the first problem found."""
    title = f"{year}年节假日安排"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(f"年份 {year} 超出范围（{FIRST_YEAR}—{LAST_YEAR}年）。")
    if not isinstance(value, Mapping):
        raise UserError(f"{title}格式有误。")
    unknown = set(value) - {"days_off", "workdays"}
    if unknown:
        raise UserError(f"{title}格式有误（无法识别：{'、'.join(sorted(map(str, unknown)))}）。")
    rows = value.get("days_off") or []
    listed = value.get("workdays") or []
    if not isinstance(rows, list | tuple) or not isinstance(listed, list | tuple):
        raise UserError(f"{title}格式有误。")

    days_off: dict[date, str] = {}
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise UserError(f"{title}：放假日期格式有误。")
        day = _parse_day(year, row[0], "放假日")
        name = row[1].strip() if isinstance(row[1], str) else ""
        if not name:
            raise UserError(f"{title}：{chinese_date(day)}的假日名称未填写。")
        if len(name) > MAX_NAME_LENGTH:
            raise UserError(
                f"{title}：{chinese_date(day)}的名称“{name}”过长（最多 {MAX_NAME_LENGTH} 个字）。"
            )
        if day in days_off and days_off[day] != name:
            raise UserError(
                f"{title}：{chinese_date(day)}填写了两次（“{days_off[day]}”和“{name}”），请只保留一行。"
            )
        days_off[day] = name

    workdays: set[date] = set()
    for text in listed:
        day = _parse_day(year, text, "调休上班日")
        if day in days_off:
            raise UserError(f"{title}：{chinese_date(day)}既填为放假日又填为调休上班日，请只保留一处。")
        if day.weekday() < 5:
            raise UserError(
                f"{title}：调休上班日{chinese_date(day)}是{weekday_name(day)}，本来就要上班，"
                "只需填写需要上班的周六、周日。"
            )
        workdays.add(day)

    first, last = date(year, 1, 1), date(year, 12, 31)
    frozen = frozenset(workdays)

    def off(day: date) -> bool:
        return day not in frozen and (day in days_off or day.weekday() >= 5)

    for day in sorted(days_off):
        if first <= day <= last:
            continue
        near = first - _REACH <= day <= last + _REACH
        joined = False
        if near:  # it must join a day off inside the year through days off and weekends
            step = timedelta(days=1 if day < first else -1)
            other = day + step
            while off(other) and not first <= other <= last:
                other += step
            joined = first <= other <= last and other in days_off
        if not joined:
            raise UserError(
                f"{title}：{chinese_date(day)}不在{year}年，也不与{year}年的假期相连，"
                "请填到对应年份的安排中。"
            )
    for day in sorted(frozen):
        if not first - _REACH <= day <= last + _REACH:
            raise UserError(f"{title}：调休上班日{chinese_date(day)}不在{year}年，请填到对应年份的安排中。")
    return YearCalendar(year=year, days_off=days_off, workdays=frozen, source="user")


def check_entry(year: int, value: Any) -> None:
    """Raise :class:`UserError` if ``value`` is not a usable entry for ``year``."""
    parse_entry(year, value)


def _setting(conn: Any, key: str) -> Any:
    """A stored setting read on a DB-API connection (None when not set: an entry has no default)."""
    from wsjc_desktop.storage.quickread import NOT_STORED, stored_setting

    value = stored_setting(conn, key)
    return None if value is NOT_STORED else value


def _load(conn: Any, year: int) -> YearCalendar:
    if FIRST_YEAR <= year <= LAST_YEAR:
        value = _setting(conn, setting_key(year))
        if value:
            try:
                return parse_entry(year, value)
            except UserError as exc:  # written by hand or by an older version: fall back
                log.warning("ignoring setting %s: %s", setting_key(year), exc.message)
    return package_calendar(year)


# --- several years at once ------------------------------------------------------------------


class _Calendars:
    """The calendars one call needs, each year read once (on a DB-API connection)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.years: dict[int, YearCalendar] = {}
        self.holidays: dict[int, list[Holiday]] = {}

    def year(self, year: int) -> YearCalendar:
        cal = self.years.get(year)
        if cal is None:
            cal = self.years[year] = _load(self.conn, year)
        return cal

    def _neighbour(self, day: date) -> YearCalendar | None:
        """The adjacent year whose entry may reach ``day`` (the turn of the year only)."""
        if day >= date(day.year, 12, 31) - _REACH:
            return self.year(day.year + 1)
        if day <= date(day.year, 1, 1) + _REACH:
            return self.year(day.year - 1)
        return None

    def is_working_day(self, day: date) -> bool:
        own = self.year(day.year)
        if day in own.workdays:
            return True
        if day in own.days_off:
            return False
        other = self._neighbour(day)
        if other is not None:
            if day in other.workdays:
                return True
            if day in other.days_off:
                return False
        return day.weekday() < 5

    def block(self, day: date) -> tuple[date, date]:
        """The run of consecutive days off around ``day``."""
        one = timedelta(days=1)
        first = last = day
        for _ in range(_MAX_BLOCK):
            if self.is_working_day(first - one):
                break
            first -= one
        for _ in range(_MAX_BLOCK):
            if self.is_working_day(last + one):
                break
            last += one
        return first, last

    def holidays_of(self, year: int) -> list[Holiday]:
        found = self.holidays.get(year)
        if found is not None:
            return found
        cal = self.year(year)
        days_by_name: dict[str, list[date]] = {}
        for day in sorted(cal.days_off):
            for name in holiday_names(cal.days_off[day]):
                days_by_name.setdefault(name, []).append(day)
        blocks: dict[tuple[date, date], set[str]] = {}
        block_of: dict[date, tuple[date, date]] = {}
        for name, days in days_by_name.items():
            for day in days:
                span = block_of.get(day) or self.block(day)
                block_of[day] = span
                blocks.setdefault(span, set()).add(name)
        out: list[Holiday] = []
        for name, days in days_by_name.items():
            spans = sorted({block_of[day] for day in days})

            def rank(span: tuple[date, date], name: str = name, days: list[date] = days) -> tuple[int, int]:
                # its own block before one it shares (中秋节（补假） within 国庆节), then the most days
                alone = 0 if blocks[span] == {name} else 1
                return alone, -sum(1 for day in days if span[0] <= day <= span[1])

            span = min(spans, key=rank)
            out.append(Holiday(name=name, year=year, first_day=span[0], last_day=span[1]))
        out.sort(key=_order)
        self.holidays[year] = out
        return out


def _order(holiday: Holiday) -> tuple[date, int, str]:
    index = HOLIDAY_NAMES.index(holiday.name) if holiday.name in HOLIDAY_NAMES else len(HOLIDAY_NAMES)
    return holiday.first_day, index, holiday.name


@contextmanager
def _calendars(source: SessionOrDb) -> Iterator[_Calendars]:
    if hasattr(source, "raw_read"):  # a Database: the settings are read with plain SQL
        with source.raw_read() as conn:
            yield _Calendars(conn)
    elif hasattr(source, "get_bind"):  # an ORM session: its own connection, in its transaction
        source.flush()  # an entry stored in this transaction counts, as a query would autoflush it
        yield _Calendars(source.connection().connection.driver_connection)
    else:
        yield _Calendars(source)


# --- the public functions ------------------------------------------------------------------


def year_calendar(source: SessionOrDb, year: int) -> YearCalendar:
    """The calendar of ``year``: the user's entry if there is one, else the package estimate."""
    with _calendars(source) as cals:
        return cals.year(year)


def holidays_of(source: SessionOrDb, year: int) -> list[Holiday]:
    """The named holidays of ``year``, in date order (中秋节 and 国庆节 may share one block)."""
    with _calendars(source) as cals:
        return list(cals.holidays_of(year))


def holidays_with(source: SessionOrDb, calendar: YearCalendar) -> list[Holiday]:
    """The named holidays of ``calendar.year`` as they would be with ``calendar`` in place of that
    year's stored entry (the settings page shows them while the user edits, before saving)."""
    with _calendars(source) as cals:
        cals.years[calendar.year] = calendar
        return list(cals.holidays_of(calendar.year))


def next_holiday(source: SessionOrDb, today: date) -> Holiday | None:
    """The first holiday not yet over on ``today`` (the ongoing one during a holiday), looking
    into next year too."""
    years = [today.year, today.year + 1]
    if today.month == 1:
        years.insert(0, today.year - 1)
    with _calendars(source) as cals:
        ahead = [h for year in years for h in cals.holidays_of(year) if h.last_day >= today]
    return min(ahead, key=_order, default=None)


def is_working_day(source: SessionOrDb, day: date) -> bool:
    with _calendars(source) as cals:
        return cals.is_working_day(day)


def add_working_days(source: SessionOrDb, start: date, n: int) -> date:
    """The ``n``-th working day after ``start``; for ``n == 0``, ``start`` itself if it is a
    working day, else the next working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    one = timedelta(days=1)
    day = start
    with _calendars(source) as cals:
        if n == 0:
            while not cals.is_working_day(day):
                day += one
            return day
        counted = 0
        while counted < n:
            day += one
            if cals.is_working_day(day):
                counted += 1
    return day


def working_days_between(source: SessionOrDb, start: date, end: date) -> int:
    """The working days in (``start``, ``end``]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(source, end, start)
    one = timedelta(days=1)
    count = 0
    with _calendars(source) as cals:
        day = start + one
        while day <= end:
            if cals.is_working_day(day):
                count += 1
            day += one
    return count
