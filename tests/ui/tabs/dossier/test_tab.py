"""The 廉政档案 tab, driven through its real widgets against a real temporary database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from tests.ui.modal import answer_modals, click_accept
from wsjc_desktop.domain.enums import CadreStatus, ClueDisposal, ClueStage, PersonalMattersCheck, RiskLevel
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import attachments, records
from wsjc_desktop.services import dossier as dossier_service
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.tabs.dossier import AttachmentsPanel, CadreTreeModel, DossierTab
from wsjc_desktop.ui.tabs.dossier import tab as dossier_tab  # where EAGER_LIMIT is read


@pytest.fixture(autouse=True, params=["all at once", "a unit at a time"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs twice: with the tree reading every cadre when it is built (a small
    database), and reading a unit's cadres only when needed (a large one)."""
    if request.param == "a unit at a time":
        monkeypatch.setattr(dossier_tab, "EAGER_LIMIT", 0)
    return str(request.param)


@pytest.fixture
def office(db: Database) -> dict[str, int]:
    """Two units: 财政局 (a chief and two staff) and 教育局 (one teacher)."""
    member(db)
    finance = unit(db, "区财政局", short_name="财政局", sort_order=1)
    education = unit(db, "区教育局", short_name="教育局", sort_order=2)
    return {
        "finance": finance,
        "education": education,
        "chief": cadre(db, finance, "赵局长", is_top_leader=True, position="局长", rank="division"),
        "zhang": cadre(db, finance, "张三", position="科员"),
        "li": cadre(db, finance, "李四"),
        "teacher": cadre(db, education, "周老师"),
    }


def make_tab(ctx: AppContext, qtbot: QtBot) -> DossierTab:
    tab = DossierTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.is_loaded)
    return tab


@pytest.fixture
def tab(ctx: AppContext, qtbot: QtBot, office: dict[str, int]) -> Iterator[DossierTab]:
    yield make_tab(ctx, qtbot)


def on_modal(action: Callable[[QWidget], None]) -> list[BaseException]:
    """Run ``action`` on the next modal dialog once it is open. A failure closes the dialog (so
    the test does not hang) and is returned for the test to raise."""
    errors: list[BaseException] = []

    def attempt(tries: int = 0) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            if tries < 1000:
                QTimer.singleShot(10, lambda: attempt(tries + 1))
            return
        try:
            action(widget)
        except BaseException as exc:
            errors.append(exc)
            widget.close()

    QTimer.singleShot(0, attempt)
    return errors


def click_message_button(text: str) -> Callable[[QWidget], None]:
    def action(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        (button,) = [b for b in widget.buttons() if b.text() == text]
        button.click()

    return action


def tree_texts(model: CadreTreeModel) -> list[tuple[str, list[str]]]:
    """Every unit shown with its cadres (read, as expanding the unit would)."""
    out = []
    for row in range(model.rowCount()):
        parent = model.index(row, 0)
        if model.canFetchMore(parent):
            model.fetchMore(parent)
        names = [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
        out.append((parent.data(), names))
    return out


def click_cadre(qtbot: QtBot, tab: DossierTab, cadre_id: int) -> None:
    index = tab.cadre_index(cadre_id)
    tab.tree.expand(index.parent())
    tab.tree.scrollTo(index)
    rect = tab.tree.visualRect(index)
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shown(widget: QWidget) -> bool:
    return not widget.isHidden()


# --- the tree --------------------------------------------------------------------------


def test_tree_lists_units_and_cadres_and_opens_the_first(
    tab: DossierTab, office: dict[str, int], qtmodeltester: Any
) -> None:
    assert tab.objectName() == "tab_cadres" and tab.tab_title == "廉政档案"
    assert tree_texts(tab.tree_model) == [
        ("财政局（3人）", ["赵局长", "张三", "李四"]),  # the chief first
        ("教育局（1人）", ["周老师"]),
    ]
    # nothing was selected: the first cadre's dossier is open
    assert tab.selected_id() == office["chief"]
    assert tab.header.name.text() == "赵局长"
    assert tab.header.details.text() == "财政局　·　局长　·　处级"
    assert "一把手" in tab.header.badges.text()
    assert tab.count_label.text() == "共 4 名干部\n档案均已更新"
    qtmodeltester.check(tab.tree_model)


def test_selecting_a_cadre_shows_the_dossier(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    records.create(db, "family_members", {"cadre_id": office["zhang"], "relation": "配偶", "name": "王芳"})
    records.create(
        db,
        "clues",
        {
            "cadre_id": office["zhang"],
            "received_on": date(2026, 2, 3),
            "source": "petition",
            "summary": "反映违规收受礼品",
            "disposal": "pending",
        },
    )
    click_cadre(qtbot, tab, office["zhang"])

    assert tab.header.name.text() == "张三"
    assert tab.basics.values["position"].text() == "科员"
    assert tab.basics.values["unit_id"].text() == "财政局"
    assert tab.basics.values["id_number"].text() == "—"
    family = tab.sections["family_members"]
    assert family.model.rowCount() == 1
    assert family.model.data(family.model.index(0, 1)) == "王芳"
    assert "1 条" in family.title.text()
    clues = tab.sections["clues"]
    assert clues.model.rowCount() == 1 and shown(clues.view)
    assert "暂无记录" in tab.sections["duty_reports"].title.text()
    assert not shown(tab.sections["duty_reports"].view)
    assert list(tab.sections) == [
        "family_members",
        "personal_matters_reports",
        "duty_reports",
        "integrity_opinions",
        "discipline_records",
        "follow_up_visits",
        "clues",
        "risk_points",
        "attachments",
    ]

    # a unit shows a summary instead of a dossier
    unit_index = tab.tree_model.index_of_unit(office["education"])
    qtbot.mouseClick(
        tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=tab.tree.visualRect(unit_index).center()
    )
    assert tab.selected_id() is None
    assert shown(tab.placeholder) and not shown(tab.page)
    assert "教育局：1 名干部" in tab.placeholder.text()


def test_adding_a_family_member_through_the_section_panel(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    click_cadre(qtbot, tab, office["li"])
    panel = tab.sections["family_members"]

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        assert "cadre_id" not in widget.editors  # the dossier's own cadre
        widget.editors["relation"].set("配偶")
        widget.editors["name"].set("陈静")
        widget.editors["birth_date"].set("1980-05")
        widget.editors["runs_business"].set(True)
        widget.save()

    errors = on_modal(fill)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert not errors, errors

    rows = records.list_records(db, "family_members")
    assert [(r["cadre_id"], r["name"], r["runs_business"]) for r in rows] == [(office["li"], "陈静", True)]
    assert panel.model.rowCount() == 1 and shown(panel.view)
    assert "1 条" in panel.title.text()


def test_a_clue_added_in_the_dossier_names_the_cadre(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    click_cadre(qtbot, tab, office["teacher"])
    panel = tab.sections["clues"]

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        assert widget.editors["cadre_id"].get() == office["teacher"]
        assert widget.editors["unit_id"].get() == office["education"]
        widget.editors["source"].set("petition")
        widget.editors["summary"].set("反映违规兼职取酬")
        widget.save()

    errors = on_modal(fill)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    (row,) = records.list_records(db, "clues")
    assert row["cadre_id"] == office["teacher"] and row["received_on"] == date(2026, 6, 15)
    assert panel.model.rowCount() == 1


def test_new_records_in_the_dossier_start_with_the_specs_defaults(
    tab: DossierTab, office: dict[str, int], qtbot: QtBot
) -> None:
    """No section restates a default: each is the field spec's (this year, today, 待处置 …), plus
    the cadre shown (a section's own, or for a record that names the cadre without belonging to
    it, the cadre and unit as defaults the user may change)."""
    click_cadre(qtbot, tab, office["teacher"])
    today = tab.ctx.today
    cadre = {"cadre_id": office["teacher"]}
    shown = cadre | {"unit_id": office["education"]}
    for table, panel in tab.sections.items():
        spec = panel.spec
        expected = spec.new_record_values(today=today, member_id=tab.ctx.db.member_id)
        assert panel.new_values() == expected | (cadre if spec.parent else shown), table
        assert panel.new_defaults() == ({} if spec.parent else shown), f"{table}: restates a default"
    assert tab.sections["personal_matters_reports"].new_values() == {
        "year": today.year,
        "check_result": PersonalMattersCheck.NOT_CHECKED,
        **cadre,
    }
    assert tab.sections["integrity_opinions"].new_values() == {"request_date": today, **cadre}
    member = tab.ctx.db.member_id
    assert tab.sections["clues"].new_values() == {
        "received_on": today,
        "disposal": ClueDisposal.PENDING,
        "stage": ClueStage.REGISTERED,
        **({"handler_id": member} if member is not None else {}),  # the 主办人: who registers it
        **shown,
    }
    assert tab.sections["risk_points"].new_values() == {
        "level": RiskLevel.MEDIUM,
        "year": today.year,
        **shown,
    }
    assert tab.new_values() == {"status": CadreStatus.SERVING, "unit_id": office["education"]}
    assert tab.new_defaults() == {"unit_id": office["education"]}


def test_timeline_shows_talks_and_opens_them(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    click_cadre(qtbot, tab, office["zhang"])
    assert tab.timeline.rowCount() == 0 and shown(tab.timeline_empty)

    talk = records.create(
        db,
        "talks",
        {
            "held_on": date(2026, 3, 5),
            "kind": "integrity",
            "cadre_ids": [office["zhang"], office["li"]],
            "reason": "任职廉政谈话",
        },
    )
    assert tab.timeline.rowCount() == 1 and not shown(tab.timeline_empty)
    cells = [tab.timeline.item(0, col).text() for col in range(3)]
    assert cells == ["2026-03-05", "廉政谈话", "任职廉政谈话"]

    tab.scroll_area.ensureWidgetVisible(tab.timeline)
    rect = tab.timeline.visualItemRect(tab.timeline.item(0, 2))
    qtbot.mouseClick(tab.timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(tab.open_related) as signal:
        qtbot.mouseDClick(tab.timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == ["talks", talk]

    records.delete(db, "talks", talk)
    assert tab.timeline.rowCount() == 0


def test_attachments_add_open_and_save_round_trip(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    click_cadre(qtbot, tab, office["zhang"])
    panel = tab.sections["attachments"]
    assert isinstance(panel, AttachmentsPanel)
    source = tmp_path / "个人事项报告表.pdf"
    content = bytes(range(256)) * 40
    source.write_bytes(content)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(source)], ""))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)

    assert panel.model.rowCount() == 1
    assert panel.model.data(panel.model.index(0, 0)) == "个人事项报告表.pdf"
    assert panel.model.data(panel.model.index(0, 1)) == "10.0 KB"
    (row,) = records.list_records(db, "attachments")
    assert row["cadre_id"] == office["zhang"]

    panel.view.selectRow(0)
    target = tmp_path / "out" / "副本.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == content

    copy = panel.temporary_copy(row["id"])  # what 打开 hands to the system viewer
    assert copy.name == "个人事项报告表.pdf" and copy.read_bytes() == content


def test_attachment_buttons_wait_for_a_cadre(ctx: AppContext, qtbot: QtBot, db: Database) -> None:
    unit(db)  # a unit without cadres: nothing to show
    tab = make_tab(ctx, qtbot)
    panel = tab.sections["attachments"]
    assert tab.selected_id() is None and shown(tab.placeholder)
    assert not panel.add_button.isEnabled() and not panel.save_button.isEnabled()
    assert tree_texts(tab.tree_model) == [("区财政局（0人）", [])]


def test_what_cannot_be_done_with_an_attachment_or_a_file_is_said_in_a_message(
    tab: DossierTab, office: dict[str, int], qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    """Each action's UserError becomes a message box under the action's own title (the action
    runner), and the action stops there."""
    said: list[tuple[str, str]] = []

    def note(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        said.append((widget.windowTitle(), widget.text()))
        click_accept(widget)

    click_cadre(qtbot, tab, office["zhang"])
    panel = tab.sections["attachments"]
    assert isinstance(panel, AttachmentsPanel)
    # 添加附件: the first file that cannot be read ends the adding
    good = tmp_path / "谈话记录.pdf"
    good.write_bytes(b"%PDF-1.4")
    chosen = [str(tmp_path / "已移走.pdf"), str(good)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (chosen, ""))
    answer_modals(note)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert [title for title, _text in said] == ["无法添加附件"]
    assert said[0][1].startswith("无法读取文件“已移走.pdf”")
    assert panel.model.rowCount() == 0
    chosen[:] = [str(good)]
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 1
    panel.view.selectRow(0)

    # 另存为… into a folder that is not there
    target = tmp_path / "没有的文件夹" / "副本.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    answer_modals(note)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert said[-1][0] == "无法保存附件" and str(target) in said[-1][1]
    assert not target.exists()

    # 打开 a file gone meanwhile: the message, and no viewer started
    def gone(*_args: Any) -> Any:
        raise NotFoundError("附件不存在或已被删除。")

    viewers: list[object] = []

    def view(url: object) -> bool:
        viewers.append(url)
        return True

    monkeypatch.setattr(attachments, "read_attachment", gone)
    monkeypatch.setattr(QDesktopServices, "openUrl", view)
    answer_modals(note)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert said[-1] == ("无法打开附件", "附件不存在或已被删除。") and viewers == []

    # 标记已更新 and 显示完整身份证号 on a file that cannot be written or read now
    def busy(*_args: Any) -> Any:
        raise UserError("数据库正被另一程序写入，请稍后再试。")

    monkeypatch.setattr(dossier_service, "mark_file_updated", busy)
    monkeypatch.setattr(dossier_service, "full_id_number", busy)
    answer_modals(note)
    qtbot.mouseClick(tab.header.mark_button, Qt.MouseButton.LeftButton)
    answer_modals(note)
    tab.show_full_id_number()
    assert said[-2:] == [("无法完成操作", "数据库正被另一程序写入，请稍后再试。")] * 2
    assert len(said) == 5


# --- opening, the stale flag, the filter -------------------------------------------------


def test_open_record_selects_the_cadre_even_when_filtered_out(
    tab: DossierTab, office: dict[str, int], qtbot: QtBot
) -> None:
    tab.filter_edit.setText("周")
    tab.apply_filter()
    assert tree_texts(tab.tree_model) == [("教育局（1/1人）", ["周老师"])]

    assert tab.open_record(office["li"])
    assert tab.filter_edit.text() == ""
    current = tab.tree_model.key(tab.tree.currentIndex())
    assert current == ("cadres", office["li"])
    assert tab.header.name.text() == "李四"
    assert not tab.open_record(99999)


def test_stale_flag_shown_and_cleared_by_marking_updated(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], db: Database
) -> None:
    ctx.today_override = date(2027, 1, 5)  # a new year: every file is due again
    tab = make_tab(ctx, qtbot)
    tab.open_record(office["zhang"])
    index = tab.tree_model.index_of_cadre(office["zhang"])
    assert index.data(CadreTreeModel.STALE_ROLE) is True
    assert shown(tab.header.flag) and tab.header.flag.text() == "本年度未更新"
    assert "4 份档案本年度未更新" in tab.count_label.text()
    assert tab.tree_model.index_of_unit(office["finance"]).data() == "财政局（3人，3份未更新）"

    with qtbot.waitSignal(tab.status_message) as status:
        qtbot.mouseClick(tab.header.mark_button, Qt.MouseButton.LeftButton)
    assert status.args == ["共 4 名干部；3 份档案本年度未更新"]

    assert records.get(db, "cadres", office["zhang"])["file_updated_on"] == date(2027, 1, 5)
    assert not shown(tab.header.flag)
    assert tab.header.updated.text() == "档案更新：2027-01-05"
    assert tab.tree_model.index_of_cadre(office["zhang"]).data(CadreTreeModel.STALE_ROLE) is False
    assert tab.tree_model.index_of_unit(office["finance"]).data() == "财政局（3人，2份未更新）"
    assert "3 份档案本年度未更新" in tab.count_label.text()


def test_tree_filter_by_pinyin_initials_and_chinese(tab: DossierTab, qtbot: QtBot) -> None:
    qtbot.keyClicks(tab.filter_edit, "zs")
    qtbot.waitUntil(lambda: tab.tree_model.is_filtered)
    assert tree_texts(tab.tree_model) == [("财政局（1/3人）", ["张三"])]
    assert tab.count_label.text().startswith("共 4 名干部，筛选出 1 名")

    tab.filter_edit.setText("老师")
    tab.apply_filter()
    assert tree_texts(tab.tree_model) == [("教育局（1/1人）", ["周老师"])]

    tab.filter_edit.setText("财政")  # a unit's name shows all its cadres
    tab.apply_filter()
    assert [name for name, _cadres in tree_texts(tab.tree_model)] == ["财政局（3/3人）"]

    tab.filter_edit.clear()
    qtbot.waitUntil(lambda: not tab.tree_model.is_filtered)
    assert len(tree_texts(tab.tree_model)) == 2


def test_tree_model_passes_the_model_tester_when_filtered(tab: DossierTab, qtmodeltester: Any) -> None:
    tab.filter_edit.setText("李")
    tab.apply_filter()
    qtmodeltester.check(tab.tree_model)


# --- the cadre itself: new, edit, delete ------------------------------------------------


def test_new_cadre_defaults_to_the_selected_unit(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    unit_index = tab.tree_model.index_of_unit(office["education"])
    tab.tree.setCurrentIndex(unit_index)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        assert widget.editors["unit_id"].get() == office["education"]
        widget.editors["name"].set("吴老师")
        widget.save()

    errors = on_modal(fill)
    tab.new_record()
    assert not errors, errors

    (new_id,) = [r["id"] for r in records.list_records(db, "cadres") if r["name"] == "吴老师"]
    assert tab.selected_id() == new_id and tab.header.name.text() == "吴老师"
    assert tree_texts(tab.tree_model)[1] == ("教育局（2人）", ["周老师", "吴老师"])


def test_editing_the_basics_updates_header_and_tree(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    click_cadre(qtbot, tab, office["zhang"])

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        widget.editors["name"].set("张叁")
        widget.editors["position"].set("副科长")
        widget.save()

    errors = on_modal(fill)
    qtbot.mouseClick(tab.basics.edit_button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    assert tab.header.name.text() == "张叁"
    assert tab.basics.values["position"].text() == "副科长"
    assert tab.tree_model.index_of_cadre(office["zhang"]).data() == "张叁"


def test_moving_a_cadre_to_another_unit_moves_it_in_the_tree(
    tab: DossierTab, office: dict[str, int], db: Database
) -> None:
    tab.open_record(office["li"])
    records.update(db, "cadres", office["li"], {"unit_id": office["education"]})
    assert tree_texts(tab.tree_model) == [
        ("财政局（2人）", ["赵局长", "张三"]),
        ("教育局（2人）", ["李四", "周老师"]),  # leaders first, then by id
    ]
    assert tab.tree_model.key(tab.tree.currentIndex()) == ("cadres", office["li"])
    assert tab.header.details.text().startswith("教育局")


def test_deleting_the_cadre_asks_first(tab: DossierTab, office: dict[str, int], db: Database) -> None:
    tab.open_record(office["li"])

    errors = on_modal(click_message_button("取消"))
    tab.delete_selected()
    assert not errors, errors
    assert records.get(db, "cadres", office["li"])["name"] == "李四"

    errors = on_modal(click_message_button("确定"))
    tab.delete_selected()
    assert not errors, errors
    assert records.list_ids(db, "cadres", records.RecordFilter(deleted=True)) == [office["li"]]
    assert tree_texts(tab.tree_model)[0] == ("财政局（2人）", ["赵局长", "张三"])
    assert tab.selected_id() is None and shown(tab.placeholder)
    assert not tab.sections["family_members"].add_button.isEnabled()


# --- the window --------------------------------------------------------------------------


def test_window_shows_the_tab_and_opens_a_cadre(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], tmp_path: Path
) -> None:
    from wsjc_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_tab("廉政档案")
    assert isinstance(page, DossierTab) and page.is_loaded
    assert page.can_print() and page.can_export()
    assert window.show_record("cadres", office["teacher"])
    assert page.header.name.text() == "周老师"

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    page.splitter.setSizes([300, 900])
    page.save_state(settings)
    page.splitter.setSizes([500, 700])
    page.restore_state(settings)
    assert page.splitter.sizes()[0] == 300
    window.close()


def test_the_dossier_fits_the_width_of_a_1280_by_800_window(
    tab: DossierTab, office: dict[str, int], db: Database
) -> None:
    records.create(
        db,
        "integrity_opinions",
        {
            "cadre_id": office["chief"],
            "requesting_unit": "区委组织部",
            "reason": "promotion",
            "doc_number": "驻X纪复〔2026〕25号",
        },
    )
    tab.open_record(office["chief"])
    QApplication.processEvents()
    assert tab.scroll_area.horizontalScrollBar().maximum() == 0  # nothing cut off on the right
    opinions = tab.sections["integrity_opinions"].view
    assert opinions.horizontalScrollBar().maximum() == 0  # every column fits
    for label in (tab.header.name, tab.header.updated, tab.header.details):
        assert label.width() >= label.sizeHint().width()


def test_a_reply_for_a_cadre_inside_an_effect_period_warns_and_proposes_the_conclusion(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    """党风廉政意见回复 (issue 19): the form warns while the reply's date lies inside an 影响期."""
    records.create(
        db,
        "discipline_records",
        {
            "cadre_id": office["li"],
            "category": "party_sanction",
            "measure": "严重警告",
            "decided_on": date(2026, 3, 5),
        },
    )  # 影响期 to 2027-09-04
    click_cadre(qtbot, tab, office["li"])
    panel = tab.sections["integrity_opinions"]
    seen: list[tuple[str, bool, str]] = []

    def look(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        advice = widget.advice
        seen.append((advice.text(), advice.isVisible(), advice.styleSheet()))
        widget.editors["request_date"].set(date(2028, 1, 10))  # after it: no longer a warning
        seen.append((advice.text(), advice.isVisible(), advice.styleSheet()))
        widget.reject()

    errors = on_modal(look)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    (during, _shown, style), (after, _shown_after, style_after) = seen
    assert "处于影响期内" in during and "党纪处分·严重警告" in during and "2027年9月4日" in during
    assert "建议结论为“建议不宜使用”" in during and "fff4d6" in style  # the warning's colour
    assert "影响期已满" in after and "已处理且已过影响期、不持异议" in after and "fff4d6" not in style_after


def test_registering_a_clue_names_the_open_ones_about_the_same_person(
    tab: DossierTab, office: dict[str, int], db: Database, qtbot: QtBot
) -> None:
    """问题线索 (issue 19): the form names the other clues about the person or unit as it opens."""
    records.create(
        db,
        "clues",
        {
            "received_on": date(2024, 9, 1),
            "source": "petition",
            "summary": "反映违规兼职取酬",
            "disposal": "pending",
            "cadre_id": office["teacher"],
        },
    )
    click_cadre(qtbot, tab, office["teacher"])
    seen: list[tuple[str, str]] = []

    def look(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        seen.append((widget.advice.text(), widget.advice.styleSheet()))
        widget.reject()

    errors = on_modal(look)
    qtbot.mouseClick(tab.sections["clues"].add_button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    ((text, style),) = seen
    assert "另有问题线索1件，其中1件尚未办结" in text and "2024年9月1日信访举报（待处置）" in text
    assert "fff4d6" in style  # a warning while one is open
