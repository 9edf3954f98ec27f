"""Where a Chinese text may break between words: a unigram segmenter for titles.

GB/T 9704 §7.3.1 asks that a title broken over lines keeps its words whole (词意完整). The word
list (``resources/words/words.txt.xz``, built by ``scripts/build_words.py`` from jieba's
dictionary) gives each word's frequency; a text is cut into the sequence of words that is most
probable as a whole (the product of their frequencies, as jieba does without its HMM for unknown
words). A character the list does not know is a word of its own; a run of Latin letters and
digits (2025, 50万 → “50” and “万”) is one word.
"""

from __future__ import annotations

import functools
import lzma
import math
import threading

from wsjc_desktop.resources import resources_root

_lock = threading.Lock()

#: The group's own terms (DOMAIN.md), known whatever the general list says: a user dictionary.
DOMAIN_WORDS = (
    "廉情抄告单",
    "抄告单",
    "廉情",
    "廉政提醒函",
    "提醒函",
    "提示函",
    "纪检监察建议书",
    "建议书",
    "节前廉政提醒",
    "党风廉政",
    "三重一大",
    "一把手",
    "一岗双责",
    "主体责任",
    "监督责任",
    "八项规定",
    "中央八项规定",
    "四风",
    "述责述廉",
    "谈心谈话",
    "提醒谈话",
    "诫勉谈话",
    "任前谈话",
    "廉政谈话",
    "新提任",
    "提任",
    "派驻",
    "纪检监察组",
    "廉政档案",
    "个人有关事项",
    "整改落实",
    "问题线索",
    "党风廉政意见",
    "回执",
    "专项检查",
    "专项整治",
)
DOMAIN_FREQUENCY = 100_000
#: A number and the measure word after it stay together (4名, 3次, 2025年).
MEASURE_WORDS = frozenset("名个人次项件条年月日号万亿元家份起批位户宗篇期届季度倍岁")


@functools.cache
def _dictionary() -> tuple[dict[str, float], int, float]:
    """Words → log frequency; the longest word's length; the log of the total frequency."""
    path = resources_root() / "words" / "words.txt.xz"
    with _lock:
        text = lzma.decompress(path.read_bytes()).decode("utf-8")
    header, _, rest = text.partition("\n")
    fields = header.lstrip("#").split()
    total, per_e = int(fields[1]), int(fields[3])
    counts: dict[str, float] = {}
    for line in rest.splitlines():
        bucket, _, words = line.partition("\t")
        counts.update(dict.fromkeys(words.split(" "), int(bucket) / per_e))
    counts.pop("", None)
    for word in DOMAIN_WORDS:
        counts[word] = max(counts.get(word, 0.0), math.log(DOMAIN_FREQUENCY))
    return counts, max(map(len, counts), default=1), math.log(total)


def _logp(counts: dict[str, float], word: str, log_total: float) -> float | None:
    log_count = counts.get(word)
    return None if log_count is None else log_count - log_total


def _is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def segment(text: str) -> list[str]:
    """``text`` as its most probable sequence of words."""
    words, longest, log_total = _dictionary()
    unknown = -log_total
    n = len(text)
    best = [0.0] * (n + 1)  # best[i]: log probability of text[i:] cut into words
    step = [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        if _is_latin(text[i]):
            j = i + 1
            while j < n and _is_latin(text[j]):
                j += 1
            if j < n and text[j] in MEASURE_WORDS:
                j += 1
            best[i], step[i] = unknown + best[j], j - i
            if i and _is_latin(text[i - 1]):
                best[i] = best[i + 1]  # never starts a word inside a Latin run
            continue
        score, length = unknown + best[i + 1], 1
        for j in range(i + 2, min(n, i + longest) + 1):
            logp = _logp(words, text[i:j], log_total)
            if logp is not None and logp + best[j] > score:
                score, length = logp + best[j], j - i
        single = _logp(words, text[i], log_total)
        if single is not None and single + best[i + 1] > score:
            score, length = single + best[i + 1], 1
        best[i], step[i] = score, length
    out: list[str] = []
    i = 0
    while i < n:
        out.append(text[i : i + step[i]])
        i += step[i]
    return out


def inside_words(text: str) -> set[int]:
    """The positions in ``text`` (between text[k-1] and text[k]) that would cut a word."""
    inside: set[int] = set()
    at = 0
    for word in segment(text):
        inside.update(range(at + 1, at + len(word)))
        at += len(word)
    return inside
