"""``wsjc-desktop report unit-profile``, run as a real process the way a user runs it."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.cli.support import refused, run_cli
from tests.printing.conftest import all_text, read_pdf
from tests.services.test_unit_profile import build_world
from wsjc_desktop.storage.database import open_database


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report_cli") / "wsjc.db"
    db = open_database(path)
    try:
        build_world(db)
    finally:
        db.dispose()
    return path


def test_a_pdf_and_a_docx_of_the_unit(world: Path, tmp_path: Path) -> None:
    pdf, docx = tmp_path / "研判.pdf", tmp_path / "研判.docx"
    done = run_cli(
        "report", "unit-profile", "--unit", "财政局", "--year", "2026", "--today", "2026-12-06",
        "--db", world, "--out", pdf,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert "已生成区财政局2026年度政治生态分析研判报告（PDF）" in done.stdout.decode()
    text = all_text(read_pdf(pdf))
    assert "关于区财政局2026年度政治生态分析研判情况的报告" in text
    assert "对区财政局开展谈话3人次" in text
    assert "截至2026年12月6日" in text  # --today: 逾期 judged on that day
    done = run_cli(
        "report", "unit-profile", "--unit", "区财政局", "--year", "2026", "--db", world, "--out", docx
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "（Word 文件）" in done.stdout.decode()
    with zipfile.ZipFile(docx) as archive:
        assert "政治生态分析研判" in archive.read("word/document.xml").decode("utf-8")
    # noted in the audit log
    con = sqlite3.connect(world)
    try:
        notes = [r[0] for r in con.execute("SELECT summary FROM audit_entries WHERE action = 'print'")]
    finally:
        con.close()
    assert any("政治生态分析研判报告 区财政局（2026年）" in n for n in notes)


def test_an_unknown_unit_is_refused_listing_the_units(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    result = run_cli("report", "unit-profile", "--unit", "区审计局", "--db", world, "--out", out)
    message = refused(result, "区审计局")
    assert "现有单位：区财政局、区商务局" in message
    assert not out.exists()


def test_refusals_exit_2_in_chinese(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    refused(
        run_cli("report", "unit-profile", "--unit", "区财政局", "--year", "1900", "--db", world, "--out", out)
    )
    refused(
        run_cli(
            "report", "unit-profile", "--unit", "区财政局", "--db", world, "--out", tmp_path / "no" / "x.pdf"
        )
    )
    refused(
        run_cli("report", "unit-profile", "--unit", "区财政局", "--db", tmp_path / "none.db", "--out", out)
    )
    assert not (tmp_path / "none.db").exists(), "a report never creates a database"
    refused(run_cli("report", "unit-profile", "--db", world, "--out", out), "--unit")
    refused(run_cli("report", "--db", world))
    refused(
        run_cli("report", "unit-profile", "--unit", "区财政局", "--db", world, "--out", "/dev/null"),
        "特殊文件",
    )
    refused(
        run_cli("report", "unit-profile", "--unit", "区财政局", "--db", world, "--out", tmp_path), "文件夹"
    )
    assert not out.exists()
