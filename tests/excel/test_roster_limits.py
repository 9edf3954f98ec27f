"""Hostile roster files are refused in seconds, with a Chinese message that states the limit.

The files are made here, by hand, with ``zipfile`` (a part written in chunks, so a 1 GiB string
never sits on the disk or in memory): a 1 GiB shared string, thirty million tiny ones, a
1,048,576-row sheet, a zip bomb, a lying ``<dimension>``, a file that is not a zip at all, and
one of each other limit. The three the issue reports and the zip bomb are read in a fresh
interpreter that reports the seconds and its peak memory (its own ``VmHWM``, which unlike
``ru_maxrss`` does not carry over the forking test process's); the rest in-process.
Where making a file at the real limit would be slow, a smaller :class:`Limits` is passed in,
and a file at the real limit that is refused from its headers shows the real one holds.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import read_roster
from wsjc_desktop.limits import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    LimitError,
    Limits,
    human_size,
    open_zip,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MiB = 1 << 20
GiB = 1 << 30

#: The longest a refusal may take, and the most memory the reading interpreter may use.
SECONDS = 10.0
PEAK_MB = 500.0

Part = bytes | str | Callable[[], Iterable[bytes]]

HEADER = '<row r="1">' + "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
    for col, text in zip("ABC", ("姓名", "出生年月", "单位"), strict=True)
)
HEADER += "</row>"


def row(n: int, name: str = "张三") -> str:
    return (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{name}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>1975.03</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>区财政局</t></is></c></row>'
    )


def sheet(data: str = "", *, before: str = "") -> str:
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{data}</sheetData></worksheet>'


def build(
    path: Path,
    sheets: list[Part],
    *,
    strings: Part | None = None,
    styles: Part | None = None,
    workbook: str = "",
    extra: dict[str, Part] | None = None,
    names: list[str] | None = None,
) -> Path:
    """A minimal .xlsx; a part given as a function is written from the chunks it yields."""
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>']
    rels, entries = [], []
    for n in range(1, len(sheets) + 1):
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{CT}.worksheet+xml"/>'
        )
        rels.append(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>')
    for n, name in enumerate(names or [f"表{n}" for n in range(1, len(sheets) + 1)], start=1):
        entries.append(f'<sheet name="{name}" sheetId="{n}" r:id="rId{min(n, len(sheets))}"/>')
    if strings is not None:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    parts: dict[str, Part] = {
        "[Content_Types].xml": f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"<sheets>{''.join(entries)}</sheets>{workbook}</workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}/relationships">'
        + "".join(rels)
        + "</Relationships>",
    }
    for n, part in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = part
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    if styles is not None:
        parts["xl/styles.xml"] = styles
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, part in parts.items():
            if callable(part):
                with z.open(name, "w", force_zip64=True) as out:
                    for chunk in part():
                        out.write(chunk)
            else:
                z.writestr(name, part)
    return path


def repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> Callable[[], Iterator[bytes]]:
    """``head``, ``unit`` ``times`` times, ``tail``: written a MiB or so at a time."""

    def chunks() -> Iterator[bytes]:
        yield head
        per = max(1, MiB // len(unit))
        block = unit * per
        left = times
        while left >= per:
            yield block
            left -= per
        yield unit * left
        yield tail

    return chunks


def rows_part(
    first: int, last: int, *, before: str = "", make: Callable[[int], str] = row
) -> Callable[[], Iterator[bytes]]:
    """A sheet with the roster header in row 1 and a cadre in each of rows ``first``…``last``."""

    def chunks() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{MAIN}">{before}<sheetData>{HEADER}'.encode()
        for start in range(first, last + 1, 10_000):
            yield "".join(make(n) for n in range(start, min(start + 10_000, last + 1))).encode()
        yield b"</sheetData></worksheet>"

    return chunks


def name_only(n: int) -> str:
    """A row with a name alone: a million of them unpack to 70 MB, within the unpacked limit."""
    return f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>张三</t></is></c></row>'


def refusal(path: Path, limits: Limits | None = None, **kwargs: int) -> str:
    """The message ``read_roster`` refuses ``path`` with (in-process), within ``SECONDS``."""
    started = time.perf_counter()
    with pytest.raises(UserError) as caught:
        read_roster(path, limits=limits or Limits(**kwargs))
    assert time.perf_counter() - started < SECONDS
    return caught.value.message


CHILD = """
import json, resource, sys, time
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import read_roster
from wsjc_desktop.limits import Limits
import openpyxl.reader.excel  # loaded before the clock starts, as in the program
limits = Limits(**json.loads(sys.argv[2]))
started = time.perf_counter()
try:
    read_roster(sys.argv[1], limits=limits)
    message = None
except UserError as exc:
    message = exc.message
seconds = time.perf_counter() - started
try:  # this process's own high-water mark (ru_maxrss may keep the forking parent's)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"message": message, "seconds": seconds, "peak_mb": peak}))
"""


@dataclass
class Outcome:
    message: str | None
    seconds: float
    peak_mb: float


def measured(path: Path, **limits: int) -> Outcome:
    """``read_roster`` on ``path`` in a fresh interpreter: its message, seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), json.dumps(limits)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    outcome = Outcome(**json.loads(done.stdout))
    print(f"{path.name}: {outcome}")  # shown with -s: the figures the report quotes
    return outcome


def assert_refused_quickly_and_lightly(outcome: Outcome, *texts: str) -> None:
    assert outcome.message is not None, "the file was read"
    for text in texts:
        assert text in outcome.message
    assert outcome.seconds < SECONDS
    assert outcome.peak_mb < PEAK_MB


# --- the files the issue reports ---------------------------------------------------------------


@pytest.fixture(scope="module")
def gib_string(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roster whose one shared string is 1 GiB of “a” (a 4.5 MB file, written in 4 KB chunks)."""
    path = tmp_path_factory.mktemp("gib") / "1GiB字符串.xlsx"
    head = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    strings = repeated(head, b"a" * 4096, GiB // 4096, b"</t></si></sst>")
    return build(path, [sheet(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')], strings=strings)


def test_a_1_gib_shared_string_is_refused_from_the_zip_directory(gib_string: Path) -> None:
    assert zipfile.ZipFile(gib_string).getinfo("xl/sharedStrings.xml").file_size > GiB
    outcome = measured(gib_string)
    assert_refused_quickly_and_lightly(outcome, "“xl/sharedStrings.xml”解压后为1.0 GB，超过100 MB的上限")
    assert outcome.message is not None and outcome.message.startswith("文件“1GiB字符串.xlsx”")


def test_a_1_gib_shared_string_is_refused_while_streaming_if_the_directory_passed(gib_string: Path) -> None:
    """Were the zip checks lifted, the string is still never held: it is refused at 32,767
    characters, as it streams."""
    outcome = measured(gib_string, max_unpacked_bytes=2 * GiB, max_compression_ratio=10**6)
    assert_refused_quickly_and_lightly(
        outcome, f"文件“1GiB字符串.xlsx”有单元格超过{MAX_CELL_CHARS:,}个字符的上限"
    )


def test_thirty_million_tiny_shared_strings_are_refused_from_the_zip_directory(tmp_path: Path) -> None:
    head = f'<sst xmlns="{MAIN}">'.encode()
    strings = repeated(head, b"<si><t>a</t></si>", 30_000_000, b"</sst>")
    path = build(tmp_path / "三千万.xlsx", [sheet(HEADER)], strings=strings)
    outcome = measured(path)
    assert_refused_quickly_and_lightly(outcome, "“xl/sharedStrings.xml”解压后为486.4 MB，超过100 MB的上限")


def test_a_declared_unique_count_is_refused_before_any_string_is_read(tmp_path: Path) -> None:
    strings = f'<sst xmlns="{MAIN}" count="30000000" uniqueCount="30000000"><si><t>a</t></si></sst>'
    path = build(tmp_path / "声明.xlsx", [sheet(HEADER)], strings=strings)
    assert (
        refusal(path)
        == "文件“声明.xlsx”的共享字符串表有30,000,000条字符串，超过1,000,000条的上限，未导入任何数据。"
    )


def test_shared_strings_are_counted_as_they_are_read(tmp_path: Path) -> None:
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * 1001 + "</sst>"  # no uniqueCount
    path = build(tmp_path / "计数.xlsx", [sheet(HEADER)], strings=strings)
    assert "文件“计数.xlsx”的共享字符串表中的字符串超过1,000条的上限" in refusal(
        path, max_shared_strings=1000
    )
    assert read_roster(path, limits=Limits(max_shared_strings=1001)).rows == []


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roster of 1,048,576 rows (a full Excel sheet) with its true ``<dimension>``."""
    path = tmp_path_factory.mktemp("rows") / "百万行.xlsx"
    return build(path, [rows_part(2, 1_048_576, before='<dimension ref="A1:C1048576"/>', make=name_only)])


def test_a_million_row_roster_is_refused_from_its_dimension(million_rows: Path) -> None:
    outcome = measured(million_rows)
    assert_refused_quickly_and_lightly(
        outcome, "工作表“表1”记载有1,048,576行，超过每张表50,000行的上限", "未导入任何数据"
    )


def test_a_million_row_roster_without_a_dimension_is_refused_at_the_first_row_past_the_limit(
    tmp_path: Path,
) -> None:
    path = build(tmp_path / "无维度.xlsx", [rows_part(2, 1_048_576, make=name_only)])
    outcome = measured(path)
    assert_refused_quickly_and_lightly(
        outcome, f"工作表“表1”的第{MAX_ROWS + 1:,}行已超出每张表{MAX_ROWS:,}行的上限"
    )


def test_a_dimension_that_lies_does_not_let_rows_past_the_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "说谎.xlsx", [rows_part(2, 60_000, before='<dimension ref="A1:C10"/>')])
    assert f"的第{MAX_ROWS + 1:,}行已超出每张表{MAX_ROWS:,}行的上限" in refusal(path)
    # within the limit, the rows past the dimension are left out, as openpyxl leaves them
    assert [r.row for r in read_roster(path, limits=Limits(max_rows=60_000)).rows] == list(range(2, 11))


def test_rows_are_counted_whatever_their_numbers(tmp_path: Path) -> None:
    rows = HEADER + "".join(row(2) for _ in range(200))  # row 2, two hundred times
    path = build(tmp_path / "重复行号.xlsx", [sheet(rows)])
    assert "的第101行已超出每张表100行的上限" in refusal(path, max_rows=100)


def test_a_sheet_at_the_row_limit_is_read_and_one_past_it_is_not(tmp_path: Path) -> None:
    path = build(tmp_path / "边界.xlsx", [rows_part(2, 100)])
    assert len(read_roster(path, limits=Limits(max_rows=100)).rows) == 99
    assert "的第100行已超出每张表99行的上限" in refusal(path, max_rows=99)


# --- zip packages ------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    spaces = repeated(b"", b" " * 4096, 90 * MiB // 4096, b"")
    path = build(tmp_path / "炸弹.xlsx", [sheet(HEADER)], extra={"xl/media/padding.bin": spaces})
    outcome = measured(path)
    assert_refused_quickly_and_lightly(
        outcome, "“xl/media/padding.bin”压缩比为", "超过100:1的上限（可能是“压缩炸弹”）"
    )


def test_many_small_parts_that_pack_too_well_are_refused_by_the_package_ratio(tmp_path: Path) -> None:
    """Each part is under the 1 MiB the per-part ratio starts at; together they are not."""
    small = {f"xl/media/p{n}.bin": b"\0" * (MiB - 1) for n in range(20)}
    path = build(tmp_path / "小炸弹.xlsx", [sheet(HEADER)], extra=dict(small))
    message = refusal(path)
    assert "的压缩比为" in message and "超过100:1的上限" in message


def test_a_file_that_is_not_a_zip_is_refused_in_chinese(tmp_path: Path) -> None:
    text = tmp_path / "名册.xlsx"
    text.write_text("姓名,单位\n张三,区财政局\n", encoding="utf-8")
    assert refusal(text) == (
        "无法读取Excel文件“名册.xlsx”：它不是.xlsx格式的文件（可能是其他文件改了扩展名），或已损坏。"
    )
    ole = tmp_path / "旧格式.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    assert "它实际是旧版.xls格式的文件，或设置了打开密码" in refusal(ole)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert "不是.xlsx格式的文件" in refusal(empty)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    for name in ("大.xlsx", "大.csv", "大.xls"):
        path = tmp_path / name
        with path.open("wb") as handle:  # sparse: no disk used
            handle.truncate(MAX_FILE_BYTES + 1)
        assert refusal(path) == f"文件“{name}”大小为50.0 MB，超过50 MB的上限，未读取。"


def test_too_many_members_are_refused_from_the_end_record(tmp_path: Path) -> None:
    many = {f"xl/media/m{n}.txt": b"" for n in range(10_001)}
    path = build(tmp_path / "部件多.xlsx", [sheet(HEADER)], extra=dict(many))
    assert refusal(path) == "文件“部件多.xlsx”有10,006个部件，超过10,000个的上限，未导入任何数据。"


def test_a_zip64_end_record_is_read_for_the_member_count(tmp_path: Path) -> None:
    path = tmp_path / "zip64.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(0x10000):  # more than a plain end record can count
            z.writestr(f"{n}", b"")
    assert "有65,536个部件，超过10,000个的上限" in refusal(path)


def test_a_directory_too_big_for_its_members_is_refused(tmp_path: Path) -> None:
    """``zipfile`` makes an object of every entry in the directory, which is read before any
    member: 100 members may not have 60 KB of names."""
    path = build(tmp_path / "目录.xlsx", [sheet(HEADER)], extra={"x" * 60_000: b""})
    assert refusal(path, max_members=100) == "文件“目录.xlsx”中的部件超过100个的上限，未导入任何数据。"


def test_a_part_read_whole_is_held_to_its_limit(tmp_path: Path) -> None:
    noise = os.urandom(3 * MiB // 2).hex()  # 3 MB that do not pack: only the part limit applies
    path = build(tmp_path / "工作簿.xlsx", [sheet(HEADER)], workbook=f"<!-- {noise} -->")
    assert "“xl/workbook.xml”解压后为3.0 MB，超过2 MB的上限" in refusal(path)


def test_what_is_unpacked_is_counted_as_it_is_read(tmp_path: Path) -> None:
    """Sheets may all name one part: each is read again, and counted again."""
    noise = os.urandom(MiB // 8).hex()
    part = sheet(f"<row r='1'><c r='A1' t='inlineStr'><is><t>{noise}</t></is></c></row>")
    path = build(tmp_path / "同一张表.xlsx", [part], names=[f"表{n}" for n in range(1, 101)])
    message = refusal(path, max_unpacked_bytes=5 * MiB, max_cell_chars=MiB)
    assert message == "文件“同一张表.xlsx”读取时解压出的数据超过5 MB的上限，未导入任何数据。"


def test_a_member_that_understates_its_size_is_never_unpacked_past_it(tmp_path: Path) -> None:
    path = build(tmp_path / "少报.xlsx", [sheet(HEADER + "".join(row(n) for n in range(2, 200)))])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:  # the sheet's entry in the directory
        at = data.find(b"PK\x01\x02", at + 46)
    struct.pack_into("<L", data, at + 24, 1000)  # its unpacked size: 1000 bytes, it says
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert refusal(path) == "无法读取Excel文件“少报.xlsx”：文件已损坏或不是.xlsx格式。"


def test_open_zip_states_each_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "正常.xlsx", [sheet(HEADER)])
    with open_zip(path, Limits(), not_zip="x") as archive:
        assert archive.read("xl/workbook.xml").startswith(b"<workbook")
    with pytest.raises(LimitError, match=r"解压后共.*KB，超过1 KB的上限"):
        open_zip(path, Limits(max_unpacked_bytes=1024), not_zip="x")
    assert [human_size(n) for n in (100, 2048, 3 * MiB // 2, 200 * MiB, GiB)] == [
        "100字节",
        "2 KB",
        "1.5 MB",
        "200 MB",
        "1.0 GB",
    ]


# --- XML tokens, columns, cells, styles ----------------------------------------------------------


def test_a_long_xml_tag_is_refused_in_seconds(tmp_path: Path) -> None:
    """expat re-reads an unfinished tag from its start at every chunk (100 MB of one attribute
    took it 23 s); a tag or comment is refused once it is 1 MB long."""
    letters = os.urandom(5 * MiB // 2).hex()
    part = sheet(HEADER + f'<row r="2" x="{letters}"><c r="A2"><v>1</v></c></row>')
    path = build(tmp_path / "长标记.xlsx", [part])
    assert "工作表“表1”中有一个XML标记超过1 MB的上限" in refusal(path)
    comment = sheet(f"<!-- {letters[: 5 * MiB]} -->" + HEADER)
    path = build(tmp_path / "长注释.xlsx", [comment])
    assert "中有一个XML标记超过1 MB的上限" in refusal(path)


def test_a_long_text_is_not_a_long_tag(tmp_path: Path) -> None:
    text = "甲" * 30_000
    part = sheet(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row>')
    path = build(tmp_path / "长文字.xlsx", [part])
    (only,) = read_roster(path, limits=Limits(max_xml_token_bytes=1024)).rows
    assert only.cells["name"] == text


@pytest.mark.parametrize(
    ("data", "before", "found"),
    [
        (HEADER, '<dimension ref="A1:ZZ3"/>', "有702列，超过每张表256列的上限"),
        (HEADER + '<row r="2"><c r="IW2"><v>1</v></c></row>', "", "有257列"),
        (HEADER + "<row><!-- expat --><c r='IW2'><v>1</v></c></row>", "", "有257列"),
        (HEADER + "<row>" + "<c><v>1</v></c>" * 257 + "</row>", "", "有257列"),
        (HEADER + '<row r="2">' + '<c r="A2"><v>1</v></c>' * 257 + "</row>", "", "有257列"),
        (HEADER + "<row r='2'><!-- -->" + '<c r="A2"><v>1</v></c>' * 257 + "</row>", "", "有257列"),
    ],
)
def test_columns_past_the_limit_are_refused(tmp_path: Path, data: str, before: str, found: str) -> None:
    path = build(tmp_path / "宽.xlsx", [sheet(data, before=before)])
    assert found in refusal(path)


LONG = "长" * (MAX_CELL_CHARS + 1)


@pytest.mark.parametrize(
    ("data", "strings"),
    [
        (f'<row r="2"><c r="A2" t="inlineStr"><is><t>{LONG}</t></is></c></row>', None),
        (f"<row r='2'><!-- --><c r='A2' t='inlineStr'><is><t>{LONG}</t></is></c></row>", None),
        (f'<row r="2"><c r="A2" t="str"><v>{LONG}</v></c></row>', None),
        (
            '<row r="2"><c r="A2" t="inlineStr"><is>'
            + f"<r><t>{LONG[:20_000]}</t></r><r><t>{LONG[20_000:]}</t></r></is></c></row>",
            None,
        ),
        ('<row r="2"><c r="A2" t="s"><v>0</v></c></row>', f"<si><t>{LONG}</t></si>"),
        (
            '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
            f"<si><t>{LONG[:10]}</t><r><t>{LONG[10:20_000]}</t></r><r><t>{LONG[20_000:]}</t></r></si>",
        ),
    ],
)
def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path, data: str, strings: str | None) -> None:
    sst = f'<sst xmlns="{MAIN}">{strings}</sst>' if strings is not None else None
    path = build(tmp_path / "长单元格.xlsx", [sheet(HEADER + data)], strings=sst)
    assert "有单元格超过32,767个字符的上限（Excel单元格最多容纳32,767个字符）" in refusal(path)


def test_a_cell_as_long_as_excel_allows_is_read(tmp_path: Path) -> None:
    text = "长" * MAX_CELL_CHARS
    sst = f'<sst xmlns="{MAIN}"><si><t>{text}</t></si></sst>'
    data = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>1975.03</t></is></c></row>'
    path = build(tmp_path / "最长.xlsx", [sheet(HEADER + data)], strings=sst)
    (only,) = read_roster(path).rows
    assert only.cells["name"] == text


def test_styles_past_the_limit_are_refused(tmp_path: Path) -> None:
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * 70_000 + "</cellXfs></styleSheet>"
    path = build(tmp_path / "样式.xlsx", [sheet(HEADER)], styles=styles)
    assert "文件“样式.xlsx”的样式表中的单元格格式超过65,536种的上限" in refusal(path)
    formats = "".join(f'<numFmt numFmtId="{n}" formatCode="0"/>' for n in range(200, 300))
    styles = f'<styleSheet xmlns="{MAIN}"><numFmts>{formats}</numFmts></styleSheet>'
    path = build(tmp_path / "格式.xlsx", [sheet(HEADER)], styles=styles)
    assert "文件“格式.xlsx”的样式表中的数字格式超过50种的上限" in refusal(path, max_styles=50)


# --- .csv and .xls -------------------------------------------------------------------------------


def test_csv_rows_columns_and_cells_are_held_to_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    path.write_text("姓名,出生年月,单位\n" + "张三,1975.03,区财政局\n" * 150, encoding="utf-8")
    assert "文件“名册.csv”的第101行已超出每张表100行的上限" in refusal(path, max_rows=100)
    assert len(read_roster(path, limits=Limits(max_rows=151)).rows) == 150
    path.write_text("姓名,出生年月,单位" + ",x" * 300 + "\n", encoding="gb18030")
    assert "文件“名册.csv”有303列，超过每张表256列的上限" in refusal(path)
    path.write_text(f"姓名,出生年月,单位\n{'长' * (MAX_CELL_CHARS + 1)},1975.03,区财政局\n", encoding="utf-8")
    assert "文件“名册.csv”第2行有单元格超过32,767个字符的上限" in refusal(path)


def test_xls_sheets_and_cells_are_held_to_the_limits(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("花名册")
    for col, text in enumerate(("姓名", "出生年月", "单位")):
        ws.write(0, col, text)
    for r in range(1, 21):
        ws.write(r, 0, f"干部{r}" * 5)
        ws.write(r, 2, "区财政局")
    path = tmp_path / "名册.xls"
    book.save(str(path))
    assert len(read_roster(path).rows) == 20
    assert "工作表“花名册”记载有21行，超过每张表10行的上限" in refusal(path, max_rows=10)
    assert "有3列，超过每张表2列的上限" in refusal(path, max_columns=2)
    assert "工作表“花名册”第2行有单元格超过8个字符的上限" in refusal(path, max_cell_chars=8)


def test_every_refusal_is_a_limit_error_and_a_user_error() -> None:
    error = Limits().rows_exceeded("工作表“x”", 60_000)
    assert isinstance(error, LimitError) and isinstance(error, UserError)
    assert str(error).startswith("工作表“x”的第60,000行已超出每张表50,000行的上限，未导入任何数据。")
