"""A slip prints what the field spec marks for it, under the spec's labels.

* Every field a slip-printing type marks ``on_slip`` appears in the real PDF, printed from the
  database, with its label and its value. The records are filled from the spec itself, so a
  field newly marked for the slip is tried here without touching this file: until the slip
  prints it, this fails.
* The labels are read from the spec when printing, not restated: a spec whose labels are
  changed prints the changed labels.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from tests.printing import samples
from tests.printing.conftest import Page, all_text, read_pdf, squash
from tests.support.builders import cadre, member, unit
from wsjc_desktop.domain import fields
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.fields import (
    ALERT_NOTICE,
    CADRE,
    INTEGRITY_OPINION,
    MEETING,
    MEETING_OPINION,
    TALK,
    Field,
    FieldKind,
    RecordSpec,
)
from wsjc_desktop.printing import slips
from wsjc_desktop.printing.text import chinese_ordinal
from wsjc_desktop.printing.values import TalkValues
from wsjc_desktop.services import printing, records, settings
from wsjc_desktop.storage.database import Database

Render = Callable[..., list[Page]]

#: Every record type whose slip prints fields under their labels, and the types it shows.
SLIP_TYPES = (TALK, MEETING, MEETING_OPINION, INTEGRITY_OPINION, ALERT_NOTICE)


def test_every_slip_printing_type_is_tried_here() -> None:
    marked = {spec.table for spec in fields.SPECS.values() if spec.slip_fields}
    assert marked == {spec.table for spec in SLIP_TYPES}


# --- filling a record from its spec ---------------------------------------------------------


class Filler:
    """Distinct values for a record's fields, by kind; the records a REF names are made here."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.counter = itertools.count(1)
        self.unit_id = unit(db, "区样本管理局")
        self.names: dict[tuple[str, int], str] = {("units", self.unit_id): "区样本管理局"}

    def _name(self, prefix: str) -> str:
        return f"{prefix}{chinese_ordinal(next(self.counter))}"

    def ref(self, table: str) -> int:
        if table == "units":
            name = self._name("区样本局")
            record_id = unit(self.db, name)
        elif table == "cadres":
            name = self._name("柏")
            record_id = cadre(self.db, self.unit_id, name, position="样本科长")
        elif table == "members":
            name = self._name("韦")
            record_id = member(self.db, name)
        else:
            raise AssertionError(f"no sample record of {table}: add one here")
        self.names[(table, record_id)] = name
        return record_id

    def value(self, fld: Field, n: int) -> Any:
        kind = fld.kind
        if kind is FieldKind.TEXT:
            return f"样本{fld.name.count('_') + n}号文字"
        if kind is FieldKind.LONG_TEXT:
            return f"第{n}段样本内容，记录在案。"
        if kind is FieldKind.DATE:
            return date(2026, 3, n)
        if kind is FieldKind.TIME:
            return time(8 + n % 12, 15)  # in field order: a start before its end
        if kind is FieldKind.INT:
            return n
        if kind is FieldKind.ENUM:
            assert fld.enum is not None
            return list(fld.enum)[1]  # not the default, which is the first
        if kind is FieldKind.REF:
            assert fld.ref is not None
            return self.ref(fld.ref)
        if kind is FieldKind.REFS:
            assert fld.ref is not None
            return [self.ref(fld.ref), self.ref(fld.ref)]
        raise AssertionError(f"{fld.name}: no sample value of {kind}: add one here")

    def values(self, spec: RecordSpec, **given: Any) -> dict[str, Any]:
        """Every field the slip shows and every other required one, as the spec says."""
        out = dict(given)
        for n, fld in enumerate(spec.fields, start=1):
            if fld.name not in out and fld.editable and (fld.on_slip or fld.required):
                out[fld.name] = self.value(fld, n)
        return out

    def printed(self, fld: Field, value: Any) -> list[str]:
        """How the slip writes the value: 2026年3月5日, 9时15分, labels, names."""
        kind = fld.kind
        if kind is FieldKind.DATE:
            return [f"{value.year}年{value.month}月{value.day}日"]
        if kind is FieldKind.TIME:
            return [f"{value.hour}时{value.minute}分"]
        if kind is FieldKind.ENUM:
            return [value.label]
        if kind is FieldKind.REF:
            return [self.names[(fld.ref or "", value)]]
        if kind is FieldKind.REFS:
            return [self.names[(fld.ref or "", v)] for v in value]
        return [str(value)]


@dataclass
class Printed:
    text: str  # all_text: the running text, then every cell
    cells: set[str]


def read(path: Path) -> Printed:
    pages = read_pdf(path)
    return Printed(all_text(pages), {cell for page in pages for cell in page.cells})


def assert_fields_printed(spec: RecordSpec, values: dict[str, Any], out: Printed, filler: Filler) -> None:
    """Each slip field of ``spec``: its label a cell of the form, its value in the text."""
    assert spec.slip_fields
    for fld in spec.slip_fields:
        assert squash(fld.print_label) in out.cells, f"{spec.table}.{fld.name}: label {fld.print_label!r}"
        for text in filler.printed(fld, values[fld.name]):
            assert squash(text) in out.text, f"{spec.table}.{fld.name}: value {text!r}"


@pytest.fixture
def filler(db: Database) -> Filler:
    settings.set_many(db, {"group.name": samples.GROUP})
    return Filler(db)


# --- (a) every field marked for the slip is on it ---------------------------------------------


def test_the_talk_slip_prints_every_field_marked_for_it(db: Database, filler: Filler, tmp_path: Path) -> None:
    values = filler.values(TALK)
    talk_id = records.create(db, TALK.table, values)
    printing.print_talk(db, talk_id, tmp_path / "talk.pdf")
    out = read(tmp_path / "talk.pdf")
    assert_fields_printed(TALK, values, out, filler)
    # the persons' particulars, under the cadre's own labels
    for label in ("name", "unit_id", "position"):
        assert CADRE.field(label).print_label in out.cells
    assert "样本科长" in out.text


def test_the_meeting_slip_prints_every_field_marked_for_it_and_its_opinions(
    db: Database, filler: Filler, tmp_path: Path
) -> None:
    values = filler.values(MEETING)
    meeting_id = records.create(db, MEETING.table, values)
    opinion = filler.values(MEETING_OPINION, meeting_id=meeting_id)
    records.create(db, MEETING_OPINION.table, opinion)
    printing.print_meeting(db, meeting_id, tmp_path / "meeting.pdf")
    out = read(tmp_path / "meeting.pdf")
    assert_fields_printed(MEETING, values, out, filler)
    assert_fields_printed(MEETING_OPINION, opinion, out, filler)
    assert MEETING_OPINION.label in out.cells  # the table's heading


def test_the_opinion_reply_prints_every_field_marked_for_it(
    db: Database, filler: Filler, tmp_path: Path
) -> None:
    values = filler.values(INTEGRITY_OPINION)
    opinion_id = records.create(db, INTEGRITY_OPINION.table, values)
    printing.print_opinion(db, opinion_id, tmp_path / "opinion.pdf")
    out = read(tmp_path / "opinion.pdf")
    assert_fields_printed(INTEGRITY_OPINION, values, out, filler)
    for label in ("name", "unit_id", "position"):
        assert CADRE.field(label).print_label in out.cells
    assert filler.names[("cadres", values["cadre_id"])] in out.text


def test_the_notice_prints_every_field_marked_for_it_after_its_label(
    db: Database, filler: Filler, tmp_path: Path
) -> None:
    values = filler.values(ALERT_NOTICE)
    notice_id = records.create(db, ALERT_NOTICE.table, values)
    printing.print_notice(db, notice_id, tmp_path / "notice.pdf")
    out = read(tmp_path / "notice.pdf")
    assert ALERT_NOTICE.slip_fields
    for fld in ALERT_NOTICE.slip_fields:  # a letter: “涉及干部：某某同志。”, “签发人：某某”
        (text,) = filler.printed(fld, values[fld.name])
        assert squash(f"{fld.print_label}：{text}") in out.text, fld.name


def test_a_field_marked_for_the_slip_but_not_placed_gets_a_row_of_its_own(
    render: Render, monkeypatch: pytest.MonkeyPatch
) -> None:
    @dataclass(frozen=True)
    class MoreTalkValues(TalkValues):
        mood: str = ""

    mood = Field("mood", "谈话氛围", FieldKind.LONG_TEXT, on_slip=True)
    monkeypatch.setitem(fields.SPECS, TALK.table, replace(TALK, fields=(*TALK.fields, mood)))
    values = MoreTalkValues(**vars(samples.talk(1)), mood="气氛融洽，坦诚交流。")
    pages = render(slips.render_talk, values)
    cells = {cell for page in pages for cell in page.cells}
    assert "谈话氛围" in cells and "气氛融洽，坦诚交流。" in cells
    monkeypatch.undo()  # the real spec has no such field
    assert "谈话氛围" not in all_text(render(slips.render_talk, values))


def slip_value(fld: Field, value: Any) -> Any:
    """A stored value as the slip's values hold it: a label for a choice, "" for a blank text."""
    if fld.kind is FieldKind.ENUM:
        return value.label if value is not None else ""
    if fld.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return value or ""
    return value


def test_the_values_named_as_a_field_are_read_from_the_record_by_that_name(
    db: Database, filler: Filler, tmp_path: Path
) -> None:
    """talk_values and meeting_values fill every attribute named as a slip field from the record's
    field of that name: a field given to the spec and to the values is printed with no line in
    services/printing.py."""
    talk_id = records.create(db, TALK.table, filler.values(TALK))
    meeting_id = records.create(db, MEETING.table, filler.values(MEETING))
    records.create(db, MEETING_OPINION.table, filler.values(MEETING_OPINION, meeting_id=meeting_id))
    with db.read() as uow:
        talk = uow.session.get(m.Talk, talk_id)
        meeting = uow.session.get(m.Meeting, meeting_id)
        assert talk is not None and meeting is not None
        (opinion,) = meeting.opinions
        made = printing.talk_values(uow.session, talk, "组")
        held = printing.meeting_values(uow.session, meeting, "组")
        for spec, record, values, least in (
            (TALK, talk, made, {"held_on", "start_time", "location", "summary", "handling"}),
            (MEETING, meeting, held, {"held_on", "title", "major_topic_count", "follow_up"}),
            (MEETING_OPINION, opinion, held.opinions[0], {"content", "follow_up"}),
        ):
            by_name = [f for f in spec.slip_fields if f.name in {a.name for a in dataclasses.fields(values)}]
            assert least <= {f.name for f in by_name}, spec.table
            for fld in by_name:
                expected = slip_value(fld, getattr(record, fld.name))
                assert getattr(values, fld.name) == expected, f"{spec.table}.{fld.name}"

        # a field newly marked for the slip, with an attribute of its name: filled, no line added
        @dataclass(frozen=True)
        class MoreTalkValues(TalkValues):
            note: str = ""

        marked = replace(
            TALK, fields=tuple(replace(f, on_slip=f.on_slip or f.name == "note") for f in TALK.fields)
        )
        talk.note = "谈话对象态度端正。"
        assert printing._by_field_name(MoreTalkValues, marked, talk)["note"] == "谈话对象态度端正。"
        assert "note" not in printing._by_field_name(MoreTalkValues, TALK, talk)  # not marked: not read
        uow.session.rollback()


def test_the_printed_dossier_leaves_out_the_cadre_of_each_section_and_program_details() -> None:
    for spec in fields.DOSSIER_SECTIONS:
        printed = [f.name for f in printing._section_fields(spec)]
        assert spec.cadre_field is not None and spec.cadre_field not in printed, spec.table
        left_out = {f.name for f in spec.fields} - set(printed)
        register = {"stage", "stage_since", "handler_id", "supervised", "closed_on", "form"}
        if spec.holds_files:
            assert left_out == {spec.cadre_field, "mime_type", "size"}
        elif spec is fields.CLUE:  # the clue register's bookkeeping
            assert left_out == {spec.cadre_field} | register
        else:
            assert left_out == {spec.cadre_field}


# --- (b) the labels are the spec's, read when printing ----------------------------------------


def fresh_labels() -> Iterator[str]:
    return (f"新栏{chinese_ordinal(n)}" for n in itertools.count(1))


def relabel(
    monkeypatch: pytest.MonkeyPatch, spec: RecordSpec, names: Iterator[str], only: tuple[str, ...] = ()
) -> dict[str, str]:
    """Put a copy of ``spec`` in the registry whose slip fields (or ``only`` these) have new
    labels, one per printed label (fields sharing a cell keep sharing it); field → new label."""
    by_label: dict[str, str] = {}
    new: dict[str, str] = {}
    changed = []
    for fld in spec.fields:
        if fld.name in only or (not only and fld.on_slip):
            new[fld.name] = by_label.setdefault(fld.print_label, next(names))
            fld = replace(fld, label=new[fld.name], slip_label="")
        changed.append(fld)
    monkeypatch.setitem(fields.SPECS, spec.table, replace(spec, fields=tuple(changed)))
    return new


PERSON = ("name", "unit_id", "position")


def test_the_talk_slip_labels_follow_the_spec(render: Render, monkeypatch: pytest.MonkeyPatch) -> None:
    names = fresh_labels()
    new = relabel(monkeypatch, TALK, names) | relabel(monkeypatch, CADRE, names, PERSON)
    pages = render(slips.render_talk, samples.talk(1))
    cells = {cell for page in pages for cell in page.cells}
    assert set(new.values()) <= cells, set(new.values()) - cells
    # the signature lines name the talk's people by the same labels
    for name in ("talker_id", "cadre_ids", "recorder_id"):
        assert f"{new[name]}签字" in cells
    assert "谈话内容" not in cells and "地点" not in cells


def test_the_meeting_slip_labels_follow_the_spec(render: Render, monkeypatch: pytest.MonkeyPatch) -> None:
    names = fresh_labels()
    new = relabel(monkeypatch, MEETING, names) | relabel(monkeypatch, MEETING_OPINION, names)
    pages = render(slips.render_meeting, samples.meeting())
    cells = {cell for page in pages for cell in page.cells}
    assert set(new.values()) <= cells, set(new.values()) - cells
    assert "会议地点" not in cells and "意见建议内容" not in cells


def test_the_opinion_reply_labels_follow_the_spec(render: Render, monkeypatch: pytest.MonkeyPatch) -> None:
    names = fresh_labels()
    new = relabel(monkeypatch, INTEGRITY_OPINION, names) | relabel(monkeypatch, CADRE, names, PERSON)
    pages = render(slips.render_opinion_reply, samples.opinion())
    cells = {cell for page in pages for cell in page.cells}
    assert set(new.values()) <= cells, set(new.values()) - cells


def test_the_notice_labels_follow_the_spec(render: Render, monkeypatch: pytest.MonkeyPatch) -> None:
    new = relabel(monkeypatch, ALERT_NOTICE, fresh_labels())
    values = samples.notice(cadre_name="王堃", signatory="张建国")
    text = all_text(render(slips.render_notice, values))
    assert f"{new['cadre_id']}：王堃同志" in text
    assert "张建国" not in text  # no 签发人 on what goes down to a unit (issue 18, point 3)
    assert "涉及干部" not in text and "签发人" not in text


def test_the_dossier_heading_labels_follow_the_spec(render: Render, monkeypatch: pytest.MonkeyPatch) -> None:
    new = relabel(monkeypatch, CADRE, fresh_labels(), ("name", "unit_id"))
    text = all_text(render(slips.render_dossier, samples.dossier()))
    assert f"{new['name']}：王堃" in text and f"{new['unit_id']}：区财政局" in text


def test_marking_a_field_for_the_slip_is_the_only_change_it_needs(
    db: Database, filler: Filler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Talk.note marked for the slip in the spec (and nowhere else): the value is carried to the
    form (``TalkValues.others``) and printed under its label, from the real PDF."""
    values = {**filler.values(TALK), "note": "谈话对象态度端正，表示立即整改。"}
    talk_id = records.create(db, TALK.table, values)
    marked = replace(
        TALK, fields=tuple(replace(f, on_slip=f.on_slip or f.name == "note") for f in TALK.fields)
    )
    printing.print_talk(db, talk_id, tmp_path / "before.pdf")
    assert "谈话对象态度端正" not in read(tmp_path / "before.pdf").text  # not marked: not printed
    monkeypatch.setitem(fields.SPECS, TALK.table, marked)
    monkeypatch.setattr(printing, "TALK", marked)
    printing.print_talk(db, talk_id, tmp_path / "after.pdf")
    out = read(tmp_path / "after.pdf")
    assert TALK.field("note").print_label in out.cells
    assert squash("谈话对象态度端正，表示立即整改。") in out.text
