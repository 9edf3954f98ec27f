"""The .docx's 落款, 版记 and 回执 follow the PDF's (GB/T 9704 §7.3.5, §7.4): read from the XML,
then as LibreOffice prints it."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from tests.printing import samples
from tests.printing.conftest import CHAR_PITCH_MM, read_pdf
from tests.printing.geometry import content_lines, line_text
from tests.support import office
from wsjc_desktop.printing import docx

RIGHT = 184.0


def document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_a_copy_to_adds_the_record_and_the_receipt_asks_for_the_seal(tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    docx.render_notice(samples.notice(), plain)
    assert "抄送" not in document_text(plain) and "（盖章）" in document_text(plain)
    file_format = tmp_path / "file.docx"
    docx.render_notice(replace(samples.notice(), copy_to="区委组织部，区审计局"), file_format)
    xml = document_text(file_format)
    assert "抄送：区委组织部、区审计局。" in xml and "2026年3月5日印发" in xml
    assert 'w:sz="8"' in xml and 'w:sz="6"' in xml  # the 版记's thick and thin rules
    letter = tmp_path / "letter.docx"
    values = replace(samples.notice(), kind="proposal", kind_label="纪检监察建议书", copy_to="区委组织部")
    docx.render_notice(values, letter)
    assert "抄送：区委组织部。" in document_text(letter) and "印发" not in document_text(letter)


@pytest.mark.skipif(office.SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_sealed_and_unsealed_signature_as_libreoffice_prints_them(tmp_path: Path) -> None:
    short = "区纪委第一纪检监察组"  # narrow enough to centre over the date
    values = replace(samples.notice(with_receipt=False), group_name=short)
    paths = [tmp_path / f"{name}.docx" for name in ("sealed", "unsealed", "long")]
    docx.render_notice(values, paths[0])
    docx.render_notice(replace(values, sealed=False), paths[1])
    docx.render_notice(samples.notice(with_receipt=False), paths[2])
    pdfs = office.to_pdf(paths, tmp_path)

    def signature(pdf: Path, group: str) -> tuple[list, list]:
        lines = content_lines(read_pdf(pdf)[-1])
        at = next(i for i, line in enumerate(lines) if group in line_text(line))
        return lines[at], lines[at + 1]

    name, day = signature(pdfs[0], short)
    assert day[-1].x1 == pytest.approx(RIGHT - 4 * CHAR_PITCH_MM, abs=1)  # 右空四字
    # centred on the date to the grid: within half a character
    assert (name[0].x0 + name[-1].x1) / 2 == pytest.approx(
        (day[0].x0 + day[-1].x1) / 2, abs=CHAR_PITCH_MM / 2 + 0.5
    )
    name, day = signature(pdfs[1], short)
    assert day[0].x0 == pytest.approx(name[0].x0 + 2 * CHAR_PITCH_MM, abs=1.5)  # 首字右移二字
    name, day = signature(pdfs[2], samples.GROUP)  # a name wider than the seal's block
    assert name[-1].x1 == pytest.approx(RIGHT, abs=1) and day[-1].x1 == pytest.approx(
        RIGHT - 4 * CHAR_PITCH_MM, abs=1
    )
