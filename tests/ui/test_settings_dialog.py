"""设置: edited through the real widgets, saved in one go, refused values shown and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import member, unit
from tests.ui.modal import answer_modals, type_text
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.main_window import MainWindow

COPY = NoticeKind.COPY_NOTICE


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
    ]
    dlg.reject()


def test_saving_applies_everything_and_numbers_follow(
    ctx: AppContext, qtbot: QtBot, make_dialog: Callable[[], SettingsDialog]
) -> None:
    unit_id = unit(ctx.db)
    before = issue_copy_notice(ctx, unit_id)
    assert before == "驻X纪抄〔2026〕1号"
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
    assert issue_copy_notice(ctx, unit_id, day=2) == "驻财纪抄告〔2026〕2号"
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


def test_cancel_discards(dialog: SettingsDialog, ctx: AppContext) -> None:
    before = settings.get_all(ctx.db)
    replace_text(dialog.group_name, "不保存的名称")
    replace_text(dialog.kind_rows[COPY].prefix, "不保存抄")
    click(dialog.cancel_button)
    assert settings.get_all(ctx.db) == before
    assert settings.get(ctx.db, "group.name") == settings.DEFAULTS["group.name"]


def test_preview_shows_the_next_number_and_follows_edits(
    ctx: AppContext, make_dialog: Callable[[], SettingsDialog]
) -> None:
    unit_id = unit(ctx.db)
    issue_copy_notice(ctx, unit_id, day=1)
    issue_copy_notice(ctx, unit_id, day=2)
    dlg = make_dialog()
    dlg.tabs.setCurrentWidget(dlg.numbers_page)
    copy = dlg.kind_rows[COPY]
    assert copy.preview.text() == "驻X纪抄〔2026〕3号"
    assert dlg.kind_rows[NoticeKind.PROPOSAL].preview.text() == "驻X纪建〔2026〕1号"

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
