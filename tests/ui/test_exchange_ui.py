"""文件 → 数据交换 in the window (issue 16): two PCs in step without a server.

Two real database files, each in a window of its own: A (王明的电脑, the group's first PC) and B
(李华的电脑, a new file made by importing A's first package). Packages are real encrypted files
written and read by the engine; the dialogs are driven as a user drives them (typed passphrases,
buttons clicked). The platform's file chooser cannot be driven offscreen, so a package is handed
to the import dialog with ``set_path`` (what its 选择… button calls with the file chosen), and the
export dialog's path is typed into its input.

The one patch: ``media.network_filesystem`` returns ``"cifs"`` in the start-up test of a file on
a network share, since no cifs share can be mounted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.ui.modal import answer_modals, click_accept, type_text
from wsjc_desktop.exchange import container, engine, labels
from wsjc_desktop.services import auth, records
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.conflict_dialog import ConflictDialog
from wsjc_desktop.ui.dialogs.exchange_dialogs import ExportDialog, ImportDialog, ImportResultDialog
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.tabs.exchange_panel import heard_text

KEY = "group exchange 1"
TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def password(edit: QWidget, text: str) -> None:
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.clear()
    QTest.keyClicks(edit, text)  # ASCII only


def rows(db: Database, sql: str, *args: object) -> list[tuple[object, ...]]:
    with db.raw_read() as conn:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]


def cadre_id(db: Database, name: str = "张三") -> int:
    return int(rows(db, "SELECT id FROM cadres WHERE name = ?", name)[0][0])


def member_id(db: Database, name: str) -> int:
    return int(rows(db, "SELECT id FROM members WHERE name = ?", name)[0][0])


# --- the second PC ------------------------------------------------------------------------------


class PC:
    """A database file in a window of its own."""

    def __init__(self, path: Path, qtbot: QtBot, today: date) -> None:
        self.db = open_database(path)
        self.ctx = AppContext.create(self.db)
        self.ctx.today_override = today
        self.window = MainWindow(self.ctx)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)

    def close(self) -> None:
        if shiboken6.isValid(self.window):
            self.window.close()
        self.ctx.hub.close()
        self.db.dispose()


@pytest.fixture
def pc_a(window: MainWindow, ctx: AppContext, logged_in: int) -> MainWindow:
    """A: the group's first PC (王建国 logged in), with a unit and a cadre."""
    engine.set_local(ctx.db, name="王明的电脑")
    cadre(ctx.db, unit(ctx.db, "区审计局"), "张三", position="科员")
    return window


@pytest.fixture
def make_pc(tmp_path: Path, qtbot: QtBot, ctx: AppContext) -> Iterator[Callable[[str], PC]]:
    made: list[PC] = []

    def make(name: str) -> PC:
        folder = tmp_path / name
        folder.mkdir()
        pc = PC(folder / "wsjc.db", qtbot, ctx.today)
        made.append(pc)
        return pc

    yield make
    for pc in made:
        pc.close()


def export_through_menu(window: MainWindow, out: Path, *, first: bool, full: bool = False) -> list[str]:
    """文件 → 数据交换 → 导出交换包…: the path typed, the passphrase typed (twice the first time).
    Returns the names of the windows that opened."""
    names: list[str] = []

    def done(box: QWidget) -> None:
        names.append(box.objectName())
        click_accept(box)

    def fill(dialog: QWidget) -> None:
        names.append(dialog.objectName())
        assert isinstance(dialog, ExportDialog)
        assert dialog.first is first
        assert dialog.confirm.isVisibleTo(dialog) is first  # the first export sets it: confirmed
        assert dialog.first_hint.isVisibleTo(dialog) is first
        dialog.path_edit.setText(str(out))
        password(dialog.passphrase, KEY)
        if first:
            password(dialog.confirm, KEY)
        dialog.full_box.setChecked(full)
        dialog.export_button.click()

    answer_modals(fill, done)
    window.act_exchange_export.trigger()
    return names


def import_through_menu(window: MainWindow, package: Path, *, look: object = None) -> list[QWidget]:
    """文件 → 数据交换 → 导入交换包…: the package chosen, its header read, the passphrase typed."""
    headers: list[tuple[str, str]] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.set_path(package)
        headers.append((dialog.sender_label.text(), dialog.created_label.text()))
        assert "尚未验证" in dialog.unverified.text()
        password(dialog.passphrase, KEY)
        dialog.import_button.click()

    def result(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportResultDialog)
        if callable(look):
            look(dialog)
        later = dialog.findChild(QPushButton, "import_result_later")
        (later or dialog.findChild(QPushButton, "import_result_ok")).click()  # type: ignore[union-attr]

    seen = answer_modals(fill, result)
    window.act_exchange_import.trigger()
    window.setProperty("last_header", headers[0] if headers else None)
    return seen


# --- export and import --------------------------------------------------------------------------


def test_a_package_exported_through_the_menu_brings_the_data_to_a_second_pc(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    out = tmp_path / "stick" / "第一次.wsjcx"
    out.parent.mkdir()
    assert not labels.passphrase_set(ctx.db)
    seen = export_through_menu(pc_a, out, first=True)
    assert seen == ["exchange_export_dialog", "exchange_export_done"]
    assert out.is_file() and labels.passphrase_set(ctx.db)  # the first export set the passphrase
    header = container.read_header(out)
    assert header.sender_name == "王明的电脑"
    assert "已导出" in pc_a.statusBar().currentMessage() and str(out) in pc_a.statusBar().currentMessage()
    assert engine.status(ctx.db).unexported == 0  # recorded as carried

    b = make_pc("b")
    summaries: list[str] = []
    import_through_menu(b.window, out, look=lambda d: summaries.append(d.summary))
    assert b.window.property("last_header")[0] == "王明的电脑"
    assert TIME.fullmatch(b.window.property("last_header")[1])
    assert rows(b.db, "SELECT name, position FROM cadres") == [("张三", "科员")]
    assert rows(b.db, "SELECT full_name FROM units") == [("区审计局",)]
    assert summaries and "新增" in summaries[0] and "王明的电脑" in summaries[0]
    assert "新增" in b.window.statusBar().currentMessage()
    # the second package needs the same passphrase; a wrong one is said under the input
    records.update(ctx.db, "cadres", cadre_id(ctx.db), {"position": "科长"})
    export_through_menu(pc_a, tmp_path / "stick" / "第二次.wsjcx", first=False)
    wrong: list[str] = []

    def wrong_then_right(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.set_path(tmp_path / "stick" / "第二次.wsjcx")
        password(dialog.passphrase, "not the passphrase")
        dialog.import_button.click()
        wrong.append(dialog.passphrase_error.text())
        assert dialog.isVisible()  # still open: try again
        password(dialog.passphrase, KEY)
        dialog.import_button.click()

    answer_modals(wrong_then_right, lambda d: d.findChild(QPushButton, "import_result_ok").click())  # type: ignore[union-attr]
    b.window.act_exchange_import.trigger()
    assert wrong and "口令" in wrong[0]
    assert rows(b.db, "SELECT position FROM cadres") == [("科长",)]


def test_the_second_pcs_first_start_is_made_from_the_first_pcs_package_then_its_member_logs_in(
    pc_a: MainWindow, ctx: AppContext, tmp_path: Path, qtbot: QtBot
) -> None:
    """首次使用 on B: 从交换包建立… instead of typing the group again; the members come with
    their passwords, so 李秀英 logs in on B with her own."""
    from wsjc_desktop.ui.dialogs.login_dialog import LoginDialog
    from wsjc_desktop.ui.dialogs.setup_wizard import SetupWizard, run_setup

    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    package = tmp_path / "完整.wsjcx"
    engine.export_package(ctx.db, package, KEY, full=True)
    b = open_database(tmp_path / "b.db")
    try:
        from wsjc_desktop.services import members

        assert members.needs_setup(b)
        seen: list[str] = []

        def wizard(dialog: QWidget) -> None:
            assert isinstance(dialog, SetupWizard)
            seen.append(dialog.objectName())
            assert dialog.join_button.isVisibleTo(dialog)
            QTimer.singleShot(0, dialog.join_button.click)  # its dialog is modal: click after this returns

        def choose(dialog: QWidget) -> None:
            assert isinstance(dialog, ImportDialog)
            seen.append(dialog.objectName())
            assert "完整交换包" in dialog.findChildren(QLabel)[0].text()
            dialog.set_path(package)
            password(dialog.passphrase, KEY)
            dialog.import_button.click()

        def brought(dialog: QWidget) -> None:
            assert isinstance(dialog, ImportResultDialog)
            seen.append(dialog.objectName())
            dialog.findChild(QPushButton, "import_result_ok").click()  # type: ignore[union-attr]

        def log_in(dialog: QWidget) -> None:
            assert isinstance(dialog, LoginDialog)
            seen.append(dialog.objectName())
            names = [dialog.member_box.itemText(i) for i in range(dialog.member_box.count())]
            assert any("李秀英" in n for n in names), names
            second = member_id(b, "李秀英")
            dialog.member_box.setCurrentIndex(dialog.member_box.findData(second))
            dialog.password.setText("xiuying-1")
            dialog.login_button.click()

        answer_modals(wizard, choose, brought, log_in, timeout_ms=20000)
        assert run_setup(None, b) == member_id(b, "李秀英")
        assert seen == ["setup_wizard", "exchange_import_dialog", "exchange_import_result", "login_dialog"]
        assert not members.needs_setup(b)
        assert rows(b, "SELECT name, position FROM cadres") == [("张三", "科员")]
        ((group_b, replica_b),) = rows(b, "SELECT group_id, replica_id FROM sync_state")
        ((group_a, replica_a),) = rows(ctx.db, "SELECT group_id, replica_id FROM sync_state")
        assert (group_b, replica_b != replica_a) == (group_a, True)  # one group, two replicas
    finally:
        b.dispose()


def test_an_incremental_package_cannot_start_a_second_pc(
    pc_a: MainWindow, ctx: AppContext, tmp_path: Path, qtbot: QtBot
) -> None:
    """A package that holds only recent changes is refused on a new PC, with what to do instead."""
    from wsjc_desktop.ui.dialogs.setup_wizard import SetupWizard

    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    first = open_database(tmp_path / "c.db")
    engine.import_package(first, _full(ctx.db, tmp_path / "p0.wsjcx"), KEY)
    engine.export_package(first, tmp_path / "back.wsjcx", KEY)
    engine.import_package(ctx.db, tmp_path / "back.wsjcx", KEY)  # now A knows a peer: deltas
    first.dispose()
    records.update(ctx.db, "cadres", cadre_id(ctx.db), {"position": "科长"})
    delta = tmp_path / "delta.wsjcx"
    assert not engine.export_package(ctx.db, delta, KEY).full
    b = open_database(tmp_path / "b.db")
    try:
        wizard = SetupWizard(b)
        qtbot.addWidget(wizard)
        said: list[str] = []

        def choose(dialog: QWidget) -> None:
            assert isinstance(dialog, ImportDialog)
            dialog.set_path(delta)
            password(dialog.passphrase, KEY)
            answer_modals(lambda box: (said.append(box.text()), click_accept(box)))  # type: ignore[attr-defined]
            dialog.import_button.click()
            dialog.reject()

        answer_modals(choose)
        wizard.join_button.click()
        assert said and "完整交换包" in said[0], said
        assert not wizard.joined
        assert rows(b, "SELECT count(*) FROM cadres") == [(0,)]
    finally:
        b.dispose()


def _full(db: Database, out: Path) -> Path:
    engine.export_package(db, out, KEY, full=True)
    return out


def test_a_same_field_edit_on_both_pcs_is_shown_with_both_values_and_settled_by_the_user(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    engine.export_package(ctx.db, tmp_path / "first.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "first.wsjcx", KEY)
    engine.set_local(b.db, name="李华的电脑")
    auth.login(b.db, member_id(b.db, "李秀英"), "xiuying-1")
    # B changes the 职务 first, A later: A's value is kept on both PCs until the user decides
    records.update(b.db, "cadres", cadre_id(b.db), {"position": "副科长"})
    qtbot.wait(5)
    records.update(ctx.db, "cadres", cadre_id(ctx.db), {"position": "科长"})
    engine.export_package(b.db, tmp_path / "b1.wsjcx", KEY)

    seen_result: list[ImportResultDialog] = []
    looked: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.set_path(tmp_path / "b1.wsjcx")
        password(dialog.passphrase, KEY)
        dialog.import_button.click()

    def settle_now(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportResultDialog)
        seen_result.append(dialog)
        assert dialog.findChild(QWidget, "import_conflicts").text().endswith("1 处</b></span>")  # type: ignore[union-attr]
        dialog.conflicts_button.click()  # type: ignore[union-attr]

    def conflicts(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        assert dialog.list.count() == 1
        looked["record"] = dialog.record.text()
        looked["field"] = dialog.field.text()
        for side in ("local", "remote"):
            box = getattr(dialog, f"{side}_box")
            looked[f"{side}_title"] = box.title.text()
            looked[f"{side}_value"] = box.value.text()
            looked[f"{side}_who"] = box.who.text()
            looked[f"{side}_when"] = box.when.text()
            looked[f"{side}_kept"] = str(box.kept.isVisibleTo(box))
        assert not dialog.local_button.isEnabled()  # A's value is the one kept now
        dialog.remote_button.click()  # 改用对方的值
        looked["after"] = dialog.stack.currentWidget().objectName()
        looked["count"] = dialog.count.text()
        dialog.reject()

    answer_modals(fill, settle_now, conflicts)
    pc_a.act_exchange_import.trigger()
    assert seen_result
    assert looked["record"] == "监察对象“张三”"
    assert "职务" in looked["field"] and "本机" in looked["field"]
    assert (looked["local_title"], looked["remote_title"]) == ("本机", "对方")
    assert (looked["local_value"], looked["remote_value"]) == ("科长", "副科长")
    assert looked["local_who"] == "修改人：王建国（王明的电脑）"
    assert looked["remote_who"] == "修改人：李秀英（李华的电脑）"
    for side in ("local", "remote"):
        assert TIME.fullmatch(looked[f"{side}_when"].removeprefix("修改时间：")), looked[f"{side}_when"]
    assert (looked["local_kept"], looked["remote_kept"]) == ("True", "False")
    assert looked["after"] == "conflicts_empty" and looked["count"] == ""
    # the record took B's value, as an ordinary change that reaches B with the next package
    assert rows(ctx.db, "SELECT position FROM cadres") == [("副科长",)]
    assert engine.open_conflicts(ctx.db) == []
    engine.export_package(ctx.db, tmp_path / "a2.wsjcx", KEY)
    engine.import_package(b.db, tmp_path / "a2.wsjcx", KEY)
    assert rows(b.db, "SELECT position FROM cadres") == [("副科长",)]


def test_a_conflict_left_open_stays_listed_and_the_menu_opens_it_again(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    engine.export_package(ctx.db, tmp_path / "first.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "first.wsjcx", KEY)
    records.update(b.db, "cadres", cadre_id(b.db), {"position": "副科长"})
    qtbot.wait(5)
    records.update(ctx.db, "cadres", cadre_id(ctx.db), {"position": "科长"})
    engine.export_package(b.db, tmp_path / "b1.wsjcx", KEY)
    engine.import_package(ctx.db, tmp_path / "b1.wsjcx", KEY)
    counts: list[int] = []

    def close_without_deciding(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        counts.append(dialog.list.count())
        dialog.reject()

    answer_modals(close_without_deciding)
    pc_a.act_exchange_conflicts.trigger()
    answer_modals(close_without_deciding)
    pc_a.act_exchange_conflicts.trigger()
    assert counts == [1, 1]  # closing decided nothing
    assert len(engine.open_conflicts(ctx.db)) == 1

    def keep(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        dialog.keep_button.click()  # 保留当前值
        counts.append(dialog.list.count())
        dialog.reject()

    answer_modals(keep)
    pc_a.act_exchange_conflicts.trigger()
    assert counts[-1] == 0 and engine.open_conflicts(ctx.db) == []
    assert rows(ctx.db, "SELECT position FROM cadres") == [("科长",)]


def test_a_doc_number_issued_on_both_pcs_shows_its_note_and_can_only_be_confirmed(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    from tests.support.builders import agency_code
    from wsjc_desktop.domain.enums import NoticeKind
    from wsjc_desktop.services import notices

    agency_code(ctx.db)
    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    engine.export_package(ctx.db, tmp_path / "first.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "first.wsjcx", KEY)
    issued = []
    for db in (ctx.db, b.db):  # both PCs issue a 廉情抄告单 offline: the same 文号
        unit_id = int(rows(db, "SELECT min(id) FROM units")[0][0])
        draft = records.create(
            db, "alert_notices", {"kind": NoticeKind.COPY_NOTICE, "unit_id": unit_id, "title": "两边各发一份"}
        )
        issued.append(notices.issue(db, draft))
    assert issued[0] == issued[1]
    engine.export_package(b.db, tmp_path / "b1.wsjcx", KEY)
    engine.import_package(ctx.db, tmp_path / "b1.wsjcx", KEY)
    looked: dict[str, object] = {}

    def confirm(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        looked["note"] = dialog.note.text()
        looked["buttons"] = [
            b.text()
            for b in (dialog.keep_button, dialog.local_button, dialog.remote_button, dialog.ack_button)
            if b.isVisibleTo(dialog)
        ]
        looked["sides"] = dialog.local_box.isVisibleTo(dialog) or dialog.remote_box.isVisibleTo(dialog)
        dialog.ack_button.click()  # 确认
        looked["left"] = dialog.list.count()
        dialog.reject()

    answer_modals(confirm)
    pc_a.act_exchange_conflicts.trigger()
    assert issued[0] in str(looked["note"]) and "请核对并告知收文单位" in str(looked["note"])
    assert looked["buttons"] == ["确认"] and looked["sides"] is False
    assert looked["left"] == 0 and engine.open_conflicts(ctx.db) == []


# --- settings -----------------------------------------------------------------------------------


def test_the_settings_page_keeps_this_pcs_name_folder_and_passphrase_on_this_pc_only(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog

    stick = tmp_path / "U盘" / "交换"
    stick.mkdir(parents=True)
    dialog = SettingsDialog(ctx, pc_a)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.exchange_page
    dialog.tabs.setCurrentWidget(page)
    assert page.passphrase_state.text() == "未设置"
    page.name_edit.clear()
    type_text(page.name_edit, "王明的办公电脑")
    page.folder_edit.setText(str(stick))
    assert page.folder_state.text() == "文件夹可用。"

    def new_passphrase(box: QWidget) -> None:  # the group has none yet: set, typed twice
        password(box.edit, KEY)  # type: ignore[attr-defined]
        password(box.confirm, KEY)  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]

    answer_modals(new_passphrase)
    page.remember_box.setChecked(True)  # 在本机记住交换口令: acts at once
    assert engine.kept_passphrase(ctx.db) == KEY and labels.passphrase_set(ctx.db)
    assert page.passphrase_state.text() == "已设置"
    assert dialog.has_unsaved_changes()  # the name and the folder wait for 保存
    dialog.save_button.click()
    assert engine.local_settings(ctx.db) == engine.LocalSettings("王明的办公电脑", str(stick), True)
    # per PC: none of it is a group setting, none of it reaches the other PC
    assert not rows(ctx.db, "SELECT key FROM settings WHERE value LIKE ?", f"%{stick.name}%")
    engine.export_package(ctx.db, tmp_path / "a.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "a.wsjcx", KEY)
    on_b = engine.local_settings(b.db)
    assert on_b.folder is None and not on_b.remembers_passphrase and on_b.name != "王明的办公电脑"
    assert engine.kept_passphrase(b.db) is None
    assert [p.name for p in engine.status(b.db).peers] == ["王明的办公电脑"]

    # a wrong passphrase is refused under its input, and forgetting acts at once too
    again = SettingsDialog(ctx, pc_a)
    qtbot.addWidget(again)
    again.show()
    page = again.exchange_page
    assert page.remember_box.isChecked() and page.name_edit.text() == "王明的办公电脑"
    page.remember_box.setChecked(False)
    assert engine.kept_passphrase(ctx.db) is None
    said: list[str] = []

    def wrong_then_cancel(box: QWidget) -> None:
        password(box.edit, "wrong passphrase")  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]
        said.append(box.edit_error.text())  # type: ignore[attr-defined]
        box.reject()

    answer_modals(wrong_then_cancel)
    page.remember_box.setChecked(True)
    assert said and "交换口令" in said[0]
    assert not page.remember_box.isChecked() and engine.kept_passphrase(ctx.db) is None
    page.folder_clear.click()  # '' clears the folder
    again.save_button.click()
    assert engine.local_settings(ctx.db).folder is None


def test_the_passphrase_changed_in_settings_reaches_the_other_pc_which_keeps_the_new_one(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog

    new = "the new group passphrase"
    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    engine.export_package(ctx.db, tmp_path / "first.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "first.wsjcx", KEY)
    engine.set_local(b.db, passphrase=KEY)  # B remembers the passphrase

    dialog = SettingsDialog(ctx, pc_a)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.exchange_page
    dialog.tabs.setCurrentWidget(page)
    assert page.change_button.isVisibleTo(page)
    said: list[str] = []

    def current(box: QWidget) -> None:
        password(box.edit, "not the passphrase")  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]
        said.append(box.edit_error.text())  # type: ignore[attr-defined]
        password(box.edit, KEY)  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]

    def typed_twice(box: QWidget) -> None:
        assert box.confirm.isVisibleTo(box)  # type: ignore[attr-defined]
        password(box.edit, new)  # type: ignore[attr-defined]
        password(box.confirm, new + "x")  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]
        said.append(box.confirm_error.text())  # type: ignore[attr-defined]
        password(box.confirm, new)  # type: ignore[attr-defined]
        box.ok_button.click()  # type: ignore[attr-defined]

    def told(box: QWidget) -> None:
        said.append(box.text())  # type: ignore[attr-defined]
        click_accept(box)

    answer_modals(current, typed_twice, told)
    page.change_button.click()
    assert "交换口令" in said[0] and said[1] and "已修改" in said[2], said
    assert page.passphrase_state.text() == "已修改"
    engine.check_passphrase(ctx.db, new)

    # B's kept passphrase no longer opens A's next package: asked, and the new one is kept
    records.update(ctx.db, "cadres", cadre_id(ctx.db), {"position": "科长"})
    engine.export_package(ctx.db, tmp_path / "second.wsjcx", new)
    asked: list[str] = []

    def kept_fails_then_typed(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.set_path(tmp_path / "second.wsjcx")
        assert not dialog.passphrase.isVisibleTo(dialog)  # the kept one is tried first
        dialog.import_button.click()
        asked.append(dialog.passphrase_error.text())
        password(dialog.passphrase, new)
        dialog.import_button.click()

    answer_modals(kept_fails_then_typed, lambda d: d.findChild(QPushButton, "import_result_ok").click())  # type: ignore[union-attr]
    b.window.act_exchange_import.trigger()
    assert asked and "口令" in asked[0]
    assert rows(b.db, "SELECT position FROM cadres") == [("科长",)]
    assert engine.kept_passphrase(b.db) == new


# --- the exchange folder ------------------------------------------------------------------------


def test_the_exchange_folder_is_synced_on_the_button_at_start_and_at_exit(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    engine.set_local(ctx.db, folder=str(stick), passphrase=KEY)  # sets the group's passphrase
    pc_a.act_exchange_sync.trigger()  # Ctrl+Shift+S
    assert "已放入本机的交换包" in pc_a.statusBar().currentMessage()
    (mine,) = stick.glob("*.wsjcx")
    assert container.read_header(mine).sender_name == "王明的电脑"

    b = make_pc("b")
    engine.import_package(b.db, mine, KEY)  # the second PC's first start (a full package)
    engine.set_local(b.db, name="李华的电脑", folder=str(stick), passphrase=KEY)
    unit(b.db, "区统计局")
    b.window.act_exchange_sync.trigger()
    assert len(list(stick.glob("*.wsjcx"))) == 2

    # A at its next start: taken once the window is up, without a question
    pc_a.statusBar().clearMessage()
    pc_a.exchange.start_auto()
    qtbot.waitUntil(lambda: "交换文件夹已同步" in pc_a.statusBar().currentMessage(), timeout=5000)
    assert "收到李华的电脑的修改" in pc_a.statusBar().currentMessage()
    assert rows(ctx.db, "SELECT count(*) FROM units WHERE full_name = '区统计局'") == [(1,)]
    # and at exit, before the exit backup: what was done since is left for B
    unit(ctx.db, "区民政局")
    before = mine.stat().st_mtime_ns
    pc_a.close()
    assert mine.stat().st_mtime_ns != before
    b.window.act_exchange_sync.trigger()
    assert rows(b.db, "SELECT count(*) FROM units WHERE full_name = '区民政局'") == [(1,)]


def test_a_folder_that_is_not_there_is_said_in_the_status_bar_without_a_box(
    pc_a: MainWindow, ctx: AppContext, tmp_path: Path, qtbot: QtBot
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    engine.set_local(ctx.db, folder=str(stick), passphrase=KEY)
    stick.rmdir()  # the stick is pulled out
    pc_a.exchange.start_auto()
    qtbot.waitUntil(lambda: "现在不可用" in pc_a.statusBar().currentMessage(), timeout=5000)
    assert "U 盘" in pc_a.statusBar().currentMessage()
    assert not [w for w in pc_a.findChildren(QMessageBox) if w.isVisible()]


def test_the_sync_button_without_a_folder_says_where_to_set_one(pc_a: MainWindow) -> None:
    told: list[str] = []

    def note(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        click_accept(box)

    answer_modals(note)
    pc_a.act_exchange_sync.trigger()
    assert told and "尚未设置交换文件夹" in told[0] and "设置 → 数据交换" in told[0]


# --- the 工作台 ----------------------------------------------------------------------------------


def test_the_dashboard_card_shows_the_other_pc_and_the_changes_not_exported(
    pc_a: MainWindow, ctx: AppContext, make_pc: Callable[[str], PC], tmp_path: Path, qtbot: QtBot
) -> None:
    dashboard = pc_a.dashboard
    dashboard.select_first()
    panel = dashboard.exchange_panel
    assert not panel.isVisible()  # one PC, no folder: the group is not bothered
    engine.check_passphrase(ctx.db, KEY, set_if_missing=True)
    engine.export_package(ctx.db, tmp_path / "first.wsjcx", KEY)
    b = make_pc("b")
    engine.import_package(b.db, tmp_path / "first.wsjcx", KEY)
    engine.set_local(b.db, name="李华的电脑")
    unit(b.db, "区统计局")
    engine.export_package(b.db, tmp_path / "b1.wsjcx", KEY)
    import_through_menu(pc_a, tmp_path / "b1.wsjcx")
    unit(ctx.db, "区民政局")  # one change here, not exported yet
    ctx.today_override = date.today() + timedelta(days=3)
    dashboard.refresh_exchange()
    qtbot.waitUntil(lambda: panel.isVisible() and "3 天前" in panel.peers.text(), timeout=3000)
    assert panel.this_pc.text().startswith("本机：王明的电脑")
    assert f"李华的电脑：3 天前（{date.today():%Y-%m-%d}）" in panel.peers.text()
    unexported = engine.status(ctx.db).unexported
    assert unexported > 0 and panel.unexported.text() == f"本机尚未导出的修改：{unexported} 处"
    assert panel.conflicts.text() == "没有未处理的冲突" and not panel.conflicts_button.isVisible()


def test_a_pc_known_only_from_anothers_package_reads_never_exchanged() -> None:
    never = engine.Peer("x", "张伟的电脑", None)
    assert heard_text(never, date(2026, 12, 6)) == "张伟的电脑：从未交换"
    heard = engine.Peer("y", "李华的电脑", "2026-12-03 09:30:00")
    assert heard_text(heard, date(2026, 12, 6)) == "李华的电脑：3 天前（2026-12-03）"
    assert heard_text(heard, date(2026, 12, 3)) == "李华的电脑：今天 09:30"


# --- a database on a network share --------------------------------------------------------------


def test_a_database_on_a_network_share_opens_read_only_with_the_reason(
    tmp_path: Path, qtbot: QtBot, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cifs share can be mounted here: ``media.network_filesystem`` is made to say "cifs"
    (the only patch in these tests); everything else is the real start-up."""
    from tests.ui.test_startup import log_in, set_up
    from wsjc_desktop.storage import lock, media
    from wsjc_desktop.ui.app import _show_window, setup_application
    from wsjc_desktop.ui.startup import start_session

    setup_application(crash_dialog=False)
    path = tmp_path / "share" / "wsjc.db"
    path.parent.mkdir()
    set_up(path)
    before = path.read_bytes()
    monkeypatch.setattr(media, "network_filesystem", lambda _path, **_kw: "cifs")
    told: list[str] = []

    def note(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    answer_modals(note, log_in)
    session = start_session(path)
    assert session is not None
    try:
        assert told and told[0] == media.network_message(path, "cifs")
        assert session.readonly and session.writer_lock is None
        assert lock.read_lock(path) is None  # the writer lock was never taken
        assert any("网络共享" in n and "只读" in n for n in session.notes)
        window, ctx = _show_window(session.db, None, session.member_id)
        try:
            assert isinstance(window, MainWindow)
            window.start_session_services(session)
            assert "只读" in window.windowTitle()
            for act in (window.act_exchange_export, window.act_exchange_import, window.act_exchange_sync):
                assert not act.isEnabled(), act.text()
        finally:
            window.stop_session_services()  # type: ignore[attr-defined]
            window.close()  # type: ignore[attr-defined]
            ctx.hub.close()  # type: ignore[attr-defined]
    finally:
        session.close()
    assert path.read_bytes() == before  # nothing written, not even the exit backup's marks
