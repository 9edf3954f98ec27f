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
