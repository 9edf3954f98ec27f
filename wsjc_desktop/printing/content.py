"""What a letter says, apart from how it is set: the title, the addressee and the paragraphs of
the body, composed from plain values and the wording. Both engines read it: the PDF slips
(:mod:`~wsjc_desktop.printing.slips`) and the Word files (:mod:`~wsjc_desktop.printing.docx`),
so a letter reads the same in either.

No reportlab, no fonts, no Qt: text only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from wsjc_desktop.domain.enums import LabeledEnum
from wsjc_desktop.domain.fields import spec_for
from wsjc_desktop.printing import wording as W
from wsjc_desktop.printing.text import format_date, format_time, paragraphs
from wsjc_desktop.printing.values import NoticeValues, OpinionReplyValues

__all__ = [
    "FILE_FORMAT",
    "LETTER_FORMAT",
    "Letter",
    "basics_rows",
    "letter_title",
    "masthead_format",
    "notice_letter",
    "opinion_lead",
    "opinion_names",
    "opinion_title",
    "value_text",
]


#: The masthead formats of GB/T 9704: 信函格式 (§10.1) for letters, 文件格式 (§7.2) for 廉情抄告单.
LETTER_FORMAT = "信函格式"
FILE_FORMAT = "文件格式"
#: Kinds of notice printed in the 文件格式; every other letter uses the 信函格式.
FILE_FORMAT_KINDS = frozenset({"copy_notice"})


def masthead_format(kind: str) -> str:
    """The masthead format a notice kind (or "opinion_reply") is printed in."""
    return FILE_FORMAT if kind in FILE_FORMAT_KINDS else LETTER_FORMAT


def letter_title(title: str, kind_label: str) -> str:
    """A letter's title names its kind: the 信函格式's masthead carries only the group's name,
    so “关于X” becomes “关于X的廉政提醒函” where the kind is not in the title already."""
    if not title or title == kind_label:
        return kind_label
    core = kind_label.removeprefix("廉政").removeprefix("纪检监察")
    if core in title:
        return title
    return f"{title}的{kind_label}" if title.startswith("关于") else f"{title}{kind_label}"


@dataclass(frozen=True)
class Letter:
    """The words of a letter below its masthead and above its signature."""

    title: str
    #: words a title line must not be broken inside (the unit's name, a cadre's)
    keep: tuple[str, ...]
    addressee: str  # 主送
    body: tuple[str, ...]  # paragraphs; “一、” and “（一）” ones are headings


def notice_letter(v: NoticeValues) -> Letter:
    """抄告单 / 提醒函 / 提示函 / 建议书 / 节前提醒: title, addressee and body paragraphs."""
    cadre_label = spec_for("alert_notices").field("cadre_id").print_label
    if v.kind == "holiday_reminder":
        h = W.HOLIDAY_WORDING
        fill = {"holiday": v.holiday or "节日", "year": str((v.issued_on or v.deadline or date.today()).year)}
        texts = [h.lead.format(**fill)]
        if v.cadre_name:
            texts.append(
                W.NOTICE_WORDING["copy_notice"].cadre_line.format(label=cadre_label, cadre=v.cadre_name)
            )
        texts += paragraphs(v.problems)
        texts += paragraphs(v.requirements) or list(h.items)
        texts.append(h.closing.format(**fill))
        if v.deadline:
            texts.append(h.deadline.format(deadline=format_date(v.deadline), **fill))
        return Letter(v.title or h.title.format(**fill), (), v.unit_name, tuple(texts))
    n = W.NOTICE_WORDING.get(v.kind, W.NOTICE_WORDING["copy_notice"])
    texts = []
    if v.cadre_name:
        texts.append(n.cadre_line.format(label=cadre_label, cadre=v.cadre_name))
    # a lead sentence ends in “：”, so it is printed only when something follows it
    problems, requirements = paragraphs(v.problems), paragraphs(v.requirements)
    if problems:
        texts += [n.problems_heading] if n.problems_heading else []
        texts += [n.lead, *problems]
    if requirements:
        texts += [n.requirements_heading] if n.requirements_heading else []
        texts += [n.requirements_lead, *requirements]
    if v.deadline:
        if n.deadline_heading:
            texts.append(n.deadline_heading)
        texts.append(n.deadline.format(deadline=format_date(v.deadline)))
    if n.closing:
        texts.append(n.closing)
    title = v.title or v.kind_label
    if masthead_format(v.kind) == LETTER_FORMAT:
        title = letter_title(title, v.kind_label)
    return Letter(title, (v.unit_name, v.cadre_name or ""), v.unit_name, tuple(texts))


def opinion_names(v: OpinionReplyValues) -> str:
    """The persons a 党风廉政意见回复 answers for: 张三、李四, or 张三、李四、王五等5名."""
    o = W.OPINION_WORDING
    names = [p.name for p in v.persons]
    if len(names) > 3:
        return o.names_many.format(names="、".join(names[:3]), count=len(names))
    return "、".join(names)


def opinion_title(v: OpinionReplyValues) -> str:
    return W.OPINION_WORDING.title.format(names=opinion_names(v))


def opinion_lead(v: OpinionReplyValues) -> str:
    """The reply's first paragraph, before the table of persons."""
    o = W.OPINION_WORDING
    when = o.request_date.format(date=format_date(v.request_date)) if v.request_date else ""
    return o.lead.format(names=opinion_names(v), reason=v.reason_label, date=when)


def value_text(value: Any) -> str:
    """A value as a form prints it, for a field the layout does not place itself."""
    if value is None:
        return ""
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return format_time(value)
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(item) for item in value)
    return str(value)


Pair = tuple[str, str]


def basics_rows(basics: Sequence[Pair], wide: Callable[[str], bool]) -> list[list[tuple[Pair, int]]]:
    """The 廉政档案's basics as rows of a four-column table: label and value pairs two to a row,
    a value ``wide`` for half a row on a row of its own. Each row as (pair, columns its value
    spans); both engines set them."""
    rows: list[list[tuple[Pair, int]]] = []
    pending: Pair | None = None
    for pair in basics:
        if wide(pair[1]):
            if pending:
                rows.append([(pending, 3)])
                pending = None
            rows.append([(pair, 3)])
        elif pending:
            rows.append([(pending, 1), (pair, 1)])
            pending = None
        else:
            pending = pair
    if pending:
        rows.append([(pending, 3)])
    return rows
