"""The program's start-up and exit steps, end to end on real files with the real dialogs."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import AGENCY_CODE, cadre, unit
from tests.support.media import Medium
from tests.ui.modal import answer_modals, type_text
from wsjc_desktop.services import auth, backup, members, notices, records, settings
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.services.demo import DEMO_AGENCY_CODE, DEMO_PASSWORD, generate_demo
from wsjc_desktop.storage import crypto, lock
from wsjc_desktop.storage.database import open_database
from wsjc_desktop.ui.startup import start_session

GROUP = "区纪委监委驻区财政局纪检监察组"


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)


def find(widget: QWidget, cls: type, name: str) -> QWidget:
    found = widget.findChild(cls, name)
    assert found is not None, name
    return found


def password(edit: QWidget, text: str) -> None:
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.clear()
    QTest.keyClicks(edit, text)  # ASCII passwords only


def fill_setup(wizard: QWidget) -> None:
    """First start: the group's name and 机关代字, then two members with passwords."""
    name = find(wizard, QLineEdit, "setup_group_name")
    assert isinstance(name, QLineEdit)
    name.clear()
    type_text(name, GROUP)
    code = find(wizard, QLineEdit, "setup_agency_code")
    assert isinstance(code, QLineEdit)
    type_text(code, AGENCY_CODE)
    find(wizard, QPushButton, "next_button").click()  # type: ignore[attr-defined]
    for index, (who, secret) in enumerate((("王建国", "jianguo-1"), ("李秀英", "xiuying-1"))):
        edit = find(wizard, QLineEdit, f"member_name_{index}")
        assert isinstance(edit, QLineEdit)
        edit.clear()
        type_text(edit, who)
        password(find(wizard, QLineEdit, f"member_password_{index}"), secret)
        password(find(wizard, QLineEdit, f"member_confirm_{index}"), secret)
    find(wizard, QPushButton, "finish_button").click()  # type: ignore[attr-defined]


def log_in(dialog: QWidget, who: int = 0, secret: str = "jianguo-1") -> None:
    box = find(dialog, QComboBox, "login_member")
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(who)
    password(find(dialog, QLineEdit, "login_password"), secret)
    find(dialog, QPushButton, "login_button").click()  # type: ignore[attr-defined]


def set_up(path: Path) -> tuple[int, int]:
    db = open_database(path)
    try:
        ids = auth.setup_group(
            db, GROUP, [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", "组员", "xiuying-1")]
        )
        unit_id = unit(db)
        cadre(db, unit_id, "张三")
    finally:
        db.dispose()
    return ids[0], ids[1]


def backups_of(path: Path, reason: str) -> list[Path]:
    return sorted(p for p in (path.parent / "backups").glob(f"{path.stem}-*-{reason}*.db"))


def test_first_start_sets_up_the_group_and_exit_backs_up(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "wsjc.db"
    seen = answer_modals(fill_setup)
    session = start_session(path)
    assert session is not None, "start-up stopped"
    assert [w.objectName() for w in seen] == ["setup_wizard"]
    try:
        assert session.member_id is not None
        assert auth.member_info(session.db, session.member_id).name == "王建国"
        assert settings.get(session.db, "group.agency_code") == AGENCY_CODE
        assert not session.readonly
        held = lock.read_lock(path)
        assert held is not None and held.member == "王建国"
        assert session.backup_thread is not None  # made behind the window
        session.wait_for_backup()
        assert len(backups_of(path, "start")) == 1  # the day's first start backs up
        records.create(session.db, "units", {"full_name": "区教育局", "unit_type": "agency"})
    finally:
        session.close()
    assert lock.read_lock(path) is None  # released at exit
    exits = backups_of(path, "exit")
    assert len(exits) == 1
    assert backup.verify_backup(exits[0]).counts["units"] == 1  # the exit backup has the day's work


def test_every_later_start_asks_who_is_working(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "wsjc.db"
    _first, second = set_up(path)
    answer_modals(lambda dialog: log_in(dialog, 1, "xiuying-1"))
    session = start_session(path)
    assert session is not None
    try:
        assert session.member_id == second
        assert session.db.member_id == second  # every change is stamped with her
        unit_id = records.create(session.db, "units", {"full_name": "区卫健委", "unit_type": "agency"})
        assert records.get(session.db, "units", unit_id)["created_by_id"] == second
    finally:
        session.close()


def test_a_demo_file_opens_at_the_login_and_its_members_log_in_with_the_demo_password(
    tmp_path: Path, qtbot: QtBot
) -> None:
    path = tmp_path / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=4, today=date(2026, 6, 15))
        chief, staff = members.login_members(db)
    finally:
        db.dispose()
    with closing(sqlite3.connect(path)) as con:
        sql = "SELECT count(*) FROM alert_notices WHERE kind = 'copy_notice' AND doc_year = 2026"
        copies = con.execute(sql).fetchone()[0]
    listed: list[str] = []

    def log_in_as_staff(dialog: QWidget) -> None:
        box = find(dialog, QComboBox, "login_member")
        assert isinstance(box, QComboBox)
        listed.extend(box.itemText(i) for i in range(box.count()))
        log_in(dialog, 1, DEMO_PASSWORD)

    seen = answer_modals(log_in_as_staff)
    session = start_session(path)
    assert session is not None, "start-up stopped"
    assert [w.objectName() for w in seen] == ["login_dialog"]  # not the setup wizard
    try:
        assert listed == [chief.display, staff.display]
        assert session.member_id == staff.id
        # the group is set up for work: a new notice gets the demo group's 机关代字
        unit_id = unit(session.db, "区审计局")
        values = {"kind": "copy_notice", "unit_id": unit_id, "title": "关于演示的抄告"}
        draft = records.create(session.db, "alert_notices", values)
        number = notices.issue(session.db, draft, issued_on=date(2026, 6, 16))
        assert number == f"{DEMO_AGENCY_CODE}抄〔2026〕{copies + 1}号"
    finally:
        session.close()


def test_cancelling_the_login_stops_and_releases_everything(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "wsjc.db"
    set_up(path)
    answer_modals(lambda dialog: find(dialog, QPushButton, "quit_button").click())  # type: ignore[attr-defined]
    assert start_session(path) is None
    assert lock.read_lock(path) is None


def test_a_file_held_elsewhere_opens_read_only(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "wsjc.db"
    set_up(path)
    other = lock.acquire(path, "李秀英")  # the other member's PC has it open
    try:
        names: list[str] = []

        def read_only(dialog: QWidget) -> None:
            names.append(dialog.objectName())
            find(dialog, QPushButton, "lock_readonly").click()  # type: ignore[attr-defined]

        def login(dialog: QWidget) -> None:
            names.append(dialog.objectName())
            log_in(dialog)

        answer_modals(read_only, login)
        session = start_session(path)
        assert session is not None
        assert names == ["lock_held_dialog", "login_dialog"]
        try:
            assert session.readonly and session.writer_lock is None
            assert records.count(session.db, "cadres") == 1  # reading works
            assert lock.read_lock(path).member == "李秀英"  # type: ignore[union-attr]
            assert backups_of(path, "start") == []  # nothing is written to a file held elsewhere
        finally:
            session.close()
        assert lock.read_lock(path) is not None  # still hers
    finally:
        other.release()


def test_a_damaged_file_is_not_written_and_the_newest_good_backup_is_offered(
    tmp_path: Path, qtbot: QtBot
) -> None:
    path = tmp_path / "wsjc.db"
    set_up(path)
    db = open_database(path)
    try:
        backup.create_backup(db, reason="manual")
    finally:
        db.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # scribble over every page but the first
        data[offset + 100 : offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))
    damaged = hashlib.sha256(path.read_bytes()).hexdigest()

    def refuse(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "损坏" in box.text() and "最新的完好备份" in box.text()
        box.button(QMessageBox.StandardButton.No).click()  # type: ignore[union-attr]

    answer_modals(refuse)
    assert start_session(path) is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == damaged  # never written to

    def accept(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()  # type: ignore[union-attr]

    answer_modals(accept, log_in)
    session = start_session(path)
    assert session is not None
    try:
        assert records.count(session.db, "cadres") == 1  # the backup's data is back
        assert any("恢复" in note for note in session.notes)
    finally:
        session.close()
    kept = list((path.parent / "backups").glob("*before-restore*"))
    assert kept and hashlib.sha256(kept[0].read_bytes()).hexdigest() == damaged  # the damaged file is kept


def test_an_encrypted_file_asks_for_its_passphrase(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "secret.db"
    crypto.create_encrypted(path, "correct horse 1")
    db = open_database(path, key="correct horse 1")
    try:
        auth.setup_group(db, GROUP, [NewMember("王建国", "组长", "jianguo-1")])
    finally:
        db.dispose()

    def passphrase(dialog: QWidget) -> None:
        edit = dialog.findChild(QLineEdit)
        password(edit, "correct horse 1")  # type: ignore[arg-type]
        dialog.open_button.click()  # type: ignore[attr-defined]

    answer_modals(passphrase, log_in)
    session = start_session(path)
    assert session is not None
    try:
        assert session.db.encrypted and session.key == "correct horse 1"
        session.wait_for_backup()
        assert backups_of(path, "start")  # the start backup is made (and stays encrypted)
        assert crypto.is_encrypted(backups_of(path, "start")[0])
    finally:
        session.close()


def test_encrypting_from_the_window_converts_the_file_in_place(tmp_path: Path, qtbot: QtBot) -> None:
    """工具 → 加密数据库…: once the window has closed the file, the new passphrase is asked
    (twice, with the loss warning acknowledged) and the file is converted under the lock."""
    from wsjc_desktop.ui.startup import encrypt_and_restart

    path = tmp_path / "wsjc.db"
    set_up(path)

    def new_passphrase(dialog: QWidget) -> None:
        password(dialog.edit, "correct horse 1")  # type: ignore[attr-defined]
        password(dialog.confirm_edit, "correct horse 1")  # type: ignore[attr-defined]
        dialog.understood.setChecked(True)  # type: ignore[attr-defined]
        dialog.ok_button.click()  # type: ignore[attr-defined]

    def done(box: QWidget) -> None:
        assert isinstance(box, QMessageBox) and "数据库已加密" in box.text()
        box.accept()

    answer_modals(new_passphrase, done)
    encrypt_and_restart(path, None)
    assert crypto.is_encrypted(path)
    assert lock.read_lock(path) is None
    db = open_database(path, key="correct horse 1")
    try:
        assert records.count(db, "cadres") == 1
    finally:
        db.dispose()


def test_changing_the_passphrase_from_the_window_moves_the_backups(tmp_path: Path, qtbot: QtBot) -> None:
    """工具 → 修改数据库口令…: the file and its backups end under the new passphrase, and the
    box says so; the old passphrase opens neither."""
    from wsjc_desktop.ui.startup import encrypt_and_restart

    path = tmp_path / "wsjc.db"
    set_up(path)
    backup.encrypt_database(path, "correct horse 1")
    db = open_database(path, key="correct horse 1")
    try:
        made = backup.create_backup(db).path
    finally:
        db.dispose()
    seen: list[str] = []

    def new_passphrase(dialog: QWidget) -> None:
        password(dialog.edit, "battery staple 2")  # type: ignore[attr-defined]
        password(dialog.confirm_edit, "battery staple 2")  # type: ignore[attr-defined]
        dialog.understood.setChecked(True)  # type: ignore[attr-defined]
        dialog.ok_button.click()  # type: ignore[attr-defined]

    def done(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    answer_modals(new_passphrase, done)
    encrypt_and_restart(path, "correct horse 1")
    assert seen and "数据库口令已修改，备份也已改用新口令" in seen[0], seen
    assert "仍使用原口令" not in seen[0]
    for file in (path, made):
        crypto.check_key(file, "battery staple 2")
        with pytest.raises(crypto.PassphraseError):
            crypto.check_key(file, "correct horse 1")
    assert lock.read_lock(path) is None


def _damage(path: Path, table: str) -> str:
    """Random bytes over the leaf pages of ``table``: the schema and the other tables stay
    readable, so the file opens and only the integrity check (or a read of ``table``) finds
    the damage."""
    import random
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
    conn.close()
    assert len(pages) >= 4
    junk = random.Random(11)
    with path.open("r+b") as fh:
        for page in pages[1:-1]:
            fh.seek((page - 1) * size)
            fh.write(junk.randbytes(size))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _filled(path: Path) -> None:
    set_up(path)
    db = open_database(path)
    try:
        for n in range(30):
            unit_id = unit(db, f"第{n}监督单位", note="备注" * 300)
            for m in range(4):
                cadre(db, unit_id, f"干部{n}-{m}", note="情况说明" * 150)
        backup.create_backup(db, reason="manual")
    finally:
        db.dispose()


def test_damage_found_by_the_check_behind_the_login_is_never_written_and_a_backup_offered(
    tmp_path: Path, qtbot: QtBot
) -> None:
    path = tmp_path / "wsjc.db"
    _filled(path)
    damaged = _damage(path, "cadres")  # the login reads members and the audit log, not these
    seen: list[str] = []

    def refuse(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()  # type: ignore[union-attr]

    # the file opens (its schema is intact) and the login shows while the check runs; logging
    # in writes (the audit entry), which waits for the check: it fails, the backup is offered
    answer_modals(log_in, refuse)
    assert start_session(path) is None
    assert seen and "损坏" in seen[0] and "最新的完好备份" in seen[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == damaged  # never written to
    assert lock.read_lock(path) is None  # released


def test_the_window_opened_on_a_file_found_damaged_behind_it_only_reads(tmp_path: Path, qtbot: QtBot) -> None:
    from wsjc_desktop.ui.app import open_main_window

    path = tmp_path / "wsjc.db"
    _filled(path)
    damaged = _damage(path, "audit_entries")  # the 工作台 does not read the audit log
    told: list[str] = []

    def note(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    answer_modals(note)
    window, ctx = open_main_window(path)  # the window first, the check behind it
    try:
        qtbot.waitUntil(lambda: bool(told), timeout=10_000)
        assert "损坏" in told[0] and "备份" in told[0]
        assert ctx.readonly  # type: ignore[attr-defined]
        assert "只读" in window.windowTitle()  # type: ignore[attr-defined]
        assert not window.act_new.isEnabled()  # type: ignore[attr-defined]
        with pytest.raises(Exception, match=r"只读|损坏"):
            unit(ctx.db, "不应写入")  # type: ignore[attr-defined]
    finally:
        window.close()  # type: ignore[attr-defined]
        ctx.hub.close()  # type: ignore[attr-defined]
        ctx.db.dispose()  # type: ignore[attr-defined]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == damaged


def test_the_start_backup_runs_behind_the_window_while_work_goes_on(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "wsjc.db"
    _filled(path)
    for old in (path.parent / "backups").glob("*"):
        old.unlink()  # no backup from today yet: this start makes one
    answer_modals(log_in)
    session = start_session(path)
    assert session is not None
    try:
        thread = session.backup_thread
        assert thread is not None
        for n in range(5):  # the member works at once; writes do not wait for the backup
            unit(session.db, f"开机后新建的单位{n}")
        session.wait_for_backup()
        assert not thread.is_alive()
        assert not session.notes, session.notes
        (made,) = backups_of(path, "start")
        verified = backup.verify_backup(made)
        assert verified.ok and verified.counts["units"] in range(31, 37)  # a consistent snapshot: 31 at start
    finally:
        session.close()
    (at_exit,) = backups_of(path, "exit")
    assert backup.verify_backup(at_exit).counts["units"] == 36  # the exit backup has everything


def test_the_window_warns_of_an_altered_audit_log_and_goes_on_working(tmp_path: Path, qtbot: QtBot) -> None:
    """Issue 15.5: a trigger of the audit log dropped behind the program's back is found by the
    start-up check behind the window; the window says so and keeps writing."""
    from wsjc_desktop.ui.app import open_main_window

    path = tmp_path / "wsjc.db"
    _filled(path)
    with closing(sqlite3.connect(path)) as con:
        con.execute("DROP TRIGGER audit_entries_no_delete")
        con.commit()
    window, ctx = open_main_window(path)  # the window first, the check behind it
    try:

        def shown() -> QMessageBox | None:
            found = window.findChild(QMessageBox, "check_warning")  # type: ignore[attr-defined]
            return found if isinstance(found, QMessageBox) and found.isVisible() else None

        qtbot.waitUntil(lambda: shown() is not None, timeout=10_000)
        box = shown()
        assert box is not None and "审计日志" in box.text() and "audit_entries_no_delete" in box.text()
        assert "审计日志" in window.statusBar().currentMessage()  # type: ignore[attr-defined]
        box.accept()
        assert not ctx.readonly  # type: ignore[attr-defined]
        assert "只读" not in window.windowTitle()  # type: ignore[attr-defined]
        unit(ctx.db, "照常写入的单位")  # type: ignore[attr-defined]
    finally:
        window.close()  # type: ignore[attr-defined]
        ctx.hub.close()  # type: ignore[attr-defined]
        ctx.db.dispose()  # type: ignore[attr-defined]


def test_a_file_on_read_only_media_opens_read_only_and_nothing_is_written(
    tmp_path: Path, qtbot: QtBot, medium: Medium
) -> None:
    """A database on a write-protected stick, a CD or a read-only folder (issue 15, point 8):
    the user is told why, logs in, reads; the medium is not touched."""
    from wsjc_desktop.ui.app import _show_window

    source = tmp_path / "wsjc.db"
    _filled(source)
    with closing(sqlite3.connect(source)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = medium.path / "wsjc.db"
    shutil.copy2(source, path)
    medium.protect()
    before = medium.listing()
    told: list[str] = []

    def note(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    answer_modals(note, log_in)
    session = start_session(path)
    assert session is not None
    try:
        assert "只读的位置" in told[0] and "将以只读方式打开" in told[0]
        assert session.readonly and session.writer_lock is None
        assert records.count(session.db, "cadres") == 121
        assert session.notes == ["数据库位于只读的位置，已以只读方式打开：可以查看和打印，不能修改。"]
        window, ctx = _show_window(session.db, "廉政档案", session.member_id)
        try:
            qtbot.waitUntil(lambda: "只读" in window.windowTitle(), timeout=5000)  # type: ignore[attr-defined]
            assert not window.act_new.isEnabled()  # type: ignore[attr-defined]
            window.grab().save(str(tmp_path / "read_only_media.png"))  # type: ignore[attr-defined]
        finally:
            window.close()  # type: ignore[attr-defined]
            ctx.hub.close()  # type: ignore[attr-defined]
    finally:
        session.close()
    assert medium.listing() == before
