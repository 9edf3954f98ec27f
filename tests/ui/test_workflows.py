"""The day's work, driven through the real widgets: units, cadres, talks, meetings, notices."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import agency_code, cadre, member, unit
from tests.ui.modal import answer_modals, click_accept, message_text, type_text
from wsjc_desktop.domain.enums import NoticeStatus, UnitType
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import ComboEditor, LineEditor, MultiPickerEditor, RecordDialog
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordTab


def tab(window: MainWindow, title: str, qtbot: QtBot) -> RecordTab:
    page = window.show_tab(title)
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    return page


def table_texts(page: RecordTab, column_key: str) -> list[str]:
    model = page.model
    col = next(i for i, c in enumerate(model.columns) if c.key == column_key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def fill(qtbot: QtBot, dialog: QWidget, values: dict[str, Any], *, save: bool = True) -> None:
    """Type into the dialog's inputs the way a user would, then press 保存."""
    assert isinstance(dialog, RecordDialog)
    for name, value in values.items():
        editor = dialog.editors[name]
        if isinstance(editor, LineEditor):
            editor.edit.clear()
            type_text(editor.edit, str(value))
        elif isinstance(editor, ComboEditor):
            index = editor.combo.findText(str(value))
            assert index >= 0, f"{value} not offered for {name}"
            editor.combo.setCurrentIndex(index)
        elif isinstance(editor, MultiPickerEditor):
            for text in value:
                type_text(editor.picker.edit, text)
                qtbot.keyClick(editor.picker.edit, Qt.Key.Key_Return)
        else:
            editor.set(value)
    if save:
        dialog.save()


def test_create_a_unit_with_inline_validation(window: MainWindow, qtbot: QtBot) -> None:
    page = tab(window, "监督单位", qtbot)
    errors: list[str] = []

    def first_try(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        dialog.save()  # nothing filled in
        errors.append(dialog.errors["full_name"].text())
        assert dialog.isVisible() and dialog.errors["full_name"].isVisible()
        fill(qtbot, dialog, {"full_name": "区审计局", "short_name": "审计局", "unit_type": "机关"})

    answer_modals(first_try)
    window.act_new.trigger()
    assert errors == ["请填写单位全称。"]
    assert table_texts(page, "full_name") == ["区审计局"]
    assert page.selected_id() is not None
    row = records.get(window.ctx.db, "units", page.selected_id())
    assert row["unit_type"] is UnitType.AGENCY


def test_cadre_added_under_its_unit_then_duplicate_refused(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    unit_id = unit(ctx.db, "区审计局")
    page = tab(window, "监督单位", qtbot)
    assert page.select_id(unit_id)
    panel = page.cadres  # type: ignore[attr-defined]
    answer_modals(lambda d: fill(qtbot, d, {"name": "张三", "birth_date": "1975.03", "rank": "处级"}))
    panel.add_button.click()
    assert [r["name"] for r in records.list_records(ctx.db, "cadres", RecordFilter(unit_id=unit_id))] == [
        "张三"
    ]
    assert panel.model.rowCount() == 1

    seen: list[str] = []

    def duplicate(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        fill(qtbot, dialog, {"name": "张三", "birth_date": "1975年3月"})
        seen.append(dialog.errors["name"].text())
        dialog.reject()

    answer_modals(duplicate)
    panel.add_button.click()
    assert "同名、同出生年月" in seen[0]
    assert panel.model.rowCount() == 1


def test_talk_with_two_cadres(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区审计局")
    a, b = cadre(ctx.db, unit_id, "张三"), cadre(ctx.db, unit_id, "李四")
    talker = member(ctx.db, "王组长")
    page = tab(window, "谈话记录", qtbot)
    answer_modals(
        lambda d: fill(
            qtbot,
            d,
            {
                "kind": "任前谈话",
                "cadre_ids": ["张三", "李四"],
                "talker_id": "王组长",
                "location": "三楼会议室",
            },
        )
    )
    window.act_new.trigger()
    (talk_id,) = page.model.ids
    row = records.get(ctx.db, "talks", talk_id)
    assert row["cadre_ids"] == sorted([a, b]) and row["talker_id"] == talker
    assert row["held_on"] == ctx.today  # the default date
    assert table_texts(page, "cadre_ids") == ["张三、李四"]


def test_meeting_with_an_opinion(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    unit(ctx.db, "区审计局")
    page = tab(window, "列席会议", qtbot)
    answer_modals(
        lambda d: fill(
            qtbot, d, {"unit_id": "区审计局", "meeting_type": "党委(组)会", "title": "党组会（第5次）"}
        )
    )
    window.act_new.trigger()
    assert table_texts(page, "title") == ["党组会（第5次）"]
    assert page.select_id(page.model.ids[0])
    opinions = page.opinions  # type: ignore[attr-defined]
    answer_modals(lambda d: fill(qtbot, d, {"content": "建议对大额资金支出事项补充集体研究程序"}))
    opinions.add_button.click()
    assert opinions.model.rowCount() == 1
    assert [o["content"] for o in records.list_records(ctx.db, "meeting_opinions")] == [
        "建议对大额资金支出事项补充集体研究程序"
    ]


def test_notice_lifecycle(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    agency_code(ctx.db)
    unit(ctx.db, "区审计局")
    page = tab(window, "廉情提醒", qtbot)
    answer_modals(
        lambda d: fill(
            qtbot,
            d,
            {
                "kind": "廉情抄告单",
                "unit_id": "区审计局",
                "title": "关于公务接待超标准问题的廉情抄告单",
                "deadline": "2026-06-30",
            },
        )
    )
    window.act_new.trigger()
    (notice_id,) = page.model.ids
    assert page.select_id(notice_id)
    assert table_texts(page, "status") == ["草稿"]
    assert page.issue_button.isEnabled()  # type: ignore[attr-defined]

    shown: list[str] = []
    answer_modals(click_accept, lambda box: (shown.append(message_text(box)), click_accept(box)))
    page.issue_button.click()  # type: ignore[attr-defined]
    assert shown == ["已发出，文号：驻财纪抄〔2026〕1号"]
    assert table_texts(page, "doc_number") == ["驻财纪抄〔2026〕1号"]
    assert table_texts(page, "status") == ["已发出"]

    answer_modals(
        lambda d: fill(qtbot, d, {"measures": "已退回超标准接待费用并完善接待审批制度", "handled_by": "赵六"})
    )
    page.feedback_button.click()  # type: ignore[attr-defined]
    assert table_texts(page, "status") == ["已反馈"]
    assert page.feedback.model.rowCount() == 1  # type: ignore[attr-defined]

    page.rectified_button.click()  # type: ignore[attr-defined]
    assert records.get(ctx.db, "alert_notices", notice_id)["status"] is NoticeStatus.RECTIFIED
    assert table_texts(page, "status") == ["已整改"]


def test_overdue_is_shown_and_filtered(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    agency_code(ctx.db)
    from datetime import date

    from wsjc_desktop.services import notices

    unit_id = unit(ctx.db, "区审计局")
    late = records.create(
        ctx.db,
        "alert_notices",
        {"kind": "copy_notice", "unit_id": unit_id, "title": "甲", "deadline": "2026-06-01"},
    )
    soon = records.create(
        ctx.db,
        "alert_notices",
        {"kind": "copy_notice", "unit_id": unit_id, "title": "乙", "deadline": "2026-06-20"},
    )
    notices.issue(ctx.db, late, issued_on=date(2026, 5, 20))
    notices.issue(ctx.db, soon, issued_on=date(2026, 6, 10))
    page = tab(window, "廉情提醒", qtbot)
    assert sorted(table_texts(page, "status")) == ["已发出", "逾期"]
    status = page.filters.status
    status.setCurrentIndex(status.findText("逾期"))
    assert page.model.ids == [late]
    status.setCurrentIndex(status.findText("7日内到期"))
    assert page.model.ids == [soon]


def test_delete_goes_to_recycle_bin_and_restore_brings_it_back(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    unit_id = unit(ctx.db, "区审计局")
    a = cadre(ctx.db, unit_id, "张三")
    talk_id = records.create(
        ctx.db, "talks", {"held_on": "2026-06-01", "kind": "integrity", "cadre_ids": [a]}
    )
    page = tab(window, "谈话记录", qtbot)
    assert page.select_id(talk_id)
    page.view.setFocus()
    answer_modals(click_accept)
    window.act_delete.trigger()
    assert page.model.ids == []
    assert [(i.table, i.record_id) for i in records.recycle_bin(ctx.db)] == [("talks", talk_id)]
    records.restore(ctx.db, "talks", talk_id)
    assert page.model.ids == [talk_id]  # the view followed the change by itself


def test_filter_by_pinyin_initials(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区审计局")
    a, b = cadre(ctx.db, unit_id, "张三"), cadre(ctx.db, unit_id, "李四")
    t1 = records.create(ctx.db, "talks", {"held_on": "2026-06-01", "kind": "integrity", "cadre_ids": [a]})
    records.create(ctx.db, "talks", {"held_on": "2026-06-02", "kind": "integrity", "cadre_ids": [b]})
    page = tab(window, "谈话记录", qtbot)
    assert page.model.rowCount() == 2
    type_text(page.filters.text, "张三")
    qtbot.waitUntil(lambda: page.model.ids == [t1])
    page.filters.text.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)


@pytest.mark.parametrize(
    ("text", "table", "title"),
    [
        ("审计", "units", "监督单位"),
        ("张三", "cadres", "廉政档案"),
        ("zs", "cadres", "廉政档案"),
        ("超标准", "alert_notices", "廉情提醒"),
        ("第5次", "meetings", "列席会议"),
        ("任前", "talks", "谈话记录"),
    ],
)
def test_search_box_finds_and_opens_each_kind(
    window: MainWindow, ctx: AppContext, qtbot: QtBot, text: str, table: str, title: str
) -> None:
    unit_id = unit(ctx.db, "区审计局")
    cid = cadre(ctx.db, unit_id, "张三")
    ids = {
        "units": unit_id,
        "cadres": cid,
        "alert_notices": records.create(
            ctx.db,
            "alert_notices",
            {"kind": "copy_notice", "unit_id": unit_id, "title": "关于公务接待超标准问题的廉情抄告单"},
        ),
        "meetings": records.create(
            ctx.db,
            "meetings",
            {
                "held_on": "2026-06-01",
                "unit_id": unit_id,
                "meeting_type": "party_committee",
                "title": "党组会（第5次）",
            },
        ),
        "talks": records.create(
            ctx.db, "talks", {"held_on": "2026-06-01", "kind": "pre_appointment", "cadre_ids": [cid]}
        ),
    }
    found: list[str] = []

    def use_search(dialog: QWidget) -> None:
        box = dialog.findChild(QLineEdit, "search_box")
        results = dialog.findChild(QTreeWidget, "search_results")
        assert box is not None and results is not None
        type_text(box, text)
        qtbot.waitUntil(lambda: results.topLevelItemCount() > 0)
        found.extend(results.topLevelItem(i).text(0) for i in range(results.topLevelItemCount()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    answer_modals(use_search)
    window.act_find.trigger()
    assert found, "results grouped by type"
    assert window.tabs.tabText(window.tabs.currentIndex()) == title
    page = window.tabs.currentWidget()
    selected = getattr(page, "selected_id")()  # noqa: B009
    assert selected == ids[table]


def test_table_models_pass_the_model_tester(
    window: MainWindow, ctx: AppContext, qtbot: QtBot, qtmodeltester: Any
) -> None:
    from wsjc_desktop.services.demo import generate_demo

    generate_demo(ctx.db, scale=1, seed=2)
    for title in ("监督单位", "列席会议", "谈话记录", "廉情提醒"):
        page = tab(window, title, qtbot)
        page.refresh()
        qtmodeltester.check(page.model, force_py=True)
        assert page.model.rowCount() > 0


def test_layout_is_remembered(ctx: AppContext, qtbot: QtBot) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(720, 520)  # within the offscreen screen (800×600)
    first.show()
    page = first.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    page.view.setColumnWidth(0, 222)
    first.close()  # saves
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    assert second.tabs.tabText(second.tabs.currentIndex()) == "谈话记录"
    again = second.pages["谈话记录"]
    assert isinstance(again, RecordTab)
    assert again.view.columnWidth(0) == 222
    assert second.size().width() == 720
    second.close()


def test_buttons_reflect_the_selected_notice(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区审计局")
    records.create(ctx.db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": "甲"})
    page = tab(window, "廉情提醒", qtbot)
    buttons = {b.text(): b for b in page.findChildren(QPushButton)}
    assert not buttons["发出"].isEnabled()  # nothing selected yet
    page.select_id(page.model.ids[0])
    assert buttons["发出"].isEnabled() and not buttons["登记反馈"].isEnabled()


def test_keyboard_shortcuts_reach_the_current_tab(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    """Ctrl+N, Enter, Delete, Ctrl+F and F5 each do their job (dialogs answered without typing)."""
    unit_id = unit(ctx.db, "区审计局")
    page = tab(window, "监督单位", qtbot)
    titles: list[str] = []

    def note_and_close(dialog: QWidget) -> None:
        titles.append(dialog.windowTitle())
        dialog.close()

    def press(
        widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        window.activateWindow()  # a closed dialog hands activation back asynchronously
        qtbot.waitUntil(window.isActiveWindow)
        answer_modals(note_and_close)
        qtbot.keyClick(widget, key, modifier)

    ctrl = Qt.KeyboardModifier.ControlModifier
    press(window, Qt.Key.Key_N, ctrl)
    assert page.select_id(unit_id)
    page.view.setFocus()
    press(page.view, Qt.Key.Key_Return)
    press(page.view, Qt.Key.Key_E, ctrl)
    press(page.view, Qt.Key.Key_Delete)
    press(window, Qt.Key.Key_F, ctrl)
    assert titles == ["新建监督单位", "编辑监督单位 — 区审计局", "编辑监督单位 — 区审计局", "删除", "查找"]
    records.update(ctx.db, "units", unit_id, {"short_name": "审计"})
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert table_texts(page, "short_name") == ["审计"]


def test_dossier_shows_the_talk_and_the_notice_and_opens_them(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    from datetime import date

    from wsjc_desktop.services import notices

    unit_id = unit(ctx.db, "区审计局")
    a, b = cadre(ctx.db, unit_id, "张三"), cadre(ctx.db, unit_id, "李四")
    talk_id = records.create(
        ctx.db,
        "talks",
        {"held_on": "2026-05-05", "kind": "integrity", "cadre_ids": [a, b], "reason": "任职廉政谈话"},
    )
    notice_id = records.create(
        ctx.db,
        "alert_notices",
        {"kind": "reminder_letter", "unit_id": unit_id, "cadre_id": a, "title": "关于严格财经纪律的提醒函"},
    )
    agency_code(ctx.db)
    number = notices.issue(ctx.db, notice_id, issued_on=date(2026, 6, 1))
    assert window.show_record("cadres", a)
    dossier = window.tabs.currentWidget()
    timeline = dossier.timeline  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: timeline.rowCount() == 2)
    rows = [[timeline.item(r, c).text() for c in range(3)] for r in range(2)]
    assert rows[0][0] == "2026-06-01" and number in rows[0][2]
    assert rows[1] == ["2026-05-05", "廉政谈话", "任职廉政谈话"]
    assert window.show_record("cadres", b)
    qtbot.waitUntil(lambda: timeline.rowCount() == 1)  # the same talk, in the other person's file
    dossier.open_related.emit("talks", talk_id)  # type: ignore[attr-defined]
    assert window.tabs.tabText(window.tabs.currentIndex()) == "谈话记录"
    assert window.tabs.currentWidget().selected_id() == talk_id  # type: ignore[attr-defined]


def test_roster_import_opens_from_the_file_menu(window: MainWindow, qtbot: QtBot) -> None:
    titles: list[str] = []

    def note_and_close(dialog: QWidget) -> None:
        titles.append(dialog.windowTitle())
        dialog.close()

    answer_modals(note_and_close)
    window.act_import.trigger()
    assert titles == ["导入花名册"]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_import in file_menu.actions()  # type: ignore[union-attr]


def test_a_new_unit_starts_in_scope(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    """新建 on the 监督单位 tab: 在监督范围 is ticked, and saving as it is gives a unit in scope;
    editing a unit out of scope still shows it unticked (the default is for new units only)."""
    outside = unit(ctx.db, "区档案馆", in_scope=False)
    page = tab(window, "监督单位", qtbot)
    ticked: list[bool] = []

    def look(dialog: QWidget, values: dict[str, Any] | None) -> None:
        assert isinstance(dialog, RecordDialog)
        box = dialog.editors["in_scope"].widget
        assert isinstance(box, QCheckBox)
        ticked.append(box.isChecked())
        if values is None:
            dialog.reject()
        else:
            fill(qtbot, dialog, values)

    answer_modals(lambda d: look(d, {"full_name": "区审计局", "unit_type": "机关"}))
    window.act_new.trigger()
    assert ticked == [True]
    created = page.selected_id()
    assert created is not None and created != outside
    assert records.get(ctx.db, "units", created)["in_scope"] is True

    assert page.select_id(outside)
    answer_modals(lambda d: look(d, None))
    page.edit_selected()
    assert ticked == [True, False]
