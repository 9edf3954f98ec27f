"""问题线索 (issue 19, point 3): the register of clues, walked through the real tab. A clue is
registered with the record form (which names the earlier clues about the same person), its
stage deadline passes and the light turns red, and 推进阶段… takes it to 办结 with a 形态."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from tests.ui.conftest import TODAY
from tests.ui.modal import answer_modals, click_accept
from wsjc_desktop.domain.enums import ClueDisposal, ClueStage, FourForms
from wsjc_desktop.services import clues, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.tabs.clues import LIGHT_COLORS, AdvanceDialog, CluesTab

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def tab(ctx: AppContext, qtbot: QtBot) -> Iterator[CluesTab]:
    page = CluesTab(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 560)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    yield page


def column(tab: CluesTab, key: str) -> int:
    return next(i for i, c in enumerate(tab.model.columns) if c.key == key)


def cell(
    tab: CluesTab, clue_id: int, key: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole
) -> object:
    row = tab.model.row_of(clue_id)
    assert row is not None, "the clue is not in the list"
    return tab.model.data(tab.model.index(row, column(tab, key)), role)


def clue(ctx: AppContext, **values: object) -> int:
    base = {"received_on": TODAY, "source": "petition", "summary": "反映违规吃喝", "disposal": "pending"}
    return records.create(ctx.db, "clues", {**base, **values})


def due_clues(ctx: AppContext, *, but: int | None = None) -> dict[int, str]:
    """The clues on the 工作台's to-do list today (their lines), but one."""
    from wsjc_desktop.services import todo

    sections = todo.todo_list(ctx.db, ctx.today)
    return {
        item.record_id: item.text
        for section in sections
        for item in section.items
        if item.table == "clues" and item.record_id != but
    }


def test_a_clue_registered_goes_red_past_its_deadline_and_is_closed_with_a_形态(
    tab: CluesTab, ctx: AppContext, logged_in: int, qtbot: QtBot
) -> None:
    finance = unit(ctx.db, "区财政局")
    zhang = cadre(ctx.db, finance, "张三")
    clue(ctx, received_on=date(2025, 9, 1), summary="反映违规兼职取酬", cadre_id=zhang)  # still open
    tab.apply_filters()
    advice: list[tuple[str, bool]] = []

    def register(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        widget.editors["source"].set("petition")
        widget.editors["unit_id"].set(finance)
        widget.editors["cadre_id"].set(zhang)
        widget.editors["summary"].set("反映张三收受管理服务对象礼金")
        advice.append((widget.advice.text(), widget.advice.isVisible()))
        widget.save()

    answer_modals(register)
    tab.new_record()
    ((note, shown),) = advice
    assert shown and "另有问题线索1件，其中1件尚未办结" in note and "2025年9月1日信访举报（待处置）" in note
    made = tab.selected_id()
    assert made is not None
    row = records.get(ctx.db, "clues", made)
    assert (row["stage"], row["stage_since"], row["handler_id"]) == (ClueStage.REGISTERED, TODAY, logged_in)
    # 登记 may take 7 days: green today
    assert cell(tab, made, "deadline") == "剩7天"
    assert cell(tab, made, "deadline", Qt.ItemDataRole.ForegroundRole) == LIGHT_COLORS[clues.Light.GREEN]
    assert cell(tab, made, "stage") == "登记" and cell(tab, made, "handler_id") == "王建国"

    ctx.today_override = TODAY + timedelta(days=8)  # the stage's deadline has passed
    tab.apply_filters()
    assert cell(tab, made, "deadline") == "超期1天"
    tip = cell(tab, made, "deadline", Qt.ItemDataRole.ToolTipRole)
    assert tip == "登记阶段自2026年6月15日起，期限7天，至2026年6月22日（超期）"
    assert isinstance(cell(tab, made, "deadline", Qt.ItemDataRole.DecorationRole), QIcon)  # the round light
    red = cell(tab, made, "deadline", Qt.ItemDataRole.ForegroundRole)
    assert isinstance(red, QColor) and red == QColor("#c0392b") == LIGHT_COLORS[clues.Light.RED]
    # and the 工作台's to-do list has it, the earlier (long overdue) clue too
    assert due_clues(ctx) == {made: "问题线索“反映张三收受管理服务对象礼金”登记超期1天"} | due_clues(
        ctx, but=made
    )

    # 推进阶段… straight to 办结: the dialog asks for the way, the result and the 形态
    assert tab.select_id(made) and tab.advance_button.isEnabled() and not tab.reopen_button.isEnabled()
    seen: list[str] = []

    def close(widget: QWidget) -> None:
        assert isinstance(widget, AdvanceDialog)
        assert widget.stage.currentText() == "研判"  # the next stage first
        widget.stage.setCurrentIndex(widget.stage.findData(ClueStage.CLOSED.value))
        assert widget.layout_form.isRowVisible(widget.form_choice)
        assert widget.layout_form.isRowVisible(widget.disposal)  # no way chosen yet
        assert widget.on.text() == "2026-06-23"  # today
        widget.disposal.setCurrentIndex(widget.disposal.findData(ClueDisposal.TALK_INQUIRY.value))
        widget.result_text.setPlainText("经函询，本人如实说明情况，予以采信。")
        QTest.mouseClick(widget.ok_button, Qt.MouseButton.LeftButton)  # no 形态 yet: refused, stays open
        seen.append(widget.error.text())
        assert widget.isVisible()
        widget.form_choice.setCurrentIndex(widget.form_choice.findData(FourForms.FIRST.value))
        QTest.mouseClick(widget.ok_button, Qt.MouseButton.LeftButton)

    answer_modals(close)
    QTest.mouseClick(tab.advance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(tab, made, "stage") == "办结")
    assert seen == ["办结的线索请选择处理形态（未形成处理或第几种形态）。"]
    assert cell(tab, made, "deadline") == ""  # the light is gone
    assert cell(tab, made, "deadline", Qt.ItemDataRole.DecorationRole) is None
    assert cell(tab, made, "deadline", Qt.ItemDataRole.ForegroundRole) != LIGHT_COLORS[clues.Light.RED]
    assert cell(tab, made, "form") == "第一种形态" and cell(tab, made, "disposal") == "谈话函询"
    assert cell(tab, made, "closed_on") == "2026-06-23"
    assert not tab.advance_button.isEnabled() and tab.reopen_button.isEnabled()
    assert made not in due_clues(ctx)  # 办结: off the to-do list

    # 撤回办结: back to 处置, its days counted from today
    answer_modals(click_accept)
    QTest.mouseClick(tab.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(tab, made, "stage") == "处置")
    assert cell(tab, made, "deadline") == "剩60天" and cell(tab, made, "form") == ""


def test_one_stage_at_a_time_and_the_light_starts_again(tab: CluesTab, ctx: AppContext, qtbot: QtBot) -> None:
    made = clue(ctx, received_on=TODAY - timedelta(days=5))
    tab.apply_filters()
    assert cell(tab, made, "deadline") == "剩2天"
    yellow = cell(tab, made, "deadline", Qt.ItemDataRole.ForegroundRole)
    assert yellow == LIGHT_COLORS[clues.Light.YELLOW]
    tab.select_id(made)

    def to_assessing(widget: QWidget) -> None:
        assert isinstance(widget, AdvanceDialog)
        assert [widget.stage.itemText(i) for i in range(widget.stage.count())] == ["研判", "处置", "办结"]
        assert not widget.layout_form.isRowVisible(widget.disposal)  # 研判 asks for nothing more
        widget.on.setText("2026-06-01")  # before the clue was received: refused
        widget.accept()
        assert "不能早于受理日期" in widget.error.text()
        widget.on.setText("2026-06-15")
        widget.accept()

    answer_modals(to_assessing)
    tab.advance_selected()
    qtbot.waitUntil(lambda: cell(tab, made, "stage") == "研判")
    assert cell(tab, made, "deadline") == "剩15天"  # 研判: 15 days from today

    def to_disposing(widget: QWidget) -> None:
        assert isinstance(widget, AdvanceDialog)
        assert widget.stage.currentText() == "处置" and widget.layout_form.isRowVisible(widget.disposal)
        assert not widget.layout_form.isRowVisible(widget.form_choice)
        widget.disposal.setCurrentIndex(widget.disposal.findData(ClueDisposal.TRANSFERRED.value))
        widget.accept()

    answer_modals(to_disposing)
    tab.advance_selected()
    qtbot.waitUntil(lambda: cell(tab, made, "stage") == "处置")
    assert cell(tab, made, "disposal") == "移送立案审查"


def test_the_filters_and_the_督办_mark(tab: CluesTab, ctx: AppContext) -> None:
    finance, education = unit(ctx.db, "区财政局"), unit(ctx.db, "区教育局")
    wang, li = member(ctx.db, "王建国"), member(ctx.db, "李秀英")
    mine = clue(ctx, unit_id=finance, handler_id=wang, supervised=True, source="assigned")
    theirs = clue(ctx, unit_id=education, handler_id=li)
    closed = clue(ctx, unit_id=education, handler_id=li)
    clues.advance(ctx.db, closed, ClueStage.CLOSED, on=TODAY, disposal="closed", result="不属实", form="none")
    old = clue(ctx, received_on=date(2025, 3, 1), handler_id=wang)
    bar = tab.filters
    assert bar.member.itemText(0) == "全部主办人"
    assert [bar.member.itemText(i) for i in range(1, bar.member.count())] == ["王建国", "李秀英"]
    tab.apply_filters()
    assert set(tab.model.ids) == {mine, theirs, closed}  # this year
    assert cell(tab, mine, "supervised") == "★督办" and cell(tab, theirs, "supervised") == ""
    assert cell(tab, mine, "supervised", Qt.ItemDataRole.ForegroundRole) == QColor("#c0392b")
    bar.member.setCurrentIndex(bar.member.findData(li))
    assert set(tab.model.ids) == {theirs, closed}
    bar.status.setCurrentIndex(bar.status.findData(ClueStage.CLOSED.value))
    assert tab.model.ids == [closed]
    bar.clear()
    bar.year.setCurrentIndex(bar.year.findData(2025))
    assert tab.model.ids == [old]
    bar.year.setCurrentIndex(0)
    bar.kind.setCurrentIndex(bar.kind.findData("assigned"))
    assert tab.model.ids == [mine]
    bar.kind.setCurrentIndex(0)
    bar.unit.setCurrentIndex(bar.unit.findData(education))
    assert set(tab.model.ids) == {theirs, closed}


def test_the_register_with_its_lights(tab: CluesTab, ctx: AppContext, qtbot: QtBot) -> None:
    """The screenshot: green, yellow and red lights, a clue under 督办, one 办结."""
    settings.set_many(ctx.db, {"clues.stage_days": {"registered": 7, "assessing": 15, "disposing": 60}})
    finance, education, health = (
        unit(ctx.db, "区财政局"),
        unit(ctx.db, "区教育局"),
        unit(ctx.db, "区卫生健康局"),
    )
    wang, li = member(ctx.db, "王建国"), member(ctx.db, "李秀英")
    zhang, zhao = cadre(ctx.db, finance, "张三"), cadre(ctx.db, education, "赵丽")
    made = [
        clue(
            ctx,
            received_on=TODAY - timedelta(days=2),
            unit_id=finance,
            cadre_id=zhang,
            handler_id=wang,
            summary="反映张三违规收受管理服务对象礼金",
        ),
        clue(
            ctx,
            received_on=TODAY - timedelta(days=5),
            unit_id=education,
            cadre_id=zhao,
            handler_id=li,
            source="assigned",
            summary="反映赵丽在职称评审中优亲厚友",
            supervised=True,
        ),
        clue(
            ctx,
            received_on=TODAY - timedelta(days=40),
            unit_id=health,
            handler_id=wang,
            source="supervision",
            summary="反映区卫生健康局违规发放津补贴",
        ),
        clue(
            ctx,
            received_on=TODAY - timedelta(days=70),
            unit_id=finance,
            handler_id=li,
            source="audit",
            summary="审计移送：专项资金拨付程序不规范",
        ),
    ]
    clues.advance(ctx.db, made[2], ClueStage.ASSESSING, on=TODAY - timedelta(days=20))
    clues.advance(
        ctx.db, made[3], ClueStage.DISPOSING, on=TODAY - timedelta(days=60), disposal="preliminary_check"
    )
    clues.advance(
        ctx.db,
        made[3],
        ClueStage.CLOSED,
        on=TODAY - timedelta(days=10),
        result="经初步核实，已责令整改。",
        form="first",
    )
    tab.apply_filters()
    texts = [cell(tab, i, "deadline") for i in made]
    assert texts == ["剩5天", "剩2天", "超期5天", ""]
    colours = [cell(tab, i, "deadline", Qt.ItemDataRole.ForegroundRole) for i in made[:3]]
    assert colours == [
        LIGHT_COLORS[clues.Light.GREEN],
        LIGHT_COLORS[clues.Light.YELLOW],
        LIGHT_COLORS[clues.Light.RED],
    ]
    tab.select_id(made[0])
    qtbot.wait(50)
    tab.grab().save(str(SCREENSHOTS / "clues_tab.png"))


def test_the_window_has_the_tab(window: object, ctx: AppContext) -> None:
    from wsjc_desktop.ui.main_window import TAB_FOR_TABLE, MainWindow

    assert isinstance(window, MainWindow)
    assert TAB_FOR_TABLE["clues"] == "问题线索"
    made = clue(ctx)
    assert window.show_record("clues", made)  # a search hit opens here
    page = window.tabs.currentWidget()
    assert isinstance(page, CluesTab) and page.selected_id() == made
    assert window.tabs.tabText(window.tabs.currentIndex()) == "问题线索"


def test_the_lights_follow_new_stage_days_at_once(tab: CluesTab, ctx: AppContext, qtbot: QtBot) -> None:
    """设置 → 线索期限 saved (here or on the other PC): the open register redraws its lights."""
    made = clue(ctx, received_on=TODAY - timedelta(days=3))
    tab.apply_filters()
    assert cell(tab, made, "deadline") == "剩4天"
    settings.set_many(ctx.db, {"clues.stage_days": {"registered": 3, "assessing": 15, "disposing": 60}})
    qtbot.waitUntil(lambda: cell(tab, made, "deadline") == "今日到期")
    assert cell(tab, made, "deadline", Qt.ItemDataRole.ForegroundRole) == LIGHT_COLORS[clues.Light.YELLOW]


def test_a_read_only_file_moves_no_clue(ctx: AppContext, qtbot: QtBot) -> None:
    made = clue(ctx)
    ctx.db.readonly = True
    try:
        page = CluesTab(ctx)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: page.is_loaded)
        assert page.select_id(made)
        assert not page.advance_button.isEnabled() and not page.reopen_button.isEnabled()
        opened = answer_modals(lambda widget: widget.close(), timeout_ms=300)  # closes one if it came
        page.advance_selected()  # a menu's way in: no dialog, nothing written
        qtbot.wait(400)
        assert opened == []
        assert records.get(ctx.db, "clues", made)["stage"] is ClueStage.REGISTERED
        assert cell(page, made, "deadline") == "剩7天"  # the lights still show
    finally:
        ctx.db.readonly = False
