"""Checking and tidying what users type (or import): ID numbers, phones, dates, names, text.

Pure functions, no Qt and no database. Every rejection raises
:class:`~wsjc_desktop.errors.UserError` with a Simplified-Chinese message that names the
field by its Chinese label, and ``field`` set to the field's code name so a form can show
the message beside the right input.

Names and titles (the single-line TEXT fields: :func:`clean_text`; personal names:
:func:`normalize_name`) refuse characters that draw nothing, so that what a list or a slip
shows is what is stored: a unit named U+202E (right-to-left override) + “局政财区” would
display exactly like “区财政局”. Free text (LONG_TEXT: :func:`clean_long_text`) refuses only
the characters that reorder what is displayed. Nothing is silently removed. The rule is at
:func:`invisible_char`.

Optional fields: ``normalize_id_number`` and ``normalize_phone`` reject blank input
("请填写…"); a caller whose field is optional checks for a blank value first.
``parse_date`` and ``parse_month`` return ``None`` for blank input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from wsjc_desktop.domain.enums import Gender
from wsjc_desktop.errors import UserError

# --------------------------------------------------------------------------------------
# Full-width → half-width
# --------------------------------------------------------------------------------------

_FULLWIDTH_OFFSET = 0xFEE0
_HALFWIDTH_TABLE: dict[int, str] = {code: chr(code - _FULLWIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = " "  # ideographic space

#: Characters that are not whitespace to ``str.strip`` but are invisible in a cell: removed
#: from ID numbers, phone numbers and dates, whose result is checked character by character.
#: Names and titles refuse them instead (:func:`invisible_char`).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (U+FF01–U+FF5E) and the ideographic space → ASCII.

    Other characters (Chinese characters, 、。“” and so on) are left alone.
    """
    return text.translate(_HALFWIDTH_TABLE)


def _strip(text: str) -> str:
    """Strip surrounding whitespace (including the ideographic space) and invisible characters."""
    return _INVISIBLE_RE.sub("", text).strip()


def _format_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# 身份证号 (GB 11643-1999)
# --------------------------------------------------------------------------------------

_ID_LABEL = "身份证号"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_EARLIEST_BIRTH = date(1900, 1, 1)


def id_number_checksum(first17: str) -> str:
    """The 18th character (``0``–``9`` or ``X``) for the first 17 digits of an ID number.

    Raises ``ValueError`` (a programming error) unless given exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _clean_id(text: str) -> str:
    """Half-width, no whitespace at all (inner and full-width included), ``x`` → ``X``."""
    return re.sub(r"\s+", "", _INVISIBLE_RE.sub("", to_halfwidth(text))).upper()


def _id_birth_digits(id_number: str) -> str:
    """YYYYMMDD of a cleaned 15- or 18-character number (15-digit numbers are 19YY)."""
    return "19" + id_number[6:12] if len(id_number) == 15 else id_number[6:14]


def normalize_id_number(text: str, *, field: str = "id_number", today: date | None = None) -> str:
    """A checked 18-character 身份证号; an old 15-digit number is converted to 18 characters.

    Spaces anywhere (also full-width), full-width digits and a lowercase ``x`` are accepted.
    Checked: characters and length, the region code (first digit 1–8), the birth date
    (a real date, not before 1900-01-01, not after ``today``) and, for 18 characters,
    the checksum.
    """
    number = _clean_id(text)
    if not number:
        raise UserError(f"请填写{_ID_LABEL}", field=field)
    if not re.fullmatch(r"[0-9X]+", number):
        raise UserError(f"{_ID_LABEL}只能由数字和末位的字母X组成，请核对", field=field)
    if len(number) not in (15, 18):
        raise UserError(f"{_ID_LABEL}应为18位（旧式为15位），现在是{len(number)}位", field=field)
    if "X" in number[:-1] or (len(number) == 15 and number.endswith("X")):
        raise UserError(f"{_ID_LABEL}只有第18位（校验码）可以是X，请核对", field=field)
    if number[0] not in "12345678":
        raise UserError(f"{_ID_LABEL}前6位（地址码）不正确，请核对", field=field)

    birth_digits = _id_birth_digits(number)
    birth = _valid_date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:]))
    if birth is None:
        raise UserError(f"{_ID_LABEL}中的出生日期“{birth_digits}”不存在，请核对", field=field)
    if birth < _ID_EARLIEST_BIRTH:
        raise UserError(f"{_ID_LABEL}中的出生日期{_format_date(birth)}早于1900年，请核对", field=field)
    if birth > (today or date.today()):
        raise UserError(f"{_ID_LABEL}中的出生日期{_format_date(birth)}晚于今天，请核对", field=field)

    if len(number) == 15:
        first17 = number[:6] + "19" + number[6:]
        return first17 + id_number_checksum(first17)
    if id_number_checksum(number[:17]) != number[17]:
        raise UserError(f"{_ID_LABEL}校验码不正确，请核对", field=field)
    return number


def _id_shape(id18: str, field: str) -> str:
    number = _clean_id(id18)
    if not re.fullmatch(r"\d{15}|\d{17}[\dX]", number):
        raise UserError(f"{_ID_LABEL}格式不正确，请核对", field=field)
    return number


def id_number_birth_date(id18: str, *, field: str = "id_number") -> date:
    """The birth date in an ID number (18 characters; a 15-digit one is read as 19YYMMDD).

    Only the shape is checked here, not the checksum; use :func:`normalize_id_number` for that.
    """
    birth_digits = _id_birth_digits(_id_shape(id18, field))
    birth = _valid_date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:]))
    if birth is None:
        raise UserError(f"{_ID_LABEL}中的出生日期“{birth_digits}”不存在，请核对", field=field)
    return birth


def id_number_gender(id18: str, *, field: str = "id_number") -> Gender:
    """The gender coded in an ID number: the 17th digit (15th of an old number) odd → male."""
    number = _id_shape(id18, field)
    digit = int(number[14] if len(number) == 15 else number[16])
    return Gender.MALE if digit % 2 == 1 else Gender.FEMALE


# --------------------------------------------------------------------------------------
# 联系电话
# --------------------------------------------------------------------------------------

_PHONE_SPLIT_RE = re.compile(r"[、,;/]")  # after to_halfwidth: ，→,  ；→;  ／→/
_DASHES_RE = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63]")
_MOBILE_RE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
_EXT = r"(?:(?:-|转|分机|EXT\.?|X)(?P<ext>\d{1,6}))?"
#: 0 + area code: 010 and 02X have three digits in all, every other area code four.
#: The local number then has 7–8 digits and never starts with 0.
_LANDLINE_RE = re.compile(r"(?P<area>0[12]\d|0[3-9]\d{2})-?(?P<local>[1-9]\d{6,7})" + _EXT)
#: Without an area code the local number must not start with 0 (trunk prefix) or 1
#: (mobile and service numbers), so a mobile number missing digits is not taken for one.
_LOCAL_RE = re.compile(r"(?P<local>[2-9]\d{6,7})" + _EXT)


def _normalize_one_phone(part: str) -> str | None:
    compact = re.sub(r"\s+", "", _DASHES_RE.sub("-", part)).upper()
    mobile = _MOBILE_RE.fullmatch(re.sub(r"[-()]", "", compact))
    if mobile:
        return mobile.group(1)
    # "(0571)12345678" → "0571-12345678"
    compact = re.sub(r"-{2,}", "-", compact.replace("(", "").replace(")", "-")).strip("-")
    landline = _LANDLINE_RE.fullmatch(compact)
    if landline:
        out = f"{landline['area']}-{landline['local']}"
    else:
        local = _LOCAL_RE.fullmatch(compact)
        if not local:
            return None
        out = local["local"]
        landline = local
    if landline["ext"]:
        out += f"-{landline['ext']}"
    return out


def normalize_phone(text: str, *, field: str = "phone", label: str = "联系电话") -> str:
    """One or more phone numbers, checked and written uniformly, joined with “、”.

    - mobile: ``1[3-9]`` + 9 digits, optionally after +86/86/0086 → 11 digits;
    - landline: 0 + area code (010 and 02X three digits, others four) + a 7–8 digit number,
      optionally with an extension (``-123``, ``转123``) → ``010-12345678``, ``0571-1234567-123``;
    - a bare local number of 7–8 digits (not starting with 0 or 1), optionally with extension.

    Spaces, dashes, brackets around the area code and full-width characters are accepted.
    Numbers may be separated by 、 ， , ； ; / ; duplicates are dropped.
    """
    cleaned = _INVISIBLE_RE.sub("", to_halfwidth(text))
    parts = [p.strip() for p in _PHONE_SPLIT_RE.split(cleaned)]
    parts = [p for p in parts if p]
    if not parts:
        raise UserError(f"请填写{label}", field=field)
    numbers: list[str] = []
    for part in parts:
        number = _normalize_one_phone(part)
        if number is None:
            raise UserError(
                f"{label}格式不正确：“{part}”既不是11位手机号，也不是座机号码"
                "（座机如010-12345678、0571-1234567-123）；多个号码请用“、”分隔",
                field=field,
            )
        if number not in numbers:
            numbers.append(number)
    return "、".join(numbers)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_TIME_SUFFIX = r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_FULL_DATE_RES = (
    # 2026-03-05, 2026/3/5, 2026.3.5 (one separator throughout), optionally with a time
    re.compile(r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})" + _TIME_SUFFIX),
    # 2026年3月5日 (日 or 号 may be left off)
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
    # 20260305
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
_MONTH_RES = (
    # 1975.03, 1975.3, 1975.10, 1975-03, 1975/3
    re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"),
    # 1975年3月 (月 may be left off)
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月?"),
    # 197503
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
)


def _match_full_date(text: str) -> tuple[int, int, int] | None:
    for pattern in _FULL_DATE_RES:
        m = pattern.fullmatch(text)
        if m:
            return int(m["y"]), int(m["m"]), int(m["d"])
    return None


def _value_text(value: object) -> str | None:
    """The text of a str or int cell (bools excluded), half-width and stripped; else None."""
    if isinstance(value, str):
        return _strip(to_halfwidth(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def parse_date(value: object, *, field: str = "date", label: str = "日期") -> date | None:
    """A date from a form or a spreadsheet cell; ``None`` or blank → ``None``.

    Accepts ``date``, ``datetime`` (its date), and text such as 2026-03-05, 2026/3/5,
    2026.3.5, 2026年3月5日, 20260305 (also with full-width digits, surrounding spaces or a
    trailing time of day); an 8-digit integer is read like 20260305.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _value_text(value)
    if text is None:
        raise UserError(f"{label}格式不正确，请按2026-03-05的格式填写", field=field)
    if not text:
        return None
    parts = _match_full_date(text)
    if parts is None:
        raise UserError(f"{label}“{text}”无法识别，请按2026-03-05或2026年3月5日的格式填写", field=field)
    result = _valid_date(*parts)
    if result is None:
        raise UserError(f"{label}“{text}”不是有效日期", field=field)
    return result


def parse_month(value: object, *, field: str = "birth_date", label: str = "出生年月") -> date | None:
    """A year-month value (出生年月, 入党时间…) as the 1st of that month; blank → ``None``.

    Accepts 1975.03, 1975.3, 1975.10, 1975年3月, 197503, 1975-03, 1975/3 (also with
    full-width digits), and numbers as spreadsheets store them (1975.03, 197503).
    A full date (1975-03-15, 1975年3月15日, 19750315, a ``date`` or ``datetime``) is
    returned as that date, day included.

    The rule for decimals: the digits after the point are the month, so the text
    ``"1975.1"`` and the number ``1975.1`` mean **January**, and only the text
    ``"1975.10"`` means October. A spreadsheet that stored 1975.10 as a number has
    already lost the trailing 0 (it holds 1975.1); such cells should be formatted as text.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        # shortest form: 1975.03 → "1975.03", 1975.10 → "1975.1"; 197503.0 → "197503"
        text: str | None = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = _value_text(value)
    if text is None:
        raise UserError(f"{label}格式不正确，请按1975.03或1975年3月的格式填写", field=field)
    if not text:
        return None
    for pattern in _MONTH_RES:
        m = pattern.fullmatch(text)
        if m:
            month = _valid_date(int(m["y"]), int(m["m"]), 1)
            if month is None:
                raise UserError(f"{label}“{text}”不是有效年月", field=field)
            return month
    parts = _match_full_date(text)
    if parts is None:
        raise UserError(f"{label}“{text}”无法识别，请按1975.03或1975年3月的格式填写", field=field)
    result = _valid_date(*parts)
    if result is None:
        raise UserError(f"{label}“{text}”不是有效日期", field=field)
    return result


def check_date_between(
    value: date | None,
    *,
    field: str,
    label: str,
    earliest: date | None = date(1900, 1, 1),
    latest: date | None = None,
) -> None:
    """Reject a date outside [earliest, latest]; ``None`` bounds (and a ``None`` value) are not checked.

    Pass ``latest=date.today()`` for dates that cannot lie in the future (出生日期, 入党时间…);
    the message then reads “{label}不能晚于今天”.
    """
    if value is None:
        return
    if earliest is not None and value < earliest:
        raise UserError(f"{label}不能早于{_format_date(earliest)}", field=field)
    if latest is not None and value > latest:
        bound = "今天" if latest == date.today() else _format_date(latest)
        raise UserError(f"{label}不能晚于{bound}", field=field)


def check_order(first: date | None, second: date | None, *, field: str, message: str) -> None:
    """Reject ``second`` earlier than ``first`` (equal is fine; a missing date is not checked).

    Example: ``check_order(birth, joined_party, field="party_join_date",
    message="入党时间不能早于出生日期")``.
    """
    if first is not None and second is not None and second < first:
        raise UserError(message, field=field)


# --------------------------------------------------------------------------------------
# Text and names
# --------------------------------------------------------------------------------------


# Characters that draw nothing. Tables of Unicode 15.0 (DerivedCoreProperties.txt,
# emoji-data.txt), written out so that the rule does not change with the Python version.

#: Bidi_Control: they reorder what is displayed (U+202E makes “局政财区” show as “区财政局”).
_BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Format characters (category Cf) and the other Default_Ignorable_Code_Points: zero-width
#: space and joiners, soft hyphen, word joiner and invisible operators, BOM, Mongolian
#: separators, variation selectors, Hangul fillers, tags …; and U+2800, the blank braille
#: pattern, a known way to make a “blank” name.
_FORMAT_AND_IGNORABLE = (
    r"\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    r"\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff"
    r"\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
#: Control characters (C0, DEL, C1) other than tab, line feed and carriage return (whitespace,
#: tidied by the callers), and lone surrogates.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"

_BIDI_RE = re.compile(f"[{_BIDI_CONTROLS}]")
_INVISIBLE_IN_NAMES_RE = re.compile(f"[{_FORMAT_AND_IGNORABLE}{_CONTROLS}]")

#: Extended_Pictographic (emoji-data.txt): the characters an emoji sequence is built of.
_PICTOGRAPHIC = (
    r"\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u2388"
    r"\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u2605"
    r"\u2607-\u2612\u2614-\u2685\u2690-\u2705\u2708-\u2712\u2714\u2716\u271d\u2721\u2728"
    r"\u2733\u2734\u2744\u2747\u274c\u274e\u2753-\u2755\u2757\u2763-\u2767\u2795-\u2797"
    r"\u27a1\u27b0\u27bf\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297"
    r"\u3299\U0001f000-\U0001f0ff\U0001f10d-\U0001f10f\U0001f12f\U0001f16c-\U0001f171"
    r"\U0001f17e\U0001f17f\U0001f18e\U0001f191-\U0001f19a\U0001f1ad-\U0001f1e5"
    r"\U0001f201-\U0001f20f\U0001f21a\U0001f22f\U0001f232-\U0001f23a\U0001f23c-\U0001f23f"
    r"\U0001f249-\U0001f3fa\U0001f400-\U0001f53d\U0001f546-\U0001f64f\U0001f680-\U0001f6ff"
    r"\U0001f774-\U0001f77f\U0001f7d5-\U0001f7ff\U0001f80c-\U0001f80f\U0001f848-\U0001f84f"
    r"\U0001f85a-\U0001f85f\U0001f888-\U0001f88f\U0001f8ae-\U0001f8ff\U0001f90c-\U0001f93a"
    r"\U0001f93c-\U0001f945\U0001f947-\U0001faff\U0001fc00-\U0001fffd"
)
_PICTOGRAPHIC_RE = re.compile(f"[{_PICTOGRAPHIC}]")
_SKIN_TONES = range(0x1F3FB, 0x1F400)  # emoji modifiers: they follow a pictograph
_ZWJ, _VS15, _VS16, _KEYCAP = "\u200d", "\ufe0e", "\ufe0f", "\u20e3"
#: The emoji tag sequences in use: the flags of England, Scotland and Wales.
_TAG_FLAG_RE = re.compile(
    r"\U0001f3f4\U000e0067\U000e0062"
    r"(?:\U000e0065\U000e006e\U000e0067|\U000e0073\U000e0063\U000e0074|\U000e0077\U000e006c\U000e0073)"
    r"\U000e007f"
)


def _pictographic(ch: str) -> bool:
    return _PICTOGRAPHIC_RE.fullmatch(ch) is not None


def _in_emoji(text: str, i: int) -> bool:
    """Whether the invisible character at ``text[i]`` is part of an emoji: U+FE0E or U+FE0F
    after a pictograph or on a keycap (“#” U+FE0F U+20E3), U+200D joining two pictographs
    (woman U+200D laptop; heart U+FE0F U+200D fire; a skin tone before the joiner), the tags
    of a subdivision flag (black flag, tags “gbsct”, cancel tag)."""
    ch = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch in (_VS15, _VS16):
        return _pictographic(before) or (before != "" and before in "#*0123456789" and after == _KEYCAP)
    if ch == _ZWJ:
        left = bool(before) and (_pictographic(before) or ord(before) in _SKIN_TONES or before == _VS16)
        return left and bool(after) and _pictographic(after)
    if "\U000e0020" <= ch <= "\U000e007f":
        return any(m.start() < i < m.end() for m in _TAG_FLAG_RE.finditer(text))
    return False


def invisible_char(text: str, *, long_text: bool = False) -> str | None:
    """The first character of ``text`` that a name, a title (or, with ``long_text``, free
    text) may not hold; None if there is none.

    The rule:

    - **Names and titles** (single-line TEXT fields, personal names): no character that
      draws nothing or changes how others are drawn. That is every format character
      (category Cf: the bidirectional controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F
      and U+061C; zero-width space, non-joiner and joiner U+200B–U+200D; word joiner and
      invisible operators U+2060–U+2064; BOM U+FEFF; soft hyphen U+00AD; Mongolian vowel
      separator U+180E; tags …), every other Default_Ignorable_Code_Point (variation
      selectors U+FE00–U+FE0F and U+E0100–U+E01EF, combining grapheme joiner U+034F, Hangul
      fillers U+115F, U+1160, U+3164, U+FFA0 …), the blank braille pattern U+2800, control
      characters other than tab and line breaks (C0, DEL, C1), and lone surrogates.
      The only exception is an emoji, drawn as one picture: U+200D between two pictographs,
      U+FE0E or U+FE0F right after one (or on a keycap: “1” U+FE0F U+20E3), and the tags of the flags of
      England, Scotland and Wales. A variation selector after a Chinese character is refused
      too: it would make two names that look the same differ (and the duplicate check miss).
    - **Free text** (LONG_TEXT): only the bidirectional controls (Bidi_Control: U+061C,
      U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Text pasted from web pages and Word
      often carries zero-width spaces and soft hyphens; they hide nothing there.
    """
    if long_text:
        found = _BIDI_RE.search(text)
        return found.group() if found else None
    for found in _INVISIBLE_IN_NAMES_RE.finditer(text):
        if not _in_emoji(text, found.start()):
            return found.group()
    return None


def check_text(text: str, *, field: str, label: str, long_text: bool = False) -> None:
    """Refuse text holding a character of :func:`invisible_char`, naming the field and the
    character's code point: “单位全称含有不可见的控制字符（U+202E），请删除后重新输入。”"""
    ch = invisible_char(text, long_text=long_text)
    if ch is not None:
        raise UserError(f"{label}含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入。", field=field)


#: Left as typed by :func:`normalize_text`: the full-width punctuation and signs Chinese text
#: is written with (（）：；，！？～ ￥ …; folding them rewrote “大学（本科）” as “大学(本科)”),
#: the ellipsis (“关于……” is not “关于......”) and emoji (NFKC turns the emoji ™ U+FE0F into
#: “TM” and a stray selector, ㊙ into 秘).
_NFKC_KEPT_RE = re.compile(
    rf"[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e\uffe0-\uffe6\u2025\u2026{_PICTOGRAPHIC}]"
)


def normalize_text(text: str) -> str:
    """NFKC (compatibility) normalisation, except for the characters it would wrongly rewrite.

    Folded: full-width letters and digits (“ＡＢＣ１２３” → “ABC123”), CJK compatibility
    ideographs and Kangxi radicals (“⼈” U+2F08 → “人”), look-alike letters and spaces, so a
    name looked up, searched or checked for duplicates is one string however it was typed.
    Kept: full-width punctuation and signs, the ellipsis and emoji (see ``_NFKC_KEPT_RE``).
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    parts: list[str] = []
    start = 0
    for kept in _NFKC_KEPT_RE.finditer(text):
        parts.append(unicodedata.normalize("NFKC", text[start : kept.start()]))
        parts.append(kept.group())
        start = kept.end()
    parts.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(parts)


def clean_text(text: str, *, field: str, label: str) -> str:
    """A name or title (a TEXT field) as stored: refused if it holds an invisible character
    (:func:`invisible_char`), else normalised (:func:`normalize_text`). Not stripped here."""
    check_text(text, field=field, label=label)
    return normalize_text(text)


def clean_long_text(text: str, *, field: str, label: str) -> str:
    """Free text (a LONG_TEXT field) as stored: refused if it holds a bidirectional control,
    else unchanged (no normalisation: “㎡”, “①” and pasted layout stay as written)."""
    check_text(text, field=field, label=label, long_text=True)
    return text


def require_text(value: object, *, field: str, label: str, max_length: int | None = None) -> str:
    """A name or title, cleaned as :func:`clean_text` does and stripped (full-width spaces
    too); blank → “请填写{label}”, too long → “{label}不能超过N个字”.

    A number (e.g. from a spreadsheet cell) is taken as its text.
    """
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    text = clean_text(text, field=field, label=label).strip()
    if not text:
        raise UserError(f"请填写{label}", field=field)
    if max_length is not None and len(text) > max_length:
        raise UserError(f"{label}不能超过{max_length}个字（现在是{len(text)}个字）", field=field)
    return text


#: Middle dots written in place of “·” (U+00B7) in minority names such as 阿沛·阿旺晋美.
_MIDDLE_DOTS_RE = re.compile(r"[\u30fb\uff65\u2022\u25cf\u2027\u2219\u22c5\u0387]")
_CJK = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U00030000-\U000323af"
)
_NAME_GAP_RE = re.compile(f"(?<=[{_CJK}·]) | (?=[{_CJK}·])")


def normalize_name(text: str, *, field: str = "name", label: str = "姓名") -> str:
    """A personal name tidied: stripped, no spaces next to Chinese characters or “·”
    (“张  三” → “张三”), variant middle dots (・ • ● …) → “·”, repeated dots → one, no dot at
    either end, full-width letters half-width and NFKC (:func:`normalize_text`). Blank stays
    blank.

    Spaces between Latin letters are kept (collapsed to one). A name holding an invisible
    character (:func:`invisible_char`) is refused, naming ``label``.
    """
    check_text(text, field=field, label=label)
    name = _MIDDLE_DOTS_RE.sub("·", normalize_text(to_halfwidth(text)).strip())
    name = _NAME_GAP_RE.sub("", re.sub(r"\s+", " ", name))
    return re.sub(r"·{2,}", "·", name).strip("·")
