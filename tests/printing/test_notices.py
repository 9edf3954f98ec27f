"""Notices (抄告单 / 提醒函 / 提示函 / 建议书 / 节前提醒) read back from the PDF: text, geometry, fonts."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.printing import samples
from tests.printing.conftest import CHAR_PITCH_MM, LINE_PITCH_MM, MM, Page, all_text, read_pdf, squash
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing import slips
from wsjc_desktop.printing.slips import UnprintableError
from wsjc_desktop.printing.text import NO_LINE_START

Render = Callable[..., list[Page]]

LEFT, TOP, RIGHT, BOTTOM = 28.0, 37.0, 28.0 + 156.0, 37.0 + 225.0
EM_16 = 16 / MM  # a 3号 character's em, in mm


def grid_top(line: int, size: float = 16) -> float:
    """The top (mm) of a character of ``size`` centred on grid line ``line``."""
    return TOP + line * LINE_PITCH_MM + (LINE_PITCH_MM - size / MM) / 2


def body_chars(page: Page) -> list:
    return [c for c in page.chars if c.size == 16 and not c.text.isspace()]


def test_every_field_is_printed(render: Render) -> None:
    values = samples.notice(cadre_name="王堃", signatory="张建国")
    pages = render(slips.render_notice, values)
    text = all_text(pages)
    for expected in (
        values.group_name,
        values.kind_label,
        values.doc_number,
        values.unit_name + "：",
        values.title,
        "王堃",
        "2026年3月20日",  # deadline
        "2026年3月5日",  # issued on
        *[squash(p) for p in values.problems.splitlines()],
        *[squash(p) for p in values.requirements.splitlines()],
        "请于2026年3月20日前将整改情况书面反馈我组。",
    ):
        assert squash(expected) in text, expected
    # 签发人 belongs to 上行文 only (GB/T 9704 7.2.5): what the group sends goes down
    assert "张建国" not in text and "签发人" not in text


def test_doc_number_is_printed_as_given_and_centred(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice(doc_number="驻一纪抄〔2026〕12号"))
    assert "驻一纪抄〔2026〕12号" in pages[0].text
    chars = pages[0].find("驻一纪抄〔2026〕12号")
    middle = (chars[0].x0 + chars[-1].x1) / 2
    assert middle == pytest.approx(105, abs=1)
    assert all(c.size == 16 for c in chars)
    # under the masthead: below the group's name
    assert chars[0].top > pages[0].find(samples.GROUP)[0].bottom


def test_a_draft_prints_a_draft_mark_instead_of_a_number(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice(doc_number=None))
    assert "（草稿）" in pages[0].text


def test_masthead_is_red_and_large(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice())
    for ch in pages[0].find(samples.GROUP):
        assert ch.color == pytest.approx((0.9, 0.0, 0.07))
        assert ch.size > 22
    middle = (pages[0].find(samples.GROUP)[0].x0 + pages[0].find(samples.GROUP)[-1].x1) / 2
    assert middle == pytest.approx(105, abs=1)


def test_type_area_margins_and_grid(render: Render) -> None:
    long_problems = "\n".join([samples.PROBLEMS] * 3)
    pages = render(slips.render_notice, samples.notice(problems=long_problems, with_receipt=False))
    assert len(pages) >= 2
    for page in pages:
        chars = body_chars(page)
        assert min(c.x0 for c in chars) == pytest.approx(LEFT, abs=1)
        assert max(c.x1 for c in chars) <= RIGHT + 1
        for c in page.chars:
            if c.size != 14:  # page numbers sit below the type area
                assert c.top >= TOP - 1 and c.bottom <= BOTTOM + 1, c
        # every body character sits on one of the 22 grid lines
        for c in chars:
            line = round((c.top - grid_top(0)) / LINE_PITCH_MM)
            assert 0 <= line < 22
            assert c.top == pytest.approx(grid_top(line), abs=1), c
    # the first line of a continuation page is grid line 1 of the type area, at 37 mm
    first = min(body_chars(pages[1]), key=lambda c: c.top)
    assert first.top == pytest.approx(grid_top(0), abs=1)
    # 主送 on page 1: flush left, one blank line below the title
    addressee = pages[0].find("区财政局党组：")
    assert addressee[0].x0 == pytest.approx(LEFT, abs=1)
    title_line = round((pages[0].lines_of(22)[-1][0].top - grid_top(0, 22)) / LINE_PITCH_MM)
    assert addressee[0].top == pytest.approx(grid_top(title_line + 2), abs=1)


def test_characters_sit_on_a_28_per_line_grid(render: Render) -> None:
    text = "监督执纪问责" * 20  # hanzi only: every character on a grid cell
    pages = render(slips.render_notice, samples.notice(problems=text, requirements="", with_receipt=False))
    full_lines = [line for line in pages[0].lines_of(16) if len(line) == 28]
    assert full_lines, "no full body line"
    for line in full_lines:
        for i, c in enumerate(line):
            assert c.x0 == pytest.approx(LEFT + i * CHAR_PITCH_MM, abs=0.3), (i, c)
    # the first line of the paragraph is indented two characters
    indented = pages[0].find("监督执纪问责监督")
    assert indented[0].x0 == pytest.approx(LEFT + 2 * CHAR_PITCH_MM, abs=0.3)


def test_font_sizes(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice())
    title = pages[0].find("关于区财政局公务接待")
    assert {c.size for c in title} == {22}
    assert {c.size for c in pages[0].find("经监督检查发现")} == {16}
    assert {c.size for c in pages[0].find("1—")} == {14}


def test_headings_are_set_in_hei_and_kai(render: Render) -> None:
    pages = render(slips.render_notice, samples.proposal())
    heading = pages[0].find("一、基本情况及存在的问题")
    assert all("WenQuanYi" in c.font for c in heading)  # 黑体 (stand-in)
    level2 = pages[0].find("（一）接待清单")
    assert all("Kai" in c.font for c in level2)  # 楷体
    body = pages[0].find("我组在监督检查中发现")
    assert all("FandolFang" in c.font for c in body)  # 仿宋 role (bundled stand-in)
    # a level-1 heading's text after its first sentence goes back to the body font
    after = pages[0].find("2025年第四季度")
    assert "WenQuanYi" not in after[1].font


def test_title_wraps_without_splitting_a_quoted_term(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice())
    title_lines = [line for line in pages[0].lines_of(22)]
    texts = ["".join(c.text for c in line) for line in title_lines]
    assert texts == ["关于区财政局公务接待和“三重一大”", "决策有关问题的廉情抄告单"]
    for line in title_lines:  # each line centred
        assert (line[0].x0 + line[-1].x1) / 2 == pytest.approx(105, abs=1)


def test_no_line_starts_with_closing_punctuation(render: Render) -> None:
    # 26 characters fill the indented first line exactly; the comma would start line 2
    paragraph = "甲" * 25 + "乙，丙丁。" + "戊" * 22 + "己”。庚"
    pages = render(
        slips.render_notice, samples.notice(problems=paragraph, requirements="", with_receipt=False)
    )
    lines = ["".join(c.text for c in line) for line in pages[0].lines_of(16)]
    assert any(line.startswith("乙，") for line in lines), lines  # the 乙 was pulled down with its comma
    assert any(line.startswith("己”。") for line in lines), lines
    for line in lines:
        assert line[0] not in NO_LINE_START, line


def _signature(pages: list[Page]) -> tuple[list, list]:
    group = pages[-1].find(samples.GROUP + "2026年3月5日")
    return group[: len(samples.GROUP)], group[len(samples.GROUP) :]


def test_the_sealed_signature_centres_the_name_over_the_date(render: Render) -> None:
    """加盖印章 (GB/T 9704 §7.3.5.1), the default: the date 右空四字, the name centred over it."""
    name, day = _signature(render(slips.render_notice, samples.notice(with_receipt=False)))
    assert day[-1].x1 == pytest.approx(RIGHT - 4 * CHAR_PITCH_MM, abs=1)  # 右空四字
    middle = (day[0].x0 + day[-1].x1) / 2
    assert (name[0].x0 + name[-1].x1) / 2 == pytest.approx(
        min(middle, RIGHT - (name[-1].x1 - name[0].x0) / 2), abs=1
    )
    assert day[0].top > name[0].top


def test_the_unsealed_signature_sits_two_characters_in(render: Render) -> None:
    """不加盖印章 (§7.3.5.2): the name 右空二字, the date two characters right of the name's start."""
    name, day = _signature(render(slips.render_notice, samples.notice(with_receipt=False, sealed=False)))
    assert name[-1].x1 == pytest.approx(RIGHT - 2 * CHAR_PITCH_MM, abs=1)  # 右空二字
    assert day[0].x0 == pytest.approx(name[0].x0 + 2 * CHAR_PITCH_MM, abs=1)  # 首字右移二字
    assert day[0].top > name[0].top


def test_a_copy_to_prints_the_record_at_the_foot_of_the_last_page(render: Render) -> None:
    """版记 (§7.4): 抄送 a character in from each side; in the 文件格式 the 印发机关 and 印发日期
    under it, between rules, the last on the type area's lower edge; the 信函格式 has the 抄送 only."""
    values = samples.notice(with_receipt=False, copy_to="区纪委监委第一监督检查室，区委组织部")
    page = render(slips.render_notice, values)[-1]
    copy_to = page.find("抄送：区纪委监委第一监督检查室、区委组织部。")
    assert copy_to[0].x0 == pytest.approx(LEFT + 14 / MM, abs=0.5) and copy_to[0].size == 14
    printed = page.find("2026年3月5日印发")
    assert printed[-1].x1 == pytest.approx(RIGHT - 14 / MM, abs=0.5) and printed[0].top > copy_to[0].top
    rules = sorted(line["top"] / MM for line in page.lines if line["x1"] - line["x0"] > 150 * MM)
    assert len(rules) >= 3 and rules[-1] == pytest.approx(BOTTOM, abs=0.5)
    letter = render(slips.render_notice, replace(values, kind="proposal", kind_label="纪检监察建议书"))[-1]
    assert "抄送：" in letter.text and "印发" not in letter.text
    assert "抄送" not in all_text(render(slips.render_notice, samples.notice(with_receipt=False)))


def test_the_receipt_asks_for_the_unit_seal(render: Render) -> None:
    page = render(slips.render_notice, samples.notice())[-1]
    assert "签收单位|区财政局党组|（盖章）" in "|".join(page.cells)


def test_three_page_body_has_page_numbers_odd_right_even_left(render: Render) -> None:
    long_problems = "\n".join([samples.PROBLEMS] * 5)
    pages = render(slips.render_notice, samples.notice(problems=long_problems, with_receipt=False))
    assert len(pages) == 3
    for page in pages:
        number = [c for c in page.chars if c.size == 14 and not c.text.isspace()]
        assert "".join(c.text for c in number) == f"—{page.number}—"
        assert f"— {page.number} —" in page.text
        assert min(c.top for c in number) > BOTTOM  # below the type area
        if page.number % 2:
            assert number[-1].x1 == pytest.approx(RIGHT - 14 / MM, abs=1)  # odd: right, one character in
        else:
            assert number[0].x0 == pytest.approx(LEFT + 14 / MM, abs=1)  # even: left, one character in


def test_receipt_lies_below_the_cut_line(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice())
    page = next(p for p in pages if "沿此线剪下" in p.text)
    cut = page.find("沿此线剪下")[0]
    for text in (
        "回",
        "执",
        "签收单位",
        "签收人",
        "签收日期",
        "整改情况",
        "驻一纪抄〔2026〕3号",
        "区财政局党组",
    ):
        last = page.find_all(text)[-1]  # the body above may use the same words
        assert last[0].top > cut.bottom, text
    # a dashed rule crosses the page at the cut line
    dashed = [line for line in page.lines if abs(line["top"] / MM - (cut.top + cut.bottom) / 2) < 2]
    assert dashed and min(line["x0"] for line in dashed) / MM == pytest.approx(LEFT, abs=1)


def test_a_short_notice_keeps_its_receipt_on_the_same_page(render: Render) -> None:
    short = samples.notice(kind="reminder_letter", kind_label="廉政提醒函", problems="公务用车登记不完整。")
    pages = render(slips.render_notice, replace(short, requirements=""))
    assert len(pages) == 1
    assert "沿此线剪下" in pages[0].text and "签收人" in pages[0].text


def test_a_notice_without_receipt_has_none(render: Render) -> None:
    pages = render(slips.render_notice, samples.notice(with_receipt=False))
    assert not any("签收人" in p.text for p in pages)


def test_names_outside_gb2312_are_printed_and_extractable(render: Render) -> None:
    values = samples.notice(unit_name="区财政局（王堃、李喆、陈珺）", cadre_name="王堃")
    pages = render(slips.render_notice, values)
    text = "".join(p.text for p in pages)
    for name in ("王堃", "李喆", "陈珺"):
        assert name in text
    kun = pages[0].find("堃")[0]
    assert "FandolFang" not in kun.font  # set in a fallback font, since the 仿宋 stand-in lacks it


@pytest.mark.parametrize("bad", ["\ue000", "😀"])
def test_unprintable_characters_raise_before_writing(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "notice.pdf"
    values = samples.notice(unit_name=f"区财政局{bad}", problems=f"问题{bad}和😀")
    with pytest.raises(UnprintableError) as info:
        slips.render_notice(values, out)
    assert isinstance(info.value, UserError)
    assert info.value.message.startswith("以下字符无法打印：")
    assert bad in info.value.message and "😀" in info.value.message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either
    buffer = io.BytesIO()
    with pytest.raises(UnprintableError):
        slips.render_notice(values, buffer)
    assert buffer.getvalue() == b""


def test_render_to_a_binary_stream(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    slips.render_notice(samples.notice(), buffer)
    assert buffer.getvalue().startswith(b"%PDF")
    out = tmp_path / "x.pdf"
    out.write_bytes(buffer.getvalue())
    assert "廉情抄告单" in squash(read_pdf(out)[0].text)


def test_an_unwritable_target_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        slips.render_notice(samples.notice(), tmp_path / "no-such-folder" / "x.pdf")
    assert "无法写入文件" in info.value.message


def test_holiday_notices_one_per_unit_each_with_its_own_number(render: Render) -> None:
    values = [samples.holiday(i, unit) for i, unit in enumerate(samples.UNITS[:3], start=1)]
    calls: list[tuple[int, int]] = []
    pages = render(slips.render_notices, values, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    starts = [p for p in pages if samples.GROUP in squash(p.text) and "严守廉洁纪律的提醒" in squash(p.text)]
    assert len(starts) == 3
    for i, (page, unit) in enumerate(zip(starts, samples.UNITS[:3], strict=True), start=1):
        assert f"驻一纪节〔2026〕{i}号" in page.text
        others = {f"驻一纪节〔2026〕{j}号" for j in (1, 2, 3) if j != i}
        assert not any(o in page.text for o in others)
        assert unit + "：" in page.text
        assert "关于2026年春节期间严守廉洁纪律的提醒" in squash(page.text)
        assert "春节将至" in squash(page.text)
        assert "— 1 —" not in page.text  # the 信函格式's first page has no number


def test_render_notices_needs_at_least_one(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        slips.render_notices([], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_holiday_notice_uses_its_own_requirements_when_given(render: Render) -> None:
    values = replace(
        samples.holiday(),
        requirements="一、严禁违规收送月饼等节礼。",
        holiday="中秋",
        issued_on=date(2026, 9, 1),
    )
    text = squash(render(slips.render_notice, values)[0].text)
    assert "关于2026年中秋期间严守廉洁纪律的提醒" in text
    assert "严禁违规收送月饼等节礼" in text
    assert "严防“四风”问题反弹回潮" not in text  # the default items give way


@pytest.mark.parametrize(
    ("kind", "label", "lead"),
    [
        ("copy_notice", "廉情抄告单", "经监督检查发现，你单位存在以下问题："),
        ("reminder_letter", "廉政提醒函", "我组在日常监督中了解到以下情况"),
        ("prompt_letter", "提示函", "经日常监督"),
        ("proposal", "纪检监察建议书", "二、纪检监察建议"),
    ],
)
def test_each_kind_uses_its_wording(render: Render, kind: str, label: str, lead: str) -> None:
    pages = render(slips.render_notice, samples.notice(kind=kind, kind_label=label))
    text = all_text(pages)
    assert label in text
    assert lead in text


def test_same_values_give_the_same_bytes(tmp_path: Path) -> None:
    a, b = io.BytesIO(), io.BytesIO()
    slips.render_notice(samples.notice(), a)
    slips.render_notice(samples.notice(), b)
    assert a.getvalue() == b.getvalue()
