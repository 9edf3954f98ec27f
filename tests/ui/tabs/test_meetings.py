"""列席会议: the forms of a new meeting and of a new opinion start with the field spec's defaults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import unit
from tests.ui.conftest import TODAY
from tests.ui.tabs.new_forms import form_with, new_form
from wsjc_desktop.domain.enums import MeetingType, OpinionFollowUp
from wsjc_desktop.domain.fields import MEETING, MEETING_OPINION
from wsjc_desktop.services import records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.tabs.meetings import MeetingsTab


@pytest.fixture
def meetings(ctx: AppContext, qtbot: QtBot) -> Iterator[MeetingsTab]:
    page = MeetingsTab(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    yield page


def test_a_new_meeting_starts_today_with_the_member_logged_in_attending(
    meetings: MeetingsTab, ctx: AppContext, logged_in: int
) -> None:
    starts = {"held_on": TODAY, "attendee_ids": [logged_in]}
    assert meetings.new_values() == starts == MEETING.new_record_values(today=TODAY, member_id=logged_in)
    assert meetings.new_defaults() == {}  # nothing restated in the tab
    assert new_form(meetings.new_record) == form_with(ctx, MEETING, starts)


def test_with_nobody_logged_in_nobody_is_listed_as_attending(meetings: MeetingsTab, ctx: AppContext) -> None:
    assert meetings.new_values() == {"held_on": TODAY}
    assert new_form(meetings.new_record) == form_with(ctx, MEETING, {"held_on": TODAY})


def test_a_new_opinion_starts_待落实(meetings: MeetingsTab, ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区审计局")
    meeting_id = records.create(
        ctx.db,
        "meetings",
        {"held_on": date(2026, 6, 1), "unit_id": unit_id, "meeting_type": MeetingType.PARTY_COMMITTEE},
    )
    qtbot.waitUntil(lambda: meetings.model.row_of(meeting_id) is not None)
    assert meetings.select_id(meeting_id)
    panel = meetings.opinions
    assert panel.add_button.isEnabled()
    starts = MEETING_OPINION.new_record_values(today=TODAY)
    assert starts == {"follow_up": OpinionFollowUp.PENDING}
    assert panel.new_values() == starts | {"meeting_id": meeting_id}  # the meeting: fixed, not shown
    assert new_form(panel.add_button.click) == form_with(ctx, MEETING_OPINION, starts)
