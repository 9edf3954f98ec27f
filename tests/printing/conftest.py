"""Helpers to read the produced PDFs back: characters with positions, sizes and fonts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

MM = 72 / 25.4
LINE_PITCH_MM = 225 / 22
CHAR_PITCH_MM = 156 / 28


@dataclass
class Char:
    text: str
    x0: float  # mm from the left edge
    x1: float
    top: float  # mm from the top edge
    bottom: float
    size: float  # points
    font: str
    color: Any


@dataclass
class Page:
    number: int
    chars: list[Char]
    text: str  # pdfplumber's extract_text()
    rects: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    cells: list[str]  # the text of each ruled table cell (pdfplumber's table finder)
    curves: list[dict[str, Any]] = field(default_factory=list)  # filled shapes (LibreOffice's rules)

    @property
    def flat(self) -> str:
        """The page's text without any whitespace (lines broken anywhere still match)."""
        return squash(self.text)

    def lines_of(self, size: float) -> list[list[Char]]:
        """Characters of one size grouped into text lines (same top), top to bottom."""
        rows: dict[float, list[Char]] = {}
        for ch in self.chars:
            if abs(ch.size - size) < 0.01 and not ch.text.isspace():
                key = round(ch.bottom, 0)
                rows.setdefault(key, []).append(ch)
        return [sorted(row, key=lambda c: c.x0) for _, row in sorted(rows.items())]

    def find_all(self, needle: str) -> list[list[Char]]:
        """The characters of every occurrence of ``needle`` in reading order."""
        ordered = [c for c in self.chars if not c.text.isspace()]
        joined = "".join(c.text for c in ordered)
        found = []
        at = joined.find(needle)
        while at >= 0:
            found.append(ordered[at : at + len(needle)])
            at = joined.find(needle, at + 1)
        return found

    def find(self, needle: str) -> list[Char]:
        """The characters of the first occurrence of ``needle`` in reading order."""
        ordered = [c for c in self.chars if not c.text.isspace()]
        joined = "".join(c.text for c in ordered)
        at = joined.find(needle)
        assert at >= 0, f"{needle!r} not on page {self.number}"
        return ordered[at : at + len(needle)]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_text(pages: list[Page]) -> str:
    """The document's text without whitespace or page numbers, so paragraphs run across pages;
    then the text of each table cell (a wrapped cell's lines interleave with its neighbours' in
    the plain text), separated by “|”."""
    running = squash("".join(re.sub(r"— \d+ —", "", p.text) for p in pages))
    return running + "|" + "|".join(cell for p in pages for cell in p.cells)


def read_pdf(path: Path) -> list[Page]:
    import pdfplumber

    pages: list[Page] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = [
                Char(
                    c["text"],
                    c["x0"] / MM,
                    c["x1"] / MM,
                    c["top"] / MM,
                    c["bottom"] / MM,
                    round(c["size"], 2),
                    c["fontname"],
                    c.get("non_stroking_color"),
                )
                for c in page.chars
            ]
            cells = [squash(cell) for table in page.extract_tables() for row in table for cell in row if cell]
            pages.append(
                Page(
                    page.page_number,
                    chars,
                    page.extract_text() or "",
                    page.rects,
                    page.lines,
                    cells,
                    page.curves,
                )
            )
    return pages


@pytest.fixture
def render(tmp_path: Path) -> Callable[..., list[Page]]:
    """``render(slips.render_x, values)`` → the pages of the PDF it wrote."""
    counter = iter(range(1000))

    def run(function: Callable[..., None], values: Any, **kwargs: Any) -> list[Page]:
        out = tmp_path / f"slip{next(counter)}.pdf"
        function(values, out, **kwargs)
        assert out.read_bytes().startswith(b"%PDF")
        return read_pdf(out)

    return run
