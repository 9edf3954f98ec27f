"""No register or panel restates a default of the field spec: what a new record starts with is the
spec's (``RecordSpec.new_record_values``), and a view adds only what the spec cannot know (the
unit selected in a tree, the 反馈期限 of the notice service)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordEditing, RecordListPanel


def test_no_view_restates_a_default_of_the_spec(window: MainWindow, qtbot: QtBot, logged_in: int) -> None:
    views: list[RecordEditing] = []
    for title in window.pages:
        page = window.pages[title]
        if isinstance(page, RecordEditing):
            views.append(page)
        views += page.findChildren(RecordListPanel)
    tables = {view.spec.table for view in views}
    assert {"talks", "meetings", "meeting_opinions", "alert_notices", "rectifications", "cadres"} <= tables
    for view in views:
        defaulted = {f.name for f in view.spec.fields if f.default is not None}
        restated = defaulted & set(view.new_defaults())
        assert not restated, f"{type(view).__name__} ({view.spec.table}) restates {sorted(restated)}"
        starts = view.spec.new_record_values(today=view.ctx.today, member_id=logged_in)
        assert starts.items() <= view.new_values().items(), type(view).__name__
