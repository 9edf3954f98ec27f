"""The roster's own .xlsx reader gives exactly what openpyxl's read-only mode gives.

``excel.roster`` streams each worksheet once with expat instead of going through openpyxl's
``ReadOnlyWorksheet`` (which parses a sheet without ``<dimension>`` twice and builds an object
per cell). Every row must still come back as ``iter_rows(values_only=True)`` yields it: the
same values of the same types, the same row numbering and the same bounds. Compared here on
hand-written packages (shared and inline strings, rich text, every cell type, date styles,
the 1904 calendar, missing and wrong dimensions, prefixed namespaces, odd XML) and on
generated workbooks.
"""

from __future__ import annotations

import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import read_roster, xlsx_tables

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(
    path: Path,
    sheets: list[str] | list[bytes],
    *,
    strings: list[str] | None = None,
    styles: str | None = None,
    date1904: bool = False,
) -> Path:
    """A minimal .xlsx: ``sheets`` are worksheet XML documents, ``strings`` the ``<si>`` items."""
    overrides = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    ]
    rels = []
    entries = []
    for n in range(1, len(sheets) + 1):
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        rels.append(f'<Relationship Id="rId{n}" Type="{DOC}/worksheet" Target="worksheets/sheet{n}.xml"/>')
        entries.append(f'<sheet name="表{n}" sheetId="{n}" r:id="rId{n}"/>')
    if strings is not None:
        overrides.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        overrides.append(
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        )
        rels.append(f'<Relationship Id="rIdT" Type="{DOC}/styles" Target="styles.xml"/>')
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{PKG}/content-types">'
            '<Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}<sheets>{"".join(entries)}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}/relationships">{"".join(rels)}</Relationships>',
        )
        for n, xml in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>')
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return path


X14AC = 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'


def sheet(data: str, *, before: str = "", root: str = "worksheet", prefix: str = "", extra: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return f"<{p}{root} {xmlns} {extra}>{before}<{p}sheetData>{data}</{p}sheetData></{p}{root}>"


def typed(rows: list[tuple[Any, ...]]) -> list[list[tuple[str, Any]]]:
    """Values with their types: 1, 1.0 and True must not pass for one another."""
    return [[(type(v).__name__, v) for v in row] for row in rows]


def ours(path: Path) -> list[tuple[str, list[list[tuple[str, Any]]]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(name, typed(list(rows))) for name, rows in xlsx_tables(path)]


def openpyxl_read_only(path: Path) -> list[tuple[str, list[list[tuple[str, Any]]]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [(ws.title, typed(list(ws.iter_rows(values_only=True)))) for ws in book.worksheets]
        finally:
            book.close()


STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy.mm"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/><numFmt numFmtId="166" formatCode="0.00"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
    '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/>'
    '<xf numFmtId="166" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

INLINE = '<c r="{0}" t="inlineStr"><is><t>{1}</t></is></c>'

CASES: dict[str, dict[str, Any]] = {
    "values, gaps and missing rows": {
        "sheets": [
            sheet(
                '<row r="1">' + INLINE.format("A1", "姓名") + INLINE.format("C1", " 单 位 ") + "</row>"
                '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2.5</v></c><c r="C2"><v>1E3</v></c>'
                '<c r="D2"><v>-0</v></c><c r="E2"><v></v></c><c r="F2" s="0"/><c r="G2"><v>1e-3</v></c></row>'
                '<row r="5"><c r="B5" t="n"><v>123456789012345678</v></c></row>'
                '<row r="6"/><row r="7" spans="1:3" ht="20" customHeight="1"><c r="AA7"><v>7</v></c></row>'
            )
        ]
    },
    "shared strings, rich text and phonetics": {
        "strings": [
            "<si><t>张三</t></si>",
            "<si><r><rPr><b/></rPr><t>区</t></r><r><t xml:space='preserve'> 财政局 </t></r></si>",
            "<si><t>王</t><rPh sb='0' eb='1'><t>ワン</t></rPh><phoneticPr fontId='1'/></si>",
            "<si><t>a_x005F_x000D_b</t></si>",
            "<si><t/></si>",
            "<si><r><t>x</t></r><r><rPr/></r></si>",
        ],
        "sheets": [
            sheet(
                "<row>" + "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(6)) + "</row>"
            )
        ],
    },
    "every cell type and formulas": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>'
                '<c r="C1" t="e"><v>#N/A</v></c><c r="D1" t="str"><v>公式文本</v></c>'
                '<c r="E1" t="d"><v>2020-01-02T03:04:05</v></c><c r="F1"><f>1+1</f><v>2</v></c>'
                '<c r="G1"><f>A1</f></c><c r="H1" t="str"><f>"a"</f><v></v></c>'
                '<c r="I1" t="inlineStr"><v>9</v></c><c r="J1" t="weird"><v>w</v></c>'
                '<c r="K1"><extLst/><v>3</v><v>4</v></c></row>'
            )
        ]
    },
    "date styles": {
        "styles": STYLES,
        "sheets": [
            sheet(
                '<row r="1"><c r="A1" s="1"><v>27400</v></c><c r="B1" s="2"><v>27400.5</v></c>'
                '<c r="C1" s="3"><v>1.25</v></c><c r="D1" s="4"><v>27400</v></c>'
                '<c r="E1" s="1"><v>0.5</v></c><c r="F1" s="1"><v>59</v></c><c r="G1" s="1"><v>61</v></c>'
                '<c r="H1" s="1"><v>1e10</v></c><c r="I1" s="2" t="s"><v>0</v></c>'
                '<c r="J1" s="1" t="inlineStr"><is><t>1975.03</t></is></c></row>'
            )
        ],
        "strings": ["<si><t>1975.03</t></si>"],
    },
    "date styles, read by expat": {
        "styles": STYLES,
        "sheets": [
            sheet(
                '<row r="1"><!-- expat from here --><c r="A1" s="1"><v>27400</v></c>'
                '<c r="B1" s="2"><v>27400.5</v></c><c r="C1" s="3"><v>1.25</v></c>'
                '<c r="D1" s="4"><v>27400</v></c><c r="E1" s="1"><v>0.5</v></c>'
                '<c r="F1" s="1" t="str"><v>a&amp;b</v></c></row>'
            )
        ],
    },
    "the 1904 calendar": {
        "styles": STYLES,
        "date1904": True,
        "sheets": [sheet('<row r="1"><c r="A1" s="1"><v>26000</v></c><c r="B1" s="1"><v>30</v></c></row>')],
    },
    "cells and rows without references": {
        "sheets": [
            sheet(
                "<row>" + INLINE.format("A1", "a").replace(' r="A1"', "") + "<c><v>2</v></c></row>"
                '<row r="3.0"><c r="c3"><v>3</v></c><c><v>4</v></c></row>'
                '<row><c r="B4"><v>5</v></c><foo/></row>'
            )
        ]
    },
    "a dimension smaller than the data": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row>'
                '<row r="2"><c r="A2"><v>4</v></c></row><row r="3"><c r="A3"><v>5</v></c></row>',
                before='<dimension ref="A1:B2"/>',
            )
        ]
    },
    "a dimension of one cell": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
                '<row r="2"><c r="A2"><v>4</v></c></row>',
                before='<dimension ref="A1"/>',
            )
        ]
    },
    "a dimension larger than the data": {
        "sheets": [
            sheet(
                '<row r="2"><c r="B2"><v>1</v></c></row><row r="4"/>',
                before='<sheetPr/><dimension ref="A1:E6"/><sheetViews><sheetView/></sheetViews>',
            )
        ]
    },
    "a prefixed namespace": {
        "sheets": [
            sheet(
                '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c>'
                '<x:c r="B1"><x:v>1</x:v></x:c></x:row>',
                prefix="x",
            )
        ]
    },
    "odd text": {
        "sheets": [
            sheet(
                '<row r="1">'
                + INLINE.format("A1", "a&amp;b&#x4E2D;&lt;")
                + INLINE.format("B1", "<![CDATA[<x>&]]>")
                + INLINE.format("C1", "a<!-- note -->b<?pi x?>c")
                + INLINE.format("D1", "前<b>中</b>后")
                + INLINE.format("E1", "")
                + '<c r="F1" t="inlineStr"><is/></c><c r="G1" t="inlineStr"/>'
                + '<c r="H1" t="inlineStr"><is><t>p</t><r><t>q</t></r><r><t>r</t></r><t>s</t></is></c>'
                + '<c r="I1" t="inlineStr"><is><r><t>1</t><t>2</t></r>'
                + '<rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
                + '<c r="J1" t="inlineStr"><is><t xml:space="preserve">  两端  \n</t></is></c>'
                + '<c r="K1"><v>1<x/>2</v></c>'
                + "</row>"
            )
        ]
    },
    "fast rows, then rows expat reads": {
        "strings": ["<si><t>共享</t></si>"],
        "sheets": [
            sheet(
                '<row r="1" spans="1:3" x14ac:dyDescent="0.25">'
                + INLINE.format("A1", "甲&amp;乙 &lt;&gt;&quot;&apos;")
                + '<c r="B1" t="s"><v>0</v></c><c r="C1" s="0" t="n"><v>1.5</v></c></row>\n'
                '  <row r="2"><c r="A2" t="str"><f t="shared" ref="A2:A3" si="0">"x"</f><v>公式</v></c>'
                '<c r="B2"><f si="0" t="shared"/><v>2</v></c><c r="C2" t="b"><v>0</v></c>'
                '<c r="D2" t="e"><v>#DIV/0!</v></c><c r="E2"><v /></c><c r="F2" t="inlineStr"><is/></c>'
                '<c r="G2" t="inlineStr"><is><t/></is></c><c r="H2" s="0"/>'
                '<c r="I2" t="str"><v>a&amp;b</v></c></row>\n'
                '<row r="3"/>'
                '<row r="4">' + INLINE.format("A4", "&#20013;") + "</row>"  # a numeric reference
                "<row>" + INLINE.format("A5", "no number: counted on from 4") + "</row>"
                '<row r="7"><c r="A7"><v>7</v></c></row>',
                extra=X14AC,
            )
        ],
    },
    "rows expat reads from the second": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row>'
                '<row spans="1:1" r="2"><c r="A2"><v>2</v></c></row>'  # attributes in another order
                '<row r="3"><c r="A3"><v>3</v></c></row>'
            )
        ]
    },
    "a carriage return, a tab and a line break in text": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row>'
                '<row r="2">' + INLINE.format("A2", "a\r\nb\rc\td\ne") + "</row>"
                '<row r="3"><c r="A3"><v>3</v></c></row>'
            )
        ]
    },
    "a namespace declared on a row": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row>'
                '<row r="2" xmlns="urn:other"><c r="A2"><v>2</v></c></row>'
                '<row r="3" xmlns:x="urn:x"><c r="A3"><v>3</v></c></row>'
            )
        ]
    },
    "<sheetData> in a comment before the data": {
        "sheets": [
            f'<worksheet xmlns="{MAIN}"><!-- <sheetData><row r="1"><c r="A1"><v>5</v></c></row> -->'
            '<sheetData><row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>'
        ]
    },
    "a cell outside a row, a row after the data": {
        "sheets": [
            sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row><c r="A2"><v>2</v></c>'
                '<row r="3"><c r="A3"><v>3</v></c></row>'
            ).replace("</worksheet>", '<extLst><row r="9"><c r="A9"><v>9</v></c></row></extLst></worksheet>')
        ]
    },
    "attribute defaults from a document type declaration": {
        "styles": STYLES,
        "sheets": [
            '<!DOCTYPE worksheet [<!ATTLIST c s CDATA "1">]>'
            + sheet('<row r="1"><c r="A1"><v>27400</v></c><c r="B1" s="0"><v>27400</v></c></row>')
        ],
    },
    "pretty-printed": {
        "sheets": [
            sheet(
                '\n  <row r="1">\n    <c r="A1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>\n'
                '    <c r="B1"><v>2</v></c>\n  </row>\n  <row r="2">\n    <c r="A2">\n'
                "      <v>3</v>\n    </c>\n  </row>\n"
            )
        ]
    },
    "several sheets, one empty": {
        "sheets": [
            sheet(""),
            f'<worksheet xmlns="{MAIN}"/>',
            sheet('<row r="1">' + INLINE.format("A1", "第三张") + "</row>"),
        ]
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_hand_written_packages_read_as_openpyxl_reads_them(tmp_path: Path, case: str) -> None:
    spec = dict(CASES[case])
    path = package(tmp_path / "roster.xlsx", spec.pop("sheets"), **spec)
    expected = openpyxl_read_only(path)
    assert ours(path) == expected
    assert any(rows for _, rows in expected) or case == "several sheets, one empty"


def test_a_long_sheet_whose_rows_change_shape_halfway(tmp_path: Path) -> None:
    rows = [
        f'<row r="{n}">' + INLINE.format(f"A{n}", f"干部{n}") + f'<c r="B{n}"><v>{n}</v></c></row>'
        for n in range(1, 20001)
    ]
    rows[15000] = '<row r="15001"><!-- 注 --><c r="A15001"><v>1</v></c></row>'
    rows[17000] = "<row>" + INLINE.format("C17001", "无行号") + "</row>"
    path = package(tmp_path / "long.xlsx", [sheet("".join(rows))])
    expected = openpyxl_read_only(path)
    assert ours(path) == expected
    assert len(expected[0][1]) == 20000


def test_a_sheet_in_another_encoding(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        + sheet('<row r="1">' + INLINE.format("A1", "café") + '<c r="B1"><v>1</v></c></row>')
    ).encode("latin-1")
    path = package(tmp_path / "latin.xlsx", [xml])
    expected = openpyxl_read_only(path)
    assert ours(path) == expected == [("表1", [[("str", "café"), ("int", 1)]])]


@pytest.mark.parametrize(
    "row",
    [
        '<row r="2" x14ac:dyDescent="0.25"><c r="A2"><v>2</v></c></row>',  # the prefix is not declared
        '<row r="2" spans="1:1" spans="1:2"><c r="A2"><v>2</v></c></row>',
        '<row r="2" spans="1:1"><c r="A2" t="inlineStr"><is><t>&nbsp;</t></is></c></row>',
        '<row r="2"><c r="A2"><v>2</v></c></row></row>',
    ],
)
def test_rows_xml_refuses_are_refused_on_the_fast_path_too(tmp_path: Path, row: str) -> None:
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row>' + row)
    path = package(tmp_path / "bad.xlsx", [xml])
    with pytest.raises(UserError, match="无法读取Excel文件"):
        for _, rows in xlsx_tables(path):
            list(rows)


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2">' + INLINE.format("A2", "@@") + "</row>")
    path = package(tmp_path / "bad.xlsx", [xml.encode().replace(b"@@", b"\xff\xfe")])
    with pytest.raises(UserError, match="无法读取Excel文件"):
        for _, rows in xlsx_tables(path):
            list(rows)


@pytest.mark.parametrize("bad", ["\x01", "\ufffe", "]]>"])
def test_characters_xml_refuses_are_refused_on_the_fast_path_too(tmp_path: Path, bad: str) -> None:
    xml = sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2">' + INLINE.format("A2", f"a{bad}b") + "</row>"
    )
    path = package(tmp_path / "bad.xlsx", [xml])
    with pytest.raises(UserError, match="无法读取Excel文件"):
        for _, rows in xlsx_tables(path):
            list(rows)


def test_a_date_out_of_range_is_an_error_cell_with_openpyxl_warning(tmp_path: Path) -> None:
    path = package(
        tmp_path / "dates.xlsx",
        [sheet('<row r="1"><c r="A1" s="1"><v>1e10</v></c></row>')],
        styles=STYLES,
    )
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        rows = [list(r) for _, rs in xlsx_tables(path) for r in rs]
    assert rows == [["#VALUE!"]]


@pytest.mark.parametrize(
    "xml",
    [
        sheet('<row r="1"><c r="A1"><v>1</v></c>'),  # cut off
        sheet('<row r="x"><c r="A1"><v>1</v></c></row>'),
        sheet('<row r="1"><c r="1A"><v>1</v></c></row>'),
        sheet('<row r="1"><c r="A1" t="s"><v>5</v></c></row>'),  # no such shared string
        sheet('<row r="1"><c r="A1"><v>abc</v></c></row>'),
    ],
)
def test_a_damaged_sheet_is_a_chinese_refusal(tmp_path: Path, xml: str) -> None:
    path = package(tmp_path / "damaged.xlsx", [xml], strings=["<si><t>a</t></si>"])
    with pytest.raises(UserError, match="无法读取Excel文件"):
        for _, rows in xlsx_tables(path):
            list(rows)


def test_a_damaged_zip_entry_is_a_chinese_refusal(tmp_path: Path) -> None:
    good = package(
        tmp_path / "good.xlsx", [sheet('<row r="1">' + INLINE.format("A1", "姓名") * 50 + "</row>")]
    )
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 5 : start + 15] = b"\xff" * 10  # the compressed sheet, not the zip's directory
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(UserError, match="无法读取Excel文件"):
        read_roster(bad)


# --- generated workbooks --------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda f: float(f"{f:.15g}")),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)).map(
        lambda d: timedelta(seconds=int(d.total_seconds()))
    ),
    st.sampled_from(["=1+1", "=SUM(A1:A2)", " 前后空格 ", "多\n行", "x005F_", "<&>\"'"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    grid=st.lists(st.lists(values, max_size=8), max_size=8),
    write_only=st.booleans(),
    rich=st.booleans(),
    gap=st.integers(0, 3),
)
def test_generated_workbooks_read_as_openpyxl_reads_them(
    tmp_path: Path, grid: list[list[Any]], write_only: bool, rich: bool, gap: int
) -> None:
    book = Workbook(write_only=write_only)
    ws = book.create_sheet("名册") if write_only else book.active
    assert ws is not None
    for _ in range(gap):
        ws.append([])
    for row in grid:
        ws.append(row)
    if rich and not write_only:
        ws.cell(row=gap + len(grid) + 2, column=3).value = CellRichText(
            "普通", TextBlock(InlineFont(b=True), "加粗"), " 尾"
        )
    path = tmp_path / "generated.xlsx"
    book.save(path)
    assert ours(path) == openpyxl_read_only(path)


def test_a_time_of_day_and_a_duration_keep_their_types(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append([time(8, 30), timedelta(hours=30), date(1975, 3, 1), datetime(1975, 3, 1, 8, 0)])
    path = tmp_path / "times.xlsx"
    book.save(path)
    assert ours(path) == openpyxl_read_only(path)
    ((_, rows),) = ours(path)
    assert [t for t, _ in rows[0]] == ["time", "timedelta", "datetime", "datetime"]
