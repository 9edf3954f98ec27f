"""The search box finds what the field spec marks ``searchable``, and nothing else.

For every record type of ``fields.SEARCHABLE``, a record is made with a word of its own in
one field at a time (for a REF or REFS field, in the name of the record it names), and the
word is searched for: found exactly when the field is marked. So the search index and the
spec cannot drift apart: marking a field the index does not read fails here, and so does
indexing a field the spec does not mark.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from tests.support.builders import cadre, id_number, member, unit
from wsjc_desktop.domain.fields import SEARCHABLE, SPECS, Field, FieldKind, RecordSpec
from wsjc_desktop.services import records
from wsjc_desktop.services.search import KIND_LABELS, search
from wsjc_desktop.storage import search_index
from wsjc_desktop.storage.database import Database

#: Kinds whose values can be given a word of their own (dates, numbers and flags cannot).
WORDED = (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.PHONE, FieldKind.REF, FieldKind.REFS)


def test_the_searchable_kinds_and_their_labels_are_the_specs() -> None:
    assert {spec.table: spec.label for spec in SEARCHABLE} == KIND_LABELS
    assert tuple(spec.table for spec in SEARCHABLE) == search_index.KINDS


class Maker:
    """Records of any searchable type, every required field filled with plain values."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.unit_id = unit(db, "区基准局")
        self.cadre_id = cadre(db, self.unit_id, "常规")
        self.words = (f"觅{n:03d}踪" for n in itertools.count(1))
        self.numbers = itertools.count(1)
        self.plains = (f"常规{n}" for n in itertools.count(1))

    def word(self) -> str:
        return next(self.words)

    def named(self, fld: Field, name: str) -> int:
        """A record of the type ``fld`` names, called ``name``."""
        if fld.ref == "units":
            return unit(self.db, name)
        if fld.ref == "cadres":
            return cadre(self.db, self.unit_id, name)
        if fld.ref == "members":
            return member(self.db, name)
        if fld.ref in SPECS:  # a record of another kind, known by its title (a problem's 来源)
            return self.make(SPECS[fld.ref], **{SPECS[fld.ref].title_field: name})
        raise AssertionError(f"{fld.name}: no record of {fld.ref} to name: add one here")

    def plain(self, fld: Field) -> Any:
        kind = fld.kind
        if kind is FieldKind.DATE:
            return date(2026, 3, 5)
        if kind is FieldKind.ENUM:
            assert fld.enum is not None
            return next(iter(fld.enum))
        if kind is FieldKind.REF:
            return {"units": self.unit_id, "cadres": self.cadre_id}[fld.ref or ""]
        if kind is FieldKind.REFS:
            return {"cadres": [self.cadre_id], "units": [self.unit_id]}.get(fld.ref or "", [])
        return next(self.plains)  # a unit's name is unique

    def worded(self, fld: Field, word: str) -> Any:
        """A value of ``fld`` that only a search for ``word`` finds."""
        if fld.kind is FieldKind.PHONE:
            return word
        if fld.kind is FieldKind.REF:
            return self.named(fld, word)
        if fld.kind is FieldKind.REFS:
            return [self.named(fld, word)]
        return word

    def make(self, spec: RecordSpec, **values: Any) -> int:
        """A new record; a value of a field set by the program (a notice's 文号) is stored as
        the program would store it, past the input's checks."""
        given = {name: value for name, value in values.items() if spec.field(name).editable}
        for fld in spec.fields:
            if fld.required and fld.editable and fld.name not in given:
                given[fld.name] = self.plain(fld)
        record_id = records.create(self.db, spec.table, given)
        program = {name: value for name, value in values.items() if name not in given}
        if program:
            with self.db.uow() as uow:
                obj = uow.session.get(spec.model, record_id)
                for name, value in program.items():
                    setattr(obj, name, value)
                uow.commit()
        return record_id


def found(db: Database, spec: RecordSpec, text: str) -> set[int]:
    return {hit.record_id for hit in search(db, text, kinds=[spec.table], limit=100000)}


def the_word(maker: Maker, fld: Field) -> tuple[str, str]:
    """(the word searched for, the word stored): a phone is digits, and so is a 身份证号."""
    if fld.kind is FieldKind.PHONE:
        number = f"1390000{next(maker.numbers):04d}"
        return number, number
    if fld.kind is FieldKind.ID_NUMBER:
        number = id_number(date(1980, 1, 1), seq=next(maker.numbers))
        return number, number
    word = maker.word()
    return word, word


@pytest.mark.parametrize("spec", SEARCHABLE, ids=[s.table for s in SEARCHABLE])
def test_a_record_is_found_by_each_field_marked_searchable(db: Database, spec: RecordSpec) -> None:
    maker = Maker(db)
    assert spec.search_fields
    for fld in spec.search_fields:
        if fld.kind is FieldKind.ENUM:  # found by its label, as every record of that kind is
            assert fld.enum is not None
            value = list(fld.enum)[1]
            record_id = maker.make(spec, **{fld.name: value})
            assert record_id in found(db, spec, value.label), f"{spec.table}.{fld.name}"
            continue
        query, stored = the_word(maker, fld)
        record_id = maker.make(spec, **{fld.name: maker.worded(fld, stored)})
        assert record_id in found(db, spec, query), f"{spec.table}.{fld.name} not searched"


@pytest.mark.parametrize("spec", SEARCHABLE, ids=[s.table for s in SEARCHABLE])
def test_a_record_is_not_found_by_a_field_not_marked_searchable(db: Database, spec: RecordSpec) -> None:
    maker = Maker(db)
    tried = []
    for fld in spec.fields:
        if fld.searchable or fld.kind not in WORDED:
            continue
        if fld.name == spec.title_field:
            continue  # shown on every hit: it had better be searched (checked above)
        query, stored = the_word(maker, fld)
        record_id = maker.make(spec, **{fld.name: maker.worded(fld, stored)})
        assert record_id not in found(db, spec, query), f"{spec.table}.{fld.name} is searched: mark it"
        tried.append(fld.name)
    assert tried


def test_only_the_searchable_types_mark_fields() -> None:
    for spec in SPECS.values():
        assert bool(spec.search_fields) == (spec in SEARCHABLE), spec.table
