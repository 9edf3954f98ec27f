"""Year-end output: the workbook and the PDF read back from real files, on a known world."""

from __future__ import annotations

import shutil
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.printing.conftest import all_text, read_pdf, squash
from tests.services import test_stats
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings, stats, yearend
from wsjc_desktop.storage.database import Database

GROUP = "驻区教育局纪检监察组"
TODAY = test_stats.TODAY
YEAR = test_stats.YEAR
world = test_stats.world  # the known world of the year-end figures' own tests


@pytest.fixture
def report(db: Database, world: dict[str, int]) -> stats.Report:
    return stats.compute(db, YEAR, today=TODAY)


def audit(db: Database, action: AuditAction) -> list[tuple[str | None, str | None]]:
    with db.read() as uow:
        query = select(m.AuditEntry.summary, m.AuditEntry.table_name).where(m.AuditEntry.action == action)
        return [(s, t) for s, t in uow.session.execute(query)]


def rows(ws: object, first: int = 3) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(min_row=first, values_only=True))  # type: ignore[attr-defined]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """A folder of its own for the files written (the database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# --- the workbook ---------------------------------------------------------------------------


def test_workbook_sheets_hold_every_figure(
    db: Database,
    report: stats.Report,
    world: dict[str, int],
    tmp_path: Path,
) -> None:
    out = tmp_path / "统计.xlsx"
    written = yearend.export_xlsx(db, report, out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "分单位", "分人员", "文字材料"]

    summary = wb["汇总"]
    assert summary["A1"].value == "2026年度工作统计汇总"
    assert [c.value for c in summary[2]] == ["分类", "统计项", "数量", "单位"]
    expected = [(f.section, f.label, f.value, f.measure_unit) for f in report.figures()]
    assert rows(summary) == expected
    assert len(expected) == len(stats.FIGURES)
    by_label = {r[1]: r[2] for r in rows(summary)}
    assert by_label["谈话人次（合计）"] == 4
    assert by_label["发出廉情提醒（份）"] == 8
    assert by_label["逾期未反馈（份）"] == 4

    per_unit = wb["分单位"]
    assert per_unit["A1"].value == "2026年度分单位统计"
    header = [c.value for c in per_unit[2]]
    assert header == ["序号", "单位", *(stats.figure(k).label for k in yearend.UNIT_FIGURES)]
    unit_rows = rows(per_unit)
    assert [r[1] for r in unit_rows] == list(report.units.values()) == ["财政局", "教育局"]
    for row, unit_id in zip(unit_rows, report.units, strict=True):
        values = report.values(unit_id=unit_id)
        assert list(row[2:]) == [values[k] for k in yearend.UNIT_FIGURES]
    column = header.index("谈话人次（合计）")
    assert [r[column] for r in unit_rows] == [2, 2]
    column = header.index("发出廉情提醒（份）")
    assert [r[column] for r in unit_rows] == [5, 3]

    per_member = wb["分人员"]
    header = [c.value for c in per_member[2]]
    assert "监察对象（人）" not in header  # not a figure a member has
    member_rows = rows(per_member)
    assert [r[1] for r in member_rows] == ["李明", "王芳"]
    for row, member_id in zip(member_rows, report.members, strict=True):
        values = report.values(member_id=member_id)
        assert list(row[2:]) == [values[k] for k in yearend.MEMBER_FIGURES]
    column = header.index("谈话人次（合计）")
    assert [r[column] for r in member_rows] == [3, 4]

    texts = wb["文字材料"]
    sentences = stats.sentences(report)
    assert [r[0] for r in rows(texts)] == sentences
    assert any("其中开出廉情抄告单3份，已整改2份" in s for s in sentences)

    assert written == len(expected) + 2 + 2 + len(sentences)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    assert audit(db, AuditAction.EXPORT) == [("导出2026年度工作统计：统计.xlsx", "stats")]


def test_a_date_range_titles_the_sheets_with_its_dates(
    db: Database,
    world: dict[str, int],
    tmp_path: Path,
) -> None:
    half = stats.compute(db, stats.Period(date(2026, 1, 1), date(2026, 6, 30)), today=TODAY)
    out = tmp_path / yearend.file_name(half, "xlsx")
    assert out.name == "2026年1月1日至2026年6月30日工作统计.xlsx"
    yearend.export_xlsx(db, half, out)
    wb = load_workbook(out)
    assert wb["分单位"]["A1"].value == "2026年1月1日至2026年6月30日分单位统计"
    assert {r[1]: r[2] for r in rows(wb["汇总"])}["参加综合监督单位会议（次）"] == 1


def test_progress_is_reported(db: Database, report: stats.Report, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    written = yearend.export_xlsx(db, report, tmp_path / "a.xlsx", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, written) and seen[-1] == (written, written)


def test_sentences_text_is_plain_paragraphs(report: stats.Report) -> None:
    text = yearend.sentences_text(report)
    assert text.split("\n") == stats.sentences(report)
    assert not text.startswith("1.") and "\n2." not in text
    assert text.startswith("全年共参加综合监督单位相关会议2次")


def test_file_names(report: stats.Report) -> None:
    assert yearend.file_name(report, "xlsx") == "2026年度工作统计.xlsx"
    assert yearend.file_name(report, ".pdf") == "2026年度工作统计表.pdf"


# --- the PDF --------------------------------------------------------------------------------


def test_pdf_has_title_tables_and_sentences(db: Database, report: stats.Report, tmp_path: Path) -> None:
    settings.set_many(db, {"group.name": GROUP})
    out = tmp_path / "统计.pdf"
    yearend.export_pdf(db, report, out)
    pages = read_pdf(out)
    text = all_text(pages)
    assert f"{GROUP}2026年工作统计表" in squash(pages[0].text)
    assert "统计时段：2026年1月1日至2026年12月31日" in text
    for section in stats.SECTIONS:
        assert section in text, section
    assert "统计项" in pages[0].cells and "数量" in pages[0].cells
    # a label and its value side by side in one row of the ruled table
    for label, value in (("谈话人次（合计）", "4"), ("发出廉情提醒（份）", "8"), ("监察对象（人）", "3")):
        assert any(
            label in squash(line) and squash(line).endswith(value)
            for page in pages
            for line in page.text.splitlines()
        ), label
    assert "注：逾期情况按2026年11月22日判断" in text
    for sentence in stats.sentences(report):
        assert squash(sentence) in text, sentence
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert all(f"— {p.number} —" in p.text for p in pages)
    assert audit(db, AuditAction.PRINT) == [(f"打印{GROUP}2026年工作统计表：统计.pdf", "stats")]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_page_renders(db: Database, report: stats.Report, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "stats.pdf"
    yearend.export_pdf(db, report, out)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(out),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    px_per_mm = image.size[0] / 210
    # ink inside the type area, none above it
    box = tuple(round(v * px_per_mm) for v in (28, 37, 184, 262))
    inked = sum(image.crop(box).histogram()[:128])  # type: ignore[arg-type]
    above = sum(image.crop((0, 0, image.size[0], round(30 * px_per_mm))).histogram()[:200])
    assert inked > 500 and above == 0


# --- failures leave nothing behind ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_a_read_only_target_is_refused_and_kept(
    db: Database, report: stats.Report, outdir: Path, kind: str
) -> None:
    target = outdir / f"old.{kind}"
    target.write_bytes(b"old contents")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    export = yearend.export_xlsx if kind == "xlsx" else yearend.export_pdf
    with pytest.raises(UserError, match="只读"):
        export(db, report, target)
    assert target.read_bytes() == b"old contents"
    assert leftovers(outdir) == []
    assert audit(db, AuditAction.EXPORT) == audit(db, AuditAction.PRINT) == []


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_an_unwritable_place_gives_a_chinese_message_and_no_file(
    db: Database, report: stats.Report, outdir: Path, kind: str
) -> None:
    export = yearend.export_xlsx if kind == "xlsx" else yearend.export_pdf
    not_a_folder = outdir / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(UserError, match="文件夹不存在"):
        export(db, report, not_a_folder / f"out.{kind}")
    folder = outdir / "folder"
    folder.mkdir()
    with pytest.raises(UserError, match="是一个文件夹"):
        export(db, report, folder)
    assert sorted(p.name for p in outdir.iterdir()) == ["file.txt", "folder"]
    assert list(folder.iterdir()) == []


def test_an_unprintable_group_name_writes_no_pdf(db: Database, report: stats.Report, outdir: Path) -> None:
    settings.set_many(db, {"group.name": "纪检监察组\U0001f4a1"})
    out = outdir / "stats.pdf"
    with pytest.raises(UserError, match="无法打印"):
        yearend.export_pdf(db, report, out)
    assert list(outdir.iterdir()) == []
    assert audit(db, AuditAction.PRINT) == []
