"""The loop in the real window: an inspection finds a problem → 交办 by a 廉情提醒 → the notice
is issued and fed back → 验收销号 in the 问题台账; the problem's path shows every step."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import agency_code, cadre, unit
from tests.ui.conftest import TODAY
from tests.ui.modal import answer_modals, click_accept, type_text
from wsjc_desktop.domain.enums import NoticeStatus, ProblemHandoff, ProblemStatus
from wsjc_desktop.services import notices, records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.problem_forms import NEW_NOTICE, CloseDialog, HandOffDialog
from wsjc_desktop.ui.forms import ComboEditor, LineEditor, RecordDialog, TextEditor
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.tabs.inspections import InspectionsTab
from wsjc_desktop.ui.tabs.notices import NoticesTab
from wsjc_desktop.ui.tabs.problems import ProblemsTab


def tab(window: MainWindow, title: str, qtbot: QtBot) -> RecordTab:
    page = window.show_tab(title)
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    return page


def column_texts(page: RecordTab, key: str) -> list[str]:
    model = page.model
    col = next(i for i, c in enumerate(model.columns) if c.key == key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def fill(dialog: QWidget, values: dict[str, Any]) -> None:
    """Enter values as a user would (typing text, picking a choice by its label), then 保存."""
    assert isinstance(dialog, RecordDialog), type(dialog)
    for name, value in values.items():
        editor = dialog.editors[name]
        if isinstance(editor, LineEditor):
            editor.edit.clear()
            type_text(editor.edit, str(value))
        elif isinstance(editor, TextEditor):
            editor.set("")
            type_text(editor.widget, str(value))
        elif isinstance(editor, ComboEditor) and isinstance(value, str):
            index = editor.combo.findText(value)
            assert index >= 0, f"{value} not offered for {name}"
            editor.combo.setCurrentIndex(index)
        else:
            editor.set(value)
    dialog.save()


def test_inspection_to_closed_problem(window: MainWindow, logged_in: int, qtbot: QtBot) -> None:
    db = window.ctx.db
    agency_code(db)
    unit_id = unit(db, "区审计局")
    unit(db, "区统计局")

    # 监督检查: register a check of 区审计局
    inspections = tab(window, "监督检查", qtbot)
    assert isinstance(inspections, InspectionsTab)
    answer_modals(
        lambda d: fill(
            d,
            {
                "kind": "专项监督检查",
                "started_on": "2026-06-01",
                "unit_ids": [unit_id],
                "title": "公务接待专项检查",
                "methods": "查阅资料、个别谈话",
            },
        )
    )
    window.act_new.trigger()
    assert column_texts(inspections, "title") == ["公务接待专项检查"]
    inspection_id = inspections.selected_id()
    assert inspection_id is not None
    assert inspections.problem_button.isEnabled()

    # 登记发现的问题: the form starts with the inspection's unit; its source is the inspection
    seen: dict[str, Any] = {}

    def register(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        seen["unit"] = dialog.editors["unit_id"].get()
        seen["fields"] = set(dialog.editors)
        fill(dialog, {"description": "公务接待无公函、超标准接待", "category": "八项规定精神"})

    answer_modals(register)
    inspections.problem_button.click()
    assert seen["unit"] == unit_id
    assert "source" not in seen["fields"] and "inspection_id" not in seen["fields"]
    qtbot.waitUntil(lambda: inspections.found.model.rowCount() == 1)
    (problem_id,) = records.list_ids(db, "problems")
    row = records.get(db, "problems", problem_id)
    assert (row["inspection_id"], row["source"].value, row["unit_id"]) == (
        inspection_id,
        "inspection",
        unit_id,
    )

    # 问题台账: the path says where it was found; 交办 makes a draft notice and offers to open it
    page = tab(window, "问题台账", qtbot)
    assert isinstance(page, ProblemsTab)
    assert page.select_id(problem_id)
    assert column_texts(page, "status") == ["待交办"]
    assert page.path_panel.texts() == [
        "发现 监督检查发现：2026年6月1日 “公务接待专项检查”",
        "交办 待交办",
        "验收销号 待验收销号",
    ]
    assert not page.close_button.isEnabled()
    assert "发现问题1个，已销号0个（销号率0%），逾期0个" in plain(page.summary_label.text())

    def hand_off(dialog: QWidget) -> None:
        assert isinstance(dialog, HandOffDialog)
        assert dialog.choice() == NEW_NOTICE
        dialog.accept()

    answer_modals(hand_off, click_accept)  # 交办, then “现在到廉情提醒中查看？” yes
    page.handoff_button.click()
    row = records.get(db, "problems", problem_id)
    assert row["handoff"] is ProblemHandoff.NOTICE and row["status"] is ProblemStatus.ASSIGNED
    notice_id = row["notice_id"]
    notices_page = window.tabs.currentWidget()
    assert isinstance(notices_page, NoticesTab)
    assert notices_page.selected_id() == notice_id

    # the notice is issued in its tab, and the unit's feedback says 已完成
    answer_modals(click_accept, click_accept)  # 发出？ yes; 已发出 ok
    notices_page.issue_button.click()
    number = records.get(db, "alert_notices", notice_id)["doc_number"]
    assert number == "驻财纪抄〔2026〕1号"
    notices.record_feedback(
        db,
        notice_id,
        {"feedback_date": TODAY, "measures": "已退还超标准费用，修订接待办法", "status": "done"},
    )
    assert records.get(db, "alert_notices", notice_id)["status"] is NoticeStatus.RECTIFIED

    # back in the 问题台账: 待验收, then 验收销号 by the member logged in
    page = tab(window, "问题台账", qtbot)
    assert isinstance(page, ProblemsTab)
    assert page.select_id(problem_id)
    qtbot.waitUntil(lambda: column_texts(page, "status") == ["待验收"])
    assert page.close_button.isEnabled()

    def close(dialog: QWidget) -> None:
        assert isinstance(dialog, CloseDialog)
        assert dialog.member.currentData() == logged_in
        assert dialog.findChild(QLineEdit, "closed_on").text() == "2026-06-15"
        note = dialog.findChild(QPlainTextEdit, "closing_note")
        type_text(note, "整改到位，同意销号")
        dialog.accept()

    answer_modals(close)
    page.close_button.click()
    qtbot.waitUntil(lambda: column_texts(page, "status") == ["已销号"])
    texts = page.path_panel.texts()
    assert [t.split(" ")[0] for t in texts] == ["发现", "交办", "整改反馈", "验收销号"]
    assert number in texts[1] and "2026年6月15日发出" in texts[1]
    assert texts[2] == "整改反馈 已退还超标准费用，修订接待办法（已完成）"
    assert texts[3] == "验收销号 王建国验收销号：整改到位，同意销号"
    assert all(label.property("done") for label in page.path_panel.step_labels)
    assert "发现问题1个，已销号1个（销号率100%），逾期0个" in plain(page.summary_label.text())
    assert page.reopen_button.isEnabled() and not page.handoff_button.isEnabled()

    # the year's figures count the loop: one inspection, one problem found and closed, none overdue
    from wsjc_desktop.services import stats

    report = stats.compute(db, stats.Period.year(2026), today=date(2026, 6, 15))
    assert [report.value(k) for k in ("inspections.count", "problems.found", "problems.closed")] == [1, 1, 1]
    assert (report.value("problems.closing_rate"), report.value("problems.overdue")) == (100, 0)

    # the step 发现 links to the inspection: it opens in its tab
    found = page.path_panel.step_labels[0]
    assert f'href="inspections:{inspection_id}"' in found.text()
    found.linkActivated.emit(f"inspections:{inspection_id}")
    assert window.tabs.currentWidget() is inspections
    assert inspections.selected_id() == inspection_id


def test_a_refused_closing_says_why_keyboard_only(window: MainWindow, logged_in: int, qtbot: QtBot) -> None:
    """A problem handed off by a notice with no feedback yet cannot be closed; the message says so."""
    db = window.ctx.db
    unit_id = unit(db, "区审计局")
    problem_id = records.create(
        db,
        "problems",
        {
            "found_on": TODAY,
            "unit_id": unit_id,
            "description": "会议费列支不规范",
            "category": "finance",
            "severity": "minor",
            "source": "other",
        },
    )
    page = tab(window, "问题台账", qtbot)
    assert isinstance(page, ProblemsTab)
    assert page.select_id(problem_id)
    answer_modals(lambda d: d.accept(), lambda d: d.reject())  # 交办 a new notice; don't open it
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)  # 交办…
    qtbot.waitUntil(lambda: column_texts(page, "status") == ["已交办"])
    messages: list[str] = []

    def refused(box: QWidget) -> None:
        messages.append(box.text())  # type: ignore[attr-defined]
        click_accept(box)

    answer_modals(lambda d: d.accept(), refused)
    window.activateWindow()  # back from the dialogs: shortcuts reach the active window
    qtbot.waitUntil(window.isActiveWindow)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # 验收销号…
    assert messages == ["交办的廉情提醒尚未收到整改反馈，不能验收销号。请先登记整改反馈。"]
    assert records.get(db, "problems", problem_id)["status"] is ProblemStatus.ASSIGNED


def test_a_date_that_does_not_read_is_said_in_the_dialog(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = CloseDialog(ctx, {"description": "会议费列支不规范"})
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.findChild(QLineEdit, "closed_on")
    edit.clear()
    type_text(edit, "2026-13-40")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "销号日期" in dialog.error.text()
    edit.clear()
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text() == "请填写销号日期。"
    type_text(edit, "2026-06-15")
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.values()[0] == TODAY


def test_hand_off_by_a_talk_of_the_units_cadre(window: MainWindow, logged_in: int, qtbot: QtBot) -> None:
    db = window.ctx.db
    audit, stats = unit(db, "区审计局"), unit(db, "区统计局")
    ours = cadre(db, audit, "赵六")
    theirs = cadre(db, stats, "钱七")
    talk = records.create(
        db, "talks", {"held_on": TODAY, "kind": "reminder", "cadre_ids": [ours], "reason": "公车使用提醒谈话"}
    )
    records.create(
        db, "talks", {"held_on": TODAY, "kind": "integrity", "cadre_ids": [theirs], "reason": "廉政谈话"}
    )
    problem_id = records.create(
        db,
        "problems",
        {
            "found_on": TODAY,
            "unit_id": audit,
            "description": "公车使用登记不规范",
            "category": "conduct",
            "severity": "minor",
            "source": "other",
        },
    )
    page = tab(window, "问题台账", qtbot)
    assert isinstance(page, ProblemsTab)
    assert page.select_id(problem_id)
    offered: list[str] = []

    def by_talk(dialog: QWidget) -> None:
        assert isinstance(dialog, HandOffDialog)
        dialog.how.setCurrentIndex(dialog.how.findText("谈话提醒"))
        offered.extend(dialog.target.itemText(i) for i in range(dialog.target.count()))
        dialog.accept()

    answer_modals(by_talk)
    page.handoff_button.click()
    assert offered == ["2026-06-15 公车使用提醒谈话"]  # the unit's talks only
    qtbot.waitUntil(lambda: column_texts(page, "status") == ["整改中"])
    row = records.get(db, "problems", problem_id)
    assert (row["handoff"], row["handoff_talk_id"], row["handed_on"]) == (ProblemHandoff.TALK, talk, TODAY)
    assert page.path_panel.texts()[1] == "交办 以谈话提醒交办：2026年6月15日 “公车使用提醒谈话”"
    assert page.close_button.isEnabled()
