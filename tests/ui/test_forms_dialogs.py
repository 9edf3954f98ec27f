"""The first day with the program's own dialogs (issue 13): the record forms, 设置 and 口令.

* the first field has the focus, so the first keystrokes land in it;
* Esc, 取消 or the close button over unsaved input ask 放弃修改？ (继续编辑 keeps it all);
* a red message goes as soon as its field is edited;
* the cadre picker finds a person by any part of “姓名（单位）” or by pinyin initials;
* on a 1366×768 screen with a taskbar (1366×728 free) 保存 and 取消 stay in view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from tests.ui.modal import answer_modals, type_text, wait_for_focus
from wsjc_desktop.domain.enums import UnitType
from wsjc_desktop.domain.fields import CADRE, MEETING, PERSONAL_MATTERS_REPORT, SPECS, TALK, UNIT
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, settings
from wsjc_desktop.ui import dialog_behaviour
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialog_behaviour import DISCARD, DISCARD_TITLE, KEEP_EDITING, GuardedDialog, is_input
from wsjc_desktop.ui.dialogs.login_dialog import LoginDialog, PasswordDialog
from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog
from wsjc_desktop.ui.forms import (
    BoolEditor,
    CheckListEditor,
    ComboEditor,
    IntEditor,
    LineEditor,
    MultiPickerEditor,
    PickerEditor,
    RecordDialog,
    TextEditor,
    split_point,
)
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.windows import available_rect

#: The free area of a 1366×768 laptop screen above a 40 px taskbar.
LAPTOP = QRect(0, 0, 1366, 728)
SAVE = QDialogButtonBox.StandardButton.Save
CANCEL = QDialogButtonBox.StandardButton.Cancel


@pytest.fixture(autouse=True)
def watched(qapp: QApplication) -> Iterator[None]:
    """What the program's start (ui/app.setup_application) is to do for every dialog."""
    dialog_behaviour.install(qapp)
    yield


def tab(window: MainWindow, title: str, qtbot: QtBot) -> RecordTab:
    page = window.show_tab(title)
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    return page


def question(dialog: GuardedDialog, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.discard_question is not None and dialog.discard_question.isVisible())
    box = dialog.discard_question
    assert box is not None
    return box


def press(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def show_form(
    qtbot: QtBot,
    ctx: AppContext,
    spec: Any,
    on_save: Callable[[dict[str, Any]], Any] = lambda values: 1,
    **kwargs: Any,
) -> RecordDialog:
    dialog = RecordDialog(spec, ctx.lookups, on_save, title=f"新建{spec.label}", **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fields_layout(scroll: QScrollArea) -> object:
    host = scroll.widget()
    assert host is not None
    return host.layout()


def inside(widget: QWidget, dialog: QWidget) -> bool:
    return dialog.rect().contains(QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size()))


# --- the focus -------------------------------------------------------------------------------


def test_typing_at_once_fills_the_first_field(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    tab(window, "监督单位", qtbot)
    asked: list[object] = []

    def type_at_once(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        wait_for_focus(qtbot, dialog.editors["full_name"].edit)  # type: ignore[attr-defined]
        focused = QApplication.focusWidget()
        assert focused is not None
        type_text(focused, "区审计局")  # wherever the keyboard goes now
        dialog.buttons.button(SAVE).click()
        asked.append(dialog.discard_question)

    answer_modals(type_at_once)
    window.act_new.trigger()
    assert [r["full_name"] for r in records.list_records(ctx.db, "units")] == ["区审计局"]
    assert asked == [None]  # saving never asks


@pytest.mark.parametrize("table", sorted(SPECS))
def test_every_record_form_opens_in_its_first_field(
    table: str, window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    spec = SPECS[table]
    dialog = show_form(qtbot, ctx, spec, parent=window)
    first = next(iter(dialog.editors.values())).widget

    def in_first_field() -> bool:
        focused = QApplication.focusWidget()
        return focused is not None and (focused is first or first.isAncestorOf(focused))

    qtbot.waitUntil(in_first_field, timeout=3000)
    focused = QApplication.focusWidget()
    assert focused is not None and is_input(focused)
    dialog.close()


def test_settings_open_in_the_group_name(
    open_dialog: Callable[[type[QWidget]], QWidget], qtbot: QtBot
) -> None:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    wait_for_focus(qtbot, dialog.group_name)
    assert is_input(dialog.group_name)


# --- 放弃修改？ ---------------------------------------------------------------------------------


def test_esc_over_typed_input_asks_and_continue_editing_keeps_it(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    tab(window, "监督单位", qtbot)
    seen: dict[str, object] = {}

    def type_then_escape(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        edit = dialog.editors["full_name"].edit  # type: ignore[attr-defined]
        type_text(edit, "区审计局")
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        box = question(dialog, qtbot)
        seen["title"] = box.windowTitle()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        press(box, KEEP_EDITING)
        qtbot.waitUntil(lambda: dialog.discard_question is None)
        seen["kept"] = (dialog.isVisible(), edit.text())
        dialog.buttons.button(CANCEL).click()  # 取消 asks the same
        press(question(dialog, qtbot), DISCARD)

    answer_modals(type_then_escape)
    window.act_new.trigger()
    assert seen == {
        "title": DISCARD_TITLE,
        "buttons": sorted([DISCARD, KEEP_EDITING]),
        "kept": (True, "区审计局"),
    }
    assert records.list_records(ctx.db, "units") == []


def test_an_unchanged_form_closes_at_once(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区审计局")
    page = tab(window, "监督单位", qtbot)
    assert page.select_id(unit_id)
    seen: list[tuple[bool, object]] = []

    def escape(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        seen.append((dialog.isVisible(), dialog.discard_question))

    answer_modals(escape)
    assert page.open_dialog(unit_id) is None  # the edit form of a stored record, untouched
    assert seen == [(False, None)]


def test_the_close_button_over_a_changed_choice_asks(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    unit_id = unit(ctx.db, "区审计局")
    page = tab(window, "监督单位", qtbot)
    seen: list[str] = []

    def change_then_close(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        combo = dialog.editors["unit_type"].combo  # type: ignore[attr-defined]
        combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
        handle = dialog.windowHandle()
        assert handle is not None
        handle.close()  # as the title bar's × does
        box = question(dialog, qtbot)
        seen.append(box.windowTitle())
        press(box, DISCARD)

    answer_modals(change_then_close)
    assert page.open_dialog(unit_id) is None
    assert seen == [DISCARD_TITLE]
    assert records.get(ctx.db, "units", unit_id)["unit_type"] is UnitType.AGENCY


def test_settings_cancel_over_a_change_asks(
    open_dialog: Callable[[type[QWidget]], QWidget], ctx: AppContext, qtbot: QtBot
) -> None:
    before = settings.get_all(ctx.db)
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    type_text(dialog.group_name, "改")
    dialog.cancel_button.click()
    box = question(dialog, qtbot)
    press(box, KEEP_EDITING)
    qtbot.waitUntil(lambda: dialog.discard_question is None)
    assert dialog.isVisible() and dialog.group_name.text().endswith("改")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    press(question(dialog, qtbot), DISCARD)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert settings.get_all(ctx.db) == before


def test_settings_unchanged_close_at_once(
    open_dialog: Callable[[type[QWidget]], QWidget], qtbot: QtBot
) -> None:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    dialog.tabs.setCurrentWidget(dialog.holidays_page)  # loads a year: nothing edited
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_typed_password_asks_before_esc_throws_it_away(
    ctx: AppContext, logged_in: int, qtbot: QtBot
) -> None:
    dialog = PasswordDialog(ctx.db, logged_in)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_for_focus(qtbot, dialog.old)
    QTest.keyClicks(dialog.old, "jianguo")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    press(question(dialog, qtbot), KEEP_EDITING)
    qtbot.waitUntil(lambda: dialog.discard_question is None)
    assert dialog.isVisible() and dialog.old.text() == "jianguo"
    dialog.old.clear()  # back as it was: nothing to lose
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.discard_question is None


# --- inline messages ---------------------------------------------------------------------------


def test_a_message_goes_when_its_field_is_edited(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    tab(window, "监督单位", qtbot)
    seen: list[tuple[bool, bool]] = []

    def save_empty_then_type(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordDialog)
        dialog.buttons.button(SAVE).click()
        error = dialog.errors["full_name"]
        before = error.isVisible()
        type_text(dialog.editors["full_name"].edit, "区")  # type: ignore[attr-defined]
        seen.append((before, error.isVisible()))  # gone before the next 保存
        dialog.reject()

    answer_modals(save_empty_then_type)
    window.act_new.trigger()
    assert seen == [(True, False)]


def edit_line(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, LineEditor)
    type_text(editor.edit, "1")


def edit_text(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, TextEditor)
    type_text(editor.edit, "谈")


def edit_combo(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, ComboEditor)
    editor.combo.setCurrentIndex((editor.combo.currentIndex() + 1) % editor.combo.count())


def edit_spin(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, IntEditor)
    QTest.keyClick(editor.spin, Qt.Key.Key_Down)


def edit_box(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, BoolEditor)
    QTest.keyClick(editor.box, Qt.Key.Key_Space)


def edit_people(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, MultiPickerEditor)
    type_text(editor.picker.edit, "张三")
    QTest.keyClick(editor.picker.edit, Qt.Key.Key_Return)
    assert editor.list.count() == 1


def edit_checks(editor: Any, qtbot: QtBot) -> None:
    assert isinstance(editor, CheckListEditor)
    item = editor.list.item(0)
    ticked = item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)


@pytest.mark.parametrize(
    ("spec", "name", "edit"),
    [
        (TALK, "location", edit_line),
        (TALK, "summary", edit_text),
        (TALK, "kind", edit_combo),
        (PERSONAL_MATTERS_REPORT, "year", edit_spin),
        (CADRE, "is_leader", edit_box),
        (TALK, "cadre_ids", edit_people),
        (MEETING, "attendee_ids", edit_checks),
    ],
    ids=["line", "long text", "choice", "number", "tick", "people", "check list"],
)
def test_every_kind_of_input_takes_its_message_away(
    spec: Any, name: str, edit: Callable[[Any, QtBot], None], ctx: AppContext, qtbot: QtBot
) -> None:
    unit_id = unit(ctx.db, "区审计局")
    cadre(ctx.db, unit_id, "张三")
    member(ctx.db, "王组长")
    refusals = [UserError("请检查此项。", field=name), UserError("保存失败，请重试。")]

    def refuse(values: dict[str, Any]) -> Any:
        raise refusals.pop(0)

    dialog = show_form(qtbot, ctx, spec, refuse)
    error = dialog.errors[name]
    dialog.save()
    assert error.isVisible() and error.text() == "请检查此项。"
    edit(dialog.editors[name], qtbot)
    assert not error.isVisible()

    dialog.save()  # a message about no one field, under the form
    assert dialog.general_error.isVisible()
    edit(dialog.editors[name], qtbot)
    assert not dialog.general_error.isVisible()


def test_a_settings_message_goes_when_its_input_is_edited(
    open_dialog: Callable[[type[QWidget]], QWidget], ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    dialog.template.setText("{prefix}号")
    dialog.save_button.click()
    error = dialog.inputs["doc_number.template"][1]
    assert error.isVisible() and dialog.isVisible()
    type_text(dialog.template, "〔{year}〕{seq}")
    assert not error.isVisible()

    dialog.tabs.setCurrentWidget(dialog.basic_page)
    dialog.group_name.clear()
    dialog.save_button.click()
    name_error = dialog.inputs["group.name"][1]
    assert name_error.isVisible()
    type_text(dialog.group_name, "区纪委监委驻区财政局纪检监察组")
    assert not name_error.isVisible()


def test_the_login_message_goes_when_the_member_types_again(
    ctx: AppContext, logged_in: int, qtbot: QtBot
) -> None:
    dialog = LoginDialog(ctx.db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClicks(dialog.password, "wrong-one")
    dialog.login_button.click()
    assert dialog.error.isVisible() and dialog.password.text() == ""  # emptied: still said
    QTest.keyClicks(dialog.password, "j")
    assert not dialog.error.isVisible()


# --- the cadre picker --------------------------------------------------------------------------


@pytest.fixture
def people(ctx: AppContext) -> dict[str, int]:
    audit, finance = unit(ctx.db, "区审计局"), unit(ctx.db, "区财政局")
    return {
        "张三": cadre(ctx.db, audit, "张三"),
        "李四": cadre(ctx.db, audit, "李四"),
        "王小石": cadre(ctx.db, finance, "王小石"),
    }


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("张三", "张三"),
        ("三", "张三"),
        ("zs", "张三"),
        ("ZS", "张三"),
        ("zhangs", "张三"),
        ("xs", "王小石"),
        ("财政", "王小石"),
        ("ls", "李四"),
    ],
)
def test_the_picker_finds_one_person_by_any_part_or_by_initials(
    typed: str, who: str, people: dict[str, int], ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = show_form(qtbot, ctx, TALK)
    picker = dialog.editors["cadre_ids"]
    assert isinstance(picker, MultiPickerEditor)
    type_text(picker.picker.edit, typed)
    QTest.keyClick(picker.picker.edit, Qt.Key.Key_Return)
    assert picker.get() == [people[who]]
    assert not dialog.errors["cadre_ids"].isVisible()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sa", "没有找到干部“sa”，请从列表中选择。"),  # not a run of 张三's initials zs
        ("s", "有3名干部与“s”相符，请从列表中选择一项。"),  # zs, ls, wxs
        ("审计", "有2名干部与“审计”相符，请从列表中选择一项。"),
    ],
)
def test_the_picker_says_when_none_or_several_match(
    typed: str, message: str, people: dict[str, int], ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = show_form(qtbot, ctx, TALK)
    picker = dialog.editors["cadre_ids"]
    assert isinstance(picker, MultiPickerEditor)
    type_text(picker.picker.edit, typed)
    QTest.keyClick(picker.picker.edit, Qt.Key.Key_Return)
    assert dialog.errors["cadre_ids"].isVisible()
    assert dialog.errors["cadre_ids"].text() == message
    assert picker.list.count() == 0 and picker.picker.edit.text() == typed


def test_a_single_picker_resolves_initials_and_names_the_same_name_twice(
    people: dict[str, int], ctx: AppContext, qtbot: QtBot
) -> None:
    other = cadre(ctx.db, unit(ctx.db, "区教育局"), "张三")
    dialog = show_form(qtbot, ctx, SPECS["clues"])
    picker = dialog.editors["cadre_id"]  # 反映对象
    assert isinstance(picker, PickerEditor)
    picker.edit.setText("wxs")
    assert picker.get() == people["王小石"]
    picker.edit.setText("张三（区教育局）")
    assert picker.get() == other
    picker.edit.setText("张三")
    with pytest.raises(UserError, match="有2名干部叫“张三”"):
        picker.get()


@pytest.mark.qt_log_ignore("This plugin does not support")  # the offscreen platform and popups
def test_the_list_under_the_picker_follows_typing_and_a_choice_goes_in(
    people: dict[str, int], ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = show_form(qtbot, ctx, TALK)
    multi = dialog.editors["cadre_ids"]
    assert isinstance(multi, MultiPickerEditor)
    edit = multi.picker.edit
    edit.setFocus()
    wait_for_focus(qtbot, edit)
    popup = multi.picker.completer.popup()
    assert popup is not None
    type_text(edit, "s")
    qtbot.waitUntil(popup.isVisible)
    assert multi.picker.found.stringList() == ["张三（区审计局）", "李四（区审计局）", "王小石（区财政局）"]
    type_text(edit, "x")  # “sx”: nobody
    qtbot.waitUntil(lambda: not popup.isVisible())
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    type_text(edit, "s")
    qtbot.waitUntil(popup.isVisible)
    assert not popup.currentIndex().isValid()  # nothing highlighted before the user moves in
    for _ in range(3):
        QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)  # the third line chosen from the list
    qtbot.waitUntil(lambda: multi.list.count() == 1)
    assert multi.get() == [people["王小石"]]
    assert edit.text() == "" and not popup.isVisible()

    type_text(edit, "ls")  # one person: Enter takes the typed text, nothing highlighted
    qtbot.waitUntil(popup.isVisible)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: multi.list.count() == 2)
    assert multi.get() == [people["王小石"], people["李四"]]

    type_text(edit, "s")  # three: Enter says so and lists them
    qtbot.waitUntil(popup.isVisible)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    error = dialog.errors["cadre_ids"]
    assert error.isVisible() and error.text() == "有3名干部与“s”相符，请从列表中选择一项。"
    qtbot.waitUntil(popup.isVisible)
    assert multi.list.count() == 2


# --- the screen --------------------------------------------------------------------------------


def test_split_point_balances_the_columns() -> None:
    assert split_point([30, 30, 30, 30]) == 2
    assert split_point([30, 30, 30, 120]) == 3
    assert split_point([120, 30, 30, 30]) == 1


def test_the_cadre_form_fits_a_laptop_screen_whole(ctx: AppContext, window: MainWindow, qtbot: QtBot) -> None:
    dialog = show_form(qtbot, ctx, CADRE, parent=window, available=LAPTOP)
    screen = available_rect(dialog)
    assert dialog.frameGeometry().height() <= min(LAPTOP.height(), screen.height())
    assert screen.contains(dialog.frameGeometry())
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    assert isinstance(fields_layout(scroll), QHBoxLayout)  # two columns side by side
    bar = scroll.verticalScrollBar()
    assert bar is not None and bar.maximum() == 0  # every field in view
    for which in (SAVE, CANCEL):
        button = dialog.buttons.button(which)
        assert button.isVisible() and inside(button, dialog) and not scroll.isAncestorOf(button)


def test_a_long_form_on_a_small_screen_scrolls_with_the_buttons_in_view(
    ctx: AppContext, window: MainWindow, qtbot: QtBot
) -> None:
    small = QRect(0, 0, 1024, 600)
    dialog = show_form(qtbot, ctx, CADRE, parent=window, available=small)
    assert dialog.frameGeometry().height() <= small.height()
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    assert isinstance(fields_layout(scroll), QFormLayout)  # no room for two columns
    bar = scroll.verticalScrollBar()
    assert bar is not None and bar.maximum() > 0
    last = dialog.editors["note"].widget
    assert not inside(last, scroll.viewport())  # the last field is below: the form scrolls
    for which in (SAVE, CANCEL):
        button = dialog.buttons.button(which)
        assert button.isVisible() and inside(button, dialog)


def test_a_short_form_stays_one_column(ctx: AppContext, window: MainWindow, qtbot: QtBot) -> None:
    dialog = show_form(qtbot, ctx, UNIT, parent=window, available=LAPTOP)
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None and isinstance(fields_layout(scroll), QFormLayout)


def test_settings_fit_the_screen_with_their_buttons(
    open_dialog: Callable[[type[QWidget]], QWidget], qtbot: QtBot
) -> None:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    screen = available_rect(dialog)
    assert screen.contains(dialog.frameGeometry())
    for button in (dialog.save_button, dialog.cancel_button):
        assert button.isVisible() and inside(button, dialog)
