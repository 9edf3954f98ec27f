"""The text rules: dates, heading levels, unbreakable pieces, 避头尾 and title breaking."""

from __future__ import annotations

import itertools
from datetime import date, time

import pytest

from tests.printing.geometry import breaks_inside_words
from wsjc_desktop.printing.text import (
    NO_LINE_END,
    NO_LINE_START,
    break_lines,
    chinese_ordinal,
    format_date,
    format_time,
    heading_level,
    heading_split,
    paragraphs,
    title_breaks,
    units,
)


def test_dates_and_times_in_arabic_numerals_without_leading_zeros() -> None:
    assert format_date(date(2026, 3, 5)) == "2026年3月5日"
    assert format_date(date(2026, 12, 31)) == "2026年12月31日"
    assert format_date(None, blank="年 月 日") == "年 月 日"
    assert format_time(time(9, 5)) == "9时5分"
    assert format_time(time(14, 0)) == "14时"


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五")]
)
def test_chinese_ordinals(n: int, text: str) -> None:
    assert chinese_ordinal(n) == text


def test_heading_levels() -> None:
    assert heading_level("一、严守纪律。要求……") == 1
    assert heading_level("十二、其他") == 1
    assert heading_level("（三）接待清单不完整。") == 2
    assert heading_level("1. 研究采购计划") == 0
    assert heading_level("经检查，一、二两项") == 0
    assert heading_split("一、严守纪律。要求如下") == len("一、严守纪律。")
    assert heading_split("二、整改要求") == len("二、整改要求")


def test_paragraphs_drop_blank_lines() -> None:
    assert paragraphs("  第一段 \n\n第二段\r\n\t第三段") == ["第一段", "第二段", "第三段"]
    assert paragraphs(None) == []


def test_units_keep_latin_words_numbers_and_double_dashes_whole() -> None:
    assert units("于2026年3.5%增长——ABC公司……") == [
        "于",
        "2026",
        "年",
        "3.5%",
        "增",
        "长",
        "——",
        "ABC",
        "公",
        "司",
        "……",
    ]


def test_break_lines_pulls_a_character_down_with_closing_punctuation() -> None:
    pieces = list("一二三四，五六")
    ranges = break_lines(pieces, [1.0] * len(pieces), 4, 4)
    lines = ["".join(pieces[a:b]) for a, b in ranges]
    assert lines == ["一二三", "四，五六"]
    for line in lines:
        assert line[0] not in NO_LINE_START


def test_break_lines_keeps_opening_punctuation_with_what_follows() -> None:
    pieces = list("一二三“四五”")
    ranges = break_lines(pieces, [1.0] * len(pieces), 4, 4)
    lines = ["".join(pieces[a:b]) for a, b in ranges]
    assert lines == ["一二三", "“四五”"]
    assert all(line[-1] not in NO_LINE_END for line in lines)


def _title_lines(title: str, keep: tuple[str, ...] = ()) -> list[str]:
    pieces = units(title)
    widths = [22.0 if not p.isascii() else 11.0 * len(p) for p in pieces]
    cuts = title_breaks(pieces, widths, 442.2, 22.0, keep)
    bounds = [0, *cuts, len(pieces)]
    return ["".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]


def test_titles_break_where_the_sense_allows() -> None:
    assert _title_lines("关于区财政局公务接待和“三重一大”决策有关问题的廉情抄告单") == [
        "关于区财政局公务接待和“三重一大”",
        "决策有关问题的廉情抄告单",
    ]
    assert _title_lines("关于王堃、陈珺、赵立新同志党风廉政意见的回复", keep=("王堃", "陈珺", "赵立新")) == [
        "关于王堃、陈珺、赵立新同志",
        "党风廉政意见的回复",
    ]
    assert _title_lines("关于2026年春节期间严守廉洁纪律的提醒") == ["关于2026年春节期间严守廉洁纪律的提醒"]


def test_long_titles_get_lines_of_about_equal_length() -> None:
    title = "关于" + "进一步加强和改进" * 12 + "的通知"
    lines = _title_lines(title)
    assert len(lines) == 6
    assert max(map(len, lines)) - min(map(len, lines)) <= 3  # a word's length, at most
    assert not breaks_inside_words(lines)


@pytest.mark.parametrize(
    "title",
    [
        "关于进一步加强4名新提任干部监督管理执行情况的提示函",
        "关于区财政局公务接待和“三重一大”决策有关问题的廉情抄告单",
        "关于严格执行中央八项规定精神切实加强节日期间监督检查工作的提醒",
        "关于区发展和改革委员会党组落实全面从严治党主体责任情况的纪检监察建议书",
    ],
)
def test_titles_break_between_words(title: str) -> None:
    lines = _title_lines(title)
    assert len(lines) >= 2, lines
    assert breaks_inside_words(lines) == [], lines
