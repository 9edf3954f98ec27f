from __future__ import annotations

import pytest

from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings
from wsjc_desktop.storage.database import Database


def test_defaults_and_stored_values(db: Database) -> None:
    assert settings.get(db, "group.name") == settings.DEFAULTS["group.name"]
    settings.set_many(
        db, {"group.name": "区纪委监委驻区发改委纪检监察组", "notice.default_deadline_days": 10}
    )
    assert settings.get(db, "group.name") == "区纪委监委驻区发改委纪检监察组"
    assert settings.get_all(db)["notice.default_deadline_days"] == 10


def test_bad_settings_are_refused(db: Database) -> None:
    with pytest.raises(UserError, match="组名称"):
        settings.set_many(db, {"group.name": "  "})
    with pytest.raises(ValueError, match="unknown setting"):
        settings.set_many(db, {"no.such": 1})
    with pytest.raises(ValueError, match="unknown setting"):
        settings.set_many(db, {"doc_number.prefix.no_such_kind": "x"})


def test_holiday_calendar_keys_and_clearing(db: Database) -> None:
    value = {"days_off": [["2027-02-05", "春节"], ["2027-02-06", "春节"]], "workdays": ["2027-02-14"]}
    assert settings.get(db, "calendar.2027") is None
    assert "calendar.2027" not in settings.get_all(db)
    settings.set_many(db, {"calendar.2027": value, "notice.deadline_working_days": True})
    assert settings.get(db, "calendar.2027") == value
    assert settings.get_all(db)["calendar.2027"] == value
    assert settings.get(db, "notice.deadline_working_days") is True

    # one transaction: set one, clear another
    settings.set_many(db, {"calendar.2028": {"days_off": [], "workdays": []}}, cleared=["calendar.2027"])
    assert settings.get(db, "calendar.2027") is None
    assert "calendar.2027" not in settings.get_all(db)
    assert settings.get(db, "calendar.2028") == {"days_off": [], "workdays": []}
    # stored again after clearing, then cleared for good; clearing what is not set is harmless
    settings.set_many(db, {"calendar.2027": value})
    assert settings.get(db, "calendar.2027") == value
    settings.clear(db, "calendar.2027", "calendar.2029")
    assert settings.get(db, "calendar.2027") is None
    settings.clear(db, "notice.deadline_working_days")
    assert settings.get(db, "notice.deadline_working_days") is False  # the default again

    with pytest.raises(ValueError, match="unknown setting"):
        settings.clear(db, "calendar.1999")
    with pytest.raises(ValueError, match="both set and cleared"):
        settings.set_many(db, {"calendar.2027": value}, cleared=["calendar.2027"])
    with pytest.raises(UserError, match="2027年节假日安排") as caught:
        settings.check_value("calendar.2027", {"days_off": [["2027-02-05", ""]], "workdays": []})
    assert caught.value.field == "calendar.2027"


@pytest.mark.parametrize("key", ["group.name", "group.agency_code", "doc_number.template"])
def test_a_text_setting_with_a_direction_control_is_refused(db: Database, key: str) -> None:
    """Issue 15.9: the group's name and its 机关代字 print on every slip and in every 文号."""
    before = settings.get_all(db)[key]
    spoofed = {
        "group.name": "区纪委监委\u202e组检纪",
        "group.agency_code": "驻\u202e财纪",
        "doc_number.template": "{prefix}\u2066〔{year}〕{seq}号",
    }[key]
    with pytest.raises(UserError, match=r"U\+20(2E|66)"):
        settings.set_many(db, {key: spoofed})
    assert settings.get_all(db)[key] == before
