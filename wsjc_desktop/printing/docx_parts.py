"""WordprocessingML written by hand: runs, paragraphs, tables, shapes and the package's parts.

No python-docx (it would bring lxml into the bundle) and no template: every part of the .docx
is written here, so what WPS and Word read is known to the byte. In particular every run names
its fonts (``w:eastAsia``, ``w:ascii``, ``w:hAnsi``) and no theme font appears anywhere: WPS
reports a theme font as missing. The fonts the file names, and what stands in for each when
the machine lacks it (``w:altName``), are listed in :data:`FONTS`.

Lengths: twips (1/20 pt) in the text, EMU in the shapes; :func:`twips` and :func:`emu` convert
millimetres.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FONTS",
    "Font",
    "Package",
    "Run",
    "emu",
    "paragraph",
    "rect_shape",
    "run_xml",
    "table",
    "text_box",
    "twips",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

NAMESPACES = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" '
    f'xmlns:wps="{WPS_NS}" xmlns:mc="{MC_NS}" xmlns:w14="{W14_NS}" mc:Ignorable="w14"'
)

RED = "E60012"  # the masthead's and the rules' red, as the PDF's (0.9, 0, 0.07)
GRID_SCALE = 98  # per cent: see run_properties
GRID_PITCH = 156 / 28 / 25.4 * 1440  # twips: one character of the grid (315.86)
LO_GRID_PITCH = int(GRID_PITCH)  # twips: LibreOffice's pitch of the same grid, truncated (315)


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def emu(mm: float) -> int:
    return round(mm * 36000)


@dataclass(frozen=True)
class Font:
    name: str  # as the file names it
    alt: str  # w:altName: what WPS and Word use when ``name`` is not installed
    family: Literal["roman", "swiss", "modern", "script"] = "roman"


#: Every font a file names, by role (the same roles as the PDF's FontSet).
FONTS: dict[str, Font] = {
    "fangsong": Font("仿宋_GB2312", "仿宋", "modern"),
    "xiaobiaosong": Font("方正小标宋简体", "宋体"),
    "hei": Font("黑体", "SimHei", "modern"),
    "kai": Font("楷体_GB2312", "楷体", "modern"),
    "song": Font("宋体", "SimSun"),
}


def attr(value: str | int) -> str:
    return quoteattr(str(value))


# ------------------------------------------------------------------------------------ text


@dataclass(frozen=True)
class Run:
    """Text in one font role and size (points)."""

    text: str
    role: str = "fangsong"
    size: float = 16.0
    bold: bool = False
    color: str | None = None
    spacing: float = 0.0  # extra room after each character, points (w:spacing)
    field: str | None = None  # a field's instruction (PAGE): ``text`` is its current result
    tab: bool = False  # a tab character instead of text


def run_properties(
    role: str, size: float, *, bold: bool = False, color: str | None = None, grid: bool = False
) -> str:
    """A run's properties, its fonts always named. ``grid``: the text is set on the character
    grid, and its glyphs are narrowed to 98 %: LibreOffice gives a character wider than the grid's
    pitch (16 pt in 15.79 pt) two cells, where Word squeezes it into one; at 98 % both give one."""
    name = attr(FONTS[role].name)
    half = round(size * 2)
    return (
        "<w:rPr>"
        f'<w:rFonts w:ascii={name} w:eastAsia={name} w:hAnsi={name} w:cs={name} w:hint="eastAsia"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + (f'<w:w w:val="{GRID_SCALE}"/>' if grid else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
        "</w:rPr>"
    )


def _props(run: Run, grid: bool) -> str:
    props = run_properties(run.role, run.size, bold=run.bold, color=run.color, grid=grid)
    if run.spacing:
        props = props.replace("<w:sz ", f'<w:spacing w:val="{round(run.spacing * 20)}"/><w:sz ', 1)
    return props


def run_xml(run: Run, *, grid: bool = False) -> str:
    props = _props(run, grid)
    if run.tab:
        return f"<w:r>{props}<w:tab/></w:r>"
    if run.field:
        return (
            f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{props}<w:instrText xml:space="preserve"> {escape(run.field)} </w:instrText></w:r>'
            f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{props}<w:t xml:space="preserve">{escape(run.text)}</w:t></w:r>'
            f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
        )
    out = []
    for i, line in enumerate(run.text.split("\n")):  # a line break inside a cell
        if i:
            out.append(f"<w:r>{props}<w:br/></w:r>")
        if line:
            out.append(f'<w:r>{props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "".join(out)


Align = Literal["left", "center", "right", "both", "distribute"]


def paragraph(
    runs: Sequence[Run] = (),
    *,
    align: Align = "both",
    line: int = 579,
    first_line_chars: int = 0,
    left: int = 0,
    right: int = 0,
    before: int = 0,
    keep_next: bool = False,
    snap: bool = True,
    tabs: Sequence[tuple[str, int, str]] = (),
    mark: tuple[str, float] = ("fangsong", 16.0),
    border: str = "",
    extra: str = "",
) -> str:
    """A paragraph of ``runs`` on lines exactly ``line`` twips apart. ``first_line_chars``:
    the first line indented so many characters (2 for body text); ``left``/``right`` indents in
    twips; ``tabs``: (kind, position, leader); ``mark``: the role and size of the paragraph mark
    (an empty paragraph is as tall as its line, whatever its mark); ``extra``: more pPr XML."""
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    if border:
        ppr.append(f"<w:pBdr>{border}</w:pBdr>")
    if tabs:
        ppr.append(
            "<w:tabs>"
            + "".join(f'<w:tab w:val="{k}" w:leader="{lead}" w:pos="{pos}"/>' for k, pos, lead in tabs)
            + "</w:tabs>"
        )
    ppr.append(f'<w:snapToGrid w:val="{1 if snap else 0}"/>')
    ppr.append(f'<w:spacing w:before="{before}" w:after="0" w:line="{line}" w:lineRule="exact"/>')
    if first_line_chars:
        # Word and WPS indent by firstLineChars; LibreOffice (7.4) ignores it and rounds firstLine
        # *up* to its grid, whose pitch it keeps in whole twips (315): 2 × 315.86 = 631 twips is
        # three of its cells, and the line broken for two runs a cell past the margin
        pitch = LO_GRID_PITCH if snap else (runs[0].size * 20 if runs else 320)
        ppr.append(
            f'<w:ind w:left="{left}" w:right="{right}" '
            f'w:firstLineChars="{first_line_chars * 100}" w:firstLine="{int(first_line_chars * pitch)}"/>'
        )
    else:
        ppr.append(f'<w:ind w:left="{left}" w:right="{right}" w:firstLine="0"/>')
    ppr.append(f'<w:jc w:val="{align}"/>')
    ppr.append(extra)
    ppr.append(run_properties(*mark))
    text = "".join(run_xml(r, grid=snap) for r in runs)
    return f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{text}</w:p>"


# ---------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Cell:
    runs: tuple[Run, ...] = ()
    span: int = 1
    merge: Literal["", "restart", "continue"] = ""  # vertical merge with the cells below
    align: Align = "left"
    middle: bool = False
    shade: bool = False
    indent: bool = False  # each paragraph's first line indented two characters
    min_lines: int = 1


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    keep: bool = False  # never split across pages
    header: bool = False  # repeated at the top of each page
    keep_next: bool = False  # on the page of the row after it (keepNext on each of its paragraphs)


def table(
    widths_mm: Sequence[float],
    rows: Iterable[Row],
    *,
    size: float,
    leading: float,
    keep_together: bool = False,
) -> str:
    """A ruled table (0.75 pt black rules), centred in the type area. ``size`` and ``leading``:
    the text's size and line pitch in points; ``keep_together``: on one page (each row's
    paragraphs kept with the next row, as Word keeps a table together)."""
    rows = list(rows)
    widths = [twips(w) for w in widths_mm]
    rule = '<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
    borders = "".join(rule.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    line = round(leading * 20)
    for row in rows:
        trpr = []
        if row.keep:
            trpr.append("<w:cantSplit/>")
        if row.header:
            trpr.append("<w:tblHeader/>")
        tallest = max(c.min_lines for c in row.cells)
        if tallest > 1:
            trpr.append(f'<w:trHeight w:val="{tallest * line + 114}" w:hRule="atLeast"/>')
        out.append("<w:tr>" + (f"<w:trPr>{''.join(trpr)}</w:trPr>" if trpr else ""))
        column = 0
        keep_next = row.keep_next or (keep_together and row is not rows[-1])
        for cell in row.cells:
            width = sum(widths[column : column + cell.span])
            column += cell.span
            tcpr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
            if cell.span > 1:
                tcpr.append(f'<w:gridSpan w:val="{cell.span}"/>')
            if cell.merge:
                tcpr.append(f'<w:vMerge w:val="{cell.merge}"/>' if cell.merge == "restart" else "<w:vMerge/>")
            if cell.shade:
                tcpr.append('<w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>')
            if cell.middle:
                tcpr.append('<w:vAlign w:val="center"/>')
            out.append(f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>")
            out.append(_cell_paragraphs(cell, size, line, keep_next))
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _cell_paragraphs(cell: Cell, size: float, line: int, keep_next: bool) -> str:
    """A cell's text, a paragraph per line of it (a cell always holds one paragraph at least)."""
    paragraphs: list[list[Run]] = [[]]
    for run in cell.runs:
        pieces = run.text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Run(piece, run.role, run.size, run.bold, run.color))
    return "".join(
        paragraph(
            runs,
            align=cell.align,
            line=line,
            first_line_chars=2 if cell.indent and runs else 0,
            snap=False,
            keep_next=keep_next,
            mark=("fangsong", size),
        )
        for runs in paragraphs
    )


# ---------------------------------------------------------------------------------- shapes


class Shapes:
    """Numbers the drawings of one document (each needs an id of its own)."""

    def __init__(self) -> None:
        self.count = 0

    def next_id(self) -> int:
        self.count += 1
        return self.count


def _anchor(shapes: Shapes, x_mm: float, y_mm: float, w_mm: float, h_mm: float, body: str, name: str) -> str:
    """A shape placed on the page (not in the text: it moves nothing), in front of the text."""
    n = shapes.next_id()
    return (
        "<w:r><w:drawing>"
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{251659264 + n}" '
        'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x_mm)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y_mm)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{emu(w_mm)}" cy="{emu(h_mm)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{n}" name="{name} {n}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{WPS_NS}">{body}</a:graphicData></a:graphic>'
        "</wp:anchor></w:drawing></w:r>"
    )


def _geometry(w_mm: float, h_mm: float) -> str:
    return (
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(w_mm)}" cy="{emu(h_mm)}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    )


def rect_shape(shapes: Shapes, x_mm: float, y_mm: float, w_mm: float, h_mm: float, color: str = RED) -> str:
    """A filled rectangle: a rule of exactly ``h_mm`` thickness wherever it is shown."""
    body = (
        "<wps:wsp><wps:cNvSpPr/><wps:spPr>"
        + _geometry(w_mm, h_mm)
        + f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp>"
    )
    return _anchor(shapes, x_mm, y_mm, w_mm, h_mm, body, "Rule")


def text_box(shapes: Shapes, x_mm: float, y_mm: float, w_mm: float, h_mm: float, content: str) -> str:
    """A frameless text box holding the paragraphs ``content``, with no inner margins."""
    body = (
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        + _geometry(w_mm, h_mm)
        + "<a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>"
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="t" anchorCtr="0" upright="1"><a:noAutofit/></wps:bodyPr>'
        "</wps:wsp>"
    )
    return _anchor(shapes, x_mm, y_mm, w_mm, h_mm, body, "Text Box")


# --------------------------------------------------------------------------------- package

PAGE_W, PAGE_H = 210.0, 297.0
MARGINS = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
LINE_PITCH = 579  # twips: 28.95 pt, 22 lines in the 225 mm type area
#: The character grid: 28 characters of 3号 in 156 mm. Word's pitch is the default size (16 pt)
#: plus charSpace/4096 pt: 156 mm / 28 = 15.7927 pt, so charSpace = -0.2073 × 4096.
CHAR_SPACE = -849
FOOTER_DISTANCE = 23.5  # mm from the page's foot to the page number's line (7 mm under the type area)


class Section(NamedTuple):
    """One document of a file: its body XML, on pages of its own numbered from 1. The 信函格式
    leaves its first page unnumbered (GB/T 9704 §10.1): an empty first-page footer."""

    xml: str
    first_page_unnumbered: bool = False


def section_properties(*, restart_numbering: bool, first_page_unnumbered: bool = False) -> str:
    m = MARGINS
    first = '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>' if first_page_unnumbered else ""
    return (
        "<w:sectPr>"
        f'<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        f'<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f"{first}"
        '<w:type w:val="nextPage"/>'
        f'<w:pgSz w:w="{twips(PAGE_W)}" w:h="{twips(PAGE_H)}"/>'
        f'<w:pgMar w:top="{twips(m["top"])}" w:right="{twips(m["right"])}" w:bottom="{twips(m["bottom"])}" '
        f'w:left="{twips(m["left"])}" w:header="851" w:footer="{twips(FOOTER_DISTANCE)}" w:gutter="0"/>'
        + ('<w:pgNumType w:start="1"/>' if restart_numbering else "")
        + ("<w:titlePg/>" if first_page_unnumbered else "")
        + f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE_PITCH}" w:charSpace="{CHAR_SPACE}"/>'
        "</w:sectPr>"
    )


#: The first page's footer of a 信函格式 letter: nothing.
EMPTY_FOOTER = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {NAMESPACES}><w:p/></w:ftr>'


def _footer(odd: bool) -> str:
    """“— 1 —” in 4号 宋体: odd pages at the right, even ones at the left, a character in."""
    size = 14.0
    one = round(size * 20)
    runs = [Run("— ", "song", size), Run("1", "song", size, field="PAGE"), Run(" —", "song", size)]
    body = paragraph(
        runs,
        align="right" if odd else "left",
        line=round(size * 1.2 * 20),
        right=one if odd else 0,
        left=0 if odd else one,
        snap=False,
        mark=("song", size),
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {NAMESPACES}>{body}</w:ftr>'


def _styles() -> str:
    body = FONTS["fangsong"].name
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:styles xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" xmlns:w15="{W15_NS}">'
        "<w:docDefaults><w:rPrDefault>"
        + run_properties("fangsong", 16.0)
        + "</w:rPrDefault><w:pPrDefault><w:pPr>"
        + NO_HANGING_PUNCTUATION
        + '<w:snapToGrid w:val="1"/>'
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
        '<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        "<w:pPr><w:widowControl/></w:pPr>"
        f'<w:rPr><w:rFonts w:ascii="{body}" w:eastAsia="{body}" w:hAnsi="{body}" w:cs="{body}"/>'
        '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        "</w:styles>"
    )


#: No punctuation hangs past the type area's right edge: a 29th character would print 5.6 mm
#: beyond 184 mm. Word, WPS and the standard: ``overflowPunct`` 0 (omitted, it is 1, and a 。 or
#: ， after 28 characters hangs in the margin). LibreOffice 7.4 reads the element inverted (1
#: stops the hanging, 0 allows it; its own export writes 0 for no hanging), so the value is given
#: twice: to readers of Word 2013's markup (w15: Word, WPS) the standard's 0, to LibreOffice,
#: which knows no w15 and takes the fallback, the 1 it understands as the same.
NO_HANGING_PUNCTUATION = (
    '<mc:AlternateContent><mc:Choice Requires="w15"><w:overflowPunct w:val="0"/></mc:Choice>'
    '<mc:Fallback><w:overflowPunct w:val="1"/></mc:Fallback></mc:AlternateContent>'
)


def _settings() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:settings xmlns:w="{W_NS}">'
        '<w:zoom w:percent="100"/><w:evenAndOddHeaders/>'
        '<w:defaultTabStop w:val="420"/>'
        '<w:drawingGridVerticalSpacing w:val="579"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/>"
        "<w:useFELayout/>"
        '<w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat>"
        "</w:settings>"
    )


def _font_table() -> str:
    fonts = "".join(
        f"<w:font w:name={attr(f.name)}><w:altName w:val={attr(f.alt)}/>"
        f'<w:charset w:val="86"/><w:family w:val="{f.family}"/><w:pitch w:val="variable"/></w:font>'
        for f in FONTS.values()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:fonts xmlns:w="{W_NS}">{fonts}</w:fonts>'
    )


def _core(title: str, author: str, subject: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        "</cp:coreProperties>"
    )


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer3.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rIdStyles" Type="{DOC_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{DOC_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{DOC_REL}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{DOC_REL}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{DOC_REL}/footer" Target="footer2.xml"/>'
    f'<Relationship Id="rIdFooterFirst" Type="{DOC_REL}/footer" Target="footer3.xml"/>'
    "</Relationships>"
)

#: A fixed time for every entry: the same values give the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass
class Package:
    """The body's XML, section by section, and the document's properties."""

    title: str
    author: str
    subject: str

    def to_bytes(self, sections: Sequence[str | Section]) -> bytes:
        """The .docx: each of ``sections`` (body XML) on pages of its own, numbered from 1."""
        body = []
        for i, item in enumerate(sections):
            section = item if isinstance(item, Section) else Section(item)
            properties = section_properties(
                restart_numbering=True, first_page_unnumbered=section.first_page_unnumbered
            )
            if i < len(sections) - 1:
                # a section ends with a paragraph that carries its properties
                body.append(section.xml + f"<w:p><w:pPr>{properties}</w:pPr></w:p>")
            else:
                body.append(section.xml + properties)
        document = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:document {NAMESPACES}><w:body>{''.join(body)}</w:body></w:document>"
        )
        parts = {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "docProps/core.xml": _core(self.title, self.author, self.subject),
            "word/document.xml": document,
            "word/_rels/document.xml.rels": DOCUMENT_RELS,
            "word/styles.xml": _styles(),
            "word/settings.xml": _settings(),
            "word/fontTable.xml": _font_table(),
            "word/footer1.xml": _footer(odd=True),
            "word/footer2.xml": _footer(odd=False),
            "word/footer3.xml": EMPTY_FOOTER,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.encode("utf-8"))
        return buffer.getvalue()
