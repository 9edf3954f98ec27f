"""政治生态分析研判报告: the PDF read back (text, tables, the bars of the charts) and drawn by
pdftoppm; the .docx read back from its XML."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.printing.conftest import Page, all_text, read_pdf
from tests.services.test_unit_profile import TODAY, YEAR, build_world
from wsjc_desktop.printing.unit_profile import HEADINGS, SERIES_COLOURS
from wsjc_desktop.services import unit_profile as up
from wsjc_desktop.storage.database import open_database


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("unit_profile")
    db = open_database(folder / "wsjc.db")
    try:
        ids = build_world(db)
        out = {"pdf": folder / "profile.pdf", "docx": folder / "profile.docx"}
        for path in out.values():
            up.write_report(db, ids["unit"], YEAR, path, today=TODAY)
    finally:
        db.dispose()
    return out


@pytest.fixture(scope="module")
def pages(reports: dict[str, Path]) -> list[Page]:
    return read_pdf(reports["pdf"])


def test_title_headings_and_sentences(pages: list[Page]) -> None:
    text = all_text(pages)
    assert text.startswith("关于区财政局2026年度政治生态分析研判情况的报告")
    for number, heading in zip("一二三四五六", HEADINGS, strict=True):
        assert f"{number}、{heading}" in text
    assert (
        "2026年，对区财政局开展谈话3人次，列席会议2次、提出意见建议3条，发出廉情提醒4份，整改完成率33.3%"
        in text
    )
    assert "尚有未办结廉情提醒3份（其中逾期1份）" in text
    # the headings in 黑体 at 3号
    heading = pages[0].find("一、基本情况")
    assert all(c.size == 16.0 for c in heading)


def test_tables_of_figures_risks_and_open_items(pages: list[Page]) -> None:
    cells = [cell for page in pages for cell in page.cells]
    assert "统计项" in cells and "2024年" in cells and "2026年" in cells
    at = cells.index("谈话（人次）")
    assert cells[at : at + 4] == ["谈话（人次）", "0", "1", "3"]
    at = cells.index("发现问题（个）")
    assert cells[at : at + 4] == ["发现问题（个）", "0", "1", "3"]
    at = cells.index("整改完成率")
    assert cells[at : at + 4] == ["整改完成率", "—", "—", "33.3%"]
    assert "资金支付审核不严" in cells and "财务科、资金支付" in cells
    assert "商务局的风险" not in "".join(cells)
    assert "逾期未整改" in cells and "登记·超期" in cells
    assert any("关于公务用车管理的提醒函" in c for c in cells)


def _bars(pages: list[Page]) -> list[tuple[int, float, float, float]]:
    """The charts' bars: (series index by colour, x, top, height) in points (not the legends'
    swatches: those are 8.4 points square)."""
    out = []
    for page in pages:
        for rect in page.rects:
            colour = rect.get("non_stroking_color")
            if not isinstance(colour, (tuple, list)) or len(colour) != 3:
                continue
            for j, wanted in enumerate(SERIES_COLOURS):
                if all(abs(a - b) < 0.01 for a, b in zip(colour, wanted, strict=True)) and rect["width"] > 12:
                    out.append((j, rect["x0"], rect["top"], rect["height"]))
    return out


def test_the_charts_draw_a_bar_per_nonzero_value_in_proportion(pages: list[Page]) -> None:
    bars = _bars(pages)
    # 谈话 0/1/3, 会议 0/1/2, 意见 0/0/3; 提醒 0/0/4, 问题 0/1/3, 销号 0/1/1; 线索 0/0/2, 处分 0/0/2
    assert len(bars) == 12
    # the first chart (its axis the highest on the page): the 谈话人次 bars of 2025 (1) and
    # 2026 (3), heights in proportion 1 : 3
    axes = sorted({round(top + height) for _, _, top, height in bars})
    first = [b for b in bars if round(b[2] + b[3]) == axes[0] and b[0] == 0]
    low, high = sorted(first, key=lambda b: b[1])
    assert high[3] == pytest.approx(3 * low[3], rel=0.02)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdftoppm_draws_every_page(reports: dict[str, Path], tmp_path: Path) -> None:
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "30", str(reports["pdf"]), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    drawn = sorted(tmp_path.glob("page-*.png"))
    assert len(drawn) == len(read_pdf(reports["pdf"])) >= 2
    assert all(p.stat().st_size > 2000 for p in drawn)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_the_docx_holds_the_same_report(reports: dict[str, Path]) -> None:
    text = _docx_text(reports["docx"])
    assert "关于区财政局2026年度政治生态分析研判情况的报告" in text
    for number, heading in zip("一二三四五六", HEADINGS, strict=True):
        assert f"{number}、{heading}" in text
    assert "开展谈话3人次，列席会议2次、提出意见建议3条" in text
    assert "谈话（人次）013" in text  # the row: label, then 2024, 2025, 2026
    assert "资金支付审核不严" in text and "登记·超期" in text
    # the charts as tables of bars: 3 of 谈话人次 2026 is the chart's tallest, 8 blocks; 1 of
    # 2025 a third of it
    assert "████████ 3" in text and "███ 1" in text
    with zipfile.ZipFile(reports["docx"]) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert xml.count("<w:tbl>") == 6  # figures, three charts, risks, open items
    assert "政治生态分析研判" in core


def test_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from wsjc_desktop.errors import UserError

    db = open_database(tmp_path / "wsjc.db")
    try:
        unit_id = build_world(db)["unit"]
        with pytest.raises(UserError):
            up.write_report(db, unit_id, YEAR, tmp_path / "missing" / "x.pdf", today=date(2026, 12, 6))
    finally:
        db.dispose()
    assert not (tmp_path / "missing").exists()
