"""发文字号: formatting and parsing 驻X纪〔2026〕3号-style document numbers."""

from __future__ import annotations

import re

from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.errors import UserError

DEFAULT_TEMPLATE = "{prefix}〔{year}〕{seq}号"
DEFAULT_AGENCY_CODE = "驻X纪"

#: The letter appended to the agency code per kind, so numbers of different kinds never look alike.
KIND_SUFFIX: dict[NoticeKind, str] = {
    NoticeKind.COPY_NOTICE: "抄",
    NoticeKind.REMINDER_LETTER: "提",
    NoticeKind.PROMPT_LETTER: "示",
    NoticeKind.PROPOSAL: "建",
    NoticeKind.HOLIDAY_REMINDER: "节",
}


def default_prefix(kind: NoticeKind, agency_code: str = DEFAULT_AGENCY_CODE) -> str:
    return f"{agency_code}{KIND_SUFFIX[kind]}"


def format_doc_number(template: str, prefix: str, year: int, seq: int) -> str:
    """Fill a template; ``seq`` is written without leading zeros."""
    if seq < 1:
        raise ValueError("sequence starts at 1")
    try:
        return template.format(prefix=prefix, year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(
            f"文号模板“{template}”有误：只能使用 {{prefix}}、{{year}}、{{seq}} 三个占位符。",
            field="doc_number_template",
        ) from exc


def check_template(template: str) -> None:
    """A template must contain the year and the sequence, or numbers would repeat."""
    if "{year}" not in template or "{seq}" not in template:
        raise UserError("文号模板必须包含 {year}（年份）和 {seq}（序号）。", field="doc_number_template")
    format_doc_number(template, "X", 2026, 1)


_NUMBER_RE = re.compile(r"^(?P<prefix>.*?)[〔\[［(（](?P<year>\d{4})[〕\]］)）](?P<seq>\d+)号$")


def parse_doc_number(text: str) -> tuple[str, int, int] | None:
    """(prefix, year, seq) of a number in the default shape, accepting [] and () for 〔〕."""
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None
    return m.group("prefix"), int(m.group("year")), int(m.group("seq"))
