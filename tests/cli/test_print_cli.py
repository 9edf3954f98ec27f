"""``wsjc-desktop print …``, run as a real process the way a user runs it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from tests.cli.test_cli import run
from tests.printing.conftest import read_pdf
from tests.printing.geometry import content_lines, line_text
from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.storage.database import open_database


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int | str]]:
    """A small database with one record of each printable kind."""
    path = tmp_path_factory.mktemp("print_cli") / "print.db"
    db = open_database(path)
    try:
        agency_code(db)
        unit_id = unit(db, "区农业农村局")
        unit(db, "区商务局")
        person = cadre(db, unit_id, "许文博", position="副局长")
        talker = member(db, "李明")
        notice_id = records.create(
            db,
            "alert_notices",
            {
                "kind": NoticeKind.REMINDER_LETTER,
                "unit_id": unit_id,
                "title": "关于农机购置补贴发放的提醒",
                "requirements": "请严格审核补贴申领材料。",
            },
        )
        number = notices.issue(db, notice_id, issued_on=date(2026, 3, 5))
        talk_id = records.create(
            db,
            "talks",
            {"kind": "reminder", "held_on": date(2026, 4, 1), "cadre_ids": [person], "talker_id": talker},
        )
        meeting_id = records.create(
            db,
            "meetings",
            {
                "held_on": date(2026, 4, 2),
                "unit_id": unit_id,
                "meeting_type": "party_committee",
                "title": "局党组会",
            },
        )
        opinion_id = records.create(
            db,
            "integrity_opinions",
            {
                "cadre_id": person,
                "requesting_unit": "区委组织部",
                "reason": "promotion",
                "conclusion": "no_clues",
            },
        )
    finally:
        db.dispose()
    ids: dict[str, int | str] = {
        "notice": notice_id,
        "number": number,
        "talk": talk_id,
        "meeting": meeting_id,
        "opinion": opinion_id,
        "file": person,
    }
    return path, ids


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("notice", "关于农机购置补贴发放的提醒"),
        ("talk", "许文博"),
        ("meeting", "局党组会"),
        ("opinion", "区委组织部"),
        ("file", "许文博"),
    ],
)
def test_print_each_kind(
    filled: tuple[Path, dict[str, int | str]], tmp_path: Path, kind: str, expected: str
) -> None:
    db_path, ids = filled
    out = tmp_path / f"{kind}.pdf"
    result = run("print", kind, str(ids[kind]), "--db", str(db_path), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert "已生成 PDF" in result.stdout.decode()
    text = pdf_text(out)
    assert expected in text and "区农业农村局" in text


def test_print_notice_by_number(filled: tuple[Path, dict[str, int | str]], tmp_path: Path) -> None:
    db_path, ids = filled
    out = tmp_path / "by_number.pdf"
    result = run("print", "notice", str(ids["number"]), "--db", str(db_path), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert str(ids["number"]) in pdf_text(out)


def test_print_errors_are_chinese_and_exit_2(
    filled: tuple[Path, dict[str, int | str]], tmp_path: Path
) -> None:
    db_path, _ids = filled
    out = tmp_path / "x.pdf"
    missing = run("print", "notice", "驻财纪提〔2026〕99号", "--db", str(db_path), "--out", str(out))
    assert missing.returncode == 2
    assert "错误：" in missing.stderr.decode() and "驻财纪提〔2026〕99号" in missing.stderr.decode()
    not_a_number = run("print", "talk", "abc", "--db", str(db_path), "--out", str(out))
    assert not_a_number.returncode == 2 and "编号" in not_a_number.stderr.decode()
    no_db = run("print", "talk", "1", "--db", str(tmp_path / "none.db"), "--out", str(out))
    assert no_db.returncode == 2 and "不存在" in no_db.stderr.decode()
    assert not (tmp_path / "none.db").exists(), "printing never creates a database"
    assert not out.exists()


def test_holiday_reminder(tmp_path: Path) -> None:
    db_path = tmp_path / "holiday.db"
    db = open_database(db_path)
    try:
        for name in ("区文化和旅游局", "区体育局", "区医疗保障局"):
            unit(db, name)
    finally:
        db.dispose()
    out = tmp_path / "spring.pdf"
    args = ("print", "holiday-reminder", "--holiday", "春节", "--year", "2026", "--issued-on", "2026-02-09")
    refused = run(*args, "--db", str(db_path), "--out", str(out))  # no 机关代字 yet: nothing issued
    assert refused.returncode == 2 and "尚未设置本组的机关代字" in refused.stderr.decode()
    assert not out.exists()
    db = open_database(db_path)
    try:
        assert records.list_ids(db, "alert_notices") == []
        agency_code(db)
    finally:
        db.dispose()
    result = run(*args, "--db", str(db_path), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert "已发出2026年春节节前廉政提醒 3 份" in result.stdout.decode()
    text = pdf_text(out)
    for seq in (1, 2, 3):
        assert f"驻财纪节〔2026〕{seq}号" in text
    assert "区医疗保障局" in text
    again = run(*args, "--db", str(db_path), "--out", str(tmp_path / "again.pdf"))
    assert again.returncode == 0, again.stderr.decode()
    assert "本次未新发出" in again.stdout.decode()
    bad_date = run(*args[:-1], "2026-02-31", "--db", str(db_path), "--out", str(out))
    assert bad_date.returncode == 2 and "发出日期" in bad_date.stderr.decode()


def test_print_to_docx_writes_a_word_file(filled: tuple[Path, dict[str, int | str]], tmp_path: Path) -> None:
    """``--out X.docx`` chooses the Word engine; the .pdf default is untouched."""
    import zipfile

    db_path, ids = filled
    out = tmp_path / "提醒函.docx"
    result = run("print", "notice", str(ids["notice"]), "--db", str(db_path), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert "已生成 Word 文件" in result.stdout.decode()
    with zipfile.ZipFile(out) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "关于农机购置补贴发放的提醒" in document
    assert not list(tmp_path.glob("*.pdf"))


def signature_lines(pdf: Path, group: str) -> tuple[float, float]:
    """The left edges (mm) of the 署名 and of the date under it."""
    lines = content_lines(read_pdf(pdf)[-1])
    at = next(i for i, line in enumerate(lines) if group in line_text(line))
    return lines[at][0].x0, lines[at + 1][0].x0


def test_copy_to_and_no_seal_on_the_command_line(
    filled: tuple[Path, dict[str, int | str]], tmp_path: Path
) -> None:
    db_path, ids = filled
    plain, marked = tmp_path / "plain.pdf", tmp_path / "marked.pdf"
    result = run("print", "notice", str(ids["notice"]), "--db", str(db_path), "--out", str(plain))
    assert result.returncode == 0, result.stderr.decode()
    assert "抄送" not in pdf_text(plain)
    result = run(
        "print", "notice", str(ids["notice"]), "--db", str(db_path), "--out", str(marked),
        "--cc", "区委组织部、区审计局", "--no-seal",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert "抄送：区委组织部、区审计局。" in pdf_text(marked)
    group = settings.DEFAULTS["group.name"]
    name_x, date_x = signature_lines(plain, group)
    assert date_x > name_x  # sealed (the default): the shorter date centred under the name
    name_x, date_x = signature_lines(marked, group)
    assert abs(date_x - (name_x + 2 * 156 / 28)) < 1  # unsealed: 首字右移二字
    result = run("print", "talk", str(ids["talk"]), "--db", str(db_path), "--out", str(plain), "--cc", "x")
    assert result.returncode == 2 and "--cc" in result.stderr.decode()  # only letters have a 版记
