"""The 机关代字: what may be stored, and the one rule for “still the placeholder”."""

from __future__ import annotations

import pytest

from wsjc_desktop.domain.docnumber import DEFAULT_AGENCY_CODE, is_placeholder
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings
from wsjc_desktop.storage.database import Database


@pytest.mark.parametrize("code", ["驻财纪", "驻发改纪", "驻区政法委纪", "驻卫健纪", "驻教"])
def test_real_codes_are_not_placeholders_and_are_stored(db: Database, code: str) -> None:
    assert not is_placeholder(code)
    settings.set_many(db, {"group.agency_code": code})
    assert settings.get(db, "group.agency_code") == code


@pytest.mark.parametrize(
    "text", [DEFAULT_AGENCY_CODE, "", "   ", "驻x纪", "驻Ｘ纪", "驻ｘ纪", "X", "驻X纪抄", "驻财X纪"]
)
def test_placeholders_in_any_width_or_case_and_blanks(text: str) -> None:
    assert is_placeholder(text)


def test_a_fresh_file_has_the_placeholder(db: Database) -> None:
    assert settings.get(db, "group.agency_code") == DEFAULT_AGENCY_CODE
    assert is_placeholder(settings.get(db, "group.agency_code"))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请填写机关代字。"),
        ("  ", "请填写机关代字。"),
        (DEFAULT_AGENCY_CODE, "机关代字不能含占位符“X”，请填写本组实际的机关代字，如 驻财纪。"),
        ("驻ｘ纪", "机关代字不能含占位符“X”，请填写本组实际的机关代字，如 驻财纪。"),
        ("驻 财纪", "机关代字中不能有空格。"),
        ("驻\u3000财纪", "机关代字中不能有空格。"),
        ("驻财纪〔", "机关代字中不能有“〔〕”等括号：年份的括号由文号模板加上。"),
        ("驻财纪(", "机关代字中不能有“〔〕”等括号：年份的括号由文号模板加上。"),
        ("驻", "机关代字应为 2 到 10 个字。"),
        ("驻" + "财" * 9 + "纪", "机关代字应为 2 到 10 个字。"),
    ],
)
def test_bad_codes_are_refused_naming_the_field_and_nothing_is_stored(
    db: Database, code: str, message: str
) -> None:
    for check in (
        lambda: settings.check_value("group.agency_code", code),  # what a form calls as the user types
        lambda: settings.set_many(db, {"group.agency_code": code, "notice.signatory": "赵建国"}),
    ):
        with pytest.raises(UserError) as refused:
            check()
        assert refused.value.message == message
        assert refused.value.field == "group.agency_code"
    assert settings.get(db, "group.agency_code") == DEFAULT_AGENCY_CODE
    assert settings.get(db, "notice.signatory") == ""  # one transaction: nothing else either


def test_surrounding_spaces_do_not_count() -> None:
    settings.check_value("group.agency_code", "  驻财纪 ")


def test_a_kinds_own_prefix_follows_the_same_rule(db: Database) -> None:
    key = settings.prefix_key(NoticeKind.COPY_NOTICE)
    with pytest.raises(UserError, match="文号前缀不能含占位符") as refused:
        settings.set_many(db, {key: "驻X纪抄"})
    assert refused.value.field == key
    with pytest.raises(UserError, match="文号前缀中不能有空格"):
        settings.check_value(key, "驻财 纪抄")
    settings.set_many(db, {key: "驻财纪抄告"})
    settings.set_many(db, {key: ""})  # empty: the 机关代字 plus the kind's letter again
    assert settings.get(db, key) == ""
