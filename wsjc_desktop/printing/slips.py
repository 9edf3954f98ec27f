"""The slips: each function lays out one kind of document from plain values and writes a PDF.

Letters (notices, 建议书, 节前提醒, 党廉意见回复) follow GB/T 9704-2012; records (谈话记录,
列席会议记录, 廉政档案) are ruled forms on the same page. A PDF is built in memory and written
only when complete, so a failure (an unprintable character, say) leaves no file behind.

A form prints the fields its record type marks ``on_slip`` in the field spec
(:mod:`wsjc_desktop.domain.fields`), each under its ``print_label`` read when printing; the
layout here only places them. A field marked for the slip that the layout does not place
yet gets a row of its own at the end of the form.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from wsjc_desktop.domain.fields import Field, RecordSpec, spec_for
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing import wording as W
from wsjc_desktop.printing.content import (
    FILE_FORMAT,
    LETTER_FORMAT,
    basics_rows,
    masthead_format,
    notice_letter,
    opinion_lead,
    opinion_title,
)
from wsjc_desktop.printing.content import value_text as _value_text
from wsjc_desktop.printing.fonts import FontSet, unprintable
from wsjc_desktop.printing.layout import (
    ASCENT,
    BODY_SIZE,
    BOTTOM,
    CHAR_PITCH,
    FORM_SIZE,
    LEFT,
    LINE_PITCH,
    LINES_PER_PAGE,
    MM,
    PAGE_HEIGHT,
    PAGE_NUMBER_SIZE,
    PAGE_WIDTH,
    RED,
    RIGHT,
    SMALL_SIZE,
    TITLE_SIZE,
    TOP,
    TYPE_WIDTH,
    Line,
    Span,
    TextSetter,
    Writer,
)
from wsjc_desktop.printing.output import deliver as _deliver
from wsjc_desktop.printing.tables import Cell, Row, Table, draw_table, fit_widths, label, table_height
from wsjc_desktop.printing.text import (
    chinese_ordinal,
    format_date,
    format_time,
    heading_level,
    heading_split,
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
    TalkValues,
)

__all__ = [
    "FontSet",
    "UnprintableError",
    "render_dossier",
    "render_meeting",
    "render_notice",
    "render_notices",
    "render_opinion_reply",
    "render_talk",
    "unprintable_characters",
]

Output = Path | str | os.PathLike[str] | BinaryIO


class UnprintableError(UserError):
    """Characters that no font has: raised before anything is written."""

    def __init__(self, characters: Sequence[str]) -> None:
        self.characters = list(characters)
        named = "、".join(_describe(ch) for ch in self.characters)
        super().__init__(
            f"以下字符无法打印：{named}。请修改这些字符，或在设置中指定包含它们的字体。",
            field="fonts",
        )


def _describe(ch: str) -> str:
    return f"“{ch}”（U+{ord(ch):04X}）"


def unprintable_characters(texts: Iterable[str], *, fonts: FontSet | None = None) -> list[str]:
    """The distinct characters of ``texts`` that no available font can print (first seen first)."""
    return unprintable(texts, fonts or FontSet.load())


# --------------------------------------------------------------------------- public renderers


def render_notice(values: NoticeValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """One 抄告单 / 提醒函 / 提示函 / 建议书 / 节前提醒, with its 回执 when ``with_receipt``."""
    _render(
        out,
        fonts,
        _meta(values.title or values.kind_label, values.group_name, values.kind_label),
        lambda w: _notice(w, values),
    )


def render_notices(
    values: Sequence[NoticeValues],
    out: Output,
    *,
    fonts: FontSet | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Many notices in one PDF (节前廉政提醒 to every unit): each starts on a new page, numbered
    from 1. ``progress(done, total)`` is called after each notice."""
    if not values:
        raise UserError("没有要打印的提醒。")
    first = values[0]

    def build(w: Writer) -> None:
        for done, notice in enumerate(values, start=1):
            _notice(w, notice)
            if progress is not None:
                progress(done, len(values))

    _render(out, fonts, _meta(first.title or first.kind_label, first.group_name, first.kind_label), build)


def render_talk(values: TalkValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """谈话记录: a ruled form whose cells grow with the text and flow onto further pages."""
    _render(
        out,
        fonts,
        _meta(W.TALK_WORDING.title, values.group_name, values.kind_label),
        lambda w: _talk(w, values),
    )


def render_meeting(values: MeetingValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """列席会议记录."""
    _render(
        out,
        fonts,
        _meta(W.MEETING_WORDING.title, values.group_name, values.type_label),
        lambda w: _meeting(w, values),
    )


def render_opinion_reply(values: OpinionReplyValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """党风廉政意见回复: a letter to the requesting unit with a table of persons and conclusions."""
    _render(
        out,
        fonts,
        _meta(opinion_title(values), values.group_name, W.OPINION_WORDING.masthead),
        lambda w: _opinion(w, values),
    )


def render_dossier(values: DossierValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """A cadre's 廉政档案: basics, every section and the timeline."""
    _render(
        out,
        fonts,
        _meta(f"{W.DOSSIER_WORDING.title}（{values.name}）", values.group_name, W.DOSSIER_WORDING.title),
        lambda w: _dossier(w, values),
    )


# ----------------------------------------------------------------------------- the machinery


def _meta(title: str, author: str, subject: str) -> dict[str, str]:
    return {"title": title, "author": author, "subject": subject}


def _render(
    out: Output, fonts: FontSet | None, meta: dict[str, str], build: Callable[[Writer], None]
) -> None:
    from reportlab.pdfgen.canvas import Canvas

    fonts = fonts or FontSet.load()
    buffer = io.BytesIO()
    # invariant: no timestamps or random ids, so the same values give the same bytes
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, invariant=1)
    canvas.setTitle(meta["title"])
    canvas.setAuthor(meta["author"])
    canvas.setSubject(meta["subject"])
    canvas.setCreator("WSJC Desktop")
    setter = TextSetter(fonts)
    writer = Writer(canvas, fonts, setter)
    build(writer)
    writer.finish()
    if setter.missing:
        raise UnprintableError(list(setter.missing))
    canvas.save()
    _deliver(out, buffer.getvalue())


# ------------------------------------------------------------------------------ shared parts


class _Fields:
    """The printed labels of one record type's fields, read from its spec when printing (so a
    label changed there changes the slip); notes which of its slip fields the layout placed."""

    def __init__(self, table: str) -> None:
        self.spec: RecordSpec = spec_for(table)
        self.placed: set[str] = set()

    def label(self, name: str, *also: str) -> str:
        """The print label of field ``name``; ``also``: fields printed in the same cell."""
        self.placed.update((name, *also))
        return self.spec.field(name).print_label

    def unplaced(self) -> tuple[Field, ...]:
        """Fields marked for the slip that the layout has not placed (in field order)."""
        return tuple(f for f in self.spec.slip_fields if f.name not in self.placed)


def _more_rows(fields: _Fields, values: object, span: int) -> list[Row]:
    """A row across the form for each slip field not placed, its value read from ``values``
    under the field's name (or from its ``others``, for a field with no attribute of its own)."""
    others: dict[str, object] = getattr(values, "others", {})
    return [
        Row([label(f.print_label), Cell(_value_text(getattr(values, f.name, others.get(f.name))), span=span)])
        for f in fields.unplaced()
    ]


def _measure(w: Writer, spans: Sequence[Span], size: float = BODY_SIZE) -> Line:
    pitch = CHAR_PITCH if size == BODY_SIZE else size
    lines = w.setter.lines(spans, 1e9, size=size, pitch=pitch, justify=False)
    return lines[0] if lines else Line((), 0.0)


#: 信函格式: the 发文机关标志's top edge below the page's top edge; the red double lines' length,
#: and the lower one's distance above the page's bottom edge (§10.1).
LETTER_MARK_TOP = 30 * MM
LETTER_RULE_LENGTH = 170 * MM
LETTER_LOWER_RULE = 20 * MM
#: 文件格式: the 发文机关标志's top edge below the type area's top edge (§7.2.3).
FILE_MARK_TOP = 35 * MM
#: The thick and thin strokes of a red double line, and the gap between them (points).
THICK, THIN, RULE_GAP = 2.0, 0.6, 1.4
#: 7/8 of a 3号 character's height: from a double line to the text under it (§10.1).
SEVEN_EIGHTHS = 0.875 * BODY_SIZE


def _mark_size(w: Writer, text: str, size: float, width: float) -> float:
    """``size``, or smaller where ``text`` would be wider than ``width``."""
    natural = _measure(w, [(text, "xiaobiaosong")], size).width
    return size if natural <= width else max(12.0, size * width / natural)


def _mark_line(w: Writer, text: str, top: float, size: float, spacing: float = 0.0) -> float:
    """One red line of the 发文机关标志, its characters' top edge at ``top``; returns its
    bottom edge."""
    w.text_at(
        [(text, "xiaobiaosong")],
        LEFT,
        top + ASCENT * size,
        size,
        align="center",
        width=TYPE_WIDTH,
        color=RED,
        bold=w.fonts.needs_emboldening(),
        letter_spacing=spacing,
    )
    return top + size


def _double_rule(w: Writer, y: float, *, thick_first: bool) -> float:
    """A red double line, 170 mm long and centred on the type area, from ``y`` down; returns its
    lower edge."""
    x0 = LEFT + (TYPE_WIDTH - LETTER_RULE_LENGTH) / 2  # centred on the type area, as all else
    strokes = (THICK, THIN) if thick_first else (THIN, THICK)
    at = y
    for i, stroke in enumerate(strokes):
        if i:
            at += RULE_GAP
        w.rule(at + stroke / 2, x0=x0, x1=x0 + LETTER_RULE_LENGTH, width=stroke, color=RED)
        at += stroke
    return at


def _line_under(y: float) -> int:
    """The first grid line whose top is at or below ``y`` (negative above the type area)."""
    k = (y - TOP) / LINE_PITCH
    index = int(k // 1)
    return index if k - index < 1e-6 else index + 1


def _letter_head(
    w: Writer, group_name: str, masthead: str, doc_number: str | None, fmt: str = LETTER_FORMAT
) -> None:
    """The 版头. No 签发人: it belongs to 上行文 only (§7.2.5), and what the group sends goes
    down to its units.

    * 信函格式 (§10.1): the group's name in red, its top edge 30 mm below the page's top edge; a
      red double line (thick over thin) 4 mm under it and another (thin over thick) 20 mm above
      the page's bottom edge, both 170 mm long; the 文号 at the type area's right edge, 7/8 of a
      character under the line; the title two lines below it. The first page has no number.
    * 文件格式 (§7.2): the group's name and the kind in red, the top edge 35 mm below the type
      area's top edge; the 文号 centred two lines under it; the red separator 4 mm under the 文号;
      the title two lines under the separator.
    """
    number = doc_number or W.DRAFT_NUMBER
    if fmt == LETTER_FORMAT:
        w.number_first_page = False
        size = _mark_size(w, group_name, 30.0, TYPE_WIDTH * 0.96)
        bottom = _mark_line(w, group_name, LETTER_MARK_TOP, size)
        under = _double_rule(w, bottom + 4 * MM, thick_first=True)
        _double_rule(w, PAGE_HEIGHT - LETTER_LOWER_RULE - THICK - THIN - RULE_GAP, thick_first=False)
        top = under + SEVEN_EIGHTHS
        baseline = top + ASCENT * BODY_SIZE
        w.text_at([(number, "fangsong")], LEFT, baseline, BODY_SIZE, align="right", width=TYPE_WIDTH)
        number_line = _line_under(top + BODY_SIZE) - 1
    else:
        size = _mark_size(w, group_name, 26.0, TYPE_WIDTH * 0.96)
        bottom = _mark_line(w, group_name, TOP + FILE_MARK_TOP, size)
        # the kind in large, spaced characters under the name: the 标志's second line
        size = _mark_size(w, masthead, 40.0, TYPE_WIDTH * 0.9)
        natural = _measure(w, [(masthead, "xiaobiaosong")], size).width
        n = max(1, len(masthead))
        spacing = 0.0 if n == 1 else max(0.0, min(size * 0.5, (TYPE_WIDTH * 0.6 - natural) / (n - 1)))
        bottom = _mark_line(w, masthead, bottom + 2 * MM, size, spacing)
        number_line = _line_under(bottom) + 2  # 空二行
        baseline = w.baseline_on(number_line, BODY_SIZE)
        w.text_at([(number, "fangsong")], LEFT, baseline, BODY_SIZE, align="center", width=TYPE_WIDTH)
        separator = baseline + (1 - ASCENT) * BODY_SIZE + 4 * MM
        w.rule(separator, width=1.5, color=RED)
        number_line = _line_under(separator + 0.75) - 1
    w.y = TOP + (number_line + 3) * LINE_PITCH  # the title two lines below (空二行)


def _title(w: Writer, text: str, keep: Sequence[str] = ()) -> None:
    """2号 小标宋, centred; a long title breaks where its sense allows into lines of about equal
    length (GB/T 9704 7.3.1)."""
    role = "xiaobiaosong"
    bold = w.fonts.needs_emboldening()
    pieces = units(text)
    widths = [w.setter.natural_width(p, role, TITLE_SIZE) for p in pieces]
    cuts = title_breaks(pieces, widths, TYPE_WIDTH, TITLE_SIZE, keep) if sum(widths) > TYPE_WIDTH else []
    if cuts or sum(widths) <= TYPE_WIDTH:
        bounds = [0, *cuts, len(pieces)]
        lines = [
            _measure(w, [("".join(pieces[a:b]), role)], TITLE_SIZE) for a, b in itertools.pairwise(bounds)
        ]
    else:
        lines = w.setter.lines([(text, role)], TYPE_WIDTH, size=TITLE_SIZE, justify=False)
    for line in lines:
        index = w.grid_index()
        if index >= LINES_PER_PAGE:
            w.new_page()
            index = 0
        w.draw_line(
            line,
            LEFT + (TYPE_WIDTH - line.width) / 2,
            w.baseline_on(index, TITLE_SIZE),
            TITLE_SIZE,
            bold=bold,
        )
        w.y = TOP + (index + 1) * LINE_PITCH


def _addressee(w: Writer, name: str) -> None:
    """主送: flush left, ending with a full-width colon (GB/T 9704 7.3.2)."""
    w.grid_paragraph([(name.rstrip("：:") + "：", "fangsong")], indent_cells=0)


#: The grid lines a 落款 takes under the body: a blank line, the 署名 and the 成文日期.
SIGNATURE_LINES = 3


def _body(w: Writer, texts: Iterable[str], keep_with_next: int = 0) -> None:
    """Paragraphs indented two characters; “一、” headings in 黑体, “（一）” in 楷体.
    ``keep_with_next``: lines the last paragraph keeps on its page (the 落款 under it)."""
    texts = list(texts)
    for number, paragraph in enumerate(texts, start=1):
        level = heading_level(paragraph)
        if level:
            split = heading_split(paragraph)
            role = "hei" if level == 1 else "kai"
            spans: list[Span] = [(paragraph[:split], role)]
            if paragraph[split:]:
                spans.append((paragraph[split:], "fangsong"))
        else:
            spans = [(paragraph, "fangsong")]
        w.grid_paragraph(spans, keep_with_next=keep_with_next if number == len(texts) else 0)


def _signature(w: Writer, group_name: str, day: date | None, *, sealed: bool = True) -> None:
    """The 落款 under the body, after a blank line (GB/T 9704 §7.3.5).

    * sealed (加盖印章, §7.3.5.1, the default): the 成文日期 右空四字, the group's name centred
      over it; the seal is pressed over both, its top within a line of the body.
    * unsealed (不加盖印章, §7.3.5.2): the name 右空二字, the date under it moved two characters
      right of the name's first (or 右空二字 when it is the longer)."""
    w.skip_lines(1)
    w.ensure_lines(2)
    name = _measure(w, [(group_name, "fangsong")])
    when = _measure(w, [(format_date(day, blank=W.TALK_WORDING.date_blank), "fangsong")])
    if sealed:
        date_x = RIGHT - 4 * CHAR_PITCH - when.width
        name_x = min(RIGHT - name.width, date_x + (when.width - name.width) / 2)
    else:
        two = 2 * CHAR_PITCH
        if when.width + two > name.width:
            date_x = RIGHT - two - when.width
            name_x = date_x - two
        else:
            name_x = RIGHT - two - name.width
            date_x = name_x + two
    name_x = max(LEFT, name_x)
    for line, x in ((name, name_x), (when, date_x)):
        index = w.grid_index()
        w.draw_line(line, x, w.baseline_on(index, BODY_SIZE), BODY_SIZE)
        w.y = TOP + (index + 1) * LINE_PITCH


#: The 版记's rules: the first and last thick (0.35 mm), those between thin (0.25 mm), §7.4.1.
RECORD_THICK, RECORD_THIN = 0.35 * MM, 0.25 * MM


def _record(w: Writer, copy_to: str, group_name: str, day: date | None, fmt: str, *, at_foot: bool) -> None:
    """The 版记 (GB/T 9704 §7.4), when there is a 抄送: the 抄送 line in 4号仿宋, a character in
    from each side; in the 文件格式 also the 印发机关 and 印发日期 and the rules between (the last
    on the type area's lower edge). The 信函格式 has the 抄送 line alone (§10.1). At the foot of
    the page (``at_foot``), else right where the letter ends (a 回执 follows below the cut line)."""
    if not copy_to.strip():
        return
    size = PAGE_NUMBER_SIZE  # 4号
    names = "、".join(
        n.strip() for n in re.split(r"[、，,；;\n]+", copy_to.strip().rstrip("。.")) if n.strip()
    )
    indent = size  # 左右各空一字
    lines = w.setter.lines(
        [(W.RECORD_WORDING.copy_to.format(names=names), "fangsong")],
        TYPE_WIDTH - 2 * indent,
        size=size,
        justify=False,
    )
    file_format = fmt == FILE_FORMAT
    count = len(lines) + (1 if file_format else 0)
    w.ensure_lines(count + (0 if at_foot else 1))
    first = (LINES_PER_PAGE - count) if at_foot else w.grid_index() + 1
    top = TOP + first * LINE_PITCH
    if file_format:
        w.rule(top, width=RECORD_THICK)
    for i, line in enumerate(lines):
        w.draw_line(line, LEFT + indent, w.baseline_on(first + i, size), size)
    if file_format:
        index = first + len(lines)
        w.rule(TOP + index * LINE_PITCH, width=RECORD_THIN)
        baseline = w.baseline_on(index, size)
        w.text_at([(group_name, "fangsong")], LEFT + indent, baseline, size)
        printed = W.RECORD_WORDING.printed.format(date=format_date(day, blank=W.TALK_WORDING.date_blank))
        w.text_at([(printed, "fangsong")], LEFT, baseline, size, align="right", width=TYPE_WIDTH - indent)
        w.rule(TOP + (index + 1) * LINE_PITCH, width=RECORD_THICK)
    w.y = TOP + (first + count) * LINE_PITCH


# ------------------------------------------------------------------------------------ notices


def _notice(w: Writer, v: NoticeValues) -> None:
    w.start_document()
    letter = notice_letter(v)
    _letter_head(w, v.group_name, v.kind_label, v.doc_number, masthead_format(v.kind))
    _title(w, letter.title, keep=letter.keep)
    w.skip_lines(1)
    _addressee(w, letter.addressee)
    _body(w, letter.body, keep_with_next=SIGNATURE_LINES)
    _signature(w, v.group_name, v.issued_on, sealed=v.sealed)
    fmt = masthead_format(v.kind)
    _record(w, v.copy_to, v.group_name, v.issued_on, fmt, at_foot=not v.with_receipt)
    if v.with_receipt:
        _receipt(w, v)


def _receipt(w: Writer, v: NoticeValues) -> None:
    """The tear-off 回执 below a dashed cut line: right under the letter when it fits on the page
    (its 整改情况 box then fills the page), else on a page of its own."""
    r = W.RECEIPT_WORDING
    leading = 21.0
    pad = (LINE_PITCH - leading) / 2  # one-line rows are one grid line tall
    widths = [34 * MM, 44 * MM, 34 * MM, 44 * MM]
    head = Table(
        widths,
        [
            Row([label(r.unit), Cell(v.unit_name, span=2), Cell(r.seal, align="center", middle=True)]),
            Row([label(r.person), Cell(""), label(r.date), Cell(r.date_blank, align="center")]),
        ],
        size=FORM_SIZE,
        leading=leading,
        pad_y=pad,
    )
    box_lines = 2  # the least room left for 整改情况 before the receipt moves to a page of its own
    needed = 2 * LINE_PITCH + table_height(w, head) + box_lines * leading + 2 * pad
    free = (LINES_PER_PAGE - w.grid_index()) * LINE_PITCH  # what is left of this page
    own_page = needed > free + 0.01
    if own_page:
        w.new_page()
    elif needed + LINE_PITCH <= free + 0.01:
        w.skip_lines(1)  # a blank line between the signature and the cut line, where there is room
    index = w.grid_index()
    # the cut line: dashes across the type area, the scissors and the words in a gap
    size = SMALL_SIZE
    middle = TOP + index * LINE_PITCH + LINE_PITCH / 2
    words = _measure(w, [(r.cut_line, "kai")], size)
    gap_left = LEFT + (TYPE_WIDTH - words.width) / 2 - 6
    gap_right = gap_left + words.width + 12
    w.rule(middle, x1=gap_left, dash=(4, 3), width=0.8)
    w.rule(middle, x0=gap_right, dash=(4, 3), width=0.8)
    w.draw_line(words, gap_left + 6, middle + (ASCENT - 0.5) * size, size)
    w.y = TOP + (index + 1) * LINE_PITCH
    # the title, and the 文号 it answers at the right of the same line (or under it, if long)
    index = w.grid_index()
    title = _measure(w, [(r.title, "xiaobiaosong")], TITLE_SIZE)
    w.draw_line(
        title,
        LEFT + (TYPE_WIDTH - title.width) / 2,
        w.baseline_on(index, TITLE_SIZE),
        TITLE_SIZE,
        bold=w.fonts.needs_emboldening(),
    )
    number = _measure(w, [(r.doc_line.format(doc_number=v.doc_number or W.DRAFT_NUMBER), "fangsong")], size)
    if number.width <= (TYPE_WIDTH - title.width) / 2 - size:
        w.draw_line(number, RIGHT - number.width, w.baseline_on(index, TITLE_SIZE), size)
        w.y = TOP + (index + 1) * LINE_PITCH
    else:
        w.y = TOP + (index + 1) * LINE_PITCH
        w.grid_paragraph(
            [(r.doc_line.format(doc_number=v.doc_number or W.DRAFT_NUMBER), "fangsong")],
            size=size,
            indent_cells=0,
            align="center",
        )
    draw_table(w, head)
    lines = int((BOTTOM - w.y - 2 * pad) // leading)
    lines = max(box_lines, min(lines, 10) if own_page else lines)
    box = Row([label(f"{r.rectification}\n{r.rectification_note}"), Cell("", min_lines=lines)])
    draw_table(w, Table([widths[0], sum(widths[1:])], [box], size=FORM_SIZE, leading=leading, pad_y=pad))


# -------------------------------------------------------------------------------------- forms


def _form_head(w: Writer, title: str, subtitle: str) -> None:
    w.start_document()
    _title(w, title)
    if subtitle:
        index = w.grid_index()
        w.text_at(
            [(subtitle, "kai")],
            LEFT,
            w.baseline_on(index, BODY_SIZE),
            BODY_SIZE,
            align="center",
            width=TYPE_WIDTH,
        )
        w.y = TOP + (index + 1) * LINE_PITCH


def _talk(w: Writer, v: TalkValues) -> None:
    t = W.TALK_WORDING
    talk, cadre = _Fields("talks"), _Fields("cadres")
    _form_head(w, t.title, v.group_name)
    when = format_date(v.held_on)
    if v.start_time and v.end_time:
        when += " " + t.time_range.format(start=format_time(v.start_time), end=format_time(v.end_time))
    elif v.start_time:
        when += " " + format_time(v.start_time)
    persons = talk.label("cadre_ids")
    rows = [
        Row([label(talk.label("held_on", "start_time", "end_time")), Cell(when, span=5)]),
        Row(
            [
                label(talk.label("location")),
                Cell(v.location, span=2),
                label(talk.label("kind")),
                Cell(v.kind_label, span=2),
            ]
        ),
        Row(
            [
                label(talk.label("talker_id")),
                Cell(v.talker, span=2),
                label(talk.label("recorder_id")),
                Cell(v.recorder, span=2),
            ]
        ),
        Row(
            [
                label(persons),
                label(cadre.label("name")),
                label(cadre.label("unit_id"), 2),
                label(cadre.label("position"), 2),
            ]
        ),
    ]
    for person in v.persons or ():
        rows.append(
            Row(
                [
                    Cell(merge_up=True),
                    Cell(person.name, align="center"),
                    Cell(person.unit, span=2),
                    Cell(person.position, span=2),
                ]
            )
        )
    if not v.persons:
        rows.append(Row([Cell(merge_up=True), Cell(""), Cell("", span=2), Cell("", span=2)]))
    rows += [
        Row([label(talk.label("reason")), Cell(v.reason, span=5)]),
        Row([label(talk.label("summary")), Cell(v.summary, span=5, indent=True, min_lines=6)]),
        Row([label(talk.label("response")), Cell(v.response, span=5, indent=True, min_lines=2)]),
        Row([label(talk.label("handling")), Cell(v.handling or t.none, span=5)]),
        Row([label(talk.label("follow_up")), Cell(v.follow_up, span=5, indent=True, min_lines=2)]),
    ]
    rows += _more_rows(talk, v, span=5)
    rows.append(
        Row(
            [
                label(t.signature.format(label=talk.label("talker_id"))),
                Cell("", span=2, min_lines=2),
                label(t.signature.format(label=talk.label("recorder_id"))),
                Cell("", span=2),
            ],
            keep=True,
            with_previous=True,  # the signatures stay with what they sign
        )
    )
    # each person talked with signs on a line of their own, beside their name
    signers = [p.name for p in v.persons] or [""]
    for i, name in enumerate(signers):
        first = label(t.signature.format(label=persons)) if i == 0 else Cell(merge_up=True)
        rows.append(
            Row(
                [first, Cell(name, align="center", middle=True), Cell("", span=4, min_lines=2)],
                keep=True,
                with_previous=True,
            )
        )
    rows.append(
        Row(
            [label(t.sign_date), Cell(t.date_blank, span=5, align="center", middle=True)],
            keep=True,
            with_previous=True,
        )
    )
    widths = [w_ * MM for w_ in (30, 23, 25, 30, 24, 24)]
    # a blank form (to fill in by hand) still fits on one page
    draw_table(w, Table(widths, rows, size=FORM_SIZE, pad_x=3.0, pad_y=3.0))


def _meeting(w: Writer, v: MeetingValues) -> None:
    m = W.MEETING_WORDING
    meeting, opinion = _Fields("meetings"), _Fields("meeting_opinions")
    _form_head(w, m.title, v.group_name)
    widths = [w_ * MM for w_ in (30, 48, 30, 48)]
    follow_up = meeting.label("follow_up")  # below the opinions
    rows = [
        Row([label(meeting.label("unit_id")), Cell(v.unit_name, span=3)]),
        Row([label(meeting.label("title")), Cell(v.title, span=3)]),
        Row(
            [
                label(meeting.label("held_on")),
                Cell(format_date(v.held_on)),
                label(meeting.label("meeting_type")),
                Cell(v.type_label),
            ]
        ),
        Row(
            [
                label(meeting.label("location")),
                Cell(v.location),
                label(meeting.label("major_topic_count")),
                Cell(m.major_count_value.format(count=v.major_topic_count), middle=True),
            ]
        ),
        Row([label(meeting.label("attendee_ids")), Cell("、".join(v.attendees), span=3)]),
        Row([label(meeting.label("topics")), Cell(v.topics, span=3, min_lines=3)]),
    ]
    rows += _more_rows(meeting, v, span=3)
    draw_table(w, Table(widths, rows))
    widths = [w_ * MM for w_ in (14, 66, 24, 26, 26)]
    header = [
        Row([Cell(opinion.spec.label, span=5, align="center", role="hei", shade=True)]),
        Row(
            [
                label(m.opinion_number, shade=True),
                label(opinion.label("content"), shade=True),
                label(opinion.label("cadre_id"), shade=True),
                label(opinion.label("follow_up"), shade=True),
                label(opinion.label("follow_up_note"), shade=True),
            ]
        ),
    ]
    body = [
        Row(
            [
                Cell(str(i), align="center", middle=True),
                Cell(o.content),
                Cell(o.cadre, align="center", middle=True),
                Cell(o.follow_up, align="center", middle=True),
                Cell(o.note),
            ]
        )
        for i, o in enumerate(v.opinions, start=1)
    ] or [Row([Cell(m.none, span=5, align="center")])]
    follow = Table(
        [30 * MM, 126 * MM], [Row([label(follow_up), Cell(v.follow_up, indent=True, min_lines=2)])]
    )
    # the 跟踪落实 row never stands alone on the last page: it keeps an opinion with it
    keep = min(table_height(w, follow), 4 * follow.line_height + 2 * follow.pad_y)  # a long one may split
    draw_table(w, Table(widths, header + body, header=2), keep_with_next=keep)
    draw_table(w, follow)


def _opinion(w: Writer, v: OpinionReplyValues) -> None:
    o = W.OPINION_WORDING
    w.start_document()
    _letter_head(w, v.group_name, o.masthead, v.doc_number)
    _title(w, opinion_title(v), keep=[p.name for p in v.persons])
    w.skip_lines(1)
    _addressee(w, v.requesting_unit)
    _body(w, [opinion_lead(v)])
    cadre, opinion = _Fields("cadres"), _Fields("integrity_opinions")
    headers = (
        o.number,
        cadre.label("name"),
        cadre.label("unit_id"),
        cadre.label("position"),
        opinion.label("conclusion"),
    )
    values = [(str(i), p.name, p.unit, p.position, p.conclusion) for i, p in enumerate(v.persons, start=1)]
    widths = _auto_widths(w, headers, values, FORM_SIZE)
    rows = [Row([label(h, shade=True) for h in headers])]
    rows += [
        Row(
            [
                Cell(str(i), align="center", middle=True),
                Cell(p.name, align="center", middle=True),
                Cell(p.unit),
                Cell(p.position),
                Cell(p.conclusion),
            ]
        )
        for i, p in enumerate(v.persons, start=1)
    ]
    draw_table(w, Table(widths, rows, header=1))
    _body(w, [o.note, o.closing], keep_with_next=SIGNATURE_LINES)
    _signature(w, v.group_name, v.reply_date, sealed=v.sealed)
    _record(w, v.copy_to, v.group_name, v.reply_date, LETTER_FORMAT, at_foot=True)


def _dossier(w: Writer, v: DossierValues) -> None:
    d = W.DOSSIER_WORDING
    w.start_document()
    bold = w.fonts.needs_emboldening()
    w.text_at(
        [(v.group_name, "kai")],
        LEFT,
        w.baseline_on(0, BODY_SIZE),
        BODY_SIZE,
        align="center",
        width=TYPE_WIDTH,
    )
    w.text_at(
        [(d.title, "xiaobiaosong")],
        LEFT,
        w.baseline_on(1, TITLE_SIZE),
        TITLE_SIZE,
        align="center",
        width=TYPE_WIDTH,
        bold=bold,
        letter_spacing=TITLE_SIZE,
    )
    cadre = _Fields("cadres")
    spans: list[Span] = [
        (f"{cadre.label('name')}：", "hei"),
        (v.name, "fangsong"),
        ("　　", "fangsong"),
        (f"{cadre.label('unit_id')}：", "hei"),
        (v.unit_name, "fangsong"),
    ]
    w.text_at(spans, LEFT, w.baseline_on(2, BODY_SIZE), BODY_SIZE, align="center", width=TYPE_WIDTH)
    # the dates under a thin rule: last update left, printing date right
    baseline = w.baseline_on(3, SMALL_SIZE)
    w.rule(TOP + 3 * LINE_PITCH + 2, width=0.75)
    if v.last_updated:
        w.text_at(
            [(d.last_updated.format(date=format_date(v.last_updated)), "fangsong")],
            LEFT,
            baseline,
            SMALL_SIZE,
        )
    w.text_at(
        [(d.printed_on.format(date=format_date(v.printed_on)), "fangsong")],
        LEFT,
        baseline,
        SMALL_SIZE,
        align="right",
        width=TYPE_WIDTH,
    )
    w.y = TOP + 4 * LINE_PITCH

    number = 1
    _section_heading(w, number, d.basics, 3)
    draw_table(w, _basics_table(w, v.basics))
    for section in v.sections:
        number += 1
        _section_heading(w, number, section.title, 3)
        draw_table(w, _section_table(w, section, d.empty))
    number += 1
    _section_heading(w, number, d.timeline, 3)
    timeline = DossierSection(d.timeline, d.timeline_headers, tuple(tuple(row) for row in v.timeline))
    draw_table(w, _section_table(w, timeline, d.empty))


def _section_heading(w: Writer, number: int, title: str, keep_rows: int) -> None:
    """“一、…” in 黑体, kept on the page with the table's first rows."""
    row_height = SMALL_SIZE * 1.5 + 8
    if w.y > TOP + 1e-6:
        w.skip_lines(0)
        if w.room < LINE_PITCH * 1.5 + keep_rows * row_height:
            w.new_page()
    index = w.grid_index()
    if index >= LINES_PER_PAGE:
        w.new_page()
        index = 0
    w.text_at(
        [(f"{chinese_ordinal(number)}、{title}", "hei")], LEFT, w.baseline_on(index, BODY_SIZE), BODY_SIZE
    )
    w.y = TOP + (index + 1) * LINE_PITCH


def _auto_widths(
    w: Writer, headers: Sequence[str], rows: Sequence[Sequence[str]], size: float, pad: float = 4.0
) -> list[float]:
    """Column widths from the content: long columns get more room, none below its header's
    first four characters. Then, while the page has room, no column below its longest name
    (赵胜信, 配偶: never broken across lines), and then below its longest date (1981年12月)."""
    natural: list[float] = []
    minimum: list[float] = []
    for i, head in enumerate(headers):
        head_width = _natural(w, head, "hei", size)
        longest = max([head_width] + [_natural(w, row[i], size=size) for row in rows])
        natural.append(min(longest, TYPE_WIDTH * 0.6) + 2 * pad + 1)
        minimum.append(max(2 * size, min(head_width, 4 * size)) + 2 * pad + 1)
    for keep in (_is_name, _is_date):
        wanted: list[tuple[float, int]] = []
        for i in range(len(headers)):
            whole = [_natural(w, row[i], size=size) for row in rows if keep(row[i].strip())]
            if whole and max(whole) + 2 * pad + 1 > minimum[i]:
                wanted.append((max(whole) + 2 * pad + 1, i))
        # the columns needing least first, while the page has room
        for width, i in sorted(wanted, key=lambda item: item[0] - minimum[item[1]]):
            if sum(minimum) - minimum[i] + width <= TYPE_WIDTH:
                minimum[i] = width
    return fit_widths(natural, minimum)


#: A cell this short is a name, a kinship, a 是/否: never broken across lines if the page has room.
WHOLE_CHARS = 4
_WHOLE_DATE = re.compile(r"^\d{4}年\d{1,2}月(\d{1,2}日)?$")


def _is_name(text: str) -> bool:
    return 0 < len(text) <= WHOLE_CHARS


def _is_date(text: str) -> bool:
    return _WHOLE_DATE.match(text) is not None


def _natural(w: Writer, text: str, role: str = "fangsong", size: float = SMALL_SIZE) -> float:
    return max((w.setter.natural_width(p, role, size) for p in paragraphs(text)), default=0.0)


def _basics_table(w: Writer, basics: Sequence[tuple[str, str]]) -> Table:
    widths = [28 * MM, 50 * MM, 28 * MM, 50 * MM]
    pad = 4.0

    def cells(pair: tuple[str, str], span: int) -> list[Cell]:
        return [label(pair[0], shade=True), Cell(pair[1], span=span)]

    plan = basics_rows(basics, lambda value: _natural(w, value) > widths[1] - 2 * pad)
    rows = [Row([cell for pair, span in row for cell in cells(pair, span)]) for row in plan]
    if not rows:
        rows.append(Row([Cell(W.DOSSIER_WORDING.empty, span=4, align="center")]))
    return Table(widths, rows, size=SMALL_SIZE)


def _section_table(w: Writer, section: DossierSection, empty: str) -> Table:
    headers = list(section.headers) or [""]
    count = len(headers)
    body_rows = [tuple(row[:count]) + ("",) * (count - len(row)) for row in section.rows]
    widths = _auto_widths(w, headers, body_rows, SMALL_SIZE)
    rows = [Row([label(h, role="hei", shade=True) for h in headers])]
    if body_rows:
        rows += [Row([Cell(value) for value in row]) for row in body_rows]
    else:
        rows.append(Row([Cell(empty, span=count, align="center")]))
    return Table(widths, rows, header=1, size=SMALL_SIZE)
