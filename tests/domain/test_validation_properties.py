"""Property tests for every validator: anything typed or imported either comes out clean or is
refused with a Chinese ``UserError`` naming the field, never another exception.

``tests/domain/test_validation.py`` holds the worked examples; this file throws generated and
arbitrary input at the same functions (domain/validation.py, the enums' label look-up, the
per-record rules of services/rules.py) and checks them against independent oracles.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from wsjc_desktop.domain import enums
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import Gender, LabeledEnum
from wsjc_desktop.domain.fields import SPECS, FieldKind
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
    parse_date,
    parse_month,
    require_text,
    to_halfwidth,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, rules
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 3, 5)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refused(func: Callable[..., object], *args: object, expect: str | None = None, **kwargs: object) -> str:
    """The Chinese message of the UserError ``func(*args, **kwargs)`` raises (any other exception
    fails); ``expect`` is the field it must name."""
    with pytest.raises(UserError) as info:
        func(*args, **kwargs)
    message = info.value.message
    assert CJK_RE.search(message), message
    if expect is not None:
        assert info.value.field == expect
    return message


def only_user_errors(func: Callable[[], object], *, field: str | None = None) -> object | None:
    """``func()``'s result, or None when it refused with a Chinese UserError for ``field``."""
    try:
        return func()
    except UserError as exc:
        assert CJK_RE.search(exc.message), exc.message
        if field is not None:
            assert exc.field == field, (exc.field, exc.message)
        return None


# --- strategies ---------------------------------------------------------------------------------

#: Text as it arrives from forms, pasted cells and CSV files: control characters, full-width
#: forms, invisible characters, CJK, digits, separators.
messy_chars = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("0123456789Xx-—－ 　\t\n\r\x00\x0b\u200b\ufeff、，,;；/（）()+.年月日号转·・")),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
)
messy_text = st.text(messy_chars, max_size=40)
any_value = st.one_of(
    st.none(),
    messy_text,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.booleans(),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.lists(st.integers(), max_size=2),
    st.decimals(allow_nan=False, allow_infinity=False),
)

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # ISO 7064 MOD 11-2, computed here


def check_char(first17: str) -> str:
    value = (1 - sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))) % 11
    return "X" if value == 10 else str(value)


@st.composite
def id18s(draw: st.DrawFn) -> str:
    region = f"{draw(st.integers(1, 8))}{draw(st.integers(0, 99999)):05d}"
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    first17 = f"{region}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + check_char(first17)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- 身份证号 ---------------------------------------------------------------------------------------


@FAST
@given(messy_text)
@example("11010519491231002x")
@example("１１０１０５１９４９１２３１００２Ｘ")
@example("٣١٠١٠٥١٩٤٩١٢٣١٠٠٢X")  # Arabic-Indic digits are digits to str.isdigit, not to us
def test_any_text_is_a_checked_id_number_or_a_chinese_refusal(text: str) -> None:
    result = only_user_errors(lambda: normalize_id_number(text, today=TODAY), field="id_number")
    if result is None:
        return
    assert isinstance(result, str)
    assert re.fullmatch(r"[1-8]\d{16}[\dX]", result), result
    assert check_char(result[:17]) == result[17]
    born = id_number_birth_date(result)
    assert date(1900, 1, 1) <= born <= TODAY
    assert id_number_gender(result) in (Gender.MALE, Gender.FEMALE)
    assert normalize_id_number(result, today=TODAY) == result  # idempotent


@FAST
@given(messy_text)
def test_birth_date_and_gender_helpers_never_fail_otherwise(text: str) -> None:
    born = only_user_errors(lambda: id_number_birth_date(text, field="x"), field="x")
    assert born is None or isinstance(born, date)
    gender = only_user_errors(lambda: id_number_gender(text, field="x"), field="x")
    assert gender is None or isinstance(gender, Gender)


@FAST
@given(id18s(), st.data())
def test_a_valid_number_passes_and_every_typing_slip_is_caught(id18: str, data: st.DataObject) -> None:
    assert normalize_id_number(id18, today=TODAY) == id18
    assert normalize_id_number(" " + fullwidth(id18.lower()) + "\u3000", today=TODAY) == id18
    slip = data.draw(st.sampled_from(["change", "swap", "insert", "delete"]))
    position = data.draw(st.integers(0, 17))
    if slip == "change":
        new = data.draw(st.sampled_from("0123456789X").filter(lambda c: c != id18[position]))
        mutated = id18[:position] + new + id18[position + 1 :]
    elif slip == "swap":
        position = min(position, 16)
        assume(id18[position] != id18[position + 1])
        mutated = id18[:position] + id18[position + 1] + id18[position] + id18[position + 2 :]
    elif slip == "insert":
        mutated = id18[:position] + data.draw(st.sampled_from("0123456789")) + id18[position:]
    else:
        mutated = id18[:position] + id18[position + 1 :]
    message = refused(normalize_id_number, mutated, today=TODAY, expect="id_number")
    assert "身份证号" in message


@FAST
@given(st.text("0123456789X", min_size=0, max_size=20))
def test_the_checksum_takes_exactly_17_ascii_digits(text: str) -> None:
    if len(text) == 17 and text.isdigit():
        assert id_number_checksum(text) == check_char(text)
    else:
        with pytest.raises(ValueError):
            id_number_checksum(text)


# --- 联系电话 ---------------------------------------------------------------------------------------

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
areas = st.one_of(
    st.just("010"),
    st.builds(lambda d: f"02{d}", st.sampled_from("0123456789")),
    st.builds(
        lambda a, b: f"0{a}{b}", st.sampled_from("3456789"), st.text("0123456789", min_size=2, max_size=2)
    ),
)
locals_ = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("123456789"),
    st.text("0123456789", min_size=6, max_size=7),
)
extensions = st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=6))


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    """(a number as someone might write it, how it is stored)."""
    if draw(st.booleans()):
        number = draw(mobiles)
        prefix = draw(st.sampled_from(["", "+86", "+86 ", "86", "0086-"]))
        cut = draw(st.sampled_from(["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "{a}—{b}—{c}"]))
        return prefix + cut.format(a=number[:3], b=number[3:7], c=number[7:]), number
    area, local, ext = draw(areas), draw(locals_), draw(extensions)
    layout = draw(st.sampled_from(["{a}-{l}", "{a}{l}", "({a}){l}", "（{a}）{l}", "{a} {l}"]))
    text = layout.format(a=area, l=local)
    stored = f"{area}-{local}"
    if ext:
        text += draw(st.sampled_from(["-", "转", "分机", " ext ", "X"])) + ext
        stored += f"-{ext}"
    return text, stored


@FAST
@given(
    st.lists(phones(), min_size=1, max_size=4),
    st.sampled_from(["、", "，", ",", "；", ";", "/", " / "]),
    st.booleans(),
)
def test_phone_numbers_in_any_accepted_spelling_are_stored_uniformly(
    numbers: list[tuple[str, str]], separator: str, wide: bool
) -> None:
    text = separator.join(written for written, _ in numbers)
    if wide:
        text = fullwidth(text)
    expected = list(dict.fromkeys(stored for _, stored in numbers))  # duplicates dropped, order kept
    result = normalize_phone(text)
    assert result == "、".join(expected)
    assert normalize_phone(result) == result


@FAST
@given(messy_text)
@example("1381234567")
@example("010-0234567")
def test_any_text_is_a_phone_list_or_a_chinese_refusal(text: str) -> None:
    result = only_user_errors(
        lambda: normalize_phone(text, field="liaison_phone", label="联系人电话"), field="liaison_phone"
    )
    if result is None:
        return
    assert isinstance(result, str) and result
    for number in result.split("、"):
        assert re.fullmatch(r"1[3-9]\d{9}|(?:0\d{2,3}-)?[1-9]\d{6,7}(?:-\d{1,6})?", number), number
    assert normalize_phone(result) == result


# --- dates --------------------------------------------------------------------------------------

DATE_FORMS = [
    "{y:04d}-{m:02d}-{d:02d}",
    "{y:04d}/{m}/{d}",
    "{y:04d}.{m}.{d}",
    "{y:04d}年{m}月{d}日",
    "{y:04d}年{m}月{d}号",
    "{y:04d}{m:02d}{d:02d}",
    "{y:04d}-{m:02d}-{d:02d} 08:30",
    "{y:04d}-{m:02d}-{d:02d}T08:30:15",
]


def real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@FAST
@given(
    st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.sampled_from(DATE_FORMS), st.booleans()
)
@example(2026, 2, 29, "{y:04d}-{m:02d}-{d:02d}", False)
@example(2024, 2, 29, "{y:04d}年{m}月{d}日", True)
@example(0, 1, 1, "{y:04d}-{m:02d}-{d:02d}", False)
def test_a_written_date_is_that_date_or_refused_as_impossible(
    year: int, month: int, day: int, form: str, wide: bool
) -> None:
    text = form.format(y=year, m=month, d=day)
    typed = fullwidth(text) if wide else text
    expected = real_date(year, month, day)
    if expected is None:
        message = refused(parse_date, typed, field="held_on", label="会议日期", expect="held_on")
        assert message.startswith("会议日期") and ("不是有效日期" in message or "无法识别" in message)
    else:
        assert parse_date(typed) == expected


@FAST
@given(any_value)
@example(float("nan"))
@example(True)
@example(b"2026-03-05")
@example(20260230)
def test_parse_date_takes_anything_and_only_refuses_in_chinese(value: object) -> None:
    result = only_user_errors(
        lambda: parse_date(value, field="issued_on", label="发出日期"), field="issued_on"
    )
    assert result is None or type(result) is date


@FAST
@given(any_value)
@example(1975.1)
@example(float("inf"))
@example(1e300)
@example(-1975.03)
def test_parse_month_takes_anything_and_only_refuses_in_chinese(value: object) -> None:
    result = only_user_errors(
        lambda: parse_month(value, field="party_join_date", label="入党时间"), field="party_join_date"
    )
    assert result is None or type(result) is date


@FAST
@given(
    st.integers(1000, 9999),
    st.integers(0, 99),
    st.sampled_from(["{y}.{m:02d}", "{y}-{m}", "{y}/{m}", "{y}年{m}月", "{y}{m:02d}"]),
)
def test_a_written_month_is_that_month_or_refused(year: int, month: int, form: str) -> None:
    text = form.format(y=year, m=month)
    if 1 <= month <= 12:
        assert parse_month(text) == date(year, month, 1)
    else:
        assert "不是有效年月" in refused(parse_month, text, expect="birth_date")


@FAST
@given(st.integers(1900, 2100), st.integers(1, 12))
def test_a_month_stored_as_a_number_follows_the_documented_rule(year: int, month: int) -> None:
    """The digits after the point are the month: 1975.03 is March, 1975.1 (and 1975.10) January."""
    value = float(f"{year}.{month:02d}")
    shown = repr(value).split(".")[1]
    assert parse_month(value) == date(year, int(shown), 1)
    assert parse_month(year * 100 + month) == date(year, month, 1)
    assert parse_month(float(year * 100 + month)) == date(year, month, 1)


@FAST
@given(
    st.one_of(st.none(), st.dates()),
    st.one_of(st.none(), st.dates()),
    st.one_of(st.none(), st.dates()),
)
def test_check_date_between_refuses_exactly_the_dates_outside(
    value: date | None, earliest: date | None, latest: date | None
) -> None:
    outside = value is not None and (
        (earliest is not None and value < earliest) or (latest is not None and value > latest)
    )
    if not outside:
        check_date_between(value, field="report_date", label="报告日期", earliest=earliest, latest=latest)
        return
    message = refused(
        check_date_between,
        value,
        field="report_date",
        label="报告日期",
        earliest=earliest,
        latest=latest,
        expect="report_date",
    )
    assert message.startswith("报告日期不能")
    bound = earliest if earliest is not None and value is not None and value < earliest else latest
    assert bound is not None
    assert (
        "今天" in message
        if bound == date.today()
        else f"{bound.year}年{bound.month}月{bound.day}日" in message
    )


@FAST
@given(st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.dates()))
def test_check_order_refuses_exactly_a_second_date_before_the_first(
    first: date | None, second: date | None
) -> None:
    if first is not None and second is not None and second < first:
        assert refused(
            check_order,
            first,
            second,
            field="deadline",
            message="反馈期限不能早于发出日期",
            expect="deadline",
        ) == ("反馈期限不能早于发出日期")
    else:
        check_order(first, second, field="deadline", message="反馈期限不能早于发出日期")


# --- text and names -----------------------------------------------------------------------------


@FAST
@given(any_value, st.integers(1, 30))
@example("  \u3000\u200b ", 5)
@example("一二三四五六", 5)
def test_require_text_keeps_within_the_limit_or_says_why(value: object, limit: int) -> None:
    try:
        text = require_text(value, field="title", label="标题", max_length=limit)
    except UserError as exc:
        assert exc.field == "title"
        ch = invisible_char(str(value)) if value is not None else None
        if ch is not None:  # refused, never stripped
            assert exc.message == f"标题含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入。"
            return
        assert exc.message == "请填写标题" or exc.message.startswith(f"标题不能超过{limit}个字（现在是")
        if exc.message != "请填写标题":
            count = int(re.search(r"现在是(\d+)个字", exc.message)[1])  # type: ignore[index]
            assert count > limit
        return
    assert 1 <= len(text) <= limit
    assert text == text.strip() and invisible_char(text) is None


@FAST
@given(messy_text)
@example("·")
@example("阿沛 ・ 阿旺晋美")
def test_normalized_names_are_tidy_and_stable(text: str) -> None:
    ch = invisible_char(text)
    if ch is not None:  # refused, never stripped
        message = refused(normalize_name, text, expect="name")
        assert message == f"姓名含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入。"
        return
    name = normalize_name(text)
    assert normalize_name(name) == name
    assert name == name.strip() and not name.startswith("·") and not name.endswith("·")
    assert "··" not in name and "  " not in name
    assert not re.search(r"[\u4e00-\u9fff·] | [\u4e00-\u9fff·]", name)
    assert not any(c in name for c in "・•●\u3000\u200b\ufeff")


@FAST
@given(st.text(max_size=30))
def test_to_halfwidth_is_idempotent_and_keeps_the_length(text: str) -> None:
    once = to_halfwidth(text)
    assert to_halfwidth(once) == once and len(once) == len(text)
    assert not any("\uff01" <= c <= "\uff5e" or c == "\u3000" for c in once)


# --- enums by label or stored value -------------------------------------------------------------

ENUMS: list[type[LabeledEnum]] = sorted(
    {
        obj
        for obj in vars(enums).values()
        if isinstance(obj, type) and issubclass(obj, LabeledEnum) and obj is not LabeledEnum
    },
    key=lambda cls: cls.__name__,
)
ENUM_FIELDS = [
    (spec.table, fld) for spec in SPECS.values() for fld in spec.fields if fld.kind is FieldKind.ENUM
]


def test_every_enum_has_distinct_values_and_labels() -> None:
    for cls in ENUMS:
        texts = [member.value for member in cls] + [member.label for member in cls]
        assert len(set(texts)) == len(texts), cls  # a label never reads as another member's value


@FAST
@given(st.sampled_from(ENUMS), st.data())
def test_enum_members_are_found_by_label_or_value_with_spaces(
    cls: type[LabeledEnum], data: st.DataObject
) -> None:
    member = data.draw(st.sampled_from(list(cls)))
    pad = data.draw(st.sampled_from(["", " ", "\u3000", "\t", " \n"]))
    assert cls.parse(member.value) is member
    assert cls.from_label(pad + member.label + pad) is member
    assert cls.from_label(pad + member.value + pad) is member


@FAST
@given(st.sampled_from(ENUMS), messy_text)
def test_enum_look_up_of_any_text_is_a_member_or_a_value_error(cls: type[LabeledEnum], text: str) -> None:
    try:
        member = cls.from_label(text)
    except ValueError:
        assert text.strip() not in {m.label for m in cls} | {m.value for m in cls}
        return
    assert text.strip() in (member.label, member.value)


@FAST
@given(st.sampled_from(ENUM_FIELDS), st.one_of(messy_text, st.integers(), st.none()))
def test_an_enum_field_takes_label_or_value_and_refuses_the_rest_in_chinese(
    table_field: tuple[str, Any], value: object
) -> None:
    _table, fld = table_field
    assert fld.enum is not None
    try:
        result = records.coerce(None, fld, value)  # type: ignore[arg-type]  # enums need no session
    except UserError as exc:
        assert exc.field == fld.name
        assert exc.message.startswith(f"请选择{fld.label}") or "不是可选项（可选：" in exc.message
        return
    if result is None:
        assert not fld.required and (value is None or str(value).strip() == "")
    else:
        assert isinstance(result, fld.enum)
        assert str(value).strip().replace("\u3000", " ").strip() in (result.label, result.value)


# --- services/rules.py: the per-record checks ---------------------------------------------------


@pytest.fixture(scope="module")
def rules_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("rules") / "rules.db"
    database = open_database(path)
    records.create(database, "units", {"full_name": "区财政局", "unit_type": "agency"})
    yield database
    database.dispose()


def check(db: Database, table: str, values: dict[str, Any], obj: m.Record | None = None) -> dict[str, Any]:
    with db.read() as uow:
        session: Session = uow.session
        rules.check(session, table, values, obj)
    return values


births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@FAST
@given(
    id18s().filter(lambda n: id_number_birth_date(n) <= date.today()),
    st.one_of(st.none(), births),
    st.one_of(st.none(), st.sampled_from(list(Gender))),
)
def test_a_cadres_id_number_agrees_with_birth_month_and_gender_or_is_refused(
    rules_db: Database, id18: str, birth: date | None, gender: Gender | None
) -> None:
    born, sex = id_number_birth_date(id18), id_number_gender(id18)
    values: dict[str, Any] = {"name": "张三", "id_number": id18, "unit_id": 1}
    if birth is not None:
        values["birth_date"] = birth
    if gender is not None:
        values["gender"] = gender
    month_differs = birth is not None and (birth.year, birth.month) != (born.year, born.month)
    if month_differs or (gender is not None and gender is not sex):
        message = refused(check, rules_db, "cadres", values, expect="id_number")
        assert "身份证号" in message and ("不一致" in message)
        return
    checked = check(rules_db, "cadres", values)
    assert checked["gender"] is sex
    assert checked["birth_date"] == (birth if birth is not None else born)


CADRE_DATES = ("birth_date", "party_join_date", "work_start_date", "position_start_date")
FUTURE_RULES = [("cadres", name) for name in CADRE_DATES] + [
    ("family_members", "birth_date"),
    ("personal_matters_reports", "report_date"),
    ("duty_reports", "report_date"),
]


@FAST
@given(st.sampled_from(FUTURE_RULES), st.integers(-3, 3))
def test_dates_that_cannot_lie_ahead_are_refused_after_today(
    rules_db: Database, table_field: tuple[str, str], offset: int
) -> None:
    table, name = table_field
    day = date.today() + timedelta(days=offset)
    if offset > 0:
        assert refused(check, rules_db, table, {name: day}, expect=name).endswith("不能晚于今天")
    else:
        check(rules_db, table, {name: day})


ORDER_RULES = [
    ("integrity_opinions", "request_date", "reply_date", "回复日期不能早于来函日期。"),
    ("discipline_records", "effect_start", "effect_end", "影响期止不能早于影响期起。"),
    ("discipline_records", "decided_on", "effect_start", "影响期起不能早于决定日期。"),
    ("clues", "received_on", "disposed_on", "处置日期不能早于受理日期。"),
    ("alert_notices", "issued_on", "deadline", "反馈期限不能早于发出日期。"),
    ("cadres", "birth_date", "party_join_date", "入党时间不能早于出生年月。"),
    ("cadres", "birth_date", "work_start_date", "参加工作时间不能早于出生年月。"),
    ("cadres", "birth_date", "position_start_date", "任现职时间不能早于出生年月。"),
]


@FAST
@given(st.sampled_from(ORDER_RULES), births, births)
def test_a_later_date_before_the_earlier_one_is_refused(
    rules_db: Database, rule: tuple[str, str, str, str], first: date, second: date
) -> None:
    table, first_name, second_name, message = rule
    values = {first_name: first, second_name: second}
    if second < first:
        assert refused(check, rules_db, table, values, expect=second_name) == message
    else:
        check(rules_db, table, values)


@FAST
@given(st.times(), st.times())
def test_a_talk_cannot_end_before_it_starts(rules_db: Database, start: time, end: time) -> None:
    values = {"start_time": start, "end_time": end}
    if end < start:
        assert refused(check, rules_db, "talks", values, expect="end_time") == "结束时间不能早于开始时间。"
    else:
        check(rules_db, "talks", values)


@FAST
@given(st.sampled_from(["cadres", "family_members"]), messy_text.filter(lambda t: t.strip() != ""))
@example("cadres", "·")
@example("cadres", "\u200b")
@example("family_members", "・ ・")
def test_a_name_is_stored_tidy_and_never_tidied_away_to_nothing(
    rules_db: Database, table: str, name: str
) -> None:
    values: dict[str, Any] = {"name": name}
    ch = invisible_char(name)
    try:
        checked = check(rules_db, table, values)
    except UserError as exc:
        assert exc.field == "name"
        if ch is not None:  # refused, never tidied away
            assert exc.message == f"姓名含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入。"
        else:
            assert exc.message == "请填写姓名。"
            assert normalize_name(name) == ""
        return
    assert ch is None
    assert checked["name"] == normalize_name(name) != ""


def test_a_numbered_notice_keeps_its_kind(rules_db: Database) -> None:
    issued = m.AlertNotice(kind=enums.NoticeKind.COPY_NOTICE, doc_number="驻X纪抄〔2026〕1号")
    message = refused(
        check, rules_db, "alert_notices", {"kind": enums.NoticeKind.PROPOSAL}, issued, expect="kind"
    )
    assert message == "已编号发出的提醒不能更改类别。"
    check(rules_db, "alert_notices", {"kind": enums.NoticeKind.COPY_NOTICE}, issued)
    draft = m.AlertNotice(kind=enums.NoticeKind.COPY_NOTICE, doc_number=None)
    check(rules_db, "alert_notices", {"kind": enums.NoticeKind.PROPOSAL}, draft)


@FAST
@given(st.integers(1, 31), st.integers(1, 12))
def test_impossible_calendar_days_never_reach_the_rules(day: int, month: int) -> None:
    """Dates reach the rules only as ``date`` objects: what ``parse_date`` let through is real."""
    text = f"2025-{month:02d}-{day:02d}"
    if day > calendar.monthrange(2025, month)[1]:
        refused(parse_date, text)
    else:
        assert isinstance(parse_date(text), date) and not isinstance(parse_date(text), datetime)
