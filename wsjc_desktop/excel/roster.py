"""Reading a cadre roster (花名册) from .xlsx, .xls or .csv, whatever shape a clerk gave it.

The sheet and its header row are found by themselves: title rows above the header,
two-level headers (merged cells), labels written with spaces (“姓  名”) or line breaks,
and the usual synonyms (出生日期/出生年月, 单位/所在单位/工作单位 …) are recognised.
Values are returned as the cells held them; turning them into stored values is the
importer's job (:mod:`wsjc_desktop.services.roster_import`). No Qt, no database.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsjc_desktop.domain.validation import to_halfwidth
from wsjc_desktop.errors import UserError
from wsjc_desktop.limits import (
    DEFAULT_LIMITS,
    LimitedZip,
    LimitError,
    Limits,
    check_file_size,
    check_xml_progress,
    open_zip,
)

#: Field code name → the header texts that mean it (compared without spaces, brackets or “*”).
#: The first text is the one the blank template uses.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "干部姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生年月", "出生日期", "出生时间", "生日"),
    "native_place": ("籍贯",),
    "political_status": ("政治面貌",),
    "party_join_date": ("入党时间", "入党日期", "入党年月"),
    "work_start_date": ("参加工作时间", "工作时间", "参工时间", "参加工作日期"),
    "education": ("学历", "文化程度", "最高学历"),
    "unit": ("单位", "所在单位", "工作单位", "单位名称", "所属单位"),
    "position": ("职务", "现任职务", "现职务"),
    "rank": ("职级", "级别", "现任职级"),
    "is_leader": ("是否班子成员", "班子成员"),
    "is_top_leader": ("是否一把手", "一把手", "是否主要负责人"),
    "position_start_date": ("任现职时间", "任现职务时间", "任职时间"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "联系方式"),
    "status": ("状态", "人员状态", "在职状态"),
    "file_updated_on": ("档案更新", "档案更新时间", "档案更新日期"),
    "note": ("备注",),
}

#: The label each column is called by in messages and in the template.
LABELS: dict[str, str] = {name: texts[0] for name, texts in HEADERS.items()}

_LOOKUP: dict[str, str] = {text: name for name, texts in HEADERS.items() for text in texts}

#: A row whose first filled cell starts with one of these is a total or signature line, not a cadre.
FOOTER_WORDS = (
    "合计",
    "小计",
    "总计",
    "共计",
    "填报人",
    "审核人",
    "填表人",
    "制表人",
    "负责人",
    "填报日期",
    "填表日期",
    "注：",
    "注:",
    "说明",
)

#: Columns every roster has that are not cadre data.
_IGNORED_HEADERS = ("序号", "编号", "序")

_HEADER_SCAN_ROWS = 30
_BRACKETS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_SPACES_RE = re.compile(r"[\s\u3000*＊:：]+")


def header_text(value: object) -> str:
    """A header cell as it is looked up: half-width, without spaces, asterisks, colons or a
    bracketed note (``出生年月（例：1980.01）`` → ``出生年月``); "" for a cell that is not text."""
    if not isinstance(value, str):
        return ""
    return _SPACES_RE.sub("", _BRACKETS_RE.sub("", to_halfwidth(value)))


def header_key(value: object) -> str | None:
    """The field a header cell names, or None."""
    return _LOOKUP.get(header_text(value))


@dataclass(frozen=True)
class RawRow:
    """One data row: its row number in the sheet (1-based) and the cells by field name."""

    row: int
    cells: dict[str, Any]


@dataclass
class RosterSheet:
    sheet_name: str
    header_row: int  # the last header row (1-based)
    columns: dict[str, int]  # field → 0-based column index
    rows: list[RawRow] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)  # 合计 / 填报人 lines
    unknown_headers: list[str] = field(default_factory=list)
    title: str = ""  # the text cells above the header, one a line (a title: 2023年谈话台账)


# --- the three file formats -----------------------------------------------------------

Table = tuple[str, Iterator[Sequence[Any]]]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an .xlsx with an open password


def _open_xlsx(path: Path, limits: Limits) -> LimitedZip:
    """The .xlsx at ``path`` as a zip, once its size and its directory are within ``limits``."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_OLE_MAGIC))
    except OSError as exc:
        raise UserError(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc
    if magic == _OLE_MAGIC:
        not_zip = (
            f"无法读取Excel文件“{path.name}”：它实际是旧版.xls格式的文件，或设置了打开密码。"
            "请把扩展名改为.xls，或在Excel中取消密码、另存为.xlsx后再导入。"
        )
    else:
        not_zip = (
            f"无法读取Excel文件“{path.name}”：它不是.xlsx格式的文件（可能是其他文件改了扩展名），或已损坏。"
        )
    return open_zip(path, limits, not_zip=not_zip)


def xlsx_tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Table]:
    """The worksheets of an .xlsx, each read once, as openpyxl's read-only mode would give their values.

    The package is checked against ``limits`` before anything in it is read
    (:func:`wsjc_desktop.limits.open_zip`). openpyxl reads the small parts (content types, the
    workbook and its relationships, each held to ``max_part_bytes``); the shared strings
    (:func:`_xlsx_strings`) and the styles' date formats (:func:`_xlsx_date_styles`) are streamed
    here, with their counts and lengths held to ``limits``, and so are the sheets
    (:func:`_xlsx_rows`), which skips openpyxl's per-cell objects and the extra pass
    ``load_workbook`` makes over every sheet that has no ``<dimension>``.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    broken = f"无法读取Excel文件“{path.name}”：文件已损坏或不是.xlsx格式。"
    archive = _open_xlsx(path, limits)
    try:
        try:  # what load_workbook(read_only=True) reads of the package, less what values do not need
            names = set(archive.namelist())
            package = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
            part = _find_workbook_part(package)
            parser = WorkbookParser(archive, part.PartName[1:], keep_links=False)
            parser.parse()
            sheets = [
                (sheet.name, rel.target)
                for sheet, rel in parser.find_sheets()
                if rel.target in names and "chartsheet" not in rel.Type
            ]
            found = package.find(SHARED_STRINGS)
            label = f"文件“{path.name}”"
            strings = _xlsx_strings(archive, found.PartName[1:], limits, label) if found is not None else []
            date_formats, timedelta_formats = (
                _xlsx_date_styles(archive, ARC_STYLE, limits, label) if ARC_STYLE in names else (set(), set())
            )
        except UserError:
            raise
        except Exception as exc:  # zip, xml and openpyxl errors alike mean a file we cannot read
            raise UserError(broken) from exc
        formats = (parser.wb.epoch, date_formats, timedelta_formats)
        for name, target in sheets:
            rows = _xlsx_rows(archive, target, strings, *formats, broken=broken, sheet=name, limits=limits)
            yield name, rows
    finally:
        archive.close()


def _stream_xml(archive: LimitedZip, member: str, parser: Any, limits: Limits, where: str) -> None:
    """Give ``parser`` (pyexpat) the member ``member``, a chunk at a time, holding each XML
    token to ``limits``; its handlers do the rest."""
    fed = 0
    for chunk in archive.stream(member, _CHUNK):
        parser.Parse(chunk, False)
        fed += len(chunk)
        check_xml_progress(parser, fed, limits, where)
    parser.Parse(b"", True)


def _xlsx_strings(archive: LimitedZip, member: str, limits: Limits, label: str = "文件") -> list[str]:
    """The shared string table, as openpyxl's ``read_string_table`` reads it, streamed.

    Each ``<si>`` (in the main namespace, at any depth) is one string: the text of its ``<t>``
    and of its runs' ``<t>`` (children by local name; phonetic runs left out), with
    ``_x005F`` escapes undone as openpyxl undoes them. ``uniqueCount`` is checked before any
    string is read, and the strings are counted as they come; a string is refused as soon as it
    is longer than ``max_cell_chars``, so a 1 GiB string is never held in memory.
    """
    from pyexpat import ParserCreate

    from openpyxl.xml.constants import SHEET_MAIN_NS

    ns = SHEET_MAIN_NS + "}"
    si_tag, sst_tag = ns + "si", ns + "sst"
    where = f"{label}的共享字符串表"
    strings: list[str] = []
    limit, cap = limits.max_shared_strings, limits.max_cell_chars
    # 0 outside an <si>, 1 in it, 2 in its <t>, 3 in an <r>, 4 in the run's <t>; ``skip`` counts
    # elements being passed over. Text is collected in 2 and 4, only before a child element
    # (ElementTree's .text); the last <t> of an <si> or of a run is the one that counts.
    state = skip = 0
    collecting = False
    text: str | None = None
    plain: str | None = None
    run_text: str | None = None
    runs: list[str] = []
    length = 0  # the characters of the string's runs so far

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal state, skip, collecting, text, plain, run_text, runs, length
        if skip:
            skip += 1
        elif state == 0:
            if tag == si_tag:
                state, plain, runs, length = 1, None, [], 0
                if len(strings) >= limit:
                    raise limits.count_exceeded(where, "字符串", "条", None, limit)
            elif tag == sst_tag:
                declared = attrs.get("uniqueCount", "").strip()  # ignored when it is not a number
                if declared.isascii() and declared.isdigit() and int(declared[:19]) > limit:
                    count = int(declared) if len(declared) < 19 else None
                    raise limits.count_exceeded(where, "字符串", "条", count, limit)
        elif state in (1, 3) and tag.rpartition("}")[2] == "t":
            state, text, collecting = state + 1, None, True
        elif state == 1 and tag.rpartition("}")[2] == "r":
            state, run_text = 3, None
        else:  # phonetics, run properties; a child of a <t>: the text before it is the text
            skip, collecting = 1, False

    def end(tag: str) -> None:
        nonlocal state, skip, collecting, plain, run_text, length
        if skip:
            skip -= 1
        elif state == 2:
            plain, state, collecting = text, 1, False
        elif state == 4:
            run_text, state, collecting = text, 3, False
        elif state == 3:
            state = 1
            if run_text is not None:
                runs.append(run_text)
                length += len(run_text)
                if length > cap:
                    raise limits.cell_exceeded(label)
        elif state == 1:
            state = 0
            value = plain or ""
            if runs:
                value += "".join(runs)
            if "x005F_" in value:
                value = value.replace("x005F_", "")
            if len(value) > cap:
                raise limits.cell_exceeded(label)
            strings.append(value)

    def chars(data: str) -> None:
        nonlocal text
        if collecting:
            text = data if text is None else text + data
            if len(text) > cap:
                raise limits.cell_exceeded(label)

    parser = ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    _stream_xml(archive, member, parser, limits, where)
    return strings


def _xlsx_date_styles(
    archive: LimitedZip, member: str, limits: Limits, label: str = "文件"
) -> tuple[set[int], set[int]]:
    """The cell styles (indexes into ``<cellXfs>``) whose number format is a date, and those
    that are a duration, as openpyxl's ``apply_stylesheet`` finds them; streamed, with the
    number of formats held to ``max_styles`` (openpyxl would build several objects for each).
    """
    from pyexpat import ParserCreate

    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    where = f"{label}的样式表"
    custom: dict[int, str] = {}  # numFmtId → format code (the last <numFmts> counts, as in openpyxl)
    styles: list[int] = []  # each <xf>'s numFmtId (the last <cellXfs> counts)
    path: list[str] = []  # local names of the open elements

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal custom, styles
        local = tag.rpartition("}")[2]
        depth = len(path)
        path.append(local)
        if depth == 1:
            if local == "numFmts":
                custom = {}
            elif local == "cellXfs":
                styles = []
        elif depth == 2 and path[1] == "numFmts" and local == "numFmt":
            custom[int(attrs["numFmtId"])] = attrs["formatCode"]
            if len(custom) > limits.max_styles:
                raise limits.count_exceeded(where, "数字格式", "种", None, limits.max_styles)
        elif depth == 2 and path[1] == "cellXfs" and local == "xf":
            styles.append(int(attrs.get("numFmtId", 0)))
            if len(styles) > limits.max_styles:
                raise limits.count_exceeded(where, "单元格格式", "种", None, limits.max_styles)

    def end(tag: str) -> None:
        path.pop()

    parser = ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _stream_xml(archive, member, parser, limits, where)
    dates: set[int] = set()
    durations: set[int] = set()
    for index, number in enumerate(styles):
        code = custom[number] if number in custom else builtin_format_code(number)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


_CHUNK = 1 << 18
_HEAD_LIMIT = 1 << 24  # a <sheetData> not found in the first 16 MB: no fast path
_PENDING_LIMIT = 1 << 20  # no </row> in the last 1 MB: no fast path (the sheet is not as usual)
_DATA_START = b"<sheetData>"

# The fast path: rows as spreadsheet programs write them, matched token by token (a row's start
# tag, one whole cell, a row's end tag). Anything else, even valid XML (comments, CDATA, other
# attributes, namespace prefixes, characters XML refuses or rewrites such as a carriage return),
# leaves a gap: expat then reads the rest of the sheet from the start of the row it was in.
_XML_WS = "[ \t\r\n]*"
_TEXT = "[^<\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]*"
_ATTRS = '(?:[ \t\n]+(?!xmlns)[A-Za-z_][A-Za-z0-9_.-]*="[^"<&\x00-\x1f\ufffe\uffff]*")*'
# a row's other attributes may have a prefix (x14ac:dyDescent): checked against those declared
_ROW_ATTRS = '((?:[ \t\n]+(?!xmlns)[A-Za-z_][A-Za-z0-9_.:-]*="[^"<&\x00-\x1f\ufffe\uffff]*")*)'
_ATTR_NAME_RE = re.compile('([^ \t\n=]+)="')
_TOKEN_RE = re.compile(
    _XML_WS
    + "(?:"
    # a cell: reference, style and type in this order, an optional formula (ignored: data only),
    # then a value, an inline string or nothing
    + '<c r="(([A-Z]{1,3})[1-9][0-9]*)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
    + "(?:"
    + _XML_WS
    + "/>|>"
    + f"(?:<f{_ATTRS}{_XML_WS}/>|<f{_ATTRS}>[^<&\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]*</f>)?"
    + f"(?:<v{_XML_WS}/>|<v>({_TEXT})</v>"
    + f'|<is><t(?: xml:space="preserve")?>({_TEXT})</t></is>'
    + f'|(<is)(?:>(?:<t(?: xml:space="preserve")?{_XML_WS}/>)?</is>|{_XML_WS}/>))?'
    + "</c>)"
    # a row: its number, any other attributes; or its end
    + f'|<row r="([1-9][0-9]*)"{_ROW_ATTRS}{_XML_WS}(/?)>'
    + "|(</row>)"
    + ")"
)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENTITY_RE = re.compile("&(amp|lt|gt|quot|apos);")


def _unescape(text: str) -> str:
    """The five predefined entities; any other ``&`` is left to expat (ValueError)."""
    if "&" in _ENTITY_RE.sub("", text):
        raise ValueError("not a predefined entity")
    return _ENTITY_RE.sub(lambda m: _ENTITIES[m[1]], text)


def _xlsx_rows(
    archive: Any,
    member: str,
    strings: Sequence[str],
    epoch: Any,
    date_formats: set[int],
    timedelta_formats: set[int],
    *,
    broken: str,
    sheet: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[Any, ...]]:
    """The rows of one worksheet as ``ReadOnlyWorksheet.iter_rows(values_only=True)`` yields them.

    Same values (shared and inline strings, numbers, dates by cell style, booleans, a formula's
    cached value), same row numbering (missing rows come as empty ones) and the same bounds
    (a ``<dimension>`` before the data limits the rows and columns read) — in one pass and
    without an object per cell. expat reads the sheet; rows written the usual way (cells with
    references, values or inline strings) are matched by a regular expression instead, which
    is three times faster, until anything else turns up.

    The sheet (named ``sheet`` in messages) is held to ``limits``: its ``<dimension>`` before
    any row is read, then every row number, row, cell column, cell text and XML token as they
    are parsed. A dimension may lie: rows past it are not yielded (as openpyxl), but they are
    still parsed to the end of the sheet and held to the limits.
    """
    from pyexpat import ParserCreate
    from warnings import warn

    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.constants import SHEET_MAIN_NS  # the sheet's XML namespace (a name only)

    ns = SHEET_MAIN_NS + "}"  # expat joins namespace and name with "}"
    row_tag, v_tag, is_tag, t_tag = ns + "row", ns + "v", ns + "is", ns + "t"
    dimension_tag, data_tag = ns + "dimension", ns + "sheetData"
    where = f"工作表“{sheet}”"
    max_rows, max_columns, max_chars = limits.max_rows, limits.max_columns, limits.max_cell_chars

    parser = ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK

    done: list[tuple[int, list[int], list[Any], bool]] = []  # finished rows: number, columns, values, ordered
    dims: list[Any] = []  # the <dimension> bounds, if one comes before the data
    seen_data = False
    plain_head = [True]  # UTF-8 and no document type declaration: the fast path may read the rows
    prefixes: dict[str | None, int] = {"xml": 1}  # the namespace prefixes in scope, how many times
    columns: dict[str, int] = {}  # column letters → index, filled by openpyxl's own parser
    # where the parser is: 0 outside a row, 1 in a row, 2 in a cell, 3 in its <v>, 4 in its <is>,
    # 5 in <is><t>, 6 in <is><r>, 7 in <is><r><t>; ``skip`` counts elements being passed over.
    # Text is collected only in 3, 5 and 7, and only before a child element (ElementTree's .text).
    state = skip = 0
    collecting = False
    row_number = col = 0
    rows_seen = 0  # <row> elements parsed, whatever their numbers
    run_chars = 0  # the characters of an inline string's runs so far
    cells: list[int] = []  # the columns of the row's cells
    values: list[Any] = []  # and their values
    ordered = True  # the cells are columns 1, 2, 3 … with no gap
    kind = ""
    coordinate: str | None = None
    style: Any = 0
    text: str | None = None
    value_text: str | None = None
    has_v = has_is = False
    plain: str | None = None
    runs: list[str | None] = []
    run_text: str | None = None

    def column_of(reference: str) -> int:
        """The column of a cell reference, as openpyxl reads it (its letters cached once they
        are known to be within the limit)."""
        stem = reference.rstrip("0123456789")
        found = columns.get(stem) if len(stem) < len(reference) else None
        if found is None:
            found = coordinate_to_tuple(reference)[1]
            if found > max_columns:
                raise limits.columns_exceeded(where, found)
            if len(stem) < len(reference):
                columns[stem] = found
        return found

    def next_row(number: int) -> None:
        """Count a row; refuse it past the limit (by its number or by the count)."""
        nonlocal rows_seen
        rows_seen += 1
        if number > max_rows or rows_seen > max_rows:
            raise limits.rows_exceeded(where, max(number, rows_seen))

    def long_cell() -> LimitError:
        return limits.cell_exceeded(f"{where}第{row_number:,}行")

    def convert(kind: str, value: str | None, style: Any, coordinate: str | None) -> Any:
        """The value of a cell that is not an inline string, from the text of its <v>."""
        if value is None:
            return None
        if kind == "n":
            number = float(value) if "." in value or "E" in value or "e" in value else int(value)
            if style in date_formats:
                try:
                    return from_excel(number, epoch, timedelta=style in timedelta_formats)
                except (OverflowError, ValueError):
                    warn(
                        f"Cell {coordinate} is marked as a date but the serial value {number}"
                        " is outside the limits for dates. The cell will be treated as an error.",
                        stacklevel=2,
                    )
                    return "#VALUE!"
            return number
        if kind == "s":
            return strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal state, skip, collecting, row_number, col, cells, values, ordered, kind, coordinate
        nonlocal style, text, has_v, has_is, value_text, plain, runs, run_text, seen_data, run_chars
        if skip:
            skip += 1
        elif state == 1:  # every child of a row is read as a cell, as openpyxl does
            state = 2
            kind = attrs.get("t", "n")
            coordinate = attrs.get("r")
            style = attrs.get("s", 0)
            if style:
                style = int(style)
            if coordinate:
                col = column_of(coordinate)
            else:
                col += 1
                if col > max_columns:
                    raise limits.columns_exceeded(where, col)
            has_v = has_is = False
            value_text = None
        elif state == 2:
            if tag == v_tag and not has_v:
                has_v, state, text, collecting = True, 3, None, True
            elif tag == is_tag and not has_is:
                has_is, state, plain, runs, run_chars = True, 4, None, [], 0
            else:
                skip = 1
        elif state == 4:  # openpyxl's Text.from_tree: children by local name, any namespace
            local = "t" if tag == t_tag else tag.rpartition("}")[2]
            if local == "t":
                state, text, collecting = 5, None, True
            elif local == "r":
                state, run_text = 6, None
            else:
                skip = 1
        elif state == 6:
            if tag == t_tag or tag.rpartition("}")[2] == "t":
                state, text, collecting = 7, None, True
            else:
                skip = 1
        elif state == 0:
            if tag == row_tag:
                state, cells, values, ordered, col = 1, [], [], True, 0
                number = attrs.get("r")
                if number is None:
                    row_number += 1
                else:
                    try:
                        row_number = int(number)
                    except ValueError:
                        real = float(number)
                        if not real.is_integer():
                            raise ValueError(f"{number} is not a valid row number") from None
                        row_number = int(real)
                next_row(row_number)
            elif tag == dimension_tag and not seen_data and not dims and "ref" in attrs:
                dims.extend(range_boundaries(attrs["ref"]))
                if dims[3] is not None and dims[3] > max_rows:  # checked before any row is read
                    raise limits.rows_exceeded(where, dims[3], declared=True)
                if dims[2] is not None and dims[2] > max_columns:
                    raise limits.columns_exceeded(where, dims[2])
            elif tag == data_tag:
                seen_data = True
        else:  # a child inside <v> or <t>: the text before it is the text
            skip, collecting = 1, False

    def end(tag: str) -> None:
        nonlocal state, skip, collecting, value_text, plain, run_text, ordered, run_chars
        if skip:
            skip -= 1
            return
        if state == 5:
            plain, state, collecting = text, 4, False
        elif state == 2:
            value: Any
            if kind == "inlineStr":
                value = None
                if has_is:
                    value = plain or ""
                    if runs:
                        value += "".join(t for t in runs if t is not None)
            else:
                value = convert(kind, value_text, style, coordinate)
            if value.__class__ is str and len(value) > max_chars:
                raise long_cell()
            if col != len(values) + 1:
                ordered = False
                if len(values) >= max_columns:  # cells repeating their columns
                    raise limits.columns_exceeded(where, len(values) + 1)
            cells.append(col)
            values.append(value)
            state = 1
        elif state == 4:
            state = 2
        elif state == 1:
            done.append((row_number, cells, values, ordered))
            state = 0
        elif state == 3:
            value_text, state, collecting = text, 2, False
        elif state == 6:
            runs.append(run_text)
            state = 4
            run_chars += len(run_text or "")
            if run_chars > max_chars:
                raise long_cell()
        elif state == 7:
            run_text, state, collecting = text, 6, False

    def chars(data: str) -> None:
        nonlocal text
        if collecting:
            text = data if text is None else text + data
            if len(text) > max_chars:
                raise long_cell()

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8"):
            plain_head[0] = False

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars

    def declare(prefix: str | None, uri: str) -> None:
        prefixes[prefix] = prefixes.get(prefix, 0) + 1

    def undeclare(prefix: str | None) -> None:
        prefixes[prefix] -= 1

    def doctype(*_: Any) -> None:  # a DTD may give attributes defaults the fast path would not see
        plain_head[0] = False

    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = doctype
    parser.StartNamespaceDeclHandler = declare
    parser.EndNamespaceDeclHandler = undeclare

    def plain_attributes(attributes: str) -> bool:
        """Attribute names of a row expat would take: no repeats, prefixes declared."""
        names = _ATTR_NAME_RE.findall(attributes)
        return (
            len(set(names)) == len(names)
            and "r" not in names
            and all(prefixes.get(name.partition(":")[0]) for name in names if ":" in name)
        )

    def fast_rows(body: str) -> int:
        """Read whole rows with ``_TOKEN_RE``; where it cannot go on, the start of the row it
        was in (expat reads from there), else -1."""
        nonlocal row_number, rows_seen
        at = 0  # where the next token must start
        row_start = -1  # where the current row's start tag is, -1 between rows
        row_cells: list[int] = []
        row_values: list[Any] = []
        in_order = True
        try:
            for match in _TOKEN_RE.finditer(body):
                if match.start() != at:
                    break
                (
                    reference,
                    letters,
                    style_text,
                    kind,
                    value,
                    inline,
                    empty,
                    row_text,
                    attributes,
                    closed,
                    _,
                ) = match.groups()
                if reference is not None:
                    if row_start < 0:
                        break  # a cell outside a row
                    column = columns.get(letters)
                    if column is None:
                        column = column_of(reference)  # held to the limit
                    if kind == "inlineStr":
                        if inline is not None:
                            cell = _unescape(inline) if "&" in inline else inline
                        else:
                            cell = "" if empty else None
                    else:
                        if value is not None and "&" in value:
                            value = _unescape(value)
                        style_id = int(style_text) if style_text else 0
                        cell = convert(kind or "n", value or None, style_id, reference)
                    if cell.__class__ is str and len(cell) > max_chars:
                        raise long_cell()
                    if column != len(row_values) + 1:
                        in_order = False
                        if len(row_values) >= max_columns:  # cells repeating their columns
                            raise limits.columns_exceeded(where, len(row_values) + 1)
                    row_cells.append(column)
                    row_values.append(cell)
                elif row_text is not None:
                    if row_start >= 0 or (attributes and not plain_attributes(attributes)):
                        break  # a row inside a row, attributes expat may refuse
                    row_number = int(row_text)
                    next_row(row_number)
                    if closed:
                        done.append((row_number, [], [], True))
                    else:
                        row_start, row_cells, row_values, in_order = match.start(), [], [], True
                else:  # </row>
                    if row_start < 0:
                        break
                    done.append((row_number, row_cells, row_values, in_order))
                    row_start = -1
                at = match.end()
            else:
                if at == len(body) and row_start < 0:
                    return -1
        except UserError:  # over a limit
            raise
        except Exception:  # an entity or a value it does not read: expat reads (or refuses) it
            pass
        if row_start >= 0:  # expat reads this row again, and counts it
            rows_seen -= 1
            return row_start
        return at

    fed = 0  # bytes given to expat

    def feed(data: bytes | str, final: bool = False) -> None:
        nonlocal fed
        if isinstance(data, str):  # the fast path's rest: the sheet is UTF-8
            data = data.encode()
        try:
            parser.Parse(data, final)
        except UserError:  # over a limit
            raise
        except Exception as exc:  # a damaged sheet: XML and value errors alike
            raise UserError(broken) from exc
        fed += len(data)
        if not final:
            check_xml_progress(parser, fed, limits, where)

    max_col = max_row = None
    counter = number = 1
    source = archive.stream(member, _CHUNK)
    try:
        pending = b""
        head, searched = True, 0  # still looking for <sheetData>, from there
        fast = True
        final = False
        past = False  # a row past the <dimension> was met: the rest is parsed, not yielded
        while not final:
            try:
                chunk = next(source, b"")
            except UserError:  # over a limit
                raise
            except Exception as exc:  # zip and deflate errors, a damaged zip entry
                raise UserError(broken) from exc
            final = not chunk
            pending += chunk
            if head:  # expat reads everything up to the rows
                found = pending.find(_DATA_START, searched)
                if found < 0 and not final and len(pending) < _HEAD_LIMIT:
                    searched = max(0, len(pending) - len(_DATA_START))
                    continue
                head = False
                if found < 0:
                    fast = False
                else:
                    feed(pending[: found + len(_DATA_START)])
                    pending = pending[found + len(_DATA_START) :]
                    fast = seen_data and plain_head[0]
            if fast and not final:
                cut = pending.rfind(b"</row>") + 6
                if cut >= 6:
                    body, pending = pending[:cut], pending[cut:]
                    try:
                        decoded = body.decode()
                    except UnicodeDecodeError:
                        decoded = None
                    if decoded is None or "]]>" in decoded:  # not allowed in text: expat says so
                        fast = False
                        feed(body)
                    else:
                        rest = fast_rows(decoded)
                        if rest >= 0:
                            fast = False
                            feed(decoded[rest:])
                elif len(pending) > _PENDING_LIMIT:  # no row ends here: expat reads on
                    fast = False
            if not fast or final:
                feed(pending, final)
                pending = b""
            if dims and max_col is None and max_row is None:
                max_col, max_row = dims[2], dims[3]
            width = max_col
            if past:
                done.clear()
            for number, row, row_values, in_order in done:
                if max_row is not None and number > max_row:
                    past = True
                    break
                while counter < number:  # missing rows
                    counter += 1
                    yield (None,) * width if width is not None else ()
                if counter <= number:
                    counter += 1
                    if not row and not width:
                        yield ()
                    elif in_order and (width is None or width == len(row)):
                        yield tuple(row_values)
                    else:
                        out = [None] * (width or row[-1])
                        limit = len(out)
                        for c, value in zip(row, row_values, strict=True):
                            if 1 <= c <= limit:
                                out[c - 1] = value
                        yield tuple(out)
            done.clear()
    finally:
        source.close()
    if max_row is not None and max_row < number:
        for _ in range(counter, max_row + 1):
            yield (None,) * max_col if max_col is not None else ()


def _xls_tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Table]:
    """The sheets of an .xls (BIFF, read whole by xlrd: the file's size is checked first), one at a
    time; each sheet's size is checked before its rows are given, its cells' text as they are."""
    import xlrd

    check_file_size(path, limits)
    broken = f"无法读取Excel文件“{path.name}”：文件已损坏或不是.xls格式。"
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:
        raise UserError(broken) from exc

    def rows(sheet: Any, where: str) -> Iterator[list[Any]]:
        for r in range(sheet.nrows):
            out: list[Any] = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        out.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:
                        out.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    number = cell.value
                    out.append(int(number) if float(number).is_integer() and abs(number) < 1e15 else number)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    out.append(None)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(bool(cell.value))
                else:
                    if isinstance(cell.value, str) and len(cell.value) > limits.max_cell_chars:
                        raise limits.cell_exceeded(f"{where}第{r + 1:,}行")
                    out.append(cell.value)
            yield out

    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise UserError(broken) from exc
            where = f"工作表“{sheet.name}”"
            if sheet.nrows > limits.max_rows:
                raise limits.rows_exceeded(where, sheet.nrows, declared=True)
            if sheet.ncols > limits.max_columns:
                raise limits.columns_exceeded(where, sheet.ncols)
            yield sheet.name, rows(sheet, where)
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _csv_tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Table]:
    """The one table of a .csv in UTF-8 or GB18030, read as a stream (its size checked first)."""
    check_file_size(path, limits)
    encoding = _csv_encoding(path)
    yield path.stem, _csv_rows(path, encoding, limits)


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM) if the whole file decodes as that, else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UserError(  # pragma: no cover - gb18030 decodes almost anything
        f"无法识别“{path.name}”的文字编码，请另存为UTF-8或GBK编码的CSV文件。"
    )


def _csv_rows(path: Path, encoding: str, limits: Limits) -> Iterator[list[str]]:
    """The rows of a .csv, each held to the limits on rows, columns and cell length."""
    where = f"文件“{path.name}”"
    max_rows, max_columns, max_chars = limits.max_rows, limits.max_columns, limits.max_cell_chars
    # newline="": only the file's own line ends end a row (not U+0085, U+2028 … inside a cell),
    # and a quoted cell keeps its line breaks
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            for count, row in enumerate(reader, start=1):
                if count > max_rows:
                    raise limits.rows_exceeded(where, count)
                if len(row) > max_columns:
                    raise limits.columns_exceeded(where, len(row))
                if row and max(map(len, row)) > max_chars:
                    raise limits.cell_exceeded(f"{where}第{reader.line_num:,}行")
                yield row
        except csv.Error as exc:  # a cell over the csv module's size limit, a stray quote …
            limit = csv.field_size_limit()
            what = f"有单元格超过{limit}个字符" if "field larger" in str(exc) else "格式有误"
            raise UserError(f"无法读取CSV文件“{path.name}”：第{reader.line_num}行{what}。") from exc


def _tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Table]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_tables(path, limits)
    if suffix == ".xls":
        return _xls_tables(path, limits)
    if suffix == ".csv":
        return _csv_tables(path, limits)
    raise UserError(f"不支持的文件类型“{path.suffix}”：请选择.xlsx、.xls或.csv文件。")


# --- finding the header ---------------------------------------------------------------


def _row_keys(row: Sequence[Any], lookup: Callable[[object], str | None] = header_key) -> dict[int, str]:
    return {i: key for i, value in enumerate(row) if (key := lookup(value)) is not None}


def _find_header(
    head: list[Sequence[Any]],
    lookup: Callable[[object], str | None] = header_key,
    anchors: Collection[str] = ("name",),
) -> tuple[int, int, dict[str, int]] | None:
    """(first and last header row index in ``head``, field → column), or None if no header is
    there: the row naming the most fields, with at least two and one of ``anchors`` among them."""
    keyed = [_row_keys(row, lookup) for row in head]
    best = max(range(len(keyed)), key=lambda i: len(set(keyed[i].values())), default=None)
    if best is None or not set(anchors) & set(keyed[best].values()) or len(set(keyed[best].values())) < 2:
        return None
    columns: dict[str, int] = {}
    first = last = best
    # two-level headers: a group title above or the detail labels below fill the other columns
    for index in (best, best + 1, best - 1):
        if not 0 <= index < len(keyed):
            continue
        found = False
        for col, key in sorted(keyed[index].items()):
            if key not in columns and col not in columns.values():
                columns[key] = col
                found = True
        if found:
            first, last = min(first, index), max(last, index)
    return first, last, columns


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _first_filled(values: Iterable[Any]) -> Any:
    """The first value that is not blank; None if all are."""
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value
    return None


def _footer_text(value: Any) -> bool:
    return _SPACES_RE.sub("", to_halfwidth(str(value))).startswith(FOOTER_WORDS)


def read_roster(path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> RosterSheet:
    """The cadre rows of the first sheet in ``path`` that has a roster header.

    The file is held to ``limits`` (:mod:`wsjc_desktop.limits`): its size and, for an .xlsx, its
    zip directory before anything is read, then each sheet's rows, columns and cells as they are
    read. A file over a limit is refused with a ``LimitError`` that states the limit.
    """
    found = _read_sheet(Path(path), header_key, ("name",), limits)
    if found is None:
        raise UserError("未在文件中找到花名册表头：表头应至少包含“姓名”和“单位”“出生年月”等列。")
    return found


def read_table(
    path: Path | str,
    headers: Mapping[str, str],
    *,
    anchors: Collection[str],
    what: str,
    limits: Limits = DEFAULT_LIMITS,
) -> RosterSheet:
    """The rows of the first sheet in ``path`` whose header names the columns of ``headers``
    (:func:`header_text` of a header → the key its cells go under), read as a roster is: any
    of .xlsx, .xls and .csv, within ``limits``, with title rows, two-level headers, blank and
    合计/填表人 lines handled. The header must name one of ``anchors``; ``what`` names the
    table in the message when no sheet has such a header."""

    def lookup(value: object) -> str | None:
        return headers.get(header_text(value))

    found = _read_sheet(Path(path), lookup, anchors, limits)
    if found is None:
        shown = "、".join(sorted({k for k, name in headers.items() if name in anchors})[:4])
        raise UserError(f"未在文件中找到“{what}”的表头：表头应包含“{shown}”等列。")
    return found


def _read_sheet(
    path: Path, lookup: Callable[[object], str | None], anchors: Collection[str], limits: Limits
) -> RosterSheet | None:
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    if not path.is_file():
        raise UserError(f"“{path}”不是文件，请选择.xlsx、.xls或.csv文件。")
    for sheet_name, rows in _tables(path, limits):
        head: list[Sequence[Any]] = []
        for row in rows:
            head.append(row)
            if len(head) >= _HEADER_SCAN_ROWS:
                break
        found = _find_header(head, lookup, anchors)
        if found is None:
            continue
        first, last, columns = found
        sheet = RosterSheet(sheet_name=sheet_name, header_row=last + 1, columns=columns)
        sheet.title = "\n".join(
            str(c).strip() for row in head[:first] for c in row if isinstance(c, str) and c.strip()
        )
        known = set(columns.values())
        sheet.unknown_headers = [
            str(value).strip()
            for header in head[first : last + 1]
            for i, value in enumerate(header)
            if i not in known
            and isinstance(value, str)
            and _SPACES_RE.sub("", value) not in _IGNORED_HEADERS
            and lookup(value) is None
        ]
        _collect(sheet, enumerate(head[last + 1 :], start=last + 2))
        _collect(sheet, enumerate(rows, start=len(head) + 1))
        return sheet
    return None


def _collect(sheet: RosterSheet, numbered: Iterable[tuple[int, Sequence[Any]]]) -> None:
    items = list(sheet.columns.items())
    for number, row in numbered:
        first = _first_filled(row)
        if first is None:
            continue
        if _footer_text(first):
            sheet.skipped_rows.append(number)
            continue
        width = len(row)
        cells = {key: row[col] if col < width else None for key, col in items}
        if _first_filled(cells.values()) is None:
            continue  # e.g. only a 序号 left in an otherwise empty line
        sheet.rows.append(RawRow(number, cells))


# --- the blank template ---------------------------------------------------------------

TEMPLATE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "native_place", "political_status", "party_join_date",
    "work_start_date", "education", "unit", "position", "rank", "is_leader", "is_top_leader",
    "position_start_date", "id_number", "phone", "note",
)  # fmt: skip


def write_template(path: Path | str) -> None:
    """A blank roster workbook with the expected headers; ID and date columns formatted as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["监察对象花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_FIELDS) + 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["序号", *(LABELS[name] for name in TEMPLATE_FIELDS)])
    text_columns = {
        "birth_date",
        "party_join_date",
        "work_start_date",
        "position_start_date",
        "id_number",
        "phone",
    }
    for index, name in enumerate(TEMPLATE_FIELDS, start=2):
        letter = get_column_letter(index)
        sheet.cell(row=2, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = (
            22 if name in ("id_number", "unit", "position", "note") else 12
        )
        if name in text_columns:
            for row in range(3, 503):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.cell(row=2, column=1).font = Font(bold=True)
    sheet.freeze_panes = "A3"
    notes = book.create_sheet("填写说明")
    for line in (
        "1. 第2行为表头，请勿修改；从第3行起每行填写一名干部。",
        "2. 出生年月等时间填写为1975.03或1975年3月；身份证号请按文本填写（本模板已设为文本格式）。",
        "3. 性别填“男”或“女”；职级填“厅级”“处级”“科级”或“一般干部”；是否班子成员、是否一把手填“是”或“否”。",
        "4. 单位填写单位全称或简称，系统中没有的单位导入时自动新建。",
    ):
        notes.append([line])
    book.save(path)
