"""Records (谈话记录, 列席会议记录, 廉政档案) and the 党廉意见回复 letter, read back from the PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.printing import samples
from tests.printing.conftest import MM, Page, all_text, squash
from wsjc_desktop.printing import slips
from wsjc_desktop.printing.slips import UnprintableError
from wsjc_desktop.printing.values import DossierSection, MeetingOpinionLine, TalkPerson, TalkValues

Render = Callable[..., list[Page]]

LEFT, TOP, RIGHT, BOTTOM = 28.0, 37.0, 184.0, 262.0


def assert_inside_type_area(pages: list[Page]) -> None:
    for page in pages:
        for c in page.chars:
            if c.text.isspace():
                continue
            assert c.x0 >= LEFT - 1 and c.x1 <= RIGHT + 1, c
            if c.color != (0.9, 0.0, 0.07) and (c.size != 14 or c.top < BOTTOM):  # page numbers below,
                # the 信函格式's red masthead above the type area
                assert c.top >= TOP - 1 and c.bottom <= BOTTOM + 1, c


def test_talk_form_has_its_labels_and_content(render: Render) -> None:
    values = samples.talk(2)
    pages = render(slips.render_talk, values)
    text = all_text(pages)
    for label in (
        "谈话记录",
        "时间",
        "地点",
        "谈话人",
        "记录人",
        "谈话对象",
        "姓名",
        "单位",
        "职务",
        "谈话类型",
        "事由",
        "谈话内容",
        "本人表态",
        "处理",
        "（第一种形态）",
        "后续跟踪",
        "谈话人签字",
        "谈话对象签字",
        "记录人签字",
    ):
        assert label in text, label
    for value in (
        values.group_name,
        "2026年3月5日",
        "9时30分至10时20分",
        values.location,
        values.talker,
        values.recorder,
        values.kind_label,
        values.reason,
        values.response,
        values.follow_up,
        values.handling,
        *[squash(p) for p in values.summary.splitlines()],
    ):
        assert squash(value) in text, value
    for person in values.persons:
        assert person.name in text and person.position in text
    assert_inside_type_area(pages)


def test_talk_form_is_ruled(render: Render) -> None:
    pages = render(slips.render_talk, samples.talk(1))
    page = pages[0]
    verticals = {round(line["x0"] / MM) for line in page.lines if abs(line["x0"] - line["x1"]) < 0.1}
    assert {28, 184} <= verticals  # the outer frame spans the type area
    assert len([line for line in page.lines if abs(line["top"] - line["bottom"]) < 0.1]) >= 12
    # labels sit in the left column, values right of it
    label = page.find("谈话内容")[0]
    content = page.find("谈话人指出")[0]
    assert label.x1 < 28 + 30 < content.x0


def test_long_talk_content_flows_onto_the_next_page(render: Render) -> None:
    values = samples.talk(12)
    pages = render(slips.render_talk, values)
    assert len(pages) >= 2
    assert "（第12段）" in pages[-1].text or "（第12段）" in all_text(pages[1:])
    assert "（第1段）" in pages[0].text
    assert "— 2 —" in pages[1].text
    # the signature lines come after the content, on the last page
    assert "记录人签字" in squash(pages[-1].text)
    assert_inside_type_area(pages)
    # a cell split across pages is closed by a rule at the foot of the first page
    lowest = max(line["bottom"] for line in pages[0].lines) / MM
    assert lowest == pytest.approx(BOTTOM, abs=12)


def test_talk_without_persons_or_times(render: Render) -> None:
    values = replace(samples.talk(1), persons=(), start_time=None, end_time=None, handling="")
    text = all_text(render(slips.render_talk, values))
    assert "2026年3月5日" in text and "时分" not in text
    assert "谈话对象" in text


def test_talk_with_many_persons(render: Render) -> None:
    persons = tuple(TalkPerson(f"干部{i}", "区财政局", "科员") for i in range(1, 9))
    text = all_text(render(slips.render_talk, replace(samples.talk(1), persons=persons)))
    for person in persons:
        assert person.name in text


def test_meeting_record(render: Render) -> None:
    values = samples.meeting()
    pages = render(slips.render_meeting, values)
    text = all_text(pages)
    for label in (
        "列席会议记录",
        "会议单位",
        "会议名称",
        "会议时间",
        "会议类型",
        "会议地点",
        "“三重一大”议题数",
        "列席人",
        "会议议题",
        "意见建议",
        "序号",
        "落实情况",
        "跟踪落实",
    ):
        assert label in text, label
    for value in (
        values.unit_name,
        values.title,
        "2026年3月12日",
        values.type_label,
        values.location,
        "2项",
        "张建国、李喆",
        values.follow_up,
        *[squash(t) for t in values.topics.splitlines()],
    ):
        assert squash(value) in text, value
    for opinion in values.opinions:
        assert squash(opinion.content) in text and opinion.follow_up in text
    assert "王堃" in text and "下次会议跟踪" in text
    assert_inside_type_area(pages)


def test_meeting_opinions_are_numbered_and_their_header_repeats(render: Render) -> None:
    opinions = tuple(
        MeetingOpinionLine(f"第{i}条意见：严格执行有关规定，规范决策程序。", "", "已落实")
        for i in range(1, 41)
    )
    pages = render(slips.render_meeting, replace(samples.meeting(), opinions=opinions))
    assert len(pages) >= 2
    for page in pages:
        assert "意见建议内容" in page.text  # the header rows repeat on every page
    text = all_text(pages)
    assert "|40|第40条意见：严格执行有关规定，规范决策程序。|已落实|" in text


def test_opinion_reply(render: Render) -> None:
    values = samples.opinion()
    pages = render(slips.render_opinion_reply, values)
    text = all_text(pages)
    for value in (
        values.group_name,  # the 信函格式: the masthead is the group's name, the title names the kind
        values.doc_number,
        values.requesting_unit + "：",
        "提拔",
        "2026年3月1日",
        "2026年3月6日",
        "关于王堃、陈珺、赵立新同志党风廉政意见的回复",
        "特此函复。",
    ):
        assert squash(value) in text, value
    for person in values.persons:
        for field in (person.name, person.unit, person.position, person.conclusion):
            assert squash(field) in text, field
    assert_inside_type_area(pages)
    # the title lines break at a word boundary
    assert pages[0].find("关于王堃、陈珺、赵立新同志")[-1].top < pages[0].find("党风廉政意见的回复")[0].top


def test_opinion_reply_with_many_persons_names_three_and_a_count(render: Render) -> None:
    persons = tuple(replace(samples.opinion().persons[0], name=f"干部{i}") for i in range(1, 6))
    text = all_text(render(slips.render_opinion_reply, replace(samples.opinion(), persons=persons)))
    assert "关于干部1、干部2、干部3等5名同志党风廉政意见的回复" in text
    assert "干部5" in text


def test_dossier_has_every_section(render: Render) -> None:
    values = samples.dossier()
    pages = render(slips.render_dossier, values)
    text = all_text(pages)
    assert "廉政档案" in text.replace(" ", "")
    assert "打印日期：2026年3月15日" in text
    assert "最近更新：2026年3月12日" in text
    for label, value in values.basics:
        assert squash(label) in text and squash(value) in text, label
    for section in values.sections:
        assert section.title in text, section.title
        for header in section.headers:
            assert header in text
        for row in section.rows:
            for value in row:
                assert squash(value) in text, value
    assert "工作记录" in text
    for day, kind, title in values.timeline:
        assert day in text and kind in text and squash(title) in text
    assert "王堃" in text and "王垚" in text  # outside GB2312
    assert_inside_type_area(pages)


def test_dossier_section_headers_repeat_on_page_breaks(render: Render) -> None:
    values = samples.dossier(extra_rows=60)
    pages = render(slips.render_dossier, values)
    family_pages = [p for p in pages if "亲属" in p.text]
    assert len(family_pages) >= 2
    for page in family_pages:
        assert "工作单位及职务" in page.text
    # sections numbered in order: 一、基本情况 … 九、工作记录
    text = all_text(pages)
    assert text.index("一、基本情况") < text.index("二、家庭成员及主要社会关系") < text.index("九、工作记录")


def test_dossier_empty_section_says_none(render: Render) -> None:
    values = replace(
        samples.dossier(), sections=(DossierSection("处分及组织处理", ("日期", "类别"), ()),), timeline=()
    )
    text = all_text(render(slips.render_dossier, values))
    assert "处分及组织处理" in text and "无" in text


def test_forms_refuse_unprintable_characters(tmp_path: Path) -> None:
    out = tmp_path / "talk.pdf"
    with pytest.raises(UnprintableError) as info:
        slips.render_talk(replace(samples.talk(1), location="会议室\U0001f4a1"), out)
    assert "\U0001f4a1" in str(info.value)
    assert not out.exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_slips_render_to_images_with_ink_where_expected(tmp_path: Path) -> None:
    """pdftoppm draws every slip; the notice's masthead is red and its body black."""
    from PIL import Image

    pdf = tmp_path / "notice.pdf"
    slips.render_notice(samples.notice(), pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "notice"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "notice.png").convert("RGB")
    px_per_mm = image.size[0] / 210

    def count(box_mm: tuple[float, float, float, float], test: Callable[[tuple[int, int, int]], bool]) -> int:
        x0, y0, x1, y1 = (round(v * px_per_mm) for v in box_mm)
        return sum(1 for x in range(x0, x1) for y in range(y0, y1) if test(image.getpixel((x, y))))

    red = count((28, 72, 184, 110), lambda p: p[0] > 180 and p[1] < 90 and p[2] < 90)  # 文件格式
    dark = count((28, 110, 184, 262), lambda p: max(p) < 100)
    assert red > 100
    assert dark > 300
    assert count((0, 0, 210, 30), lambda p: max(p) < 200) == 0  # nothing above the type area
    for render_fn, values in (
        (slips.render_talk, samples.talk(1)),
        (slips.render_meeting, samples.meeting()),
        (slips.render_opinion_reply, samples.opinion()),
        (slips.render_dossier, samples.dossier()),
    ):
        out = tmp_path / "slip.pdf"
        render_fn(values, out)  # type: ignore[operator]
        result = subprocess.run(
            ["pdftoppm", "-png", "-r", "20", str(out), str(tmp_path / "slip")], capture_output=True, text=True
        )
        assert result.returncode == 0 and not result.stderr, result.stderr


def test_a_blank_talk_form_fits_on_one_page(render: Render) -> None:
    """Printed empty, to be filled in by hand."""
    pages = render(
        slips.render_talk, TalkValues(group_name=samples.GROUP, kind_label="", held_on=date(2026, 3, 5))
    )
    assert len(pages) == 1
    assert "记录人签字" in all_text(pages)


def test_each_person_talked_with_signs_on_a_line_of_their_own(render: Render) -> None:
    """Issue 18, point 1: one 谈话对象签字 cell served three people."""
    from wsjc_desktop.services.printing import TalkPerson

    three = (
        TalkPerson("王堃", "区财政局", "副局长"),
        TalkPerson("陈珺", "区财政局", "采购科科长"),
        TalkPerson("李喆明", "区财政局", "科员"),
    )
    pages = render(slips.render_talk, replace(samples.talk(summary_paragraphs=1), persons=three))
    found = {name: sum(len(p.find_all(name)) for p in pages) for name in ("王堃", "陈珺", "李喆明")}
    # the persons' table and the signature lines, one each (王堃 also appears in the summary)
    assert found["陈珺"] == 2 and found["李喆明"] == 2, found
    label = [c for p in pages for c in p.find_all("谈话对象签字")]
    assert len(label) == 1  # one label spanning the three lines
    tops = sorted(
        [p.find_all(name)[-1][0].top for p in pages for name in ("陈珺", "李喆明") if p.find_all(name)]
    )
    assert tops[1] - tops[0] > 5  # on lines of their own
