"""Word files (.docx) of every letter and form, to finish in WPS or Word: the same layout as the
PDF slips (GB/T 9704-2012), written as WordprocessingML by :mod:`docx_parts`.

- A4, margins 37/35/28/26 mm; body 三号 仿宋_GB2312 on a grid of 22 lines (exactly 28.95 pt
  apart) of 28 characters (``w:docGrid`` linesAndChars);
- letters: the red masthead and rules of the 信函格式 (GB/T 9704 §10.1: 提醒函, 提示函, 建议书,
  节前提醒, 党风廉政意见回复) or of the 文件格式 (§7.2: 廉情抄告单), placed on the page where the
  standard puts them; the signature and date at the right; a 回执 below a cut line;
- forms (谈话记录, 列席会议记录, 廉政档案): ruled Word tables, the labels from the field spec;
- page numbers “— 1 —” at the right of odd pages and the left of even ones.

The words are the PDF's: :mod:`~wsjc_desktop.printing.content` composes a letter's text for
both engines, :mod:`~wsjc_desktop.printing.wording` holds every fixed phrase. A file is built
in memory and written only when complete (``fileio.atomic_write``): a failure leaves no file.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from wsjc_desktop.domain.fields import spec_for
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing import wording as W
from wsjc_desktop.printing.content import (
    LETTER_FORMAT,
    basics_rows,
    masthead_format,
    notice_letter,
    opinion_lead,
    opinion_title,
    value_text,
)
from wsjc_desktop.printing.docx_parts import (
    FONTS,
    LINE_PITCH,
    MARGINS,
    RED,
    Cell,
    Package,
    Row,
    Run,
    Section,
    Shapes,
    paragraph,
    rect_shape,
    table,
    text_box,
    twips,
)
from wsjc_desktop.printing.output import Output, deliver
from wsjc_desktop.printing.text import (
    chinese_ordinal,
    format_date,
    format_time,
    heading_level,
    heading_split,
    is_full_width,
    paragraphs,
    title_breaks,
    units,
)
from wsjc_desktop.printing.values import (
    DossierSection,
    DossierValues,
    MeetingValues,
    NoticeValues,
    OpinionReplyValues,
    TalkPerson,
    TalkValues,
)

__all__ = [
    "FONTS",
    "render_dossier",
    "render_meeting",
    "render_notice",
    "render_notices",
    "render_opinion_reply",
    "render_talk",
]

PT = 25.4 / 72  # millimetres in a point
LINE_MM = LINE_PITCH / 20 * PT  # 10.21 mm
TOP, LEFT = MARGINS["top"], MARGINS["left"]
TYPE_WIDTH, TYPE_HEIGHT = 156.0, 225.0
PAGE_HEIGHT = 297.0
BODY, TITLE, FORM, SMALL = 16.0, 22.0, 14.0, 12.0  # 三号, 二号, 四号, 小四
CHAR = round(TYPE_WIDTH / 28 / PT * 20)  # one grid character, in twips (316)


def _is_letter(kind: str) -> bool:
    """Printed in the 信函格式 (content.masthead_format), else in the 文件格式."""
    return masthead_format(kind) == LETTER_FORMAT


#: Where a glyph's top edge sits below the top of a line of exactly ``LINE_FACTOR`` × its size,
#: as a fraction of the size (a little above it: measured in LibreOffice's PDF).
LINE_FACTOR = 1.2
GLYPH_TOP = -0.04
#: Where a 三号 glyph's top edge sits below the top of its grid line (measured likewise: about
#: centred in the line).
BODY_GLYPH_TOP = 2.1
RULE_THICK, RULE_GAP, RULE_THIN = 1.0, 0.6, 0.35  # mm: the 信函格式's double lines
RULE_LENGTH = 170.0


# --------------------------------------------------------------------------- public renderers


def render_notice(values: NoticeValues, out: Output) -> None:
    """One 抄告单 / 提醒函 / 提示函 / 建议书 / 节前提醒, with its 回执 when ``with_receipt``."""
    _write(
        out,
        _package(values.title or values.kind_label, values.group_name, values.kind_label),
        [Section(_notice(values), _is_letter(values.kind))],
    )


def render_notices(
    values: Sequence[NoticeValues], out: Output, *, progress: Callable[[int, int], None] | None = None
) -> None:
    """Many notices in one file, each in a section of its own (new page, numbered from 1)."""
    if not values:
        raise UserError("没有要打印的提醒。")
    sections = []
    for done, notice in enumerate(values, start=1):
        sections.append(Section(_notice(notice), _is_letter(notice.kind)))
        if progress is not None:
            progress(done, len(values))
    first = values[0]
    _write(out, _package(first.title or first.kind_label, first.group_name, first.kind_label), sections)


def render_talk(values: TalkValues, out: Output) -> None:
    """谈话记录: a ruled form."""
    _write(out, _package(W.TALK_WORDING.title, values.group_name, values.kind_label), [_talk(values)])


def render_meeting(values: MeetingValues, out: Output) -> None:
    """列席会议记录."""
    _write(out, _package(W.MEETING_WORDING.title, values.group_name, values.type_label), [_meeting(values)])


def render_opinion_reply(values: OpinionReplyValues, out: Output) -> None:
    """党风廉政意见回复: a letter with a table of persons and conclusions."""
    package = _package(opinion_title(values), values.group_name, W.OPINION_WORDING.masthead)
    _write(out, package, [Section(_opinion(values), first_page_unnumbered=True)])


def render_dossier(values: DossierValues, out: Output) -> None:
    """A cadre's 廉政档案: basics, every section and the timeline."""
    title = f"{W.DOSSIER_WORDING.title}（{values.name}）"
    _write(out, _package(title, values.group_name, W.DOSSIER_WORDING.title), [_dossier(values)])


def _package(title: str, author: str, subject: str) -> Package:
    return Package(title=title, author=author, subject=subject)


def _write(out: Output, package: Package, sections: Sequence[str | Section]) -> None:
    deliver(out, package.to_bytes(sections))


# ------------------------------------------------------------------------------ the writer


def _width(text: str, size: float) -> float:
    """The natural width of ``text`` in millimetres: a full-width character is one em, the
    rest half (the digits and Latin letters of the fonts named)."""
    return sum(size * PT * (1.0 if is_full_width(ch) else 0.5) for ch in text)


def _grid_width(text: str) -> int:
    """The width of body text on the character grid, in twips: a full-width character takes a
    cell, and a run of half-width ones (2026, 3) as many whole cells as it half fills (the
    grid rounds it up, as LibreOffice sets it)."""
    cells = 0
    half = 0
    for ch in text:
        if is_full_width(ch):
            cells += 1 + (half + 1) // 2
            half = 0
        else:
            half += 1
    cells += (half + 1) // 2
    return cells * CHAR


class _Body:
    """The XML of one document's body, and where its first page's head ends (in mm)."""

    def __init__(self) -> None:
        self.xml: list[str] = []
        self.shapes = Shapes()

    def add(self, xml: str) -> None:
        self.xml.append(xml)

    def blank(self, lines: int = 1, *, keep_next: bool = False) -> None:
        for _ in range(lines):
            self.add(paragraph(keep_next=keep_next))

    def spacer(self, mm: float, shapes: str = "") -> None:
        """An empty paragraph exactly ``mm`` tall (at least a twip), holding ``shapes``."""
        height = max(1, twips(mm))
        self.add(
            paragraph(line=height, snap=False, mark=("fangsong", 1.0), extra="").replace(
                "</w:pPr>", "</w:pPr>" + shapes, 1
            )
        )

    def text(self) -> str:
        return "".join(self.xml)


def _glyph_top(size: float) -> float:
    """Where a glyph of ``size`` points starts below the top of its line, in mm."""
    return GLYPH_TOP * size * PT


def _masthead_line(body: _Body, text: str, size: float, top_mm: float, *, spacing: float = 0.0) -> str:
    """A line of the masthead as a text box whose glyphs' top edge is ``top_mm`` from the page's."""
    height = size * LINE_FACTOR
    run = Run(text, "xiaobiaosong", size, color=RED, spacing=spacing)
    content = paragraph(
        [run], align="center", line=round(height * 20), snap=False, mark=("xiaobiaosong", size)
    )
    return text_box(body.shapes, LEFT, top_mm - _glyph_top(size), TYPE_WIDTH, height * PT, content)


def _masthead(body: _Body, group_name: str, kind_label: str | None, top_mm: float) -> tuple[str, float]:
    """The 发文机关标志, red 小标宋, its top edge ``top_mm`` below the page's: the group's name
    alone (信函格式, ``kind_label`` None), or over the kind (文件格式). Returns the shapes and the
    masthead's lower edge (mm)."""
    size = 26.0 if kind_label else 30.0
    if _width(group_name, size) > TYPE_WIDTH * 0.96:
        size = max(12.0, size * TYPE_WIDTH * 0.96 / _width(group_name, size))
    shapes = _masthead_line(body, group_name, size, top_mm)
    if not kind_label:
        return shapes, top_mm + size * PT
    second = top_mm + size * PT + 3.0
    big = 36.0
    natural = _width(kind_label, big)
    if natural > TYPE_WIDTH * 0.9:
        big *= TYPE_WIDTH * 0.9 / natural
        natural = TYPE_WIDTH * 0.9
    n = max(1, len(kind_label))
    spacing = 0.0 if n == 1 else max(0.0, min(big * 0.5, (TYPE_WIDTH * 0.6 - natural) / PT / (n - 1)))
    shapes += _masthead_line(body, kind_label, big, second, spacing=spacing)
    return shapes, second + big * PT


def _double_rule(body: _Body, y_mm: float, *, thick_first: bool) -> str:
    """Two red rules 170 mm long, centred on the type area: thick over thin, or thin over thick."""
    x = LEFT + (TYPE_WIDTH - RULE_LENGTH) / 2
    first, second = (RULE_THICK, RULE_THIN) if thick_first else (RULE_THIN, RULE_THICK)
    return rect_shape(body.shapes, x, y_mm, RULE_LENGTH, first) + rect_shape(
        body.shapes, x, y_mm + first + RULE_GAP, RULE_LENGTH, second
    )


def _letter_head(
    body: _Body, group_name: str, kind_label: str, doc_number: str | None, *, letter: bool
) -> None:
    """The head of a letter, ending where its title is to start (two lines below the element
    above it): the 信函格式 (``letter``) or the 文件格式."""
    number = doc_number or W.DRAFT_NUMBER
    if letter:
        shapes, bottom = _masthead(body, group_name, None, 30.0)  # the name alone (§10.1)
        rule = bottom + 4.0
        shapes += _double_rule(body, rule, thick_first=True)
        shapes += _double_rule(
            body, PAGE_HEIGHT - 20.0 - (RULE_THICK + RULE_GAP + RULE_THIN), thick_first=False
        )
        # the 文号 at the type area's right edge, on the line under the double line
        line_top = rule + RULE_THICK + RULE_GAP + RULE_THIN + 1.0
        body.spacer(line_top - TOP, shapes)
        body.add(paragraph([Run(number)], align="right"))
        body.blank(2)
        return
    shapes, bottom = _masthead(body, group_name, kind_label, TOP + 35.0)
    # the 文号 centred two lines under the masthead, the red rule 4 mm under the 文号
    line_top = bottom + 2 * LINE_MM
    body.spacer(line_top - TOP, shapes)
    body.add(paragraph([Run(number)], align="center"))
    glyph_bottom = line_top + BODY_GLYPH_TOP + BODY * PT
    rule = glyph_bottom + 4.0
    thickness = 0.75
    after = rule + thickness - (line_top + LINE_MM)
    body.spacer(after, rect_shape(body.shapes, LEFT, rule, TYPE_WIDTH, thickness))
    body.blank(2)


def _title(body: _Body, text: str, keep: Sequence[str] = ()) -> None:
    """二号 小标宋, centred; a long title broken where its sense allows into lines of about equal
    length (the PDF's rule, :func:`text.title_breaks`)."""
    pieces = units(text)
    widths = [_width(p, TITLE) / PT for p in pieces]
    cuts: list[int] = []
    if sum(widths) > TYPE_WIDTH / PT:
        cuts = title_breaks(pieces, widths, TYPE_WIDTH / PT, TITLE, keep)
    bounds = [0, *cuts, len(pieces)]
    lines = ["".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]
    runs = [Run("\n".join(lines), "xiaobiaosong", TITLE)]
    body.add(paragraph(runs, align="center", snap=False, keep_next=True, mark=("xiaobiaosong", TITLE)))


def _addressee(body: _Body, name: str) -> None:
    """主送: flush left, ending with a full-width colon (GB/T 9704 7.3.2)."""
    body.add(paragraph([Run(name.rstrip("：:") + "：")], align="left"))


def _body_paragraph(text: str, *, keep_next: bool = False) -> str:
    level = heading_level(text)
    if level:
        split = heading_split(text)
        runs = [Run(text[:split], "hei" if level == 1 else "kai")]
        if text[split:]:
            runs.append(Run(text[split:]))
    else:
        runs = [Run(text)]
    return paragraph(runs, first_line_chars=2, keep_next=keep_next or (bool(level) and len(runs) == 1))


def _paragraphs(body: _Body, texts: Iterable[str], *, keep_last: bool = False) -> None:
    """Paragraphs indented two characters; “一、” headings in 黑体, “（一）” in 楷体. With
    ``keep_last`` the last one stays on the page of what follows (the signature)."""
    items = list(texts)
    for i, text in enumerate(items):
        body.add(_body_paragraph(text, keep_next=keep_last and i == len(items) - 1))


def _signature(body: _Body, group_name: str, day: date | None, *, sealed: bool = True) -> None:
    """The 落款, kept with the text above (GB/T 9704 §7.3.5), as the PDF sets it: sealed, the
    date 右空四字 and the group's name centred over it; unsealed (不加盖印章), the name 右空二字
    and the date two characters right of the name's start (右空二字 when it is the longer)."""
    when = format_date(day, blank=W.TALK_WORDING.date_blank)
    name_w, date_w = _grid_width(group_name), _grid_width(when)
    body.blank(1, keep_next=True)
    if sealed:
        # the date exactly 右空四字; the name centred on the date's axis as the fonts' widths are
        # estimated (a block from the axis as far left as it reaches right), or at the margin
        # when wider than that block
        width = twips(TYPE_WIDTH)
        block_left = max(0, width - 2 * (4 * CHAR + date_w // 2))
        if name_w <= width - block_left:
            body.add(paragraph([Run(group_name)], align="center", left=block_left, keep_next=True))
        else:
            body.add(paragraph([Run(group_name)], align="right", keep_next=True))
        body.add(paragraph([Run(when)], align="right", right=4 * CHAR))
        return
    if date_w + 2 * CHAR > name_w:
        date_right = 2 * CHAR
        name_right = 4 * CHAR + date_w - name_w
    else:
        name_right = 2 * CHAR
        date_right = name_w - date_w
    body.add(paragraph([Run(group_name)], align="right", right=name_right, keep_next=True))
    body.add(paragraph([Run(when)], align="right", right=date_right))


#: The 版记's rules (GB/T 9704 §7.4.1), in eighths of a point: thick 0.35 mm, thin 0.25 mm.
RECORD_THICK, RECORD_THIN = 8, 6


def _record(body: _Body, copy_to: str, group_name: str, day: date | None, *, letter: bool) -> None:
    """The 版记 when there is a 抄送 (§7.4), as the PDF sets it: the 抄送 line in 4号仿宋 a
    character in from each side; in the 文件格式 the 印发机关 and 印发日期 under it, between rules
    (thick, thin, thick). The 信函格式 has the 抄送 line alone (§10.1). A table a line under the
    落款: LibreOffice (and so the tests) does not honour a table floating to the page's foot, so
    the PDF's place for it (the foot of the last page) is left to the clerk in WPS or Word."""
    names = "、".join(
        n.strip() for n in re.split(r"[、，,；;\n]+", copy_to.strip().rstrip("。.")) if n.strip()
    )
    if not names:
        return
    width = twips(TYPE_WIDTH)
    one = round(FORM * 20)  # a 4号 character, in twips
    rows = [
        paragraph(
            [Run(W.RECORD_WORDING.copy_to.format(names=names), "fangsong", FORM)],
            align="left",
            left=one,
            right=one,
            mark=("fangsong", FORM),
        )
    ]
    if not letter:
        printed = W.RECORD_WORDING.printed.format(date=format_date(day, blank=W.TALK_WORDING.date_blank))
        runs = [Run(group_name, "fangsong", FORM), Run("", tab=True), Run(printed, "fangsong", FORM)]
        tabs = [("right", width - one, "none")]
        rows.append(paragraph(runs, align="left", left=one, tabs=tabs, snap=False, mark=("fangsong", FORM)))

    def rule(side: str, size: int) -> str:
        if letter:
            return f'<w:{side} w:val="nil"/>'
        return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'

    borders = (
        rule("top", RECORD_THICK)
        + '<w:left w:val="nil"/>'
        + rule("bottom", RECORD_THICK)
        + '<w:right w:val="nil"/>'
        + rule("insideH", RECORD_THIN)
        + '<w:insideV w:val="nil"/>'
    )
    body.blank(1)
    cells = "".join(
        f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{xml}</w:tc></w:tr>' for xml in rows
    )
    body.add(
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{cells}</w:tbl>'
    )


# ------------------------------------------------------------------------------------ notices


def _notice(v: NoticeValues) -> str:
    body = _Body()
    letter = notice_letter(v)
    _letter_head(body, v.group_name, v.kind_label, v.doc_number, letter=_is_letter(v.kind))
    _title(body, letter.title, letter.keep)
    body.blank()
    _addressee(body, letter.addressee)
    _paragraphs(body, letter.body, keep_last=True)
    _signature(body, v.group_name, v.issued_on, sealed=v.sealed)
    _record(body, v.copy_to, v.group_name, v.issued_on, letter=_is_letter(v.kind))
    if v.with_receipt:
        _receipt(body, v)
    return body.text()


def _receipt(body: _Body, v: NoticeValues) -> None:
    """The tear-off 回执 below a dashed cut line, kept together."""
    r = W.RECEIPT_WORDING
    end = twips(TYPE_WIDTH)
    body.blank(1, keep_next=True)
    cut = [Run("", tab=True), Run(f" {r.cut_line} ", "kai", SMALL), Run("", tab=True)]
    tabs = [("center", end // 2, "hyphen"), ("right", end, "hyphen")]
    body.add(paragraph(cut, align="left", tabs=tabs, snap=False, keep_next=True))
    number = r.doc_line.format(doc_number=v.doc_number or W.DRAFT_NUMBER)
    heading = [
        Run("", tab=True),
        Run(r.title, "xiaobiaosong", TITLE),
        Run("", tab=True),
        Run(number, "fangsong", SMALL),
    ]
    tabs = [("center", end // 2, "none"), ("right", end, "none")]
    body.add(paragraph(heading, align="left", tabs=tabs, snap=False, keep_next=True))
    widths = (34, 44, 34, 44)
    rows = [
        Row((_label(r.unit), _cell(v.unit_name, span=2), _cell(r.seal, align="center")), keep=True),
        Row((_label(r.person), _cell(""), _label(r.date), _cell(r.date_blank, align="center")), keep=True),
        Row(
            (_label(f"{r.rectification}\n{r.rectification_note}"), _cell("", span=3, min_lines=6)),
            keep=True,
        ),
    ]
    body.add(table(widths, rows, size=FORM, leading=21.0, keep_together=True))


# -------------------------------------------------------------------------------------- forms


def _cell(
    text: str,
    *,
    span: int = 1,
    align: str = "left",
    middle: bool = False,
    indent: bool = False,
    min_lines: int = 1,
    role: str = "fangsong",
    size: float = FORM,
    shade: bool = False,
    merge: str = "",
) -> Cell:
    return Cell(
        runs=(Run(text, role, size),) if text else (),
        span=span,
        align=align,  # type: ignore[arg-type]
        middle=middle,
        indent=indent,
        min_lines=min_lines,
        shade=shade,
        merge=merge,  # type: ignore[arg-type]
    )


def _label(
    text: str,
    span: int = 1,
    *,
    role: str = "fangsong",
    size: float = FORM,
    shade: bool = False,
    merge: str = "",
) -> Cell:
    """A form's label: centred both ways."""
    return _cell(text, span=span, align="center", middle=True, role=role, size=size, shade=shade, merge=merge)


def _form_head(body: _Body, title: str, subtitle: str) -> None:
    _title(body, title)
    if subtitle:
        body.add(paragraph([Run(subtitle, "kai")], align="center", snap=False))


class _Labels:
    """The printed labels of one record type's fields, from the field spec; notes which slip
    fields the layout placed, so a field marked for the slip gets a row of its own."""

    def __init__(self, table_name: str) -> None:
        self.spec = spec_for(table_name)
        self.placed: set[str] = set()

    def __call__(self, name: str, *also: str) -> str:
        self.placed.update((name, *also))
        return self.spec.field(name).print_label

    def more_rows(self, values: object, span: int) -> list[Row]:
        others: dict[str, object] = getattr(values, "others", {})
        return [
            Row(
                (
                    _label(f.print_label),
                    _cell(value_text(getattr(values, f.name, others.get(f.name))), span=span),
                )
            )
            for f in self.spec.slip_fields
            if f.name not in self.placed
        ]


def _talk(v: TalkValues) -> str:
    t = W.TALK_WORDING
    talk, cadre = _Labels("talks"), _Labels("cadres")
    body = _Body()
    _form_head(body, t.title, v.group_name)
    when = format_date(v.held_on)
    if v.start_time and v.end_time:
        when += " " + t.time_range.format(start=format_time(v.start_time), end=format_time(v.end_time))
    elif v.start_time:
        when += " " + format_time(v.start_time)
    persons = talk("cadre_ids")
    people: list[TalkPerson | None] = list(v.persons) or [None]
    rows = [
        Row((_label(talk("held_on", "start_time", "end_time")), _cell(when, span=5))),
        Row(
            (
                _label(talk("location")),
                _cell(v.location, span=2),
                _label(talk("kind")),
                _cell(v.kind_label, span=2),
            )
        ),
        Row(
            (
                _label(talk("talker_id")),
                _cell(v.talker, span=2),
                _label(talk("recorder_id")),
                _cell(v.recorder, span=2),
            )
        ),
        Row(
            (
                _label(persons, merge="restart"),
                _label(cadre("name")),
                _label(cadre("unit_id"), 2),
                _label(cadre("position"), 2),
            )
        ),
    ]
    for p in people:
        rows.append(
            Row(
                (
                    _label("", merge="continue"),
                    _cell(p.name if p else "", align="center", middle=True),
                    _cell(p.unit if p else "", span=2),
                    _cell(p.position if p else "", span=2),
                )
            )
        )
    rows += [
        # short rows are never split: a label's second line would open the next page alone
        Row((_label(talk("reason")), _cell(v.reason, span=5)), keep=True),
        Row((_label(talk("summary")), _cell(v.summary, span=5, indent=True, min_lines=6))),
        Row((_label(talk("response")), _cell(v.response, span=5, indent=True, min_lines=2))),
        Row((_label(talk("handling")), _cell(v.handling or t.none, span=5)), keep=True),
        Row((_label(talk("follow_up")), _cell(v.follow_up, span=5, indent=True, min_lines=2))),
    ]
    rows += talk.more_rows(v, span=5)
    # the signature rows stay together, and with the row above them (issue 18 point 1): no page
    # holds only signature rows or the 签字日期 alone
    rows[-1] = _kept_with_next(rows[-1])
    rows.append(
        Row(
            (
                _label(t.signature.format(label=talk("talker_id"))),
                _cell("", span=2, min_lines=2),
                _label(t.signature.format(label=talk("recorder_id"))),
                _cell("", span=2),
            ),
            keep=True,
            keep_next=True,
        )
    )
    for i, p in enumerate(people):
        first = (
            _label(t.signature.format(label=persons), merge="restart")
            if i == 0
            else _label("", merge="continue")
        )
        rows.append(
            Row(
                (
                    first,
                    _cell(p.name if p else "", align="center", middle=True),
                    _cell("", span=4, min_lines=2),
                ),
                keep=True,
                keep_next=True,
            )
        )
    rows.append(
        Row((_label(t.sign_date), _cell(t.date_blank, span=5, align="center", middle=True)), keep=True)
    )
    if len(people) == 1:  # a lone cell needs no merge
        rows = [dataclasses.replace(row, cells=tuple(_unmerged(c) for c in row.cells)) for row in rows]
    body.add(table((30, 23, 25, 30, 24, 24), rows, size=FORM, leading=21.0))
    return body.text()


def _kept_with_next(row: Row) -> Row:
    """``row``, unsplit and on the page of the row after it."""
    return dataclasses.replace(row, keep=True, keep_next=True)


def _unmerged(cell: Cell) -> Cell:
    if cell.merge == "restart":
        return Cell(
            cell.runs, cell.span, "", cell.align, cell.middle, cell.shade, cell.indent, cell.min_lines
        )
    return cell


def _meeting(v: MeetingValues) -> str:
    m = W.MEETING_WORDING
    meeting, opinion = _Labels("meetings"), _Labels("meeting_opinions")
    body = _Body()
    _form_head(body, m.title, v.group_name)
    follow_up = meeting("follow_up")
    rows = [
        Row((_label(meeting("unit_id")), _cell(v.unit_name, span=3))),
        Row((_label(meeting("title")), _cell(v.title, span=3))),
        Row(
            (
                _label(meeting("held_on")),
                _cell(format_date(v.held_on)),
                _label(meeting("meeting_type")),
                _cell(v.type_label),
            )
        ),
        Row(
            (
                _label(meeting("location")),
                _cell(v.location),
                _label(meeting("major_topic_count")),
                _cell(m.major_count_value.format(count=v.major_topic_count), middle=True),
            )
        ),
        Row((_label(meeting("attendee_ids")), _cell("、".join(v.attendees), span=3))),
        Row((_label(meeting("topics")), _cell(v.topics, span=3, min_lines=3))),
    ]
    rows += meeting.more_rows(v, span=3)
    body.add(table((30, 48, 30, 48), rows, size=FORM, leading=21.0))
    header = [
        Row((_label(opinion.spec.label, 5, role="hei", shade=True),), header=True),
        Row(
            (
                _label(m.opinion_number, shade=True),
                _label(opinion("content"), shade=True),
                _label(opinion("cadre_id"), shade=True),
                _label(opinion("follow_up"), shade=True),
                _label(opinion("follow_up_note"), shade=True),
            ),
            header=True,
        ),
    ]
    lines = [
        Row(
            (
                _cell(str(i), align="center", middle=True),
                _cell(o.content),
                _cell(o.cadre, align="center", middle=True),
                _cell(o.follow_up, align="center", middle=True),
                _cell(o.note),
            )
        )
        for i, o in enumerate(v.opinions, start=1)
    ] or [Row((_cell(m.none, span=5, align="center"),))]
    # 跟踪落实 (a table of its own) stays with the last opinion row (issue 18 point 1)
    lines[-1] = _kept_with_next(lines[-1])
    body.add(paragraph(line=120, snap=False))  # a hair between the tables (Word joins touching ones)
    body.add(table((14, 66, 24, 26, 26), header + lines, size=FORM, leading=21.0))
    body.add(paragraph(line=120, snap=False, keep_next=True))
    body.add(
        table(
            (30, 126),
            [Row((_label(follow_up), _cell(v.follow_up, indent=True, min_lines=2)), keep=True)],
            size=FORM,
            leading=21.0,
        )
    )
    return body.text()


def _opinion(v: OpinionReplyValues) -> str:
    o = W.OPINION_WORDING
    body = _Body()
    _letter_head(body, v.group_name, o.masthead, v.doc_number, letter=True)
    _title(body, opinion_title(v), [p.name for p in v.persons])
    body.blank()
    _addressee(body, v.requesting_unit)
    _paragraphs(body, [opinion_lead(v)])
    cadre, opinion = _Labels("cadres"), _Labels("integrity_opinions")
    headers = (o.number, cadre("name"), cadre("unit_id"), cadre("position"), opinion("conclusion"))
    rows = [Row(tuple(_label(h, shade=True) for h in headers), header=True)]
    rows += [
        Row(
            (
                _cell(str(i), align="center", middle=True),
                _cell(p.name, align="center", middle=True),
                _cell(p.unit),
                _cell(p.position),
                _cell(p.conclusion),
            )
        )
        for i, p in enumerate(v.persons, start=1)
    ]
    body.add(table((14, 24, 44, 34, 40), rows, size=FORM, leading=21.0))
    _paragraphs(body, [o.note, o.closing], keep_last=True)
    _signature(body, v.group_name, v.reply_date, sealed=v.sealed)
    _record(body, v.copy_to, v.group_name, v.reply_date, letter=True)
    return body.text()


def _dossier(v: DossierValues) -> str:
    d = W.DOSSIER_WORDING
    body = _Body()
    body.add(paragraph([Run(v.group_name, "kai")], align="center", snap=False))
    body.add(paragraph([Run(d.title, "xiaobiaosong", TITLE, spacing=TITLE)], align="center", snap=False))
    cadre = _Labels("cadres")
    who = [
        Run(f"{cadre('name')}：", "hei"),
        Run(v.name),
        Run("　　"),
        Run(f"{cadre('unit_id')}：", "hei"),
        Run(v.unit_name),
    ]
    body.add(paragraph(who, align="center", snap=False))
    # the dates under a thin rule: last update left, printing date right
    dates = [
        Run(d.last_updated.format(date=format_date(v.last_updated)) if v.last_updated else "", size=SMALL),
        Run("", tab=True),
        Run(d.printed_on.format(date=format_date(v.printed_on)), size=SMALL),
    ]
    rule = '<w:top w:val="single" w:sz="6" w:space="4" w:color="000000"/>'
    body.add(
        paragraph(
            dates,
            align="left",
            snap=False,
            tabs=[("right", twips(TYPE_WIDTH), "none")],
            border=rule,
            mark=("fangsong", SMALL),
        )
    )
    sections = [DossierSection(d.basics, (), ()), *v.sections]
    timeline = DossierSection(d.timeline, d.timeline_headers, tuple(tuple(row) for row in v.timeline))
    for number, section in enumerate([*sections, timeline], start=1):
        heading = f"{chinese_ordinal(number)}、{section.title}"
        body.add(paragraph([Run(heading, "hei")], align="left", keep_next=True))
        if number == 1:
            body.add(_basics_table(v.basics))
        else:
            body.add(_section_table(section, d.empty))
    return body.text()


def _basics_table(basics: Sequence[tuple[str, str]]) -> str:
    """Label and value pairs, two to a row; a long value takes a row of its own."""
    widths = (28, 50, 28, 50)

    def cells(pair: tuple[str, str], span: int) -> tuple[Cell, ...]:
        return (_label(pair[0], size=SMALL, shade=True), _cell(pair[1], span=span, size=SMALL))

    def wide(value: str) -> bool:
        return max((_width(p, SMALL) for p in paragraphs(value)), default=0.0) > widths[1] - 4

    rows = [
        Row(tuple(cell for pair, span in row for cell in cells(pair, span)))
        for row in basics_rows(basics, wide)
    ]
    if not rows:
        rows.append(Row((_cell(W.DOSSIER_WORDING.empty, span=4, align="center", size=SMALL),)))
    return table(widths, rows, size=SMALL, leading=18.0)


def _section_table(section: DossierSection, empty: str) -> str:
    """A section's rows under its headers; columns as wide as their longest text wants, in
    proportion, none narrower than four characters of its header."""
    headers = list(section.headers) or [""]
    count = len(headers)
    rows_text = [tuple(row[:count]) + ("",) * (count - len(row)) for row in section.rows]
    natural = []
    least = []
    for i, head in enumerate(headers):
        longest = max([_width(head, SMALL)] + [_width(r[i], SMALL) for r in rows_text])
        natural.append(min(longest, TYPE_WIDTH * 0.6) + 4)
        least.append(min(_width(head, SMALL), 4 * SMALL * PT) + 4)
    widths = _fit(natural, least)
    rows = [Row(tuple(_label(h, role="hei", size=SMALL, shade=True) for h in headers), header=True)]
    if rows_text:
        rows += [Row(tuple(_cell(value, size=SMALL) for value in row)) for row in rows_text]
    else:
        rows.append(Row((_cell(empty, span=count, align="center", size=SMALL),)))
    return table(widths, rows, size=SMALL, leading=18.0)


def _fit(natural: Sequence[float], least: Sequence[float]) -> list[float]:
    """Widths summing to the type area's: the natural ones scaled, none below its least."""
    total = sum(natural)
    if total <= 0:
        return [TYPE_WIDTH / len(natural)] * len(natural)
    widths = [max(lo, n * TYPE_WIDTH / total) for n, lo in zip(natural, least, strict=True)]
    excess = sum(widths) - TYPE_WIDTH
    if excess > 0:
        room = [w - lo for w, lo in zip(widths, least, strict=True)]
        spare = sum(room) or 1.0
        widths = [w - excess * r / spare for w, r in zip(widths, room, strict=True)]
    return widths
