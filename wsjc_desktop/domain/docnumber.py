"""发文字号: formatting and parsing 驻X纪〔2026〕3号-style document numbers."""

from __future__ import annotations

import re
import unicodedata

from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.errors import UserError

DEFAULT_TEMPLATE = "{prefix}〔{year}〕{seq}号"
#: Stands for the group's own character(s) until the group gives its 机关代字.
PLACEHOLDER = "X"
#: The setting ``group.agency_code`` until the group gives its own: never allowed into a 文号.
DEFAULT_AGENCY_CODE = f"驻{PLACEHOLDER}纪"
#: How many characters a 机关代字 may have (驻财纪, 驻发改纪, 驻区政法委纪 …).
AGENCY_CODE_LENGTH = (2, 10)
#: How many characters a kind's own prefix may have (the 机关代字 and a word or two).
PREFIX_LENGTH = (1, 14)
#: Brackets a 机关代字 or prefix may not hold: the template puts the year in 〔〕, and
#: :func:`parse_doc_number` reads any of these as the year's brackets.
FORBIDDEN_BRACKETS = "〔〕[]［］()（）【】{}"

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


def is_placeholder(text: str | None) -> bool:
    """True for a 机关代字 or 文号 prefix that is blank or still holds the placeholder “X” (in any
    width or case): a number made from it would carry the X for good, since numbers are never
    reused. No real 机关代字 has a Latin letter."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return not folded.strip() or PLACEHOLDER.casefold() in folded


def _check_code(text: str, what: str, lengths: tuple[int, int], example: str) -> str:
    code = text.strip()
    if not code:
        raise UserError(f"请填写{what}。")
    if is_placeholder(code):
        raise UserError(f"{what}不能含占位符“{PLACEHOLDER}”，请填写本组实际的机关代字，如 {example}。")
    if any(ch.isspace() for ch in code):
        raise UserError(f"{what}中不能有空格。")
    if any(ch in FORBIDDEN_BRACKETS for ch in code):
        raise UserError(f"{what}中不能有“〔〕”等括号：年份的括号由文号模板加上。")
    low, high = lengths
    if not low <= len(code) <= high:
        raise UserError(f"{what}应为 {low} 到 {high} 个字。")
    return code


def check_agency_code(code: str) -> str:
    """The 机关代字 without surrounding spaces, or a UserError saying in Chinese what is wrong:
    blank, the placeholder, a space or bracket inside, too short or too long."""
    return _check_code(code, "机关代字", AGENCY_CODE_LENGTH, "驻财纪")


def check_prefix(prefix: str) -> str:
    """A kind's own 文号 prefix, checked as :func:`check_agency_code` checks the 机关代字."""
    return _check_code(prefix, "文号前缀", PREFIX_LENGTH, "驻财纪抄")


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
