"""工作台 (issue 19): the supervision loop's to-dos (a clue past its stage's limit, a problem past
its 整改期限, a month of a 巡视巡察整改期 without its check) appear, open their record and follow
changes. Real widgets on a real SQLite file; TODAY is 2026-06-15."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.builders import AGENCY_CODE, member, unit
from tests.ui.tabs.test_dashboard import CALENDAR, dashboard
from wsjc_desktop.services import records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow


@pytest.fixture
def loop(ctx: AppContext) -> dict[str, int]:
    settings.set_many(ctx.db, {**CALENDAR, "group.agency_code": AGENCY_CODE})
    ids = {
        "finance": unit(
            ctx.db, "区财政局", sort_order=1, rectification_from="2026-04-01", rectification_to="2026-09-30"
        ),
        "health": unit(ctx.db, "区卫生健康委员会", short_name="区卫健委", sort_order=2),
    }
    li = member(ctx.db, "李明")
    ids["clue"] = records.create(
        ctx.db,
        "clues",
        {
            "received_on": "2026-06-01",
            "source": "petition",
            "summary": "反映区卫健委某科室违规收受礼金",
            "disposal": "pending",
            "unit_id": ids["health"],
            "stage": "assessing",
            "stage_since": "2026-06-02",
            "handler_id": li,
            "supervised": True,
        },
    )
    ids["problem"] = records.create(
        ctx.db,
        "problems",
        {
            "found_on": "2026-05-10",
            "unit_id": ids["finance"],
            "category": "finance",
            "severity": "serious",
            "source": "other",
            "description": "差旅费报销审核不严，存在超标准报销",
            "deadline": "2026-06-05",
        },
    )
    records.create(
        ctx.db,
        "inspections",
        {
            "started_on": "2026-04-20",
            "kind": "rectification",
            "unit_ids": [ids["finance"]],
            "title": "巡视整改",
        },
    )
    return ids


def test_the_loops_to_dos_are_listed_and_open_their_records(
    loop: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    heads = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert heads == ["问题线索临期或超期（1 件）", "问题整改逾期（1 个）", "巡视巡察整改监督未开展（2 个月）"]
    assert [line.text(0) for line in page.lines()] == [
        "问题线索“反映区卫健委某科室违规收受礼金”研判剩2天（督办）",
        "区财政局：“差旅费报销审核不严，存在超标准报销”问题整改逾期10天",
        "区财政局2026年5月未开展巡视巡察整改监督",
        "区财政局2026年6月未开展巡视巡察整改监督",
    ]
    assert page.item_targets() == [
        ("clues", loop["clue"]),
        ("problems", loop["problem"]),
        ("units", loop["finance"]),
        ("units", loop["finance"]),
    ]
    # activating a line asks the window to open its record (the clue, the problem, the unit)
    for table, record_id in (
        ("clues", loop["clue"]),
        ("problems", loop["problem"]),
        ("units", loop["finance"]),
    ):
        window.show_tab("工作台")
        line = page.find_item(table, record_id)
        assert line is not None
        page.tree.setCurrentItem(line)
        page.tree.setFocus()
        with qtbot.waitSignal(page.open_related) as opened:
            qtbot.keyClick(page.tree, Qt.Key.Key_Return)
        assert opened.args == [table, record_id]
        # and the window shows it, selected, in its register
        shown = {"clues": "问题线索", "problems": "问题台账", "units": "监督单位"}[table]

        def opened_in(title: str = shown, wanted: int = record_id) -> bool:
            register = window.tabs.currentWidget()
            current = window.tabs.tabText(window.tabs.currentIndex())
            return current == title and getattr(register, "selected_id", lambda: None)() == wanted

        qtbot.waitUntil(opened_in)

    if os.environ.get("WSJC_SCREENSHOTS"):
        window.resize(1280, 800)
        window.show_tab("工作台")
        qtbot.wait(50)
        page.grab().save(str(Path(os.environ["WSJC_SCREENSHOTS"]) / "dashboard_loop.png"))


def test_the_loops_to_dos_follow_changes(
    loop: dict[str, int], window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    # the clue moves on to 处置 today: its light is green again
    records.update(ctx.db, "clues", loop["clue"], {"stage": "disposing", "stage_since": "2026-06-15"})
    qtbot.waitUntil(lambda: page.find_item("clues", loop["clue"]) is None)
    # a longer 整改期限: no longer overdue
    records.update(ctx.db, "problems", loop["problem"], {"deadline": "2026-06-30"})
    qtbot.waitUntil(lambda: page.find_item("problems", loop["problem"]) is None)
    # June's check is made: May alone remains
    records.create(
        ctx.db,
        "inspections",
        {
            "started_on": "2026-06-12",
            "kind": "rectification",
            "unit_ids": [loop["finance"]],
            "title": "巡视整改",
        },
    )
    qtbot.waitUntil(lambda: len(page.lines()) == 1)
    assert page.lines()[0].text(0) == "区财政局2026年5月未开展巡视巡察整改监督"
    # a shorter 研判 limit in 设置 turns a clue red again
    records.update(ctx.db, "clues", loop["clue"], {"stage": "assessing", "stage_since": "2026-06-10"})
    settings.set_many(ctx.db, {"clues.stage_days": {"registered": 7, "assessing": 3, "disposing": 60}})
    qtbot.waitUntil(lambda: page.find_item("clues", loop["clue"]) is not None)
    assert page.find_item("clues", loop["clue"]).text(0).endswith("研判超期2天（督办）")  # type: ignore[union-attr]
