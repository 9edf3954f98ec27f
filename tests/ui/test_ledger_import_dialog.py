"""导入台账 in the window (issue 17, points 1 and 2): choose the kind and the file, see every row
(errors red, warnings yellow), import all of it in one go, or nothing while any row is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMenu
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.ui.modal import answer_modals, click_accept
from wsjc_desktop.services import records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.ledger_import import LedgerImportDialog

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["序号", "谈话时间", "被谈话人", "谈话方式", "主谈人", "谈话事由"]


def talks_book(path: Path, rows: list[list[Any]], title: str = "2023年度谈话台账") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def people(ctx: AppContext) -> None:
    finance = unit(ctx.db, "区财政局", short_name="财政局")
    for name in ("张三", "李四", "王五"):
        cadre(ctx.db, finance, name)


def table_texts(dialog: LedgerImportDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


def test_a_past_talks_ledger_is_previewed_then_imported(
    ctx: AppContext, people: None, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = talks_book(
        tmp_path / "谈话台账.xlsx",
        [
            [1, "3月5日", "张三、李四", "集体廉政谈话", "老周", "节前廉政提醒"],
            [2, "2023.4.8", "王五", "提醒谈话", "老周", "工作作风"],
            [2, "2023.4.8", "王五", "提醒谈话", "老周", "工作作风"],
        ],
    )
    dialog = LedgerImportDialog(ctx, ledger="talks")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    rows = table_texts(dialog)
    assert [r[2] for r in rows] == ["新增", "新增", "跳过"]
    assert rows[0][1].startswith("3月5日  集体廉政谈话  张三、李四")
    assert "完全相同" in rows[2][3]
    notes = dialog.notes_label.text()
    assert "历史人员" in notes and "老周" in notes and "按 2023 年理解" in notes
    assert dialog.import_button.isEnabled()
    qtbot.wait(50)  # the layout gives the notes their lines
    dialog.grab().save(str(ROOT / "docs" / "screenshots" / "ledger_import.png"))

    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert dialog.import_result is not None and dialog.import_result.imported == 2
    assert records.count(ctx.db, "talks") == 2


def test_a_row_with_an_error_keeps_import_off(
    ctx: AppContext, people: None, qtbot: QtBot, tmp_path: Path
) -> None:
    path = talks_book(
        tmp_path / "t.xlsx",
        [
            [1, "2023-05-06", "张三", "提醒谈话", None, None],
            [2, "2023-05-32", "张三", "提醒谈话", None, None],
        ],
    )
    dialog = LedgerImportDialog(ctx, ledger="talks", path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = table_texts(dialog)
    assert [r[2] for r in rows] == ["新增", "有错误"] and "谈话日期" in rows[1][3]
    assert not dialog.import_button.isEnabled()
    assert "全部无误才能导入" in dialog.notes_label.text()
    assert records.count(ctx.db, "talks") == 0
    # a person missing from the roster: that row waits, the others come in
    missing = talks_book(
        tmp_path / "m.xlsx",
        [
            [1, "2023-05-06", "赵六", "提醒谈话", None, None],
            [2, "2023-05-07", "张三", "提醒谈话", None, None],
        ],
    )
    dialog.load(missing)
    rows = table_texts(dialog)
    assert [r[2] for r in rows] == ["跳过", "新增"] and "花名册中没有“赵六”，该行不导入" in rows[0][3]
    assert dialog.import_button.isEnabled()
    # a year typed in the box wins over the title's
    dated = talks_book(tmp_path / "d.xlsx", [[1, "3月5日", "张三", "提醒谈话", None, None]], title="谈话台账")
    dialog.load(dated)
    [row] = table_texts(dialog)
    assert "没有写年份" in row[3]
    dialog.year_box.setValue(2022)
    [row] = table_texts(dialog)
    assert row[2] == "新增" and dialog.import_button.isEnabled()


def test_the_file_menu_offers_it_and_a_read_only_file_does_not(window: object, ctx: AppContext) -> None:
    from wsjc_desktop.ui.main_window import MainWindow
    from wsjc_desktop.ui.record_tab import READ_ONLY_TIP

    assert isinstance(window, MainWindow)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert "导入台账…" in [a.text() for a in file_menu.actions()]
    assert window.act_import_ledger.shortcut().toString() == "Ctrl+Shift+T"
    from PySide6.QtGui import QAction

    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []  # no key does two things
    ctx.db.readonly = True
    try:
        window._update_actions()
        assert not window.act_import_ledger.isEnabled()
        assert window.act_import_ledger.toolTip() == READ_ONLY_TIP
    finally:
        ctx.db.readonly = False


def test_a_column_it_cannot_place_is_chosen_once_and_remembered(
    ctx: AppContext, people: None, qtbot: QtBot, tmp_path: Path
) -> None:
    header = ["序号", "面谈日期", "被谈话人", "谈话方式", "备忘"]

    def book(name: str, day: str) -> Path:
        made = Workbook()
        sheet = made.active
        assert sheet is not None
        sheet.append(["2023年谈话台账"])
        sheet.append(header)
        sheet.append([1, day, "张三", "提醒谈话", "不需要的一栏"])
        made.save(tmp_path / name)
        return tmp_path / name

    dialog = LedgerImportDialog(ctx, ledger="talks", path=book("a.xlsx", "2023-03-05"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.columns_group.isVisible()
    assert sorted(dialog.column_boxes) == ["备忘", "面谈日期"]
    [row] = table_texts(dialog)
    assert "请填写谈话日期" in row[3] and not dialog.import_button.isEnabled()
    date_box = dialog.column_boxes["面谈日期"]
    date_box.setCurrentIndex(date_box.findText("谈话日期"))
    dialog.column_boxes["备忘"].setCurrentIndex(0)  # （不导入）, said out loud
    dialog.column_boxes["备忘"].setCurrentIndex(dialog.column_boxes["备忘"].findText("事由"))
    dialog.column_boxes["备忘"].setCurrentIndex(dialog.column_boxes["备忘"].findText("（不导入）"))
    [row] = table_texts(dialog)
    assert row[2] == "新增" and dialog.import_button.isEnabled()
    assert dialog.columns_group.isVisible()  # the choices stay on screen to be changed
    qtbot.wait(50)
    dialog.grab().save(str(ROOT / "docs" / "screenshots" / "ledger_import_columns.png"))
    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    [talk] = records.list_records(ctx.db, "talks")
    assert str(talk["held_on"]) == "2023-03-05" and talk["reason"] is None

    later = LedgerImportDialog(ctx, ledger="talks", path=book("b.xlsx", "2023-04-06"))
    qtbot.addWidget(later)
    later.show()
    assert not later.columns_group.isVisible()  # placed as before, without asking
    [row] = table_texts(later)
    assert row[2] == "新增" and "未导入" not in later.notes_label.text()


def test_the_user_decides_which_of_two_people_of_one_name_is_meant(
    ctx: AppContext, people: None, qtbot: QtBot, tmp_path: Path
) -> None:
    """A name two cadres share is shown for the user to decide, never guessed nor inserted."""
    other = cadre(ctx.db, unit(ctx.db, "区教育局"), "王五")
    path = talks_book(tmp_path / "t.xlsx", [[1, "2023-05-06", "王五、张三", "提醒谈话", None, None]])
    dialog = LedgerImportDialog(ctx, ledger="talks", path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    [row] = table_texts(dialog)
    assert row[2] == "有错误" and "2名同名人员" in row[3]
    assert dialog.people_group.isVisible() and list(dialog.people_boxes) == ["王五"]
    box = dialog.people_boxes["王五"]
    assert [box.itemText(i) for i in range(box.count())] == [
        "（请选择）",
        "王五（区财政局）",
        "王五（区教育局）",
    ]
    assert not dialog.import_button.isEnabled()
    box.setCurrentIndex(box.findText("王五（区教育局）"))
    [row] = table_texts(dialog)
    assert row[2] == "新增" and dialog.import_button.isEnabled()
    assert dialog.people_boxes["王五"].currentText() == "王五（区教育局）"  # the choice stays shown
    qtbot.wait(50)
    dialog.grab().save(str(ROOT / "docs" / "screenshots" / "ledger_import_people.png"))
    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    [talk] = records.list_records(ctx.db, "talks")
    assert other in talk["cadre_ids"] and len(talk["cadre_ids"]) == 2
    assert records.count(ctx.db, "cadres") == 4  # nobody was made
