"""设置: edited through the real widgets, saved in one go, refused values shown and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.builders import agency_code, member, unit
from tests.ui.modal import answer_modals, click_accept, type_text
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records, settings, workcalendar
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.settings_dialog import HolidayCalendarPage, SettingsDialog
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.main_window import MainWindow

COPY = NoticeKind.COPY_NOTICE
EditorT = TypeVar("EditorT", bound=QWidget)


@pytest.fixture
def make_dialog(open_dialog: Callable[[type[QWidget]], QWidget]) -> Callable[[], SettingsDialog]:
    """Open the dialog (shown, not modal); the shared fixture closes what a test leaves open."""
    return lambda: open_dialog(SettingsDialog)  # type: ignore[return-value]


@pytest.fixture
def dialog(make_dialog: Callable[[], SettingsDialog]) -> SettingsDialog:
    return make_dialog()


def replace_text(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    type_text(edit, text)
    assert edit.text() == text


def click(button: QWidget) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def issue_copy_notice(ctx: AppContext, unit_id: int, day: int = 1) -> str:
    notice_id = records.create(
        ctx.db, "alert_notices", {"kind": COPY, "unit_id": unit_id, "title": "关于严格执行公务接待规定的提醒"}
    )
    return notices.issue(ctx.db, notice_id, issued_on=date(2026, 3, day))


def test_shows_the_stored_settings(ctx: AppContext, make_dialog: Callable[[], SettingsDialog]) -> None:
    settings.set_many(
        ctx.db, {"group.name": "区纪委监委驻区财政局纪检监察组", "notice.default_deadline_days": 20}
    )
    dlg = make_dialog()
    assert dlg.group_name.text() == "区纪委监委驻区财政局纪检监察组"
    assert dlg.deadline_days.value() == 20
    assert dlg.template.text() == "{prefix}〔{year}〕{seq}号"
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == [
        "基本信息",
        "文号",
        "组内人员",
        "文件夹与字体",
        "节假日",
        "数据交换",
        "导入",
        "影响期",
        "线索期限",
    ]
    dlg.reject()


def test_saving_applies_everything_and_numbers_follow(
    ctx: AppContext, qtbot: QtBot, make_dialog: Callable[[], SettingsDialog]
) -> None:
    unit_id = unit(ctx.db)
    with pytest.raises(UserError, match="尚未设置本组的机关代字"):  # the placeholder 驻X纪 is refused
        issue_copy_notice(ctx, unit_id)
    dlg = make_dialog()
    replace_text(dlg.group_name, "区纪委监委驻区财政局纪检监察组")
    replace_text(dlg.agency_code, "驻财纪")
    dlg.tabs.setCurrentWidget(dlg.numbers_page)
    replace_text(dlg.kind_rows[COPY].prefix, "驻财纪抄告")
    dlg.deadline_days.setValue(10)
    with qtbot.waitSignal(ctx.hub.changed) as blocker:
        click(dlg.save_button)
    assert "settings" in blocker.args[0].tables  # views hear of it like any other write
    assert not dlg.isVisible()
    assert dlg.result() == SettingsDialog.DialogCode.Accepted

    assert settings.get(ctx.db, "group.name") == "区纪委监委驻区财政局纪检监察组"
    assert settings.get(ctx.db, "group.agency_code") == "驻财纪"
    assert settings.get(ctx.db, settings.prefix_key(COPY)) == "驻财纪抄告"
    assert settings.get(ctx.db, "notice.default_deadline_days") == 10
    # untouched settings were not written
    assert settings.get(ctx.db, settings.template_key(COPY)) is None
    # a notice issued afterwards carries the new prefix; other kinds follow the new agency code
    assert issue_copy_notice(ctx, unit_id, day=2) == "驻财纪抄告〔2026〕1号"  # the refusal used none
    proposal = records.create(
        ctx.db, "alert_notices", {"kind": NoticeKind.PROPOSAL, "unit_id": unit_id, "title": "纪检监察建议"}
    )
    assert notices.issue(ctx.db, proposal, issued_on=date(2026, 3, 3)) == "驻财纪建〔2026〕1号"


def test_a_bad_template_is_shown_and_nothing_is_saved(dialog: SettingsDialog, ctx: AppContext) -> None:
    before = settings.get_all(ctx.db)
    replace_text(dialog.group_name, "改了名字的纪检监察组")
    dialog.tabs.setCurrentWidget(dialog.basic_page)
    replace_text(dialog.template, "{prefix}号")
    click(dialog.save_button)

    assert dialog.isVisible()
    error = dialog.inputs["doc_number.template"][1]
    assert error.isVisible()
    assert "{seq}" in error.text()
    assert dialog.tabs.currentWidget() is dialog.numbers_page  # the page with the bad input is shown
    assert dialog.kind_rows[COPY].preview.text() == "（模板有误）"
    assert settings.get_all(ctx.db) == before

    # a kind's own template: the message goes beside that kind's row
    replace_text(dialog.template, "{prefix}〔{year}〕{seq}号")
    replace_text(dialog.kind_rows[NoticeKind.PROPOSAL].template, "{prefix}{year}{编号}")
    click(dialog.save_button)
    assert not error.isVisible()
    assert dialog.kind_rows[NoticeKind.PROPOSAL].error.isVisible()
    assert settings.get_all(ctx.db) == before

    # an empty group name
    dialog.kind_rows[NoticeKind.PROPOSAL].template.clear()
    dialog.group_name.clear()
    click(dialog.save_button)
    assert dialog.tabs.currentWidget() is dialog.basic_page
    assert dialog.inputs["group.name"][1].text() == "请填写纪检监察组名称。"
    assert settings.get_all(ctx.db) == before

    # corrected, it saves
    type_text(dialog.group_name, "改了名字的纪检监察组")
    click(dialog.save_button)
    assert settings.get(ctx.db, "group.name") == "改了名字的纪检监察组"


def test_cancel_discards(dialog: SettingsDialog, ctx: AppContext, qtbot: QtBot) -> None:
    before = settings.get_all(ctx.db)
    replace_text(dialog.group_name, "不保存的名称")
    replace_text(dialog.kind_rows[COPY].prefix, "不保存抄")

    def discard(box: QWidget) -> None:
        assert isinstance(box, QMessageBox) and box.windowTitle() == "放弃修改？"
        [button] = [b for b in box.buttons() if b.text() == "放弃修改"]
        button.click()

    seen = answer_modals(discard)
    click(dialog.cancel_button)
    qtbot.waitUntil(
        lambda: bool(seen) and not (shiboken6.isValid(dialog) and dialog.isVisible()), timeout=3000
    )
    assert settings.get_all(ctx.db) == before
    assert settings.get(ctx.db, "group.name") == settings.DEFAULTS["group.name"]


def test_preview_shows_the_next_number_and_follows_edits(
    ctx: AppContext, make_dialog: Callable[[], SettingsDialog]
) -> None:
    unit_id = unit(ctx.db)
    agency_code(ctx.db)
    issue_copy_notice(ctx, unit_id, day=1)
    issue_copy_notice(ctx, unit_id, day=2)
    dlg = make_dialog()
    dlg.tabs.setCurrentWidget(dlg.numbers_page)
    copy = dlg.kind_rows[COPY]
    assert copy.preview.text() == "驻财纪抄〔2026〕3号"
    assert dlg.kind_rows[NoticeKind.PROPOSAL].preview.text() == "驻财纪建〔2026〕1号"

    type_text(copy.prefix, "驻财纪抄")
    assert copy.preview.text() == "驻财纪抄〔2026〕3号"
    type_text(copy.template, "{prefix}〔{year}〕第{seq}号")
    assert copy.preview.text() == "驻财纪抄〔2026〕第3号"
    # an empty prefix follows the agency code, which the placeholder shows
    replace_text(dlg.agency_code, "驻发改纪")
    assert dlg.kind_rows[NoticeKind.PROPOSAL].preview.text() == "驻发改纪建〔2026〕1号"
    assert dlg.kind_rows[NoticeKind.PROPOSAL].prefix.placeholderText() == "驻发改纪建"
    assert copy.preview.text() == "驻财纪抄〔2026〕第3号"
    dlg.reject()


def test_adding_a_member_in_the_members_page(dialog: SettingsDialog, ctx: AppContext, qtbot: QtBot) -> None:
    member(ctx.db, "李明")
    qtbot.waitUntil(lambda: dialog.members.model.rowCount() == 1)
    dialog.tabs.setCurrentWidget(dialog.members_page)
    panel = dialog.members
    assert panel.add_button.isEnabled()

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        widget.editors["name"].edit.setText("王芳")  # type: ignore[attr-defined]
        widget.editors["title"].edit.setText("副组长")  # type: ignore[attr-defined]
        widget.save()

    seen = answer_modals(fill)
    click(panel.add_button)
    assert len(seen) == 1
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    rows = [panel.model.row_data(i) or {} for i in range(panel.model.rowCount())]
    assert [r["name"] for r in rows] == ["李明", "王芳"]
    assert rows[1]["title"] == "副组长"
    assert rows[1]["is_active"] is True  # a new member is 在组
    assert [r["name"] for r in records.list_records(ctx.db, "members")] == ["李明", "王芳"]
    # the new member can be picked as the default signatory at once
    names = [dialog.signatory.itemText(i) for i in range(dialog.signatory.count())]
    assert "王芳" in names


def test_signatory_and_folders(
    dialog: SettingsDialog, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def choose(parent: QWidget, title: str, start: str = "") -> str:
        asked.append(title)
        return str(tmp_path)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    dialog.tabs.setCurrentWidget(dialog.folders_page)
    click(dialog.export_browse)
    assert asked == ["选择导出文件夹"]
    assert dialog.export_folder.text() == str(tmp_path)
    dialog.tabs.setCurrentWidget(dialog.basic_page)
    line = dialog.signatory.lineEdit()
    assert line is not None
    type_text(line, "陈武林")
    click(dialog.save_button)
    assert settings.get(ctx.db, "folders.export") == str(tmp_path)
    assert settings.get(ctx.db, "folders.backup") == ""
    assert settings.get(ctx.db, "notice.signatory") == "陈武林"


def test_saving_without_changes_writes_nothing(dialog: SettingsDialog, ctx: AppContext, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(ctx.hub.changed):
        click(dialog.save_button)
    assert settings.get_all(ctx.db) == settings.DEFAULTS


def test_opened_from_the_window(
    window: MainWindow, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    def rename_and_save(widget: QWidget) -> None:
        assert isinstance(widget, SettingsDialog)
        widget.group_name.setText("区纪委监委驻区教育局纪检监察组")
        widget.save_button.click()

    seen = answer_modals(rename_and_save)
    window.act_settings.trigger()
    assert len(seen) == 1
    assert settings.get(ctx.db, "group.name") == "区纪委监委驻区教育局纪检监察组"
    # closed, it goes away with its member list, and stops listening for changes
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(seen[0])
    member(ctx.db, "赵敏")
    assert "change listener failed" not in caplog.text


def test_print_font_files_are_checked_and_saved(
    make_dialog: Callable[[], SettingsDialog], ctx: AppContext, tmp_path: Path
) -> None:
    dialog = make_dialog()
    edit = dialog.font_edits["print.font.fangsong"]
    edit.setText(str(tmp_path / "missing.ttf"))
    dialog.save()
    assert dialog.isVisible()  # refused, nothing saved
    assert settings.get(ctx.db, "print.font.fangsong") == ""
    font = tmp_path / "simfang.ttf"
    font.write_bytes(b"\0")
    edit.setText(str(font))
    dialog.save()
    assert settings.get(ctx.db, "print.font.fangsong") == str(font)


# --- 节假日 ----------------------------------------------------------------------------------


def row_of(table: QTableWidget, day: str) -> int:
    rows = [r for r in range(table.rowCount()) if (item := table.item(r, 0)) and item.text() == day]
    assert len(rows) == 1, (day, rows)
    return rows[0]


def cells(table: QTableWidget) -> list[list[str]]:
    return [
        [(item.text() if (item := table.item(r, c)) else "") for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def select_row(table: QTableWidget, row: int) -> None:
    table.setCurrentCell(row, 0)
    table.selectRow(row)


def open_editor(table: QTableWidget, kind: type[EditorT]) -> EditorT:
    """The cell editor open in ``table`` (closed ones linger until deleted later)."""
    editors = [w for w in table.findChildren(kind) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def edit_date(table: QTableWidget, row: int, day: QDate) -> None:
    """Edit a date cell through its date box, as a user would, and press Enter."""
    item = table.item(row, 0)
    assert item is not None
    table.setCurrentItem(item)
    table.editItem(item)
    editor = open_editor(table, QDateEdit)
    editor.setDate(day)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits and closes the editor queued
    assert not editor.isVisible()
    assert item.text() == day.toString("yyyy-MM-dd")


def edit_name(table: QTableWidget, row: int, text: str) -> None:
    """Retype a name cell in its drop-down, Chinese typed key by key, and press Enter."""
    item = table.item(row, 2)
    assert item is not None
    table.setCurrentItem(item)
    table.editItem(item)
    editor = open_editor(table, QComboBox)
    line = editor.lineEdit()
    assert line is not None
    line.selectAll()
    QTest.keyClick(line, Qt.Key.Key_Delete)
    type_text(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits and closes the editor queued
    assert not editor.isVisible()
    assert item.text() == text


def open_holidays(dlg: SettingsDialog) -> HolidayCalendarPage:
    page = dlg.holidays_page
    dlg.tabs.setCurrentWidget(page)
    assert page.loaded
    return page


def test_holiday_page_edits_a_year_and_the_service_uses_it(
    ctx: AppContext, qtbot: QtBot, make_dialog: Callable[[], SettingsDialog]
) -> None:
    ctx.today_override = date(2026, 11, 22)  # in the fourth quarter: next year is shown
    dlg = make_dialog()
    page = dlg.holidays_page
    assert not page.loaded  # the holiday package is not touched until the page is shown
    page = open_holidays(dlg)
    assert page.year_spin.value() == 2027
    assert page.status.text() == "2027年：使用节假日库估算（国务院办公厅通知发布后请核对）"
    assert not page.restore_button.isEnabled()
    days, work = page.days_table, page.work_table
    estimate = workcalendar.package_calendar(2027)
    assert len(cells(days)) == len(estimate.days_off)
    assert cells(days)[row_of(days, "2027-02-05")] == ["2027-02-05", "星期五", "春节"]
    assert "春节 2月5日至10日（6天）" in page.summary.text()

    # the official notice moved 春节 a day later and made Sunday 14th a working day
    click(page.fill_button)
    assert "已修改" in page.status.text()
    select_row(days, row_of(days, "2027-02-05"))
    click(page.remove_day_button)
    select_row(days, row_of(days, "2027-02-10"))
    click(page.add_day_button)
    click(page.add_day_button)
    assert cells(days)[row_of(days, "2027-02-12")] == ["2027-02-12", "星期五", "春节"]
    click(page.add_workday_button)
    assert cells(work) == [["2027-01-02", "星期六"]]  # the first weekend day of the year
    edit_date(work, 0, QDate(2027, 2, 14))
    assert cells(work) == [["2027-02-14", "星期日"]]
    assert "春节 2月6日至13日（8天）" in page.summary.text()

    # a name left empty is refused beside the tables, and nothing is saved
    edit_name(days, row_of(days, "2027-02-11"), "")
    click(dlg.save_button)
    assert dlg.isVisible()
    assert page.error.isVisible()
    assert page.error.text() == "2027年节假日安排：2027年2月11日的假日名称未填写。"
    assert dlg.tabs.currentWidget() is page
    assert settings.get(ctx.db, "calendar.2027") is None
    edit_name(days, row_of(days, "2027-02-11"), "春节")
    assert cells(days)[row_of(days, "2027-02-11")][2] == "春节"

    with qtbot.waitSignal(ctx.hub.changed):
        click(dlg.save_button)
    assert not dlg.isVisible()
    stored = settings.get(ctx.db, "calendar.2027")
    assert stored["workdays"] == ["2027-02-14"]
    assert ["2027-02-12", "春节"] in stored["days_off"]
    assert ["2027-02-05", "春节"] not in stored["days_off"]
    cal = workcalendar.year_calendar(ctx.db, 2027)
    assert cal.source == "user"
    assert workcalendar.is_working_day(ctx.db, date(2027, 2, 5))
    assert workcalendar.is_working_day(ctx.db, date(2027, 2, 14))
    assert not workcalendar.is_working_day(ctx.db, date(2027, 2, 12))
    spring = next(h for h in workcalendar.holidays_of(ctx.db, 2027) if h.name == "春节")
    assert (spring.first_day, spring.last_day) == (date(2027, 2, 6), date(2027, 2, 13))
    assert settings.get(ctx.db, "group.name") == settings.DEFAULTS["group.name"]  # nothing else written

    # reopened: the entry is shown as saved
    again = make_dialog()
    page = open_holidays(again)
    assert page.status.text() == "2027年：使用已录入的放假安排"
    assert cells(page.work_table) == [["2027-02-14", "星期日"]]
    assert cells(page.days_table)[row_of(page.days_table, "2027-02-12")] == ["2027-02-12", "星期五", "春节"]
    assert page.restore_button.isEnabled()
    # 恢复为节假日库估算: the estimate is shown, and goes back into use on saving
    click(page.restore_button)
    assert page.status.text() == "2027年：保存后恢复为节假日库估算"
    assert len(cells(page.days_table)) == len(estimate.days_off)
    assert settings.get(ctx.db, "calendar.2027") is not None
    click(again.save_button)
    assert settings.get(ctx.db, "calendar.2027") is None
    assert workcalendar.year_calendar(ctx.db, 2027).source == "package"
    assert not workcalendar.is_working_day(ctx.db, date(2027, 2, 5))


def test_holiday_edits_to_several_years_are_kept_until_saved(
    ctx: AppContext, qtbot: QtBot, make_dialog: Callable[[], SettingsDialog]
) -> None:
    dlg = make_dialog()
    page = open_holidays(dlg)
    assert page.year_spin.value() == 2026  # June: this year
    assert page.status.text().startswith("2026年：使用节假日库估算")
    page.year_spin.setValue(2028)
    click(page.add_workday_button)
    # the first weekend day that is not a day off (Saturday 1st is 元旦)
    assert cells(page.work_table) == [["2028-01-02", "星期日"]]
    assert page.status.text() == "2028年：使用录入的放假安排（已修改，保存后生效）"
    page.year_spin.setValue(2029)
    assert cells(page.work_table) == []
    assert page.status.text().startswith("2029年：使用节假日库估算")
    page.year_spin.setValue(2028)
    assert cells(page.work_table) == [["2028-01-02", "星期日"]]  # still there
    click(dlg.cancel_button)
    assert settings.get(ctx.db, "calendar.2028") is None

    dlg = make_dialog()
    page = open_holidays(dlg)
    page.year_spin.setValue(2028)
    click(page.add_workday_button)
    page.year_spin.setValue(2029)
    click(page.fill_button)
    with qtbot.waitSignal(ctx.hub.changed) as blocker:
        click(dlg.save_button)
    assert not dlg.isVisible()
    written = blocker.args[0]
    assert written.tables - {"audit_entries"} == {"settings"}
    assert len(written.created["settings"]) == 2  # both years in one transaction
    assert settings.get(ctx.db, "calendar.2028")["workdays"] == ["2028-01-02"]
    assert settings.get(ctx.db, "calendar.2029") == workcalendar.package_calendar(2029).to_setting()
    assert settings.get(ctx.db, "calendar.2026") is None  # looked at, not changed


def test_filling_over_an_edited_year_asks_first(
    ctx: AppContext, make_dialog: Callable[[], SettingsDialog]
) -> None:
    settings.set_many(ctx.db, {"calendar.2026": {"days_off": [["2026-03-02", "春节"]], "workdays": []}})
    dlg = make_dialog()
    page = open_holidays(dlg)
    assert page.status.text() == "2026年：使用已录入的放假安排"
    assert cells(page.days_table) == [["2026-03-02", "星期一", "春节"]]

    def refuse(widget: QWidget) -> None:
        for button in widget.buttons():  # type: ignore[attr-defined]
            if button.text() == "取消":
                button.click()

    seen = answer_modals(refuse)
    click(page.fill_button)
    assert len(seen) == 1
    assert cells(page.days_table) == [["2026-03-02", "星期一", "春节"]]
    seen = answer_modals(click_accept)
    click(page.fill_button)
    assert len(seen) == 1
    assert len(cells(page.days_table)) == len(workcalendar.package_calendar(2026).days_off)
    dlg.save()
    assert settings.get(ctx.db, "calendar.2026") == workcalendar.package_calendar(2026).to_setting()


def test_the_holiday_page_stands_on_its_own(ctx: AppContext, qtbot: QtBot) -> None:
    """Its own module: built without the dialog, it reads the year when first shown and reports
    its edits by key, writing nothing itself (the dialog's 保存 does)."""
    ctx.today_override = date(2026, 6, 15)
    page = HolidayCalendarPage(ctx)
    qtbot.addWidget(page)
    assert not page.loaded and page.days_table.rowCount() == 0
    page.ensure_loaded()
    assert page.year_spin.value() == 2026
    estimate = workcalendar.package_calendar(2026)
    assert len(cells(page.days_table)) == len(estimate.days_off)
    assert page.changes() == ({}, [])
    click(page.add_workday_button)
    edited = page.changes()[0]["calendar.2026"]
    assert len(edited["workdays"]) == len(estimate.workdays) + 1
    page.restore_estimate()
    assert page.changes() == ({}, [])
    assert settings.get(ctx.db, "calendar.2026") is None


def test_deadline_in_working_days(ctx: AppContext, make_dialog: Callable[[], SettingsDialog]) -> None:
    dlg = make_dialog()
    assert not dlg.deadline_working.isChecked()
    assert dlg.deadline_days.suffix() == " 天"
    click(dlg.deadline_working)
    assert dlg.deadline_working.isChecked()
    assert dlg.deadline_days.suffix() == " 个工作日"
    dlg.deadline_days.setValue(5)
    click(dlg.save_button)
    assert settings.get(ctx.db, "notice.deadline_working_days") is True
    assert not dlg.holidays_page.loaded
    # 2026-02-10 plus 5 working days: 11, 12, 13, 14 (Saturday, 调休上班), 24 (after 春节)
    assert notices.default_deadline(ctx.db, date(2026, 2, 10)) == date(2026, 2, 24)
    again = make_dialog()
    assert again.deadline_working.isChecked()
    assert again.deadline_days.suffix() == " 个工作日"
    again.reject()


def test_the_group_adds_its_own_way_of_writing_an_option(
    ctx: AppContext, make_dialog: Callable[[], SettingsDialog], qtbot: QtBot, tmp_path: Path
) -> None:
    """设置 → 导入 (issue 17, point 2): a row added there is stored as ``import.synonyms`` and the
    next ledger import reads 政治谈话 as 谈心谈话."""
    from openpyxl import Workbook

    from wsjc_desktop.services.ledger_import import preview_ledger
    from wsjc_desktop.ui.dialogs.synonyms_page import SynonymsPage

    dialog = make_dialog()
    page = dialog.synonyms_page
    assert isinstance(page, SynonymsPage)
    dialog.tabs.setCurrentWidget(page)
    click(page.add_button)
    column, written, option = (page.table.cellWidget(0, c) for c in range(3))
    assert isinstance(column, QComboBox) and isinstance(written, QLineEdit) and isinstance(option, QComboBox)
    column.setCurrentText("谈话类型")
    type_text(written, "政治谈话")
    option.setCurrentText("谈心谈话")
    ROOT = Path(__file__).resolve().parents[3]
    dialog.grab().save(str(ROOT / "docs" / "screenshots" / "settings_synonyms.png"))
    click(dialog.save_button)
    qtbot.waitUntil(lambda: not (shiboken6.isValid(dialog) and dialog.isVisible()), timeout=3000)
    assert settings.get(ctx.db, "import.synonyms") == {"谈话类型": {"政治谈话": "谈心谈话"}}

    finance = unit(ctx.db, "区财政局")
    records.create(ctx.db, "cadres", {"name": "张三", "unit_id": finance})
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2023年谈话台账"])
    sheet.append(["序号", "谈话时间", "被谈话人", "谈话方式"])
    sheet.append([1, "2023-03-05", "张三", "政治谈话"])
    book.save(tmp_path / "t.xlsx")
    [row] = preview_ledger(ctx.db, "talks", tmp_path / "t.xlsx").rows
    assert row.errors == [] and row.values["kind"].label == "谈心谈话"

    again = make_dialog()
    shown = again.synonyms_page.value()
    assert shown == {"谈话类型": {"政治谈话": "谈心谈话"}}  # the stored rows come back to the page


def test_copy_to_and_the_unsealed_signature_reach_the_printed_letter(
    dialog: SettingsDialog, ctx: AppContext, tmp_path: Path
) -> None:
    """设置 → 基本: a 抄送 prints the 版记 on every letter; unticking 加盖印章 gives the unsealed 落款."""
    from tests.printing.conftest import Char, read_pdf
    from tests.printing.geometry import content_lines, line_text
    from wsjc_desktop.domain.enums import NoticeKind
    from wsjc_desktop.services import printing, records

    assert dialog.sealed.isChecked() and dialog.copy_to.text() == ""  # the defaults
    type_text(dialog.copy_to, "区委组织部")
    dialog.sealed.setChecked(False)
    click(dialog.save_button)
    assert settings.get(ctx.db, "print.copy_to") == "区委组织部"
    assert settings.get(ctx.db, "print.sealed") is False

    notice = records.create(
        ctx.db,
        "alert_notices",
        {"kind": NoticeKind.PROPOSAL, "unit_id": unit(ctx.db), "title": "关于加强内控的纪检监察建议书"},
    )
    with ctx.db.read() as uow:
        group = printing._group_name(uow.session)

    def signature(sealed: bool | None) -> tuple[list[Char], list[Char], str]:
        """The 署名 line and the date line under it, and the last page's text."""
        out = tmp_path / f"建议书{sealed}.pdf"
        printing.print_notice(ctx.db, notice, out, sealed=sealed)  # None: as the settings say
        last = read_pdf(out)[-1]
        lines = content_lines(last)  # not the red masthead
        at = next(i for i, line in enumerate(lines) if group in line_text(line))
        return lines[at], lines[at + 1], last.text.replace(" ", "")

    char = 156 / 28
    name, day, text = signature(None)
    assert "抄送：区委组织部。" in text
    assert day[0].x0 == pytest.approx(name[0].x0 + 2 * char, abs=1)  # unsealed: 首字右移二字
    name, day, _ = signature(True)
    assert day[-1].x1 == pytest.approx(184 - 4 * char, abs=1)  # sealed: 右空四字
    assert (name[0].x0 + name[-1].x1) / 2 == pytest.approx((day[0].x0 + day[-1].x1) / 2, abs=1)


def test_the_groups_own_effect_months_and_back_to_the_defaults(
    dialog: SettingsDialog, ctx: AppContext
) -> None:
    """设置 → 影响期: a changed month count is what a blank 影响期 is then given; 恢复默认."""
    from datetime import date

    from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

    from tests.support.builders import cadre, unit
    from wsjc_desktop.services import records

    page = dialog.effect_page
    dialog.tabs.setCurrentWidget(page)
    rows = {
        (page.table.cellWidget(r, 0).currentData(), page.table.cellWidget(r, 1).text()): r  # type: ignore[union-attr]
        for r in range(page.table.rowCount())
    }
    assert len(rows) == 14 and ("organizational", "诫勉") in rows  # the regulations' defaults
    spin = page.table.cellWidget(rows["organizational", "诫勉"], 2)
    assert isinstance(spin, QSpinBox) and spin.value() == 6
    spin.setValue(3)
    added = page.add_row()
    kind, name = page.table.cellWidget(added, 0), page.table.cellWidget(added, 1)
    assert isinstance(kind, QComboBox) and isinstance(name, QLineEdit)
    kind.setCurrentIndex(kind.findData("organizational"))
    name.setText("通报批评")
    click(dialog.save_button)
    stored = settings.get(ctx.db, "sanctions.effect_months")
    assert stored["organizational"]["诫勉"] == 3 and stored["organizational"]["通报批评"] == 12
    person = cadre(ctx.db, unit(ctx.db), "张三")
    made = records.create(
        ctx.db,
        "discipline_records",
        {"cadre_id": person, "category": "organizational", "measure": "诫勉", "decided_on": date(2026, 1, 1)},
    )
    assert records.get(ctx.db, "discipline_records", made)["effect_end"] == date(2026, 3, 31)
    click(page.reset_button)
    assert page.value() == settings.DEFAULTS["sanctions.effect_months"]
