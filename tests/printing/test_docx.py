"""Word files (.docx) of every kind, from the demo data: the XML is read back as WPS and Word
read it (page, grid, fonts on every run, no theme fonts, footers), and LibreOffice's PDF of each
file is measured (page, margins, 16 pt characters 28 a line, the masthead where GB/T 9704 puts it,
page numbers, no page left holding only the signature)."""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from tests.printing.conftest import CHAR_PITCH_MM, Page, read_pdf
from tests.support import office
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.services import printing
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.storage.database import Database, open_database

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTICE_KINDS = [k.value for k in NoticeKind]
LETTERS = {"reminder_letter", "prompt_letter", "proposal", "holiday_reminder", "opinion"}
KINDS = [*NOTICE_KINDS, "talk", "meeting", "opinion", "file"]
BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"


def _first_id(db: Database, model: type[m.Record], *where: object) -> int:
    with db.read() as uow:
        found = uow.session.scalars(
            select(model.id).where(model.deleted_at.is_(None), *where).order_by(model.id)  # type: ignore[attr-defined]
        ).first()
    assert found is not None, f"the demo data has no {model.__name__} {where}"
    return int(found)


def _printer(db: Database, kind: str) -> Callable[[Path], None]:
    """How to write this kind's file from the demo database (the first record of the kind)."""
    if kind in NOTICE_KINDS:
        notice = _first_id(db, m.AlertNotice, m.AlertNotice.kind == NoticeKind(kind))
        return lambda out: printing.print_notice(db, notice, out)
    if kind == "talk":
        talk = _first_id(db, m.Talk)
        return lambda out: printing.print_talk(db, talk, out)
    if kind == "meeting":
        meeting = _first_id(db, m.Meeting)
        return lambda out: printing.print_meeting(db, meeting, out)
    if kind == "opinion":
        opinion = _first_id(db, m.IntegrityOpinion)
        return lambda out: printing.print_opinion(db, opinion, out)
    cadre = _first_id(db, m.Cadre)
    return lambda out: printing.print_file(db, cadre, out)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One .docx per kind, written from a demo database."""
    folder = tmp_path_factory.mktemp("docx")
    db = open_database(folder / "demo.db")
    try:
        generate_demo(db, scale=1, seed=3)
        out = {}
        for kind in KINDS:
            out[kind] = folder / f"{kind}.docx"
            _printer(db, kind)(out[kind])
    finally:
        db.dispose()
    return out


def parts(path: Path) -> dict[str, ET.Element]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: ET.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xml")
        }


def raw(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def mm(twips: str | None) -> float:
    assert twips is not None
    return int(twips) * 25.4 / 1440


@pytest.mark.parametrize("kind", KINDS)
def test_page_margins_and_grid(files: dict[str, Path], kind: str) -> None:
    document = parts(files[kind])["word/document.xml"]
    sections = document.findall(f".//{W}sectPr")
    assert sections
    for section in sections:
        size = section.find(f"{W}pgSz")
        margins = section.find(f"{W}pgMar")
        grid = section.find(f"{W}docGrid")
        assert size is not None and margins is not None and grid is not None
        assert (round(mm(size.get(f"{W}w"))), round(mm(size.get(f"{W}h")))) == (210, 297)
        found = {side: round(mm(margins.get(f"{W}{side}")), 1) for side in ("top", "bottom", "left", "right")}
        assert found == {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
        assert grid.get(f"{W}type") == "linesAndChars"
        assert grid.get(f"{W}linePitch") == "579"
        # Word's pitch: the default size (16 pt) plus charSpace/4096 pt; 28 of them fill 156 mm
        pitch = 16 + int(grid.get(f"{W}charSpace") or 0) / 4096
        assert 28 * pitch * 25.4 / 72 == pytest.approx(156, abs=0.1)
        assert 29 * pitch * 25.4 / 72 > 156
    settings = parts(files[kind])["word/settings.xml"]
    assert settings.find(f"{W}evenAndOddHeaders") is not None


@pytest.mark.parametrize("kind", KINDS)
def test_body_lines_exactly_28_95_pt_on_the_grid(files: dict[str, Path], kind: str) -> None:
    document = parts(files[kind])["word/document.xml"]
    body = document.find(f"{W}body")
    assert body is not None
    snapped = 0
    for p in body.findall(f"{W}p"):  # the type area's own paragraphs (not cells, not text boxes)
        spacing = p.find(f"{W}pPr/{W}spacing")
        snap = p.find(f"{W}pPr/{W}snapToGrid")
        assert snap is not None, "every paragraph says whether it snaps to the grid"
        if snap.get(f"{W}val") == "1":
            snapped += 1
            assert spacing is not None
            assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")
            sizes = {r.get(f"{W}val") for r in p.findall(f"{W}r/{W}rPr/{W}sz")}
            assert sizes <= {"32"}, "text on the grid is 三号 (16 pt)"
    styles = parts(files[kind])["word/styles.xml"]
    default = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}spacing")
    assert default is not None and default.get(f"{W}line") == "579" and default.get(f"{W}lineRule") == "exact"
    assert snapped > 0 or kind not in LETTERS | set(NOTICE_KINDS)  # a form's text is in its cells


@pytest.mark.parametrize("kind", KINDS)
def test_every_run_names_its_fonts_and_no_theme_anywhere(files: dict[str, Path], kind: str) -> None:
    found = parts(files[kind])
    texts = raw(files[kind])
    for name, text in texts.items():
        assert not re.search(r"\w+Theme\s*=", text), f"a theme attribute in {name}"
        assert "theme" not in name.lower()
    assert "theme" not in texts["word/_rels/document.xml.rels"].lower()
    used: set[str] = set()
    for name in [n for n in found if n == "word/document.xml" or n.startswith("word/footer")]:
        runs = found[name].findall(f".//{W}r")
        assert runs or name == "word/footer3.xml"  # the 信函格式's first page: no number
        for run in runs:
            fonts = run.find(f"{W}rPr/{W}rFonts")
            if run.find(f"{W}drawing") is not None:
                continue  # a shape's own paragraphs are checked as runs of their own
            assert fonts is not None, f"a run without fonts in {name}"
            east = fonts.get(f"{W}eastAsia")
            assert east and fonts.get(f"{W}ascii") == east and fonts.get(f"{W}hAnsi") == east
            used.add(east)
    table = found["word/fontTable.xml"]
    alternatives = {
        f.get(f"{W}name"): (
            f.find(f"{W}altName").get(f"{W}val") if f.find(f"{W}altName") is not None else None
        )  # type: ignore[union-attr]
        for f in table.findall(f"{W}font")
    }
    assert used <= set(alternatives)
    assert alternatives[BODY_FONT] == "仿宋"
    assert alternatives["楷体_GB2312"] == "楷体"
    assert BODY_FONT in used
    defaults = found["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults is not None and defaults.get(f"{W}eastAsia") == BODY_FONT


def _runs_with(document: ET.Element, font: str) -> list[ET.Element]:
    return [
        r
        for r in document.iter(f"{W}r")
        if (f := r.find(f"{W}rPr/{W}rFonts")) is not None and f.get(f"{W}eastAsia") == font
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_title_in_xiaobiaosong_22pt_and_headings(files: dict[str, Path], kind: str) -> None:
    document = parts(files[kind])["word/document.xml"]
    titles = _runs_with(document, TITLE_FONT)
    assert titles
    assert any(r.find(f"{W}rPr/{W}sz").get(f"{W}val") == "44" for r in titles)  # type: ignore[union-attr]
    for run in document.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.findall(f"{W}t"))
        font = run.find(f"{W}rPr/{W}rFonts")
        if re.match(r"^[一二三四五六七八九十]+、", text) and font is not None and kind in NOTICE_KINDS:
            assert font.get(f"{W}eastAsia") == "黑体", text
        if re.match(r"^（[一二三四五六七八九十]+）", text) and font is not None and kind in NOTICE_KINDS:
            assert font.get(f"{W}eastAsia") == "楷体_GB2312", text


@pytest.mark.parametrize("kind", KINDS)
def test_footers_odd_right_even_left_with_the_page_number(files: dict[str, Path], kind: str) -> None:
    found = parts(files[kind])
    document = found["word/document.xml"]
    rels = {
        r.get("Id"): r.get("Target") for r in ET.fromstring(raw(files[kind])["word/_rels/document.xml.rels"])
    }
    for section in document.iter(f"{W}sectPr"):
        refs = {
            ref.get(f"{W}type"): ref.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            )
            for ref in section.findall(f"{W}footerReference")
        }
        # the 信函格式 leaves its first page unnumbered (GB/T 9704 §10.1): an empty first footer
        assert set(refs) == ({"default", "even", "first"} if kind in LETTERS else {"default", "even"})
        if "first" in refs:
            assert section.find(f"{W}titlePg") is not None
            assert not "".join(t.text or "" for t in found[f"word/{rels[refs['first']]}"].iter(f"{W}t"))
        for which, align in (("default", "right"), ("even", "left")):
            footer = found[f"word/{rels[refs[which]]}"]
            jc = footer.find(f".//{W}pPr/{W}jc")
            assert jc is not None and jc.get(f"{W}val") == align
            text = "".join(t.text or "" for t in footer.iter(f"{W}t"))
            instructions = "".join(t.text or "" for t in footer.iter(f"{W}instrText"))
            assert text.startswith("— ") and text.endswith(" —")
            assert instructions.strip() == "PAGE"
            sizes = {s.get(f"{W}val") for s in footer.iter(f"{W}sz")}
            assert sizes == {"28"}  # 4号
            assert {f.get(f"{W}eastAsia") for f in footer.iter(f"{W}rFonts")} == {"宋体"}


@pytest.mark.parametrize("kind", [k for k in KINDS if k in NOTICE_KINDS or k == "opinion"])
def test_letters_have_the_red_masthead(files: dict[str, Path], kind: str) -> None:
    document = parts(files[kind])["word/document.xml"]
    red = [
        r
        for r in _runs_with(document, TITLE_FONT)
        if (c := r.find(f"{W}rPr/{W}color")) is not None and c.get(f"{W}val") == "E60012"
    ]
    text = "".join(t.text or "" for r in red for t in r.findall(f"{W}t"))
    assert "纪检监察组" in text
    rules = [
        s
        for s in document.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}srgbClr")
        if s.get("val") == "E60012"
    ]
    assert len(rules) == (4 if kind in LETTERS else 1)  # two double lines, or one separator


def test_a_receipt_after_a_cut_line_when_asked_for(files: dict[str, Path]) -> None:
    from wsjc_desktop.printing.wording import RECEIPT_WORDING

    def text(kind: str) -> str:
        return "".join(t.text or "" for t in parts(files[kind])["word/document.xml"].iter(f"{W}t"))

    assert RECEIPT_WORDING.cut_line in text("copy_notice")
    assert RECEIPT_WORDING.title in text("copy_notice")
    assert RECEIPT_WORDING.cut_line not in text("proposal")


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from tests.printing import samples
    from wsjc_desktop.errors import UserError
    from wsjc_desktop.printing import docx

    target = tmp_path / "missing" / "x.docx"
    with pytest.raises(UserError, match="无法写入文件"):
        docx.render_notice(samples.notice(), target)
    assert not target.exists() and not target.parent.exists()


def test_the_same_values_give_the_same_bytes(tmp_path: Path) -> None:
    from tests.printing import samples
    from wsjc_desktop.printing import docx

    docx.render_talk(samples.talk(), tmp_path / "a.docx")
    docx.render_talk(samples.talk(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


# --- as LibreOffice sets it --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(files: dict[str, Path]) -> dict[str, list[Page]]:
    """Each .docx as LibreOffice prints it, with the bundled fonts standing in for the ones named."""
    if office.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")  # CI installs it (.ci/run)
    folder = next(iter(files.values())).parent
    office.to_pdf(list(files.values()), folder)
    return {kind: read_pdf(path.with_suffix(".pdf")) for kind, path in files.items()}


def _is_red(color: object) -> bool:
    return isinstance(color, (tuple, list)) and len(color) == 3 and color[0] > 0.5 and color[1] < 0.2


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_page_and_page_numbers(pdfs: dict[str, list[Page]], kind: str) -> None:
    pages = pdfs[kind]
    for page in pages:
        numbered = re.search(rf"—\s*{page.number}\s*—", page.text)
        if kind in LETTERS and page.number == 1:
            assert not numbered, "the 信函格式's first page has no number"
        else:
            assert numbered, f"no page number on page {page.number}"
        chars = [c for c in page.chars if not c.text.isspace()]
        assert min(c.x0 for c in chars) >= 27.0
        assert max(c.x1 for c in chars if c.top < 262) <= 184.5


@pytest.mark.parametrize("kind", [k for k in KINDS if k in NOTICE_KINDS or k == "opinion"])
def test_libreoffice_letter_geometry(pdfs: dict[str, list[Page]], kind: str) -> None:
    first = pdfs[kind][0]
    red = [c for c in first.chars if _is_red(c.color) and not c.text.isspace()]
    top = min(c.top for c in red)
    assert top == pytest.approx(30.0 if kind in LETTERS else 37.0 + 35.0, abs=1.0)
    body = [c for p in pdfs[kind] for c in p.chars if abs(c.size - 16) < 0.1 and not c.text.isspace()]
    # most of the text is 三号, and the body starts at the type area's left edge
    assert len(body) > 0.6 * sum(1 for p in pdfs[kind] for c in p.chars if not c.text.isspace())
    assert min(c.x0 for c in body) == pytest.approx(28.0, abs=1.0)
    # 28 characters a line: full-width characters side by side are 156/28 mm apart
    gaps = []
    for page in pdfs[kind]:
        for line in page.lines_of(16.0):
            for a, b in itertools.pairwise(line):
                if ord(a.text) > 0x3000 and ord(b.text) > 0x3000 and b.x0 - a.x0 < 7:
                    gaps.append(b.x0 - a.x0)
    assert gaps
    gaps.sort()
    assert gaps[len(gaps) // 2] == pytest.approx(CHAR_PITCH_MM, abs=0.05)
    widest = max(line[-1].x1 - line[0].x0 for page in pdfs[kind] for line in page.lines_of(16.0))
    assert widest == pytest.approx(156, abs=2.0)


@pytest.mark.parametrize("kind", [k for k in KINDS if k in NOTICE_KINDS or k == "opinion"])
def test_libreoffice_no_page_holds_only_the_signature(pdfs: dict[str, list[Page]], kind: str) -> None:
    for page in pdfs[kind]:
        lines = ["".join(c.text for c in line) for line in page.lines_of(16.0)]
        dates = [i for i, text in enumerate(lines) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|年月日", text)]
        if dates:
            assert dates[0] >= 2, f"page {page.number} begins with the signature: {lines[:3]}"


@pytest.mark.parametrize("kind", ["talk", "meeting", "file"])
def test_libreoffice_forms_are_ruled_tables(pdfs: dict[str, list[Page]], kind: str) -> None:
    first = pdfs[kind][0]
    assert first.cells, "no ruled table found"
    xs = [c.x0 for c in first.chars if not c.text.isspace()]
    assert min(xs) == pytest.approx(29.5, abs=1.5)  # inside the table's left rule at 28 mm


def _rows(table: ET.Element) -> list[tuple[bool, bool, str]]:
    """Each row of ``table``: (cantSplit, keepNext on every paragraph, its text)."""
    out = []
    for tr in table.findall(f"{W}tr"):
        paragraphs = tr.findall(f".//{W}p")
        kept = bool(paragraphs) and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in paragraphs)
        whole = tr.find(f"{W}trPr/{W}cantSplit") is not None
        out.append((whole, kept, "".join(t.text or "" for t in tr.iter(f"{W}t"))))
    return out


def test_talk_signature_rows_stay_with_the_row_above(files: dict[str, Path]) -> None:
    from wsjc_desktop.printing.wording import TALK_WORDING

    body = parts(files["talk"])["word/document.xml"].find(f"{W}body")
    assert body is not None
    rows = _rows(body.findall(f"{W}tbl")[-1])
    first = next(i for i, (_, _, text) in enumerate(rows) if "签字" in text) - 1  # the row above
    assert rows[-1][2].startswith(TALK_WORDING.sign_date)
    for whole, kept, text in rows[first:-1]:
        assert whole and kept, text  # unsplit, and on the page of the next row
    assert rows[-1][0]  # the 签字日期 row: unsplit, kept with nothing after it
    assert not any(kept for _, kept, _ in rows[: first - 1])  # the rest of the form flows freely


def test_meeting_follow_up_stays_with_the_last_opinion(files: dict[str, Path]) -> None:
    body = parts(files["meeting"])["word/document.xml"].find(f"{W}body")
    assert body is not None
    children = list(body)
    tables = [i for i, child in enumerate(children) if child.tag == f"{W}tbl"]
    opinions, follow_up = tables[-2], tables[-1]
    rows = _rows(children[opinions])
    assert rows[-1][0] and rows[-1][1]  # the last opinion row: unsplit, kept with the next
    between = children[opinions + 1 : follow_up]
    assert between and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in between)
    assert _rows(children[follow_up])[0][0]


def test_no_punctuation_hangs_past_the_type_area(files: dict[str, Path]) -> None:
    """overflowPunct 0 for Word and WPS (w15), 1 for LibreOffice 7.4, which reads it inverted."""
    styles = raw(files["proposal"])["word/styles.xml"]
    assert (
        '<mc:AlternateContent><mc:Choice Requires="w15"><w:overflowPunct w:val="0"/></mc:Choice>'
        '<mc:Fallback><w:overflowPunct w:val="1"/></mc:Fallback></mc:AlternateContent>'
    ) in styles
    ET.fromstring(styles)  # the namespaces are declared


@pytest.mark.parametrize("kind", [k for k in KINDS if k in NOTICE_KINDS or k == "opinion"])
def test_libreoffice_indents_body_paragraphs_two_characters(pdfs: dict[str, list[Page]], kind: str) -> None:
    """Two grid cells, not three (LibreOffice rounds firstLine up to its 315-twip pitch)."""
    indents = set()
    for page in pdfs[kind]:
        for line in page.lines_of(16.0):
            if line[0].x0 > 30:
                indents.add(round((line[0].x0 - 28.0) / CHAR_PITCH_MM))
    assert 2 in indents and 3 not in indents
