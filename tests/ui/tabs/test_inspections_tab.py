"""监督检查: the list, the problems found by the selected inspection beneath it, and forms whose
links to other records are choices (an inspection's units, a problem's notice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import agency_code, unit
from tests.ui.conftest import TODAY
from tests.ui.modal import answer_modals
from wsjc_desktop.domain.enums import InspectionKind, ProblemSource
from wsjc_desktop.services import problems, records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import ComboEditor, LineEditor, RecordDialog
from wsjc_desktop.ui.tabs.inspections import InspectionsTab
from wsjc_desktop.ui.tabs.problems import ProblemsTab


@pytest.fixture
def inspections_tab(ctx: AppContext, qtbot: QtBot) -> Iterator[InspectionsTab]:
    page = InspectionsTab(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    yield page


def inspection(ctx: AppContext, unit_ids: list[int], title: str, started: date) -> int:
    return records.create(
        ctx.db,
        "inspections",
        {"kind": InspectionKind.UNANNOUNCED, "started_on": started, "unit_ids": unit_ids, "title": title},
    )


def problem(ctx: AppContext, unit_id: int, inspection_id: int | None, text: str) -> int:
    return records.create(
        ctx.db,
        "problems",
        {
            "found_on": TODAY,
            "unit_id": unit_id,
            "description": text,
            "category": "conduct",
            "severity": "minor",
            "source": "inspection" if inspection_id else "other",
            "inspection_id": inspection_id,
        },
    )


def test_the_panel_lists_the_problems_of_the_selected_inspection(
    inspections_tab: InspectionsTab, ctx: AppContext, qtbot: QtBot
) -> None:
    audit, stats = unit(ctx.db, "区审计局"), unit(ctx.db, "区统计局")
    first = inspection(ctx, [stats, audit], "工作日午间饮酒明察暗访", date(2026, 6, 1))
    second = inspection(ctx, [audit], "上班纪律明察暗访", date(2026, 6, 5))
    late = problem(ctx, stats, first, "两名干部工作日午间饮酒")
    problem(ctx, audit, second, "上班时间脱岗")
    problem(ctx, audit, None, "与检查无关的问题")
    qtbot.waitUntil(lambda: inspections_tab.model.rowCount() == 2)
    panel = inspections_tab.found
    assert not panel.add_button.isEnabled() and not inspections_tab.problem_button.isEnabled()

    assert inspections_tab.select_id(first)
    qtbot.waitUntil(lambda: panel.model.ids == [late])
    assert panel.parent_values == {
        "inspection_id": first,
        "source": ProblemSource.INSPECTION,
        "unit_id": audit,  # the first of its units (they are kept in no order: by id)
    }
    assert inspections_tab.problem_button.isEnabled()

    # one registered elsewhere (the service) appears at once
    another = problem(ctx, audit, first, "公车私用")
    qtbot.waitUntil(lambda: sorted(panel.model.ids) == sorted([late, another]))

    assert inspections_tab.select_id(second)
    qtbot.waitUntil(lambda: len(panel.model.ids) == 1 and late not in panel.model.ids)


def test_the_inspection_form_offers_units_to_tick(
    inspections_tab: InspectionsTab, ctx: AppContext, qtbot: QtBot
) -> None:
    audit = unit(ctx.db, "区审计局")
    unit(ctx.db, "区统计局")
    kinds: list[type] = []

    def look(dialog: object) -> None:
        assert isinstance(dialog, RecordDialog)
        editor = dialog.editors["unit_ids"]
        kinds.append(type(editor))
        assert not isinstance(editor, LineEditor)
        editor.set([audit])
        dialog.editors["title"].set("财务报销日常监督")
        dialog.save()

    answer_modals(look)
    inspections_tab.new_record()
    assert kinds and kinds[0] is not LineEditor
    (inspection_id,) = records.list_ids(ctx.db, "inspections")
    row = records.get(ctx.db, "inspections", inspection_id)
    assert row["unit_ids"] == [audit] and row["title"] == "财务报销日常监督"
    assert row["kind"] is InspectionKind.ROUTINE  # the spec's default
    assert row["member_ids"] == []  # nobody logged in here


def test_editing_a_problem_keeps_its_links(ctx: AppContext, qtbot: QtBot) -> None:
    """The notice a problem was handed off by is a choice in its form, kept when saved as is."""
    agency_code(ctx.db)
    audit = unit(ctx.db, "区审计局")
    inspection_id = inspection(ctx, [audit], "公务接待专项检查", date(2026, 6, 1))
    problem_id = problem(ctx, audit, inspection_id, "超标准接待")
    notice_id = problems.notice_for(ctx.db, problem_id, today=TODAY)
    page = ProblemsTab(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    assert page.select_id(problem_id)
    chosen: dict[str, object] = {}

    def save_as_is(dialog: object) -> None:
        assert isinstance(dialog, RecordDialog)
        for name in ("notice_id", "inspection_id"):
            editor = dialog.editors[name]
            assert isinstance(editor, ComboEditor), (name, type(editor))
            chosen[name] = editor.get()
            chosen[name + "_label"] = editor.combo.currentText()

        def shown() -> set[str]:
            links = ("inspection_id", "meeting_id", "talk_id", "clue_id", "notice_id", "handoff_talk_id")
            return {n for n in links if not dialog.editors[n].widget.parentWidget().isHidden()}

        assert shown() == {"inspection_id", "notice_id"}  # what its 来源 and 交办方式 call for
        source = dialog.editors["source"]
        assert isinstance(source, ComboEditor)
        source.combo.setCurrentIndex(source.combo.findText("列席会议"))
        assert shown() == {"meeting_id", "notice_id"}
        source.combo.setCurrentIndex(source.combo.findText("监督检查"))
        dialog.save()

    answer_modals(save_as_is)
    page.edit_selected()
    assert chosen["notice_id"] == notice_id and chosen["inspection_id"] == inspection_id
    assert chosen["notice_id_label"] == "草稿 关于超标准接待问题的廉情抄告单"
    assert chosen["inspection_id_label"] == "2026-06-01 公务接待专项检查"
    row = records.get(ctx.db, "problems", problem_id)
    assert (row["notice_id"], row["inspection_id"]) == (notice_id, inspection_id)
