"""谈话记录: the form of a new talk starts with the field spec's defaults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import member
from tests.ui.conftest import TODAY
from tests.ui.tabs.new_forms import form_with, new_form
from wsjc_desktop.domain.enums import TalkKind
from wsjc_desktop.domain.fields import TALK
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import ComboEditor, RecordDialog
from wsjc_desktop.ui.tabs.talks import TalksTab


@pytest.fixture
def talks(ctx: AppContext, qtbot: QtBot) -> Iterator[TalksTab]:
    page = TalksTab(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    yield page


def test_a_new_talk_starts_today_as_a_廉政谈话_by_the_member_logged_in(
    talks: TalksTab, ctx: AppContext, logged_in: int
) -> None:
    starts = {"held_on": TODAY, "kind": TalkKind.INTEGRITY, "talker_id": logged_in}
    assert talks.new_values() == starts == TALK.new_record_values(today=TODAY, member_id=logged_in)
    assert talks.new_defaults() == {}  # nothing restated in the tab
    names: list[str] = []

    def talker_shown(dialog: RecordDialog) -> None:
        editor = dialog.editors["talker_id"]  # a list to choose from: the group is small
        assert isinstance(editor, ComboEditor)
        names.append(editor.combo.currentText())

    assert new_form(talks.new_record, look=talker_shown) == form_with(ctx, TALK, starts)
    assert names == ["王建国"]


def test_with_nobody_logged_in_the_talker_is_left_to_fill_in(talks: TalksTab, ctx: AppContext) -> None:
    member(ctx.db, "王组长")
    assert ctx.db.member_id is None
    starts = {"held_on": TODAY, "kind": TalkKind.INTEGRITY}
    assert talks.new_values() == starts
    assert new_form(talks.new_record) == form_with(ctx, TALK, starts)


def test_the_date_is_the_day_the_form_opens(talks: TalksTab, ctx: AppContext) -> None:
    ctx.today_override = date(2027, 1, 4)
    assert new_form(talks.new_record)["held_on"] == "2027-01-04"
