"""监督单位 → 政治生态研判: the selected unit's year, its charts, risk points and open items;
another year; a change refreshes it; the report exported as PDF and Word and previewed."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.printing.conftest import all_text, read_pdf
from tests.services.test_unit_profile import build_world
from tests.ui.test_print_preview import no_preview_left_open, when_modal
from wsjc_desktop.services import records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.print_preview import PrintPreviewDialog
from wsjc_desktop.ui.tabs.unit_profile import UnitProfilePage
from wsjc_desktop.ui.tabs.units import UnitsTab

#: Set to a PNG path to keep a picture of the page (docs/screenshots/unit_profile.png).
SCREENSHOT = os.environ.get("WSJC_PROFILE_SCREENSHOT")


@pytest.fixture
def world(ctx: AppContext) -> dict[str, int]:
    return build_world(ctx.db)


@pytest.fixture
def units(ctx: AppContext, qtbot: QtBot, world: dict[str, int]) -> Iterator[UnitsTab]:
    tab = UnitsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1340, 700)
    tab.show()
    qtbot.waitUntil(lambda: tab.is_loaded)
    yield tab


def _cells(table: Any) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _open(units: UnitsTab, unit_id: int, qtbot: QtBot) -> UnitProfilePage:
    assert units.select_id(unit_id)
    page = units.show_profile()
    qtbot.waitUntil(lambda: page.profile is not None and page.profile.unit_id == unit_id)
    return page


def test_the_page_shows_the_units_year(units: UnitsTab, world: dict[str, int], qtbot: QtBot) -> None:
    page = _open(units, world["unit"], qtbot)
    assert page.heading.text() == "区财政局　2026年度政治生态分析研判"
    assert (
        "2026年，对区财政局开展谈话3人次，列席会议2次、提出意见建议3条，发出廉情提醒4份"
        in page.summary.text()
    )
    rows = {row[0]: row[1:] for row in _cells(page.figures)}
    assert rows["谈话（人次）"] == ["0", "1", "3"]
    assert rows["发现问题（个）"] == ["0", "1", "3"]
    assert rows["受理问题线索（件）"] == ["0", "0", "2"]
    assert [page.figures.horizontalHeaderItem(c).text() for c in range(4)] == [
        "统计项",
        "2024年",
        "2025年",
        "2026年",
    ]
    # three charts of the three years; the first: 谈话人次 1 and 3 in proportion
    assert [c.title for c in page.charts] == ["谈话与列席会议", "廉情提醒与问题整改", "问题线索与处分处理"]
    first = page.charts[0]
    assert first.categories == ("2024年", "2025年", "2026年")
    talks = sorted((rect for j, _i, rect in first.bar_rects() if j == 0), key=lambda r: r.left())
    assert len(talks) == 2 and talks[1].height() == pytest.approx(3 * talks[0].height(), rel=0.01)
    assert _cells(page.risks)[0][:3] == ["高", "财务科、资金支付", "资金支付审核不严"]
    assert len(_cells(page.risks)) == 2
    # as of the window's today (2026-06-15): the 提醒函 is overdue and shown in red
    open_rows = _cells(page.open_items)
    assert [r[0] for r in open_rows] == ["廉情提醒"] * 3 + ["问题"] * 2 + ["问题线索"]
    overdue = [r for r in open_rows if r[3] == "逾期未反馈"]
    assert len(overdue) == 1 and "公务用车管理" in overdue[0][1]
    row = open_rows.index(overdue[0])
    assert page.open_items.item(row, 0).foreground().color().name() == "#b81c1c"
    assert "高风险点主要在财务科" in page.assessment.text()
    if SCREENSHOT:
        units.splitter.setSizes([110, 590])
        page.grab()  # lay out
        units.grab().save(SCREENSHOT)


def test_another_year_and_a_change_redraw_it(
    units: UnitsTab, world: dict[str, int], ctx: AppContext, qtbot: QtBot
) -> None:
    page = _open(units, world["unit"], qtbot)
    page.year.setValue(2025)
    qtbot.waitUntil(lambda: page.profile is not None and page.profile.year == 2025)
    assert page.heading.text() == "区财政局　2025年度政治生态分析研判"
    assert page.charts[0].categories == ("2023年", "2024年", "2025年")
    assert "2025年，对区财政局开展谈话1人次" in page.summary.text()
    page.year.setValue(2026)
    qtbot.waitUntil(lambda: page.profile is not None and page.profile.year == 2026)
    cadre_id = records.create(ctx.db, "cadres", {"name": "周新", "unit_id": world["unit"]})
    records.create(
        ctx.db, "talks", {"kind": "integrity", "held_on": date(2026, 6, 1), "cadre_ids": [cadre_id]}
    )
    qtbot.waitUntil(lambda: "开展谈话4人次" in page.summary.text())
    # another unit: its own figures, none of 区财政局's
    other = _open(units, world["other"], qtbot)
    assert other.heading.text().startswith("区商务局")
    assert "商务局的风险" in str(_cells(other.risks))


def test_no_unit_selected_nothing_to_export(ctx: AppContext, qtbot: QtBot) -> None:
    page = UnitProfilePage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.set_unit(None)
    assert page.heading.text() == "请在上方列表中选择一个单位。"
    assert not page.pdf_button.isEnabled() and not page.word_button.isEnabled()
    assert not page.preview_button.isEnabled()


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_export_the_report(
    units: UnitsTab,
    world: dict[str, int],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    suffix: str,
) -> None:
    page = _open(units, world["unit"], qtbot)
    offered: list[str] = []

    def save_name(parent: QWidget, caption: str, default: str, filters: str, *rest: Any) -> tuple[str, str]:
        offered.append(default)
        return str(tmp_path / "研判"), filters  # no suffix typed: it is added

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    button = page.pdf_button if suffix == ".pdf" else page.word_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    target = tmp_path / f"研判{suffix}"
    qtbot.waitUntil(target.exists)
    assert Path(offered[0]).name == f"财政局2026年度政治生态分析研判报告{suffix}"
    assert str(target) in page.status.text()
    if suffix == ".pdf":
        assert "关于区财政局2026年度政治生态分析研判情况的报告" in all_text(read_pdf(target))
    else:
        with zipfile.ZipFile(target) as archive:
            assert "区财政局" in archive.read("word/document.xml").decode("utf-8")


def test_preview_shows_the_report(units: UnitsTab, world: dict[str, int], qtbot: QtBot) -> None:
    page = _open(units, world["unit"], qtbot)
    pages: list[int] = []
    errors: list[BaseException] = []

    def in_preview(widget: QWidget) -> None:
        assert isinstance(widget, PrintPreviewDialog)
        pages.append(widget.page_count)
        widget.close_button.click()

    when_modal(PrintPreviewDialog, in_preview, errors)
    page.preview_button.click()
    qtbot.waitUntil(lambda: bool(pages) or bool(errors))
    if errors:
        raise errors[0]
    assert pages[0] >= 2
    assert no_preview_left_open()
    QApplication.processEvents()
