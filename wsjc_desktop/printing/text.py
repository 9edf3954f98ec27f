"""Text rules of Chinese official documents: dates, paragraphs, heading levels, line breaking (避头尾)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, time

from wsjc_desktop.printing import words

#: Characters that must not start a line (行首禁则): closing punctuation and marks.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〗〉”’…—·％‰,.;:?!)]}%」")
#: Characters that must not end a line (行尾禁则): opening punctuation.
NO_LINE_END = frozenset("（《「『【〔〖〈“‘([{")

_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_CHINESE_NUMERALS = "零一二三四五六七八九"


def format_date(value: date | None, *, blank: str = "") -> str:
    """2026年3月5日: Arabic numerals, no leading zeros (GB/T 9704 7.3.5.1)."""
    if value is None:
        return blank
    return f"{value.year}年{value.month}月{value.day}日"


def format_time(value: time) -> str:
    """9时30分 (9时 on the hour), as records write it."""
    return f"{value.hour}时{value.minute}分" if value.minute else f"{value.hour}时"


def chinese_ordinal(n: int) -> str:
    """一, 二, …, 十, 十一, …, 九十九 for heading numbers."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CHINESE_NUMERALS[ones]
    head = "" if tens == 1 else _CHINESE_NUMERALS[tens]
    return head + "十" + (_CHINESE_NUMERALS[ones] if ones else "")


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a free-text field: one per non-empty line, trimmed."""
    if not text:
        return []
    return [line.strip().replace("\t", " ") for line in text.splitlines() if line.strip()]


def heading_level(paragraph: str) -> int:
    """1 for “一、…”, 2 for “（一）…”, 0 otherwise."""
    if _LEVEL1.match(paragraph):
        return 1
    if _LEVEL2.match(paragraph):
        return 2
    return 0


def heading_split(paragraph: str) -> int:
    """Where a heading paragraph's heading ends: after its first sentence (GB/T 9704 sets only that
    in 黑体/楷体 when text follows on the same line)."""
    for i, ch in enumerate(paragraph):
        if ch in "。！？":
            return i + 1
    return len(paragraph)


def is_full_width(ch: str) -> bool:
    """Takes a full grid cell: hanzi, full-width forms, and Chinese quotes and dashes."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._%/-:@+#&")


def units(text: str) -> list[str]:
    """The unbreakable pieces of a text: each hanzi alone, Latin words and numbers whole,
    and ——/…… (two-cell dashes and ellipses) whole."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if _is_word_char(ch):
            while j < n and _is_word_char(text[j]):
                j += 1
        elif ch in "—…":
            while j < n and text[j] == ch:
                j += 1
        out.append(text[i:j])
        i = j
    return out


def break_lines(
    pieces: Sequence[str],
    widths: Sequence[float],
    first_width: float,
    width: float,
) -> list[tuple[int, int]]:
    """Greedy line breaking with 避头尾: ``[(start, end), …]`` index ranges into ``pieces``.

    A line never starts with closing punctuation (the previous piece is pulled down with it)
    and never ends with opening punctuation. ``first_width`` is the first line's room (after
    an indent), ``width`` every other line's.
    """
    lines: list[tuple[int, int]] = []
    n = len(pieces)
    start = 0
    room = first_width
    eps = 1e-6
    while start < n:
        used = 0.0
        end = start
        while end < n and used + widths[end] <= room + eps:
            used += widths[end]
            end += 1
        if end == start:  # a single piece wider than the line: it goes alone
            end = start + 1
        elif end < n:
            fit = end
            while end > start + 1 and pieces[end][0] in NO_LINE_START:
                end -= 1
            while end > start + 1 and pieces[end - 1][-1] in NO_LINE_END:
                end -= 1
            if end == start + 1 and fit > start + 1 and pieces[fit][0] in NO_LINE_START:
                end = fit  # nothing to pull down: better a punctuation mark first than one char lines
        lines.append((start, end))
        start = end
        room = width
    return lines


#: Words a title must not be broken inside (a title breaks where its sense allows, GB/T 9704 7.3.1).
#: A title line may well end after these.
_TITLE_GOOD_END = frozenset("的和与及、，；：”》）")
#: The cost of breaking a title inside a word (a word longer than a line still breaks).
INSIDE_A_WORD = 1000.0
_OPENERS = {"“": "”", "《": "》", "（": "）", "‘": "’", "〔": "〕"}


def title_breaks(
    pieces: Sequence[str], widths: Sequence[float], width: float, unit: float, keep: Sequence[str] = ()
) -> list[int]:
    """Where to break a title over as few lines as it needs, lines of about equal length, never
    inside quotes, a listed word or one of ``keep`` (names, say), preferably after 的/和/、.
    Returns the piece indices that start each line after the first."""
    n = len(pieces)
    text = "".join(pieces)
    starts = [0]
    for p in pieces:
        starts.append(starts[-1] + len(p))
    penalty = [0.0] * (n + 1)  # cost of a break before piece k
    inside = words.inside_words(text) | _inside_words(text, [k for k in keep if len(k) > 1])
    depth = 0
    for k in range(1, n):
        piece = pieces[k - 1]
        for ch in piece:
            if ch in _OPENERS:
                depth += 1
            elif ch in _OPENERS.values():
                depth = max(0, depth - 1)
        if pieces[k][0] in NO_LINE_START or piece[-1] in NO_LINE_END:
            penalty[k] = math.inf
            continue
        at = starts[k]
        if depth:
            penalty[k] += 20  # inside “…” or 《…》: only if nothing else fits
        if at in inside:  # 词意完整 (GB/T 9704 §7.3.1): only if no line fits otherwise
            penalty[k] += INSIDE_A_WORD
        if text.startswith("同志", at):  # nor part a name from its 同志
            penalty[k] += 6
        if piece[-1] in _TITLE_GOOD_END or text[:at].endswith("同志"):
            penalty[k] -= 2
    total = sum(widths)
    count = max(1, math.ceil(total / width - 1e-9))
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    for lines in range(count, min(n, count + 2) + 1):
        target = total / lines
        # best[j][k]: cost of setting pieces[:k] in j lines
        best: list[list[float]] = [[math.inf] * (n + 1) for _ in range(lines + 1)]
        back: list[list[int]] = [[0] * (n + 1) for _ in range(lines + 1)]
        best[0][0] = 0.0
        for j in range(1, lines + 1):
            for k in range(1, n + 1):
                for i in range(k - 1, -1, -1):
                    line_width = prefix[k] - prefix[i]
                    if line_width > width + 1e-6:
                        break
                    if best[j - 1][i] == math.inf:
                        continue
                    # squared: one very long or short line costs more than several a little off
                    deviation = (line_width - target) / unit
                    cost = best[j - 1][i] + deviation * deviation + (penalty[i] if i else 0.0)
                    if cost < best[j][k]:
                        best[j][k] = cost
                        back[j][k] = i
        if best[lines][n] < math.inf:
            cuts = []
            k = n
            for j in range(lines, 0, -1):
                k = back[j][k]
                cuts.append(k)
            return sorted(c for c in cuts if c)
    return []


def _inside_words(text: str, words: Sequence[str]) -> set[int]:
    """Positions that would cut one of ``words`` in two."""
    inside: set[int] = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            inside.update(range(at + 1, at + len(word)))
            at = text.find(word, at + 1)
    return inside
