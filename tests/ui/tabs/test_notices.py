"""廉情提醒: the form of a new notice starts with the field spec's defaults and the 反馈期限 the
notice service works out; the form of its 整改反馈 with the spec's defaults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import agency_code, unit
from tests.ui.conftest import TODAY
from tests.ui.tabs.new_forms import form_with, new_form
from wsjc_desktop.domain.enums import NoticeKind, RectificationStatus
from wsjc_desktop.domain.fields import ALERT_NOTICE, RECTIFICATION
from wsjc_desktop.services import notices, records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.tabs.notices import NoticesTab


@pytest.fixture
def notices_tab(ctx: AppContext, qtbot: QtBot) -> Iterator[NoticesTab]:
    page = NoticesTab(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    yield page


def test_a_new_notice_is_a_廉情抄告单_due_by_the_services_deadline(
    notices_tab: NoticesTab, ctx: AppContext
) -> None:
    deadline = notices.default_deadline(ctx.db, TODAY)  # a rule of the service (working days)
    assert deadline > TODAY
    assert ALERT_NOTICE.new_record_values(today=TODAY) == {"kind": NoticeKind.COPY_NOTICE}
    assert notices_tab.new_defaults() == {"deadline": deadline}  # the tab adds only the deadline
    starts = {"kind": NoticeKind.COPY_NOTICE, "deadline": deadline}
    assert notices_tab.new_values() == starts
    assert new_form(notices_tab.new_record) == form_with(ctx, ALERT_NOTICE, starts)


def test_feedback_starts_today_整改中(notices_tab: NoticesTab, ctx: AppContext, qtbot: QtBot) -> None:
    agency_code(ctx.db)
    notice_id = records.create(
        ctx.db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit(ctx.db, "区审计局"),
            "title": "关于公务接待超标准问题的廉情抄告单",
            "deadline": date(2026, 6, 30),
        },
    )
    notices.issue(ctx.db, notice_id, issued_on=date(2026, 6, 1))
    qtbot.waitUntil(lambda: notices_tab.model.row_of(notice_id) is not None)
    assert notices_tab.select_id(notice_id)
    assert notices_tab.feedback_button.isEnabled()
    starts = {"feedback_date": TODAY, "status": RectificationStatus.IN_PROGRESS}
    assert RECTIFICATION.new_record_values(today=TODAY) == starts  # the spec's
    assert new_form(notices_tab.feedback_button.click) == form_with(ctx, RECTIFICATION, starts)
    assert new_form(notices_tab.feedback.add_button.click) == form_with(ctx, RECTIFICATION, starts)
