"""Names that lie: characters that draw nothing are refused in names and titles, never stripped.

A unit named U+202E + “局政财区” displays exactly like “区财政局”. The rule
(``validation.invisible_char``): single-line TEXT fields and personal names refuse every format
character (Cf), every other default-ignorable character, the blank braille pattern and control
characters, except the joiners and selectors inside an emoji; free text (LONG_TEXT) refuses the
bidirectional controls only. TEXT fields are NFKC-normalised, full-width punctuation, the
ellipsis and emoji kept.

The first half checks the rule as pure functions (every code point); the second goes through
``records.create`` into a real SQLite file, for a name or title field of every record type.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from tests.support.builders import agency_code
from wsjc_desktop.domain.fields import SPECS, Field, FieldKind, RecordSpec
from wsjc_desktop.domain.validation import (
    clean_long_text,
    clean_text,
    invisible_char,
    normalize_name,
    normalize_text,
    require_text,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records
from wsjc_desktop.storage.database import Database, open_database

#: Bidi_Control (PropList.txt): every one of them is refused everywhere.
BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
#: Invisible in a name or title, allowed in free text: format characters and other
#: default-ignorables (zero-width space, joiners, soft hyphen, BOM, word joiner, invisible
#: operators, Mongolian separators, variation selectors, Hangul fillers, tags, …), the blank
#: braille pattern and control characters.
INVISIBLE = [
    0x00AD,  # soft hyphen
    0x034F,  # combining grapheme joiner
    0x115F,  # Hangul choseong filler
    0x1160,  # Hangul jungseong filler
    0x17B4,  # Khmer vowel inherent aq
    0x180B,  # Mongolian free variation selector one
    0x180E,  # Mongolian vowel separator
    0x200B,  # zero-width space
    0x200C,  # zero-width non-joiner
    0x200D,  # zero-width joiner, outside an emoji
    *range(0x2060, 0x2065),  # word joiner, invisible function application/times/separator/plus
    0x206A,  # inhibit symmetric swapping (deprecated format character)
    0x206F,  # nominal digit shapes
    0x2800,  # braille pattern blank
    0x3164,  # Hangul filler
    0xFE00,  # variation selector 1
    0xFE0E,  # variation selector 15, outside an emoji
    0xFE0F,  # variation selector 16, outside an emoji
    0xFEFF,  # zero-width no-break space (BOM)
    0xFFA0,  # halfwidth Hangul filler
    0xFFF9,  # interlinear annotation anchor
    0x1D173,  # musical symbol begin beam
    0xE0001,  # language tag
    0xE0020,  # tag space
    0xE0100,  # variation selector 17 (ideographic variation sequences)
    0x0000,  # NUL
    0x001B,  # escape
    0x007F,  # delete
    0x0085,  # next line (C1)
]
#: Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.0), an oracle
#: written here independently of the module's table.
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]
#: Format characters of Unicode 15.0 that the unicodedata of Python 3.11 (Unicode 14.0) does not
#: know yet: Egyptian hieroglyph format controls.
NEWER_FORMAT = range(0x13439, 0x13440)
#: Emoji drawn as one picture, with joiners, selectors or tags: accepted unchanged.
EMOJI = [
    "\U0001f469\u200d\U0001f4bb",  # woman technologist
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family
    "\u2764\ufe0f\u200d\U0001f525",  # heart on fire: VS16 before the joiner
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
    "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # a skin tone before the joiner
    "\U0001f3c3\u200d\u2642\ufe0f",  # man running
    "\U0001f408\u200d\u2b1b",  # black cat
    "#\ufe0f\u20e3",  # keycap
    "\u263a\ufe0e",  # text presentation
    "\u2122\ufe0f",  # trade mark as emoji: NFKC would make it “TM” and a stray selector
    "\u3299\ufe0f",  # “secret”: NFKC would make it 秘
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag of Scotland
]
#: Joiners, selectors and tags outside an emoji: refused, the code point named.
NOT_EMOJI = [
    ("区\u200d财政局", 0x200D),  # a joiner between Chinese characters
    ("\U0001f469\u200d", 0x200D),  # a joiner with nothing after it
    ("\u200d\U0001f4bb", 0x200D),  # a joiner with nothing before it
    ("a\u200d\U0001f4bb", 0x200D),  # a letter is not a pictograph
    ("区\ufe0f财政局", 0xFE0F),  # VS16 after a Chinese character
    ("第1\ufe0f期", 0xFE0F),  # a digit without the keycap
    ("区\U000e0100财政局", 0xE0100),  # an ideographic variation selector
    ("\U0001f3f4\U000e0067\U000e007f", 0xE0067),  # an unknown subdivision flag
    ("财政局\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 0xE0067),  # tags, no flag
]


def message(label: str, code: int) -> str:
    return f"{label}含有不可见的控制字符（U+{code:04X}），请删除后重新输入。"


def refusal(func: Any, *args: Any, **kwargs: Any) -> UserError:
    with pytest.raises(UserError) as info:
        func(*args, **kwargs)
    return info.value


def default_ignorable(code: int) -> bool:
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


# --- the rule, as pure functions ---------------------------------------------------------------


def test_the_spoofed_unit_name_is_refused_naming_the_field_and_the_character() -> None:
    spoof = "\u202e局政财区"
    error = refusal(clean_text, spoof, field="full_name", label="单位全称")
    assert error.message == "单位全称含有不可见的控制字符（U+202E），请删除后重新输入。"
    assert error.field == "full_name"
    assert clean_text("区财政局", field="full_name", label="单位全称") == "区财政局"


def test_what_names_and_titles_refuse_is_exactly_the_rule_for_every_code_point() -> None:
    """Every code point on its own: refused in a name exactly when it is a format character,
    a default-ignorable, a control (but tab and line breaks), a surrogate or U+2800."""
    wrong = []
    for code in range(0x110000):
        ch = chr(code)
        category = unicodedata.category(ch)
        expected = (
            category in ("Cf", "Cs")
            or (category == "Cc" and ch not in "\t\n\r")
            or default_ignorable(code)
            or code == 0x2800
            or code in NEWER_FORMAT
        )
        if (invisible_char(f"区{ch}局") == ch) != expected:
            wrong.append(f"U+{code:04X}")
    assert wrong == []


def test_free_text_refuses_exactly_the_bidirectional_controls() -> None:
    refused = [code for code in range(0x110000) if invisible_char(f"一{chr(code)}二", long_text=True)]
    assert refused == BIDI


@pytest.mark.parametrize("code", BIDI + INVISIBLE, ids=lambda c: f"U+{c:04X}")
def test_a_name_refuses_it_and_names_it(code: int) -> None:
    ch = chr(code)
    for text in (f"{ch}区财政局", f"区财{ch}政局", f"区财政局{ch}"):
        error = refusal(clean_text, text, field="full_name", label="单位全称")
        assert (error.message, error.field) == (message("单位全称", code), "full_name")
        error = refusal(normalize_name, f"张{ch}三")
        assert (error.message, error.field) == (message("姓名", code), "name")
        error = refusal(require_text, text, field="title", label="标题")
        assert (error.message, error.field) == (message("标题", code), "title")


@pytest.mark.parametrize("code", INVISIBLE, ids=lambda c: f"U+{c:04X}")
def test_free_text_keeps_what_is_not_a_bidirectional_control(code: int) -> None:
    text = f"第一段{chr(code)}第二段"
    assert clean_long_text(text, field="note", label="备注") == text


@pytest.mark.parametrize("code", BIDI, ids=lambda c: f"U+{c:04X}")
def test_free_text_refuses_a_bidirectional_control(code: int) -> None:
    error = refusal(clean_long_text, f"整改措施{chr(code)}已落实", field="measures", label="整改措施")
    assert (error.message, error.field) == (message("整改措施", code), "measures")


def test_the_first_invisible_character_is_the_one_named() -> None:
    error = refusal(clean_text, "区\u200b财\u202e政局", field="title", label="标题")
    assert error.message == message("标题", 0x200B)


@pytest.mark.parametrize("emoji", EMOJI, ids=ascii)
def test_an_emoji_with_joiners_and_selectors_is_kept_unchanged(emoji: str) -> None:
    for text in (emoji, f"区财政局{emoji}", f"{emoji}区财政局", f"{emoji}{emoji}"):
        assert invisible_char(text) is None
        assert clean_text(text, field="title", label="标题") == text
    assert normalize_name(f"张三{emoji}") == f"张三{emoji}"


@pytest.mark.parametrize(("text", "code"), NOT_EMOJI, ids=ascii)
def test_joiners_and_selectors_outside_an_emoji_are_refused(text: str, code: int) -> None:
    assert refusal(clean_text, text, field="title", label="标题").message == message("标题", code)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ＡＢＣ１２３区财政局", "ABC123区财政局"),  # full-width letters and digits
        ("\u2f08民政府", "人民政府"),  # Kangxi radical U+2F08 → 人
        ("區\uf902縣", "區\u8eca縣"),  # a CJK compatibility ideograph → the unified one
        ("区财政局\u00a0办公室", "区财政局 办公室"),  # a no-break space
        ("ﬁnance", "finance"),  # a ligature
        ("区财政局（筹）", "区财政局（筹）"),  # full-width punctuation kept
        ("关于……的提醒：请于３日内反馈！", "关于……的提醒：请于3日内反馈！"),  # ellipsis kept
        ("经费￥１００万元", "经费￥100万元"),  # full-width yen kept
        ("大学（本科）", "大学（本科）"),
    ],
)
def test_names_and_titles_are_nfkc_normalised_punctuation_kept(typed: str, stored: str) -> None:
    assert clean_text(typed, field="title", label="标题") == stored
    assert normalize_text(stored) == stored


def test_free_text_is_not_normalised() -> None:
    text = "面积１２０㎡，见①（附件）……"
    assert clean_long_text(text, field="note", label="备注") == text


def test_normalising_is_idempotent_and_never_makes_an_invisible_character() -> None:
    wrong = []
    for code in range(0x110000):
        ch = chr(code)
        if invisible_char(ch) is not None:
            continue
        once = normalize_text(f"区{ch}")
        if normalize_text(once) != once or invisible_char(once) is not None:
            wrong.append(f"U+{code:04X}")
    assert wrong == []


def test_a_personal_name_is_normalised_too() -> None:
    assert normalize_name(" ＡＢ · \u2f08民 ") == "AB·人民"
    assert normalize_name("阿沛・阿旺晋美") == "阿沛·阿旺晋美"


# --- through the service, into a real SQLite file ----------------------------------------------


def name_field(spec: RecordSpec) -> Field:
    """The field that names or titles a record: its title field if it is a TEXT field, else its
    first editable TEXT field; a type without one (a report, a clue) its LONG_TEXT title or
    first LONG_TEXT field."""
    title = spec.field(spec.title_field)
    texts = [f for f in spec.editable_fields if f.kind is FieldKind.TEXT]
    if title.kind is FieldKind.TEXT:
        return title
    if texts:
        return texts[0]
    if title.kind is FieldKind.LONG_TEXT:
        return title
    return next(f for f in spec.editable_fields if f.kind is FieldKind.LONG_TEXT)


def valid_values(spec: RecordSpec, ids: dict[str, int]) -> dict[str, Any]:
    """Values a new record of ``spec`` is created with: every required field (and the parent)."""
    parent_key = spec.parent[1] if spec.parent else None
    values: dict[str, Any] = {}
    for fld in spec.fields:
        if not fld.required or not (fld.editable or fld.name == parent_key):
            continue
        kind = fld.kind
        if kind is FieldKind.ENUM:
            assert fld.enum is not None
            values[fld.name] = fld.default if fld.default is not None else next(iter(fld.enum))
        elif kind is FieldKind.REF:
            assert fld.ref is not None
            values[fld.name] = ids[fld.ref]
        elif kind is FieldKind.REFS:
            assert fld.ref is not None
            values[fld.name] = [ids[fld.ref]]
        else:
            values[fld.name] = {
                FieldKind.TEXT: "测试",
                FieldKind.LONG_TEXT: "测试内容",
                FieldKind.DATE: date.today(),
                FieldKind.MONTH: date(1980, 1, 1),
                FieldKind.YEAR: 2025,
                FieldKind.INT: 1,
                FieldKind.TIME: time(9, 0),
            }[kind]
    return values


def prepare(db: Database) -> dict[str, int]:
    """The records others refer to: a unit, a cadre, a member, an issued notice, a meeting."""
    unit_id = records.create(db, "units", {"full_name": "区财政局", "unit_type": "agency"})
    cadre_id = records.create(db, "cadres", {"name": "张三", "unit_id": unit_id})
    member_id = records.create(db, "members", {"name": "李明"})
    agency_code(db)
    notice_id = records.create(
        db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": "关于廉洁过节的提醒"}
    )
    notices.issue(db, notice_id, issued_on=date.today())
    meeting_id = records.create(
        db, "meetings", {"held_on": date.today(), "unit_id": unit_id, "meeting_type": "party_committee"}
    )
    return {
        "units": unit_id,
        "cadres": cadre_id,
        "members": member_id,
        "alert_notices": notice_id,
        "meetings": meeting_id,
    }


def row_counts(path: Path) -> dict[str, int]:
    """Rows in every table of the file: “nothing written” is all of them unchanged."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    """One file for the refusals (which write nothing) and the acceptances of this module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WSJC_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        database = open_database(tmp_path_factory.mktemp("invisible") / "wsjc.db")
        ids = prepare(database)
    yield database, ids
    database.dispose()


NAMED = [(spec.table, name_field(spec)) for spec in SPECS.values()]


def test_each_record_type_has_a_name_field_and_valid_values(db: Database) -> None:
    """The values the refusals start from are accepted (attachments hold a file, so only their
    values are checked, as attachments.add_attachment does)."""
    ids = prepare(db)
    for table, fld in NAMED:
        spec = SPECS[table]
        values = {**valid_values(spec, ids), fld.name: "测试名称"}
        if spec.holds_files:
            with db.read() as uow:
                assert records.clean_values(uow.session, spec, values, creating=True)[fld.name] == "测试名称"
            continue
        record_id = records.create(db, table, values)
        assert records.get(db, table, record_id)[fld.name] == "测试名称"


@pytest.mark.parametrize(
    ("table", "fld", "code"),
    [
        (table, fld, code)
        for table, fld in NAMED
        for code in (BIDI + INVISIBLE if fld.kind is FieldKind.TEXT else BIDI)
    ],
    ids=lambda v: v.name if isinstance(v, Field) else f"U+{v:04X}" if isinstance(v, int) else v,
)
def test_a_name_or_title_with_an_invisible_character_is_refused_and_nothing_is_written(
    shared: tuple[Database, dict[str, int]], table: str, fld: Field, code: int
) -> None:
    db, ids = shared
    spec = SPECS[table]
    values = {**valid_values(spec, ids), fld.name: f"测试{chr(code)}名称"}
    before = row_counts(db.path)
    error = refusal(records.create, db, table, values)
    assert error.field == fld.name
    assert error.message == message(fld.label, code)
    assert row_counts(db.path) == before


@pytest.mark.parametrize(
    ("table", "fld"),
    [(spec.table, f) for spec in SPECS.values() for f in spec.editable_fields if f.kind is FieldKind.TEXT],
    ids=lambda v: v.name if isinstance(v, Field) else v,
)
def test_every_text_field_refuses_the_right_to_left_override(
    shared: tuple[Database, dict[str, int]], table: str, fld: Field
) -> None:
    db, ids = shared
    values = {**valid_values(SPECS[table], ids), fld.name: "\u202e局政财区"}
    before = row_counts(db.path)
    error = refusal(records.create, db, table, values)
    assert (error.field, error.message) == (fld.name, message(fld.label, 0x202E))
    assert row_counts(db.path) == before


@pytest.mark.parametrize(
    ("table", "fld"),
    [
        (spec.table, f)
        for spec in SPECS.values()
        for f in spec.editable_fields
        if f.kind is FieldKind.LONG_TEXT and not spec.holds_files
    ],
    ids=lambda v: v.name if isinstance(v, Field) else v,
)
def test_every_long_text_field_refuses_a_bidi_control_and_keeps_a_zero_width_space(
    shared: tuple[Database, dict[str, int]], table: str, fld: Field
) -> None:
    db, ids = shared
    values = valid_values(SPECS[table], ids)
    before = row_counts(db.path)
    error = refusal(records.create, db, table, {**values, fld.name: "第一行\u202e第二行"})
    assert (error.field, error.message) == (fld.name, message(fld.label, 0x202E))
    assert row_counts(db.path) == before
    pasted = "网页上复制的\u200b文字\u00ad"
    record_id = records.create(db, table, {**values, fld.name: pasted})
    assert records.get(db, table, record_id)[fld.name] == pasted


def test_the_spoofed_unit_is_refused_beside_the_real_one(db: Database) -> None:
    records.create(db, "units", {"full_name": "区财政局", "unit_type": "agency"})
    before = row_counts(db.path)
    error = refusal(records.create, db, "units", {"full_name": "\u202e局政财区", "unit_type": "agency"})
    assert error.message == "单位全称含有不可见的控制字符（U+202E），请删除后重新输入。"
    assert error.field == "full_name"
    assert row_counts(db.path) == before
    assert [u["full_name"] for u in records.list_records(db, "units")] == ["区财政局"]


def test_emoji_are_stored_unchanged_in_a_text_field(db: Database) -> None:
    unit_id = records.create(db, "units", {"full_name": "区财政局", "unit_type": "agency"})
    for i, emoji in enumerate(EMOJI):
        title = f"{emoji}关于廉洁过节的提醒{i}"
        notice_id = records.create(
            db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": title}
        )
        assert records.get(db, "alert_notices", notice_id)["title"] == title
    name = "区财政局\U0001f469\U0001f3fd\u200d\U0001f4bb\u2764\ufe0f"
    named = records.create(db, "units", {"full_name": name, "unit_type": "agency"})
    assert records.get(db, "units", named)["full_name"] == name


def test_nfkc_is_applied_to_a_text_field_and_not_to_free_text(db: Database) -> None:
    unit_id = records.create(
        db,
        "units",
        {"full_name": "ＡＢＣ区财政局（筹）", "unit_type": "agency", "note": "面积１２０㎡（附件①）"},
    )
    row = records.get(db, "units", unit_id)
    assert row["full_name"] == "ABC区财政局（筹）"
    assert row["note"] == "面积１２０㎡（附件①）"
    cadre_id = records.create(db, "cadres", {"name": "ＡＢ　·　\u2f08民", "unit_id": unit_id})
    assert records.get(db, "cadres", cadre_id)["name"] == "AB·人民"


def test_an_update_is_refused_the_same_way(db: Database) -> None:
    unit_id = records.create(db, "units", {"full_name": "区财政局", "unit_type": "agency"})
    before = row_counts(db.path)
    error = refusal(records.update, db, "units", unit_id, {"short_name": "财政\u200b局"})
    assert (error.field, error.message) == ("short_name", message("简称", 0x200B))
    assert row_counts(db.path) == before
    assert records.get(db, "units", unit_id)["short_name"] is None


def test_a_roster_row_with_an_invisible_name_is_an_error_of_that_row() -> None:
    from wsjc_desktop.excel.roster import RawRow
    from wsjc_desktop.services.roster_import import clean_row

    row = clean_row(RawRow(3, {"name": "\u202e三张", "unit": "区财政局"}))
    assert ("姓名", message("姓名", 0x202E).rstrip("。")) in row.errors
    assert not row.ok


@pytest.mark.parametrize(
    ("column", "label", "cell"),
    [
        ("unit", "单位", "区财\u202e局政"),
        ("position", "职务", "科\u202e员"),
        ("education", "学历", "大学\u200b本科"),
        ("native_place", "籍贯", "\u2066北京"),
        ("note", "备注", "调入\u202e"),
    ],
)
def test_every_text_column_of_a_roster_row_follows_the_rule(column: str, label: str, cell: str) -> None:
    """Not only 姓名: a new cadre's 单位, 职务, 学历 … from Excel are refused as the form refuses them
    (they are written in bulk, past the form's checks)."""
    from wsjc_desktop.excel.roster import RawRow
    from wsjc_desktop.services.roster_import import clean_row

    row = clean_row(RawRow(3, {"name": "张三", "unit": "区财政局", column: cell}))
    assert not row.ok
    assert any(col == label and "不可见的控制字符" in text for col, text in row.errors), row.errors


def test_a_zero_width_space_in_a_roster_note_is_kept() -> None:
    from wsjc_desktop.excel.roster import RawRow
    from wsjc_desktop.services.roster_import import clean_row

    row = clean_row(RawRow(3, {"name": "张三", "unit": "区财政局", "note": "调入\u200b"}))
    assert row.ok and row.values["note"] == "调入\u200b"
