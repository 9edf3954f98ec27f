"""One geometry checker for printed letters and forms, whichever engine drew the PDF: reportlab,
or a .docx converted by LibreOffice. It reads only what pdfplumber finds on the pages, so the
same rules hold for both:

* no page holds only a 署名 and date, only signature rows, or a single form row;
* the 版头 follows its format (GB/T 9704 §10.1 信函格式, §7.2 文件格式), ±1 mm;
* a title is never broken inside a word;
* body text is 16 pt and starts 28 mm from the left edge.

Each check returns the problems it found, in words (an empty list when all is well).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from tests.printing.conftest import LINE_PITCH_MM, MM, Char, Page, squash

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
TOLERANCE = 1.0  # mm
LETTER, FILE = "信函格式", "文件格式"
_DATE = re.compile(r"^(\d{4}|[〇一二三四五六七八九零]{4}|\s*)年\d{0,2}\s*月\d{0,2}\s*日$")
_PAGE_NUMBER = re.compile(r"^[—-]\d+[—-]$")


def is_red(color: Any) -> bool:
    if not isinstance(color, (tuple, list)) or len(color) != 3:
        return False
    r, g, b = (float(v) for v in color)
    return r > 0.6 and g < 0.35 and b < 0.35


def text_lines(page: Page, keep: Callable[[Char], bool] = lambda c: True) -> list[list[Char]]:
    """The page's characters (no whitespace) grouped into lines by their vertical middle."""
    rows: list[list[Char]] = []
    for ch in sorted((c for c in page.chars if not c.text.isspace() and keep(c)), key=lambda c: c.top):
        middle = (ch.top + ch.bottom) / 2
        if rows and abs((rows[-1][0].top + rows[-1][0].bottom) / 2 - middle) < 2.5:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return [sorted(row, key=lambda c: c.x0) for row in rows]


def line_text(line: Sequence[Char]) -> str:
    return "".join(c.text for c in line)


def content_lines(page: Page) -> list[list[Char]]:
    """Text lines without the page number and the red masthead."""
    return [
        line
        for line in text_lines(page, lambda c: not is_red(c.color))
        if not _PAGE_NUMBER.match(squash(line_text(line)))
    ]


def horizontal_rules(
    page: Page, *, red: bool | None = None, min_length: float = 40.0
) -> list[dict[str, float]]:
    """Horizontal lines and thin rectangles (mm): top, bottom, x0, x1, red."""
    found = []
    for shape in [*page.lines, *page.rects, *page.curves]:
        height = (shape["bottom"] - shape["top"]) / MM
        length = (shape["x1"] - shape["x0"]) / MM
        if height > 1.2 or length < min_length:
            continue
        filled = shape.get("fill") and not any(shape is line for line in page.lines)
        colour = shape.get("non_stroking_color") if filled else shape.get("stroking_color")
        rule = {
            "top": shape["top"] / MM,
            "bottom": shape["bottom"] / MM,
            "x0": shape["x0"] / MM,
            "x1": shape["x1"] / MM,
            "red": is_red(colour),
        }
        if red is None or rule["red"] == red:
            found.append(rule)
    return sorted(found, key=lambda r: r["top"])


# --- lonely pages ---------------------------------------------------------------------------


def table_rows(page: Page) -> list[tuple[float, float]]:
    """The rows of the ruled tables on ``page``: (top, bottom) between black horizontal rules
    that span most of the type area."""
    covered: list[tuple[float, float]] = []  # (y, length): a row's rule is drawn cell by cell
    for rule in horizontal_rules(page, red=False, min_length=5.0):
        y = (rule["top"] + rule["bottom"]) / 2
        if covered and abs(covered[-1][0] - y) <= 1.5:
            covered[-1] = (covered[-1][0], covered[-1][1] + rule["x1"] - rule["x0"])
        else:
            covered.append((y, rule["x1"] - rule["x0"]))
    ys = [y for y, length in covered if length > 0.6 * (RIGHT - LEFT)]
    return list(itertools.pairwise(ys))


_SIGNATURE_WORDS = ("签字", "签名")


def lonely_page_problems(pages: Sequence[Page], group_name: str) -> list[str]:
    """Pages after the first holding only a 署名 and date, only signature rows, or one form row."""
    problems = []
    for page in pages[1:]:
        lines = content_lines(page)
        if not lines:
            continue
        texts = [squash(line_text(line)) for line in lines]
        if all(t == squash(group_name) or _DATE.match(t) for t in texts):
            problems.append(f"第{page.number}页只有署名和日期")
            continue
        rows = table_rows(page)
        if not rows:
            continue
        outside = [
            line for line in lines if not any(top - 1 <= line[0].top <= bottom + 1 for top, bottom in rows)
        ]
        if outside and not all(_DATE.match(squash(line_text(line))) for line in outside):
            continue  # text beside the table: the page is not just the form's tail
        row_texts = [
            squash("".join(line_text(line) for line in lines if top - 1 <= line[0].top <= bottom + 1))
            for top, bottom in rows
        ]
        if len(rows) == 1:
            problems.append(f"第{page.number}页只有表格的一行（{row_texts[0][:12]}）")
        elif all(any(w in t for w in _SIGNATURE_WORDS) or "日期" in t or not t for t in row_texts):
            problems.append(f"第{page.number}页只有签字栏")
    return problems


# --- the masthead -------------------------------------------------------------------------------


def _near(value: float, wanted: float, what: str, problems: list[str]) -> None:
    if abs(value - wanted) > TOLERANCE:
        problems.append(f"{what}：{value:.1f} mm，应为 {wanted:.1f} mm（±{TOLERANCE:g}）")


def _blank_lines_between(upper_bottom: float, lower_top: float, what: str, problems: list[str]) -> None:
    """“空二行”: two grid lines (±1 mm) of room between the two, less than three."""
    gap = lower_top - upper_bottom
    if not 2 * LINE_PITCH_MM - TOLERANCE <= gap <= 3 * LINE_PITCH_MM + TOLERANCE:
        problems.append(
            f"{what}：相距 {gap:.1f} mm，应空二行（{2 * LINE_PITCH_MM:.1f}–{3 * LINE_PITCH_MM:.1f} mm）"
        )


def _find(page: Page, needle: str) -> list[Char]:
    ordered = [c for c in page.chars if not c.text.isspace()]
    joined = "".join(c.text for c in ordered)
    at = joined.find(needle)
    return ordered[at : at + len(needle)] if at >= 0 else []


def masthead_problems(page: Page, fmt: str, doc_number: str, title: str) -> list[str]:
    """The 版头 of a document's first page, per its format."""
    problems: list[str] = []
    red_chars = [c for c in page.chars if is_red(c.color) and not c.text.isspace()]
    if not red_chars:
        return ["没有红色的发文机关标志"]
    mark_top = min(c.top for c in red_chars)
    mark_bottom = max(c.bottom for c in red_chars)
    number = _find(page, squash(doc_number))
    if not number:
        return [*problems, f"第一页没有发文字号“{doc_number}”"]
    title_chars = _find(page, squash(title)[:6])
    red_rules = horizontal_rules(page, red=True)
    if fmt == LETTER:
        _near(mark_top, 30.0, "发文机关标志上边缘距页面上边", problems)
        upper = [r for r in red_rules if r["top"] < PAGE_HEIGHT / 2]
        lower = [r for r in red_rules if r["top"] > PAGE_HEIGHT / 2]
        if len(upper) < 2 or len(lower) < 2:
            problems.append(f"应有上下两条红色双线（上 {len(upper)} 条线，下 {len(lower)} 条线）")
        else:
            _near(upper[0]["top"] - mark_bottom, 4.0, "上红色双线距发文机关标志", problems)
            _near(PAGE_HEIGHT - lower[-1]["bottom"], 20.0, "下红色双线距页面下边", problems)
            for rule in (upper[0], lower[-1]):
                _near(rule["x1"] - rule["x0"], 170.0, "红色双线长度", problems)
                _near((rule["x0"] + rule["x1"]) / 2, (LEFT + RIGHT) / 2, "红色双线居中（版心）", problems)
            thick = [r["bottom"] - r["top"] for r in upper[:2]]
            if thick[0] < thick[1]:
                problems.append("上红色双线应上粗下细")
            if upper[0]["bottom"] > number[0].top:
                problems.append("发文字号应在上红色双线之下")
        _near(max(c.x1 for c in number), RIGHT, "发文字号右边缘（版心右边缘）", problems)
        if title_chars:
            _blank_lines_between(
                max(c.bottom for c in number), title_chars[0].top, "标题与发文字号", problems
            )
    else:
        _near(mark_top, TOP + 35.0, "发文机关标志上边缘距页面上边（版心下 35 mm）", problems)
        _blank_lines_between(mark_bottom, number[0].top, "发文字号与发文机关标志", problems)
        middle = (min(c.x0 for c in number) + max(c.x1 for c in number)) / 2
        _near(middle, (LEFT + RIGHT) / 2, "发文字号居中", problems)
        below = [r for r in red_rules if r["top"] > number[0].bottom]
        if not below:
            problems.append("发文字号下没有红色分隔线")
        else:
            separator = below[0]
            _near(separator["top"] - max(c.bottom for c in number), 4.0, "红色分隔线距发文字号", problems)
            _near(separator["x1"] - separator["x0"], RIGHT - LEFT, "红色分隔线与版心等宽", problems)
            if title_chars:
                _blank_lines_between(separator["bottom"], title_chars[0].top, "标题与红色分隔线", problems)
    if not title_chars:
        problems.append(f"第一页没有标题“{title[:10]}…”")
    return problems


# --- body text ----------------------------------------------------------------------------------


def body_problems(pages: Sequence[Page], *, size: float = 16.0) -> list[str]:
    """Body text (black, not the title or page numbers) of ``size`` pt, starting at the left margin."""
    problems = []
    body = [
        c
        for page in pages
        for c in page.chars
        if not c.text.isspace() and not is_red(c.color) and abs(c.size - size) < 0.3 and c.top < BOTTOM + 1
    ]
    if not body:
        return [f"没有 {size:g} pt 的正文"]
    _near(min(c.x0 for c in body), LEFT, f"{size:g} pt 正文左边缘", problems)
    if max(c.x1 for c in body) > RIGHT + TOLERANCE:
        problems.append(f"正文超出版心右边缘：{max(c.x1 for c in body):.1f} mm")
    return problems


def title_lines(page: Page, title: str, size: float = 22.0) -> list[str]:
    """The printed lines of a title of ``size`` pt on ``page``, top to bottom."""
    lines = text_lines(page, lambda c: abs(c.size - size) < 0.3 and not is_red(c.color))
    texts = [squash(line_text(line)) for line in lines]
    flat = squash(title)
    out: list[str] = []
    for text in texts:
        if text and text in flat:
            out.append(text)
    return out


def breaks_inside_words(lines: list[str]) -> list[str]:
    """Line breaks that cut a word, as jieba (the full segmenter, with its HMM) sees the text."""
    import jieba

    text = "".join(lines)
    ends = set()
    at = 0
    for word in jieba.cut(text, HMM=True):
        at += len(word)
        ends.add(at)
    at, bad = 0, []
    for line in lines[:-1]:
        at += len(line)
        if at not in ends:
            bad.append(f"{text[max(0, at - 3) : at]}/{text[at : at + 3]}")
    return bad
