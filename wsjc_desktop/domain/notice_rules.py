"""The rules about 廉情提醒 that are read both through the ORM and with plain SQL, each written once.

The 工作台 and the year-end figures read with plain SQL on a DB-API connection (SQLAlchemy is not
loaded yet, or not worth loading); the registers, the per-unit totals and the bulk 节前提醒 read
through the ORM. So each rule is kept here once, as the SQL text both paths run (the ORM wraps it
in ``text()``), and, where one record in memory needs it, as the test of that record beside it.
This module imports no SQLAlchemy; ``tests/services/test_one_rule.py`` checks on a demo file that
every path gives the same records.

A fragment names the notice table by the alias its caller gives (``n`` in plain SQL, the table
name ``alert_notices`` under the ORM). A day is an SQL expression: a named parameter such as
``:today`` for plain SQL, or :func:`sql_date` for the ORM. SQLite stores dates as ISO text, so
they compare as text. Only our own constants are ever written into the SQL; anything typed by a
user (a holiday's name) is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus, RectificationStatus

_ISSUED = NoticeStatus.ISSUED.value
_FED_BACK = NoticeStatus.FED_BACK.value
_RECTIFIED = NoticeStatus.RECTIFIED.value
_DONE = RectificationStatus.DONE.value
_HOLIDAY_REMINDER = NoticeKind.HOLIDAY_REMINDER.value


def sql_date(day: date) -> str:
    """A day as an SQL literal (``'2026-06-01'``); made from a date, never from input."""
    return f"'{day.isoformat()}'"


# --- 逾期 and 到期 ------------------------------------------------------------------------------

#: A notice is “due soon” when its 反馈期限 is at most this many days ahead (today included).
DUE_SOON_DAYS = 7


def is_overdue(status: NoticeStatus | str, deadline: date | None, today: date) -> bool:
    """逾期 is derived, never stored: issued, no feedback yet, and past its 反馈期限."""
    return NoticeStatus.parse(status) is NoticeStatus.ISSUED and deadline is not None and deadline < today


def overdue_sql(n: str = "n", today: str = ":today") -> str:
    """:func:`is_overdue` in SQL."""
    return f"({n}.status = '{_ISSUED}' AND {n}.deadline IS NOT NULL AND {n}.deadline < {today})"


def issued_not_overdue_sql(n: str = "n", today: str = ":today") -> str:
    """已发出 as a list shows it: issued and not (yet) 逾期."""
    return f"({n}.status = '{_ISSUED}' AND NOT {overdue_sql(n, today)})"


def open_sql(n: str = "n") -> str:
    """Issued and not yet rectified, with or without feedback."""
    return f"({n}.status IN ('{_ISSUED}', '{_FED_BACK}'))"


def due_within_sql(n: str = "n", today: str = ":today", due_by: str = ":due_by") -> str:
    """Issued, no feedback yet, its 反馈期限 from ``today`` to ``due_by`` (both included)."""
    return f"({n}.status = '{_ISSUED}' AND {n}.deadline BETWEEN {today} AND {due_by})"


# --- 反馈 and 整改 -----------------------------------------------------------------------------
#
# A notice's feedback are its rectifications not in the recycle bin. It was *rectified on* the
# day of the first feedback that said 已完成; rectified by 标记已整改 with no such feedback, on the
# day of its last feedback. It was *rectified late* (逾期整改) when it is 已整改 and was rectified
# after its 反馈期限; a notice not rectified is never rectified late, however late its feedback
# (that is 逾期反馈, :func:`fed_back_late_sql`).

Feedback = Iterable[tuple[date, RectificationStatus | str]]


def _feedback_sql(n: str) -> str:
    return f"FROM rectifications fb WHERE fb.notice_id = {n}.id AND fb.deleted_at IS NULL"


def rectified_on(feedback: Feedback) -> date | None:
    """The day a notice was rectified, from its live feedback as (feedback_date, status)."""
    rows = [(day, RectificationStatus.parse(status)) for day, status in feedback]
    done = [day for day, status in rows if status is RectificationStatus.DONE]
    if done:
        return min(done)
    return max((day for day, _status in rows), default=None)


def rectified_on_sql(n: str = "n") -> str:
    """:func:`rectified_on` in SQL (NULL without feedback)."""
    return (
        f"coalesce((SELECT min(fb.feedback_date) {_feedback_sql(n)} AND fb.status = '{_DONE}'),"
        f" (SELECT max(fb.feedback_date) {_feedback_sql(n)}))"
    )


def is_rectified_late(status: NoticeStatus | str, deadline: date | None, feedback: Feedback) -> bool:
    """逾期整改: 已整改, and rectified after its 反馈期限."""
    if NoticeStatus.parse(status) is not NoticeStatus.RECTIFIED or deadline is None:
        return False
    day = rectified_on(feedback)
    return day is not None and day > deadline


def rectified_late_sql(n: str = "n") -> str:
    """:func:`is_rectified_late` in SQL: 1 or 0, never NULL."""
    return (
        f"coalesce({n}.status = '{_RECTIFIED}' AND {n}.deadline IS NOT NULL"
        f" AND {rectified_on_sql(n)} > {n}.deadline, 0)"
    )


def fed_back_sql(n: str = "n") -> str:
    """Fed back: it has feedback, or its status says so."""
    return f"(EXISTS (SELECT 1 {_feedback_sql(n)}) OR {n}.status IN ('{_FED_BACK}', '{_RECTIFIED}'))"


def fed_back_late_sql(n: str = "n") -> str:
    """逾期反馈: its first feedback came after its 反馈期限 (1 or 0)."""
    return (
        f"coalesce({n}.deadline IS NOT NULL"
        f" AND (SELECT min(fb.feedback_date) {_feedback_sql(n)}) > {n}.deadline, 0)"
    )


# --- 节前廉政提醒: which reminders belong to a holiday ---------------------------------------

#: The statutory holidays in calendar order (``workcalendar.HOLIDAY_NAMES``), each with the names
#: a 节前提醒 may carry for it, the usual one first: the notices tab offers 清明, 端午, 中秋 and
#: 国庆; older records may say 五一 or 中秋国庆.
REMINDER_NAMES: dict[str, tuple[str, ...]] = {
    "元旦": ("元旦",),
    "春节": ("春节",),
    "清明节": ("清明", "清明节"),
    "劳动节": ("劳动节", "五一"),
    "端午节": ("端午", "端午节"),
    "中秋节": ("中秋", "中秋节", "中秋国庆"),
    "国庆节": ("国庆", "国庆节", "中秋国庆"),
}

#: The holidays offered for 节前廉政提醒, by their usual names (any other name may be typed).
HOLIDAYS: tuple[str, ...] = tuple(names[0] for names in REMINDER_NAMES.values())


def reminder_names(holiday: str) -> tuple[str, ...]:
    """The names a reminder may carry and still belong to the round for ``holiday``, the usual
    one first. ``holiday`` is a holiday of the calendar (``端午节``) or a name a reminder carries
    (``端午``): every name of that holiday. A name of two holidays (``中秋国庆``) stands for both,
    so only the names of both: a ``中秋`` reminder does not cover 国庆. Any other name is itself."""
    text = " ".join(holiday.split())
    rounds = [names for names in REMINDER_NAMES.values() if text in names]
    if not rounds:
        return (text,)
    return tuple(name for name in rounds[0] if all(name in names for names in rounds))


def holiday_window(holiday: str, year: int) -> tuple[date, date]:
    """When the reminders for a holiday of ``year`` are usually written: 元旦's in the December
    before; every other holiday's within its own year."""
    if reminder_names(holiday)[0] == "元旦":
        return date(year - 1, 7, 1), date(year, 6, 30)
    return date(year, 1, 1), date(year, 12, 31)


def holiday_round_sql(holiday: str, year: int, n: str = "n") -> tuple[str, dict[str, Any]]:
    """The condition (and its named parameters) for the live 节前提醒 of the round for ``holiday``
    of ``year``: carrying one of :func:`reminder_names`, and written (issued, else created) in
    :func:`holiday_window` or titled with the year (a draft may be written weeks ahead, across
    New Year). Drafts included; which units are under supervision is the caller's business."""
    names = reminder_names(holiday)
    start, end = holiday_window(holiday, year)
    marks = ", ".join(f":round_name_{i}" for i in range(len(names)))
    sql = (
        f"({n}.kind = '{_HOLIDAY_REMINDER}' AND {n}.deleted_at IS NULL AND {n}.holiday IN ({marks})"
        f" AND (coalesce({n}.issued_on, substr({n}.created_at, 1, 10)) BETWEEN :round_start AND :round_end"
        f" OR instr({n}.title, :round_year) > 0))"
    )
    params: dict[str, Any] = {f"round_name_{i}": name for i, name in enumerate(names)}
    params.update(round_start=start.isoformat(), round_end=end.isoformat(), round_year=f"{year}年")
    return sql, params
