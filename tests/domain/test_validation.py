"""Validation and normalisation of typed or imported values (pure functions, no Qt, no database)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, example, given, reject
from hypothesis import strategies as st

from wsjc_desktop.domain.enums import Gender
from wsjc_desktop.domain.validation import (
    check_date_between,
    check_order,
    id_number_birth_date,
    id_number_checksum,
    id_number_gender,
    invisible_char,
    normalize_id_number,
    normalize_name,
    normalize_phone,
    normalize_text,
    parse_date,
    parse_month,
    require_text,
    to_halfwidth,
)
from wsjc_desktop.errors import UserError

TODAY = date(2026, 3, 5)
GB_EXAMPLE = "11010519491231002X"  # the worked example of GB 11643-1999


# --------------------------------------------------------------------------------------
# An independent checksum: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11, whole number ≡ 1 (mod 11)
# --------------------------------------------------------------------------------------


def _iso7064_check(first17: str) -> str:
    total = sum(int(ch) * pow(2, 17 - i, 11) for i, ch in enumerate(first17))
    value = (1 - total) % 11
    return "X" if value == 10 else str(value)


def _iso7064_valid(id18: str) -> bool:
    digits = [10 if ch == "X" else int(ch) for ch in id18]
    return sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits)) % 11 == 1


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


regions = st.builds(lambda first, rest: f"{first}{rest:05d}", st.integers(1, 8), st.integers(0, 99999))
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def id18s(draw: st.DrawFn) -> str:
    first17 = draw(regions) + draw(birth_dates).strftime("%Y%m%d") + draw(sequences)
    return first17 + _iso7064_check(first17)


@st.composite
def id15s(draw: st.DrawFn) -> str:
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    return draw(regions) + birth.strftime("%y%m%d") + draw(sequences)


def _raises(func: Callable[..., object], *args: object, **kwargs: object) -> UserError:
    with pytest.raises(UserError) as info:
        func(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------------------
# to_halfwidth
# --------------------------------------------------------------------------------------


def test_to_halfwidth_maps_every_fullwidth_ascii_character_and_the_ideographic_space() -> None:
    ascii_printable = "".join(chr(c) for c in range(0x21, 0x7F))
    assert to_halfwidth(_fullwidth(ascii_printable)) == ascii_printable
    assert to_halfwidth("２０２６年３月５日\u3000（Ａｂ）") == "2026年3月5日 (Ab)"


@given(st.text().filter(lambda t: not any("\uff01" <= c <= "\uff5e" or c == "\u3000" for c in t)))
def test_to_halfwidth_leaves_other_text_alone(text: str) -> None:
    assert to_halfwidth(text) == text


# --------------------------------------------------------------------------------------
# 身份证号
# --------------------------------------------------------------------------------------


def test_independent_checksum_agrees_with_the_standard_example() -> None:
    assert _iso7064_check(GB_EXAMPLE[:17]) == "X"
    assert _iso7064_valid(GB_EXAMPLE)
    assert id_number_checksum(GB_EXAMPLE[:17]) == "X"
    assert normalize_id_number(GB_EXAMPLE, today=TODAY) == GB_EXAMPLE


@given(id18s())
def test_checksum_matches_the_independent_implementation(id18: str) -> None:
    assert id_number_checksum(id18[:17]) == id18[17]


@given(id18s())
@example(GB_EXAMPLE)
def test_valid_18_digit_numbers_are_accepted_unchanged(id18: str) -> None:
    assert normalize_id_number(id18, today=TODAY) == id18


@given(id18s())
def test_valid_numbers_are_accepted_with_lowercase_x_spaces_and_fullwidth_digits(id18: str) -> None:
    messy = f" {id18[:6]} {id18[6:14]}\u3000{id18[14:]} ".lower()
    assert normalize_id_number(messy, today=TODAY) == id18
    assert normalize_id_number(_fullwidth(id18.lower()), today=TODAY) == id18


def test_lowercase_x_is_normalised() -> None:
    assert normalize_id_number("11010519491231002x", today=TODAY) == GB_EXAMPLE
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ", today=TODAY) == GB_EXAMPLE


@given(id18s(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_character_change_is_rejected(id18: str, position: int, replacement: str) -> None:
    assume(replacement != id18[position])
    mutated = id18[:position] + replacement + id18[position + 1 :]
    assert not _iso7064_valid(mutated)
    with pytest.raises(UserError) as info:
        normalize_id_number(mutated, today=TODAY)
    assert info.value.field == "id_number"


@given(id18s(), st.integers(0, 16), st.integers(1, 9))
def test_a_changed_digit_with_valid_region_and_date_fails_on_the_checksum(
    id18: str, position: int, shift: int
) -> None:
    new = (int(id18[position]) + shift) % 10
    mutated = id18[:position] + str(new) + id18[position + 1 :]
    assume(mutated[0] in "12345678")
    try:
        birth = date(int(mutated[6:10]), int(mutated[10:12]), int(mutated[12:14]))
    except ValueError:
        reject()
    assume(date(1900, 1, 1) <= birth <= TODAY)
    error = _raises(normalize_id_number, mutated, today=TODAY)
    assert error.message == "身份证号校验码不正确，请核对"
    assert error.field == "id_number"


@given(id18s(), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_fails_on_the_checksum(id18: str, check: str) -> None:
    assume(check != id18[17])
    error = _raises(normalize_id_number, id18[:17] + check.lower(), today=TODAY)
    assert error.message == "身份证号校验码不正确，请核对"


@given(id15s())
def test_15_digit_numbers_convert_to_18_and_keep_birth_date_and_gender(id15: str) -> None:
    id18 = normalize_id_number(id15, today=TODAY)
    assert len(id18) == 18
    assert id18 == id15[:6] + "19" + id15[6:] + _iso7064_check(id15[:6] + "19" + id15[6:])
    assert _iso7064_valid(id18)
    birth = date(1900 + int(id15[6:8]), int(id15[8:10]), int(id15[10:12]))
    assert id_number_birth_date(id18) == birth
    assert id_number_birth_date(id15) == birth
    expected_gender = Gender.MALE if int(id15[14]) % 2 else Gender.FEMALE
    assert id_number_gender(id18) is expected_gender
    assert id_number_gender(id15) is expected_gender
    assert normalize_id_number(id18, today=TODAY) == id18


@given(id18s())
def test_birth_date_and_gender_are_read_from_the_number(id18: str) -> None:
    assert id_number_birth_date(id18) == date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    assert id_number_gender(id18) is (Gender.MALE if int(id18[16]) % 2 == 1 else Gender.FEMALE)


def test_gender_of_known_numbers() -> None:
    assert id_number_gender(GB_EXAMPLE) is Gender.FEMALE  # 17th digit 2
    first17 = "11010519800101001"
    assert id_number_gender(first17 + _iso7064_check(first17)) is Gender.MALE


def _with_check(first17: str) -> str:
    return first17 + _iso7064_check(first17)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写身份证号"),
        ("  \u3000 ", "请填写身份证号"),
        ("11010519491231002Y", "只能由数字和末位的字母X组成"),
        ("1101051949-1231002X", "只能由数字和末位的字母X组成"),
        ("1101051949123100", "应为18位（旧式为15位），现在是16位"),
        ("11010519491231002X1", "现在是19位"),
        ("1101051949X231002X", "只有第18位（校验码）可以是X"),
        ("11010549123100X", "只有第18位（校验码）可以是X"),
        (_with_check("01010519491231002"), "地址码"),
        (_with_check("91010519491231002"), "地址码"),
        (_with_check("11010519490230002"), "出生日期“19490230”不存在"),
        (_with_check("11010519491331002"), "出生日期“19491331”不存在"),
        ("110105491331002", "出生日期“19491331”不存在"),
        (_with_check("11010518991231002"), "早于1900年"),
        (_with_check("11010520260306002"), "晚于今天"),
        ("11010519491231002X".replace("X", "1"), "校验码不正确，请核对"),
    ],
)
def test_invalid_numbers_get_distinct_messages(text: str, fragment: str) -> None:
    error = _raises(normalize_id_number, text, today=TODAY)
    assert fragment in error.message
    assert "身份证号" in error.message
    assert error.field == "id_number"


def test_field_name_is_passed_through() -> None:
    assert _raises(normalize_id_number, "123", field="relative_id", today=TODAY).field == "relative_id"


def test_boundaries_of_the_birth_date() -> None:
    assert normalize_id_number(_with_check("11010519000101002"), today=TODAY).startswith("110105190001")
    assert normalize_id_number(_with_check("11010520260305002"), today=TODAY).startswith("110105202603")


def test_today_defaults_to_the_real_today() -> None:
    tomorrow = date.today() + timedelta(days=1)
    future = _with_check("110105" + tomorrow.strftime("%Y%m%d") + "002")
    assert "晚于今天" in _raises(normalize_id_number, future).message
    today_born = _with_check("110105" + date.today().strftime("%Y%m%d") + "002")
    assert normalize_id_number(today_born) == today_born


def test_checksum_rejects_wrong_input_as_a_programming_error() -> None:
    with pytest.raises(ValueError):
        id_number_checksum("1101051949123100")
    with pytest.raises(ValueError):
        id_number_checksum("1101051949123100X")


def test_birth_date_and_gender_helpers_reject_malformed_numbers() -> None:
    assert _raises(id_number_birth_date, "12345").field == "id_number"
    assert "不存在" in _raises(id_number_birth_date, _with_check("11010519490230002")).message
    assert _raises(id_number_gender, "11010519491231002Y").field == "id_number"


# --------------------------------------------------------------------------------------
# 联系电话
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("０086 13912345678", "13912345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("010 8888 6666", "010-88886666"),
        ("（010）88886666", "010-88886666"),
        ("(0571) 8888 6666", "0571-88886666"),
        ("0571-1234567-123", "0571-1234567-123"),
        ("0571－1234567转123", "0571-1234567-123"),
        ("0571—88886666 ext 8", "0571-88886666-8"),
        ("057188886666", "0571-88886666"),
        ("02188886666", "021-88886666"),
        ("88886666", "88886666"),
        ("8888666", "8888666"),
        ("8888666-12", "8888666-12"),
        ("13812345678、010-12345678", "13812345678、010-12345678"),
        ("13812345678，010-12345678；88886666", "13812345678、010-12345678、88886666"),
        (
            "13812345678, 13912345678;0571-88886666/88886666",
            "13812345678、13912345678、0571-88886666、88886666",
        ),
        ("13812345678／13912345678、", "13812345678、13912345678"),
        ("138 1234 5678、13812345678", "13812345678"),
    ],
)
def test_valid_phone_numbers_are_normalised(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # mobile numbers start 13–19
        "23812345678",
        "13812345",  # a mobile number missing digits, not a local number
        "123456",  # too short
        "123456789",  # 9 digits
        "010-123456",  # local part too short
        "010-123456789",  # local part too long
        "010-02345678",  # local numbers never start with 0
        "0571-8888-6666",
        "电话13812345678",
        "13812345678、abc",
        "0571-88886666转",
        "+1 2025550123",
    ],
)
def test_invalid_phone_numbers_are_rejected(text: str) -> None:
    error = _raises(normalize_phone, text)
    assert error.message.startswith("联系电话格式不正确")
    assert error.field == "phone"


def test_phone_message_names_the_bad_part_and_custom_field() -> None:
    error = _raises(normalize_phone, "13812345678、12345", field="liaison_phone")
    assert "“12345”" in error.message
    assert error.field == "liaison_phone"


def test_blank_phone_is_rejected() -> None:
    assert _raises(normalize_phone, " 、 ").message == "请填写联系电话"


@given(
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86", "86", "+86 ", "0086-"]),
    st.sampled_from(["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}"]),
    st.booleans(),
)
def test_any_mobile_number_in_any_accepted_spelling(
    second: str, rest: str, prefix: str, layout: str, fullwidth: bool
) -> None:
    number = "1" + second + rest
    text = prefix + layout.format(a=number[:3], b=number[3:7], c=number[7:])
    if fullwidth:
        text = _fullwidth(text)
    assert normalize_phone(text) == number


# --------------------------------------------------------------------------------------
# parse_date
# --------------------------------------------------------------------------------------

DATE_TEMPLATES = [
    "{y:04d}-{m:02d}-{d:02d}",
    "{y:04d}-{m}-{d}",
    "{y:04d}/{m}/{d}",
    "{y:04d}/{m:02d}/{d:02d}",
    "{y:04d}.{m}.{d}",
    "{y:04d}.{m:02d}.{d:02d}",
    "{y:04d}年{m}月{d}日",
    "{y:04d}年{m:02d}月{d:02d}日",
    "{y:04d} 年 {m} 月 {d} 日",
    "{y:04d}{m:02d}{d:02d}",
]


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(DATE_TEMPLATES), st.booleans())
def test_every_date_in_every_accepted_format_parses_back(day: date, template: str, fullwidth: bool) -> None:
    text = template.format(y=day.year, m=day.month, d=day.day)
    text = "\u3000" + _fullwidth(text) + "\u3000" if fullwidth else f"  {text} "
    assert parse_date(text) == day


@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_with_a_time_of_day_parse_to_the_date(day: date) -> None:
    assert parse_date(f"{day.isoformat()} 13:45:00") == day
    assert parse_date(f"{day.isoformat()}T13:45") == day


@given(st.dates())
def test_date_and_datetime_objects(day: date) -> None:
    assert parse_date(day) == day
    assert parse_date(datetime(day.year, day.month, day.day, 13, 45)) == day
    assert type(parse_date(datetime(day.year, day.month, day.day, 13, 45))) is date


def test_blank_dates_are_none() -> None:
    assert parse_date(None) is None
    assert parse_date("") is None
    assert parse_date(" \u3000 ") is None


def test_eight_digit_integer_is_a_date() -> None:
    assert parse_date(20260305) == date(2026, 3, 5)


@st.composite
def impossible_days(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(1900, 2100))
    month = draw(st.integers(1, 12))
    last = calendar.monthrange(year, month)[1]
    return year, month, draw(st.integers(last + 1, 99))


@given(impossible_days(), st.sampled_from(DATE_TEMPLATES))
@example((2026, 2, 30), "{y:04d}-{m:02d}-{d:02d}")
@example((2024, 2, 30), "{y:04d}{m:02d}{d:02d}")
@example((2025, 2, 29), "{y:04d}年{m}月{d}日")
@example((2026, 4, 31), "{y:04d}/{m}/{d}")
def test_impossible_days_are_rejected(ymd: tuple[int, int, int], template: str) -> None:
    year, month, day = ymd
    assert day > calendar.monthrange(year, month)[1]
    text = template.format(y=year, m=month, d=day)
    error = _raises(parse_date, text, field="issued_on", label="发出日期")
    assert error.message == f"发出日期“{text}”不是有效日期"
    assert error.field == "issued_on"


@given(st.integers(1900, 2100), st.integers(1, 28), st.sampled_from(DATE_TEMPLATES))
def test_month_zero_and_day_zero_are_rejected(year: int, day: int, template: str) -> None:
    for text in (template.format(y=year, m=0, d=day), template.format(y=year, m=3, d=0)):
        assert _raises(parse_date, text).message == f"日期“{text}”不是有效日期"


@given(st.integers(1900, 2100), st.integers(13, 99), st.integers(1, 28))
def test_impossible_months_are_rejected(year: int, month: int, day: int) -> None:
    for text in (f"{year}-{month}-{day}", f"{year}年{month}月{day}日", f"{year}{month:02d}{day:02d}"):
        assert "不是有效日期" in _raises(parse_date, text).message


def test_impossible_date_message_names_label_and_text() -> None:
    error = _raises(parse_date, "2026-02-30", field="birth_date", label="出生日期")
    assert error.message == "出生日期“2026-02-30”不是有效日期"
    assert error.field == "birth_date"
    assert _raises(parse_date, "2026-00-10").field == "date"
    assert _raises(parse_date, "2026-13-01").message == "日期“2026-13-01”不是有效日期"
    assert "不是有效日期" in _raises(parse_date, "2025年2月29日").message


@pytest.mark.parametrize(
    "value", ["abc", "2026-3", "2026-03/05", "26-3-5", "2026年3月", "3/5/2026", 1.5, [2026]]
)
def test_unrecognised_dates_are_rejected(value: object) -> None:
    error = _raises(parse_date, value, field="held_on", label="会议日期")
    assert error.message.startswith("会议日期")
    assert error.field == "held_on"


# --------------------------------------------------------------------------------------
# parse_month
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1975.03", date(1975, 3, 1)),
        ("1975.3", date(1975, 3, 1)),
        ("1975.10", date(1975, 10, 1)),
        ("1975.1", date(1975, 1, 1)),  # the documented rule: .1 is January
        (1975.1, date(1975, 1, 1)),  # the same as a number
        (1975.03, date(1975, 3, 1)),
        (1975.12, date(1975, 12, 1)),
        (1975.11, date(1975, 11, 1)),
        ("1975年3月", date(1975, 3, 1)),
        ("1975年03月", date(1975, 3, 1)),
        ("1975年12", date(1975, 12, 1)),
        ("197503", date(1975, 3, 1)),
        (197503, date(1975, 3, 1)),
        (197503.0, date(1975, 3, 1)),
        ("1975-03", date(1975, 3, 1)),
        ("1975/3", date(1975, 3, 1)),
        ("１９７５．０３", date(1975, 3, 1)),
        ("\u3000１９７５年３月 ", date(1975, 3, 1)),
        ("1975-03-15", date(1975, 3, 15)),  # full dates keep their day
        ("1975年3月15日", date(1975, 3, 15)),
        ("19750315", date(1975, 3, 15)),
        (date(1975, 3, 15), date(1975, 3, 15)),
        (datetime(1975, 3, 15, 8, 0), date(1975, 3, 15)),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_month_formats(value: object, expected: date | None) -> None:
    assert parse_month(value) == expected


@given(st.integers(1000, 9999), st.integers(1, 12))
def test_every_month_in_every_month_format(year: int, month: int) -> None:
    expected = date(year, month, 1)
    for text in (
        f"{year}.{month:02d}",
        f"{year}.{month}" if month != 1 else f"{year}.1",
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{year}年{month}月",
        f"{year}{month:02d}",
        _fullwidth(f"{year}.{month:02d}"),
    ):
        assert parse_month(text) == expected, text
    assert parse_month(int(f"{year}{month:02d}")) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1975.13", "出生年月“1975.13”不是有效年月"),
        ("1975.0", "出生年月“1975.0”不是有效年月"),
        ("197500", "出生年月“197500”不是有效年月"),
        ("1975年13月", "不是有效年月"),
        (1975.13, "出生年月“1975.13”不是有效年月"),
        ("1975-02-30", "出生年月“1975-02-30”不是有效日期"),
        ("1975", "无法识别"),
        ("1975.123", "无法识别"),
        ("三月", "无法识别"),
        (1975, "无法识别"),
        (1975.125, "无法识别"),
        (True, "格式不正确"),
    ],
)
def test_parse_month_rejects_invalid_values(value: object, fragment: str) -> None:
    error = _raises(parse_month, value)
    assert fragment in error.message
    assert error.message.startswith("出生年月")
    assert error.field == "birth_date"


def test_parse_month_custom_label_and_field() -> None:
    error = _raises(parse_month, "2001.13", field="party_join_date", label="入党时间")
    assert error.message == "入党时间“2001.13”不是有效年月"
    assert error.field == "party_join_date"


# --------------------------------------------------------------------------------------
# check_date_between / check_order
# --------------------------------------------------------------------------------------


def test_check_date_between() -> None:
    check_date_between(None, field="birth_date", label="出生日期", latest=date.today())
    check_date_between(date(1900, 1, 1), field="birth_date", label="出生日期", latest=date.today())
    check_date_between(date.today(), field="birth_date", label="出生日期", latest=date.today())
    check_date_between(date(1800, 1, 1), field="x", label="x", earliest=None)
    check_date_between(date(9999, 1, 1), field="x", label="x")

    future = _raises(
        check_date_between,
        date.today() + timedelta(days=1),
        field="birth_date",
        label="出生日期",
        latest=date.today(),
    )
    assert future.message == "出生日期不能晚于今天"
    assert future.field == "birth_date"

    early = _raises(check_date_between, date(1899, 12, 31), field="birth_date", label="出生日期")
    assert early.message == "出生日期不能早于1900年1月1日"

    deadline = _raises(
        check_date_between,
        date(2026, 4, 1),
        field="deadline",
        label="反馈期限",
        earliest=date(2026, 3, 5),
        latest=date(2026, 3, 31),
    )
    assert deadline.message == "反馈期限不能晚于2026年3月31日"
    assert deadline.field == "deadline"


def test_check_order() -> None:
    message = "入党时间不能早于出生日期"
    check_order(date(1975, 3, 1), date(1998, 7, 1), field="party_join_date", message=message)
    check_order(date(1975, 3, 1), date(1975, 3, 1), field="party_join_date", message=message)
    check_order(None, date(1970, 1, 1), field="party_join_date", message=message)
    check_order(date(1975, 3, 1), None, field="party_join_date", message=message)
    error = _raises(
        check_order, date(1975, 3, 1), date(1975, 2, 28), field="party_join_date", message=message
    )
    assert error.message == message
    assert error.field == "party_join_date"


# --------------------------------------------------------------------------------------
# require_text / normalize_name
# --------------------------------------------------------------------------------------


def test_require_text() -> None:
    assert require_text("  标题 \u3000", field="title", label="标题") == "标题"
    # NFKC, full-width punctuation kept
    assert require_text("ＡＢＣ标题（一）", field="title", label="标题") == "ABC标题（一）"
    invisible = _raises(require_text, "\ufeff标题", field="title", label="标题")  # refused, not stripped
    assert invisible.message == "标题含有不可见的控制字符（U+FEFF），请删除后重新输入。"
    assert invisible.field == "title"
    assert require_text(" 一 二 ", field="title", label="标题") == "一 二"
    assert require_text(12, field="seq", label="序号") == "12"
    assert require_text("一二三", field="title", label="标题", max_length=3) == "一二三"

    for blank in (None, "", "  ", "\u3000\u3000", "\t\n"):
        error = _raises(require_text, blank, field="title", label="标题")
        assert error.message == "请填写标题"
        assert error.field == "title"

    long = _raises(require_text, " 一二三四 ", field="title", label="标题", max_length=3)
    assert long.message.startswith("标题不能超过3个字")
    assert long.field == "title"


@given(st.text(min_size=1, max_size=20).filter(lambda t: t.strip() != ""))
def test_require_text_returns_stripped_text_within_the_limit(text: str) -> None:
    try:
        result = require_text(text, field="f", label="内容", max_length=40)
    except UserError as exc:
        assert exc.field == "f"
        ch = invisible_char(text)
        if ch is not None:  # named, never stripped
            assert exc.message == f"内容含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入。"
        else:  # only spaces, or NFKC lengthened it (ﷺ is 18 letters)
            assert exc.message == "请填写内容" or exc.message.startswith("内容不能超过40个字")
        return
    assert invisible_char(text) is None
    assert result == result.strip() == normalize_text(text).strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张三"),
        ("  张三 ", "张三"),
        ("张  三", "张三"),
        ("张\u3000三", "张三"),
        ("欧阳 娜 娜", "欧阳娜娜"),
        ("阿沛·阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛・阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛•阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛●阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛 · 阿旺晋美", "阿沛·阿旺晋美"),
        ("买买提··艾力", "买买提·艾力"),
        ("·买买提· ", "买买提"),
        ("𠇔 明", "𠇔明"),
        ("John   Smith", "John Smith"),
        ("", ""),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@given(st.lists(st.sampled_from(["张", "三", "李", "·", "・", "•", " ", "\u3000"]), max_size=12))
def test_normalized_chinese_names_have_no_spaces_or_variant_dots(chars: list[str]) -> None:
    name = normalize_name("".join(chars))
    assert " " not in name
    assert not any(dot in name for dot in "・•\u3000")
    assert normalize_name(name) == name
