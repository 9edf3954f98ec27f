"""The page of GB/T 9704-2012 and a writer that sets text on its grid.

Distances are in points; ``y`` values count down from the top edge of the page (as the
standard measures them) and are turned into reportlab's upward coordinates only when drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from wsjc_desktop.printing.fonts import FontFace, FontSet
from wsjc_desktop.printing.text import break_lines, is_full_width, units

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
PAGE_WIDTH = 210 * MM
PAGE_HEIGHT = 297 * MM
TOP = 37 * MM  # top margin: the type area starts here
LEFT = 28 * MM
TYPE_WIDTH = 156 * MM
TYPE_HEIGHT = 225 * MM
BOTTOM = TOP + TYPE_HEIGHT  # the type area's lower edge, from the top
RIGHT = LEFT + TYPE_WIDTH
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = TYPE_HEIGHT / LINES_PER_PAGE  # 10.23 mm
CHAR_PITCH = TYPE_WIDTH / CHARS_PER_LINE  # 5.57 mm: a 3号 character on the grid

BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
PAGE_NUMBER_SIZE = 14.0  # 4号
FORM_SIZE = 14.0  # 4号: text in ruled forms
SMALL_SIZE = 12.0  # 小4号: dense tables (the dossier)

#: Where the baseline sits in a character's em box: the ideographic em box of CJK fonts runs
#: from -0.12 em to 0.88 em, so centring the em box in a line puts the baseline 0.88 em down.
ASCENT = 0.88

RED = (0.9, 0.0, 0.07)
BLACK = (0.0, 0.0, 0.0)

Align = Literal["justify", "left", "center", "right"]

# A styled span: (text, role)
Span = tuple[str, str]


class Glyph(NamedTuple):
    ch: str
    face: FontFace
    x: float  # from the line's start
    advance: float  # the glyph's own advance at this size


class Line(NamedTuple):
    glyphs: tuple[Glyph, ...]
    width: float  # the room the glyphs take (grid cells)


class TextSetter:
    """Turns styled text into lines of placed glyphs, with per-character font fallback.

    Characters no font has are left out and collected in ``missing``; the caller reports them
    (as :class:`~wsjc_desktop.printing.slips.UnprintableError`) instead of writing the PDF.
    """

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.missing: dict[str, None] = {}  # ordered set of characters no font has
        # (role, ch) -> (face, advance in em, takes a full cell)
        self._info: dict[tuple[str, str], tuple[FontFace | None, float, bool]] = {}

    def _char(self, role: str, ch: str) -> tuple[FontFace | None, float, bool]:
        key = (role, ch)
        info = self._info.get(key)
        if info is None:
            face = self.fonts.face_for(role, ch)
            if face is None:
                self.missing.setdefault(ch)
                info = (None, 0.0, False)
            else:
                info = (face, face.advance(ch), is_full_width(ch))
            self._info[key] = info
        return info

    def lines(
        self,
        spans: Sequence[Span],
        width: float,
        *,
        size: float,
        pitch: float | None = None,
        indent: float = 0.0,
        justify: bool = True,
    ) -> list[Line]:
        """Break styled text into lines ``width`` wide; the first line starts ``indent`` in.

        ``pitch`` is the grid cell of a full-width character (default: the font size); a
        half-width character takes its own advance, scaled to the grid the same way.
        """
        pitch = size if pitch is None else pitch
        pieces: list[str] = []
        roles: list[str] = []
        widths: list[float] = []
        for text, role in spans:
            for piece in units(text):
                w = self._piece_width(piece, role, pitch)
                if w > width and len(piece) > 1:  # a word longer than a line: break it anywhere
                    for ch in piece:
                        pieces.append(ch)
                        roles.append(role)
                        widths.append(self._piece_width(ch, role, pitch))
                else:
                    pieces.append(piece)
                    roles.append(role)
                    widths.append(w)
        if not pieces:
            return []
        out: list[Line] = []
        ranges = break_lines(pieces, widths, width - indent, width)
        for number, (start, end) in enumerate(ranges):
            offset = indent if number == 0 else 0.0
            used = sum(widths[start:end])
            gaps = sum(len(p) for p in pieces[start:end]) - 1
            extra = 0.0
            slack = width - offset - used
            # justify (两端对齐) unless it would visibly space the characters out
            last = number == len(ranges) - 1
            if justify and not last and gaps > 0 and slack > 0 and slack / gaps <= 0.2 * pitch:
                extra = slack / gaps
            glyphs: list[Glyph] = []
            x = offset - extra
            for index in range(start, end):
                role = roles[index]
                for ch in pieces[index]:
                    x += extra
                    face, em, full = self._char(role, ch)
                    if face is None:
                        continue
                    advance = em * size
                    if full:
                        glyphs.append(Glyph(ch, face, x + _inset(ch, pitch, advance), advance))
                        x += pitch
                    else:
                        glyphs.append(Glyph(ch, face, x, advance))
                        x += em * pitch
            out.append(Line(tuple(glyphs), x))
        return out

    def _piece_width(self, piece: str, role: str, pitch: float) -> float:
        total = 0.0
        for ch in piece:
            face, em, full = self._char(role, ch)
            if face is not None:
                total += pitch if full else em * pitch
        return total

    def natural_width(self, text: str, role: str, size: float) -> float:
        return self._piece_width(text, role, size)


def _inset(ch: str, cell: float, advance: float) -> float:
    """Where a full-width character's glyph sits in its cell: centred, but narrow quotes and
    brackets (in a Latin-style fallback font) hug the text they enclose."""
    if advance >= cell - 0.01:
        return (cell - advance) / 2
    if ch in "“‘（《〔【":
        return cell - advance
    if ch in "”’）》〕】，。、；：！？":
        return 0.0
    return (cell - advance) / 2


class Writer:
    """Pages of one document: the grid, page numbers, text and rules.

    ``y`` is the top of the free space on the current page, measured from the page's top edge.
    """

    def __init__(self, canvas: Canvas, fonts: FontSet, setter: TextSetter | None = None) -> None:
        self.canvas = canvas
        self.fonts = fonts
        self.setter = setter or TextSetter(fonts)
        self.page = 0  # page number within the current document (restarts per notice)
        self.y = TOP
        self._open = False
        self.number_first_page = True  # the 信函格式 leaves its first page unnumbered (§10.1)

    # ---------------------------------------------------------------- pages

    def start_document(self) -> None:
        """A new document in the same PDF: a new page numbered 1."""
        if self._open:
            self.end_page()
        self.page = 0
        self.number_first_page = True
        self.new_page()

    def new_page(self) -> None:
        if self._open:
            self.end_page()
        self.page += 1
        self.y = TOP
        self._open = True

    def end_page(self) -> None:
        if self.page > 1 or self.number_first_page:
            self._page_number()
        self.canvas.showPage()
        self._open = False

    def finish(self) -> None:
        if self._open:
            self.end_page()

    def _page_number(self) -> None:
        """“— 1 —” in 4号 宋体 7 mm below the type area; odd pages right, even pages left, one
        character in from the edge (GB/T 9704 7.5)."""
        text = f"— {self.page} —"
        size = PAGE_NUMBER_SIZE
        (line,) = self.setter.lines([(text, "song")], TYPE_WIDTH, size=size, justify=False)
        x = RIGHT - size - line.width if self.page % 2 else LEFT + size
        baseline = BOTTOM + 7 * MM + 0.38 * size  # the dash (mid-em) lies 7 mm below the type area
        self.draw_line(line, x, baseline, size)

    @property
    def room(self) -> float:
        return BOTTOM - self.y

    # ----------------------------------------------------------------- grid

    def grid_index(self) -> int:
        """The first whole grid line at or below ``y``."""
        k = (self.y - TOP) / LINE_PITCH
        index = int(k)
        return index if k - index < 1e-6 else index + 1

    def skip_lines(self, count: int) -> None:
        index = self.grid_index() + count
        if index >= LINES_PER_PAGE:
            self.new_page()
        else:
            self.y = TOP + index * LINE_PITCH

    def ensure_lines(self, count: int) -> None:
        """Start a new page unless ``count`` grid lines are left on this one."""
        if self.grid_index() + count > LINES_PER_PAGE:
            self.new_page()

    @staticmethod
    def baseline_on(index: int, size: float) -> float:
        """The baseline of text of ``size`` centred on grid line ``index``."""
        return TOP + index * LINE_PITCH + (LINE_PITCH - size) / 2 + ASCENT * size

    def grid_paragraph(
        self,
        spans: Sequence[Span],
        *,
        size: float = BODY_SIZE,
        indent_cells: float = 2,
        align: Align = "justify",
        right_cells: float = 0,
        left_cells: float = 0,
        color: tuple[float, float, float] = BLACK,
        bold: bool = False,
        keep_with_next: int = 0,
    ) -> None:
        """Set a paragraph line by line on the 22 × 28 grid, flowing onto new pages.

        ``keep_with_next``: grid lines that must follow the paragraph on its last page (a
        signature and date). Where they would not, the paragraph's last two lines (or its only
        one) move to the next page with them, so no page holds only a 署名 and date."""
        pitch = CHAR_PITCH if size == BODY_SIZE else size
        left = LEFT + left_cells * CHAR_PITCH
        width = TYPE_WIDTH - (left_cells + right_cells) * CHAR_PITCH
        lines = self.setter.lines(
            spans,
            width,
            size=size,
            pitch=pitch,
            indent=indent_cells * pitch,
            justify=align == "justify",
        )
        break_before = self._break_for(len(lines), keep_with_next) if keep_with_next else None
        for number, line in enumerate(lines):
            index = self.grid_index()
            if index >= LINES_PER_PAGE or number == break_before:
                self.new_page()
                index = 0
            if align == "center":
                x = left + (width - line.width) / 2
            elif align == "right":
                x = left + width - line.width
            else:
                x = left
            self.draw_line(line, x, self.baseline_on(index, size), size, color=color, bold=bold)
            self.y = TOP + (index + 1) * LINE_PITCH

    def _break_for(self, count: int, keep_with_next: int) -> int | None:
        """The line of a ``count``-line paragraph starting at ``y`` before which a page must
        break so ``keep_with_next`` lines still follow its last line on the same page; None
        when they do without."""
        index = self.grid_index()
        for _ in range(count):
            if index >= LINES_PER_PAGE:
                index = 0
            index += 1
        if index + keep_with_next <= LINES_PER_PAGE:
            return None
        return max(0, count - 2) if count > 1 else 0

    # ------------------------------------------------------------- drawing

    def draw_line(
        self,
        line: Line,
        x: float,
        baseline: float,
        size: float,
        *,
        color: tuple[float, float, float] = BLACK,
        bold: bool = False,
    ) -> None:
        """Draw placed glyphs: runs of one font and even spacing become one text operator,
        so the PDF stays small and its text stays searchable."""
        glyphs = line.glyphs
        if not glyphs:
            return
        # text state (Tc, Tr) belongs to the graphics state in PDF: keep it from leaking out
        self.canvas.saveState()
        text = self.canvas.beginText()
        text.setFillColorRGB(*color)
        if bold:  # a stroke thickens the thin stand-in 宋体 for mastheads and titles
            text.setStrokeColorRGB(*color)
            text.setTextRenderMode(2)
            self.canvas.setLineWidth(size * 0.025)
        y = PAGE_HEIGHT - baseline
        i, n = 0, len(glyphs)
        font: str | None = None
        space: float | None = None
        run_x: float | None = None
        while i < n:
            first = glyphs[i]
            j = i + 1
            gap = glyphs[j].x - first.x - first.advance if j < n and glyphs[j].face is first.face else 0.0
            while (
                j < n
                and glyphs[j].face is first.face
                and abs(glyphs[j].x - glyphs[j - 1].x - glyphs[j - 1].advance - gap) < 0.01
            ):
                j += 1
            # Td (relative, two numbers) after the first run keeps the content stream short
            if run_x is None:
                text.setTextOrigin(x + first.x, y)
            else:
                text.moveCursor(first.x - run_x, 0)
            run_x = first.x
            if first.face.name != font:
                font = first.face.name
                text.setFont(font, size)
            if space is None or abs(gap - space) > 1e-4:
                space = gap
                text.setCharSpace(gap)
            text.textOut("".join(g.ch for g in glyphs[i:j]))
            i = j
        self.canvas.drawText(text)
        self.canvas.restoreState()

    def text_at(
        self,
        spans: Sequence[Span],
        x: float,
        baseline: float,
        size: float,
        *,
        align: Align = "left",
        width: float | None = None,
        color: tuple[float, float, float] = BLACK,
        bold: bool = False,
        letter_spacing: float = 0.0,
    ) -> float:
        """One line of text at a free position (no wrapping); returns its width."""
        lines = self.setter.lines(spans, 1e9, size=size, justify=False)
        if not lines:
            return 0.0
        line = lines[0]
        if letter_spacing:
            line = _letter_spaced(line, letter_spacing)
        if align != "left" and width is not None:
            x += (width - line.width) / (2 if align == "center" else 1)
        self.draw_line(line, x, baseline, size, color=color, bold=bold)
        return line.width

    def rule(
        self,
        y: float,
        *,
        x0: float = LEFT,
        x1: float = RIGHT,
        width: float = 0.5,
        color: tuple[float, float, float] = BLACK,
        dash: Sequence[float] | None = None,
    ) -> None:
        c = self.canvas
        c.saveState()
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width)
        if dash:
            c.setDash(list(dash), 0)
        c.line(x0, PAGE_HEIGHT - y, x1, PAGE_HEIGHT - y)
        c.restoreState()


def _letter_spaced(line: Line, spacing: float) -> Line:
    glyphs = tuple(Glyph(g.ch, g.face, g.x + i * spacing, g.advance) for i, g in enumerate(line.glyphs))
    return Line(glyphs, line.width + spacing * max(0, len(glyphs) - 1))
