"""The field spec: one definition per record type of its labels, its slip, its search fields,
its defaults and what its lists need to know (pure: no Qt, no database)."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import wsjc_desktop
from wsjc_desktop.domain import fields
from wsjc_desktop.domain.enums import (
    CadreStatus,
    ClueDisposal,
    ClueStage,
    NoticeKind,
    NoticeStatus,
    OpinionFollowUp,
    PersonalMattersCheck,
    RiskLevel,
    TalkKind,
)
from wsjc_desktop.domain.fields import (
    ALERT_NOTICE,
    CADRE,
    CLUE,
    DUTY_REPORT,
    INTEGRITY_OPINION,
    MEETING,
    MEETING_OPINION,
    PERSONAL_MATTERS_REPORT,
    RISK_POINT,
    SEARCHABLE,
    SPECS,
    TALK,
    FieldKind,
    NewRecordValue,
    Tone,
)

TODAY = date(2026, 3, 5)
SOURCE = Path(wsjc_desktop.__file__).resolve().parent / "domain" / "fields.py"


def test_the_spec_imports_no_qt() -> None:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.startswith(("PySide6", "wsjc_desktop.ui"))]


# --- defaults of a new record ---------------------------------------------------------------


def test_new_record_values_fill_in_today_and_the_member_only_when_given() -> None:
    assert TALK.new_record_values() == {"kind": TalkKind.INTEGRITY}
    assert TALK.new_record_values(today=TODAY, member_id=7) == {
        "held_on": TODAY,
        "kind": TalkKind.INTEGRITY,
        "talker_id": 7,
    }
    assert MEETING.new_record_values(today=TODAY, member_id=7) == {"held_on": TODAY, "attendee_ids": [7]}
    assert MEETING.new_record_values(today=TODAY) == {"held_on": TODAY}  # nobody logged in
    assert PERSONAL_MATTERS_REPORT.new_record_values(today=TODAY) == {
        "year": 2026,
        "check_result": PersonalMattersCheck.NOT_CHECKED,
    }
    assert DUTY_REPORT.new_record_values(today=TODAY) == {"year": 2026}
    assert INTEGRITY_OPINION.new_record_values(today=TODAY) == {"request_date": TODAY}
    assert CLUE.new_record_values(today=TODAY) == {
        "received_on": TODAY,
        "disposal": ClueDisposal.PENDING,
        "stage": ClueStage.REGISTERED,
    }
    assert CLUE.new_record_values(today=TODAY, member_id=7)["handler_id"] == 7  # the 主办人
    assert RISK_POINT.new_record_values(today=TODAY) == {"level": RiskLevel.MEDIUM, "year": 2026}
    assert MEETING_OPINION.new_record_values() == {"follow_up": OpinionFollowUp.PENDING}
    assert ALERT_NOTICE.new_record_values() == {"kind": NoticeKind.COPY_NOTICE}
    assert CADRE.new_record_values() == {"status": CadreStatus.SERVING}


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))
def test_every_default_fits_its_field(spec: fields.RecordSpec) -> None:
    for fld in spec.fields:
        value = fld.default
        if value is None or isinstance(value, NewRecordValue):
            if value is fields.TODAY:
                assert fld.kind is FieldKind.DATE, fld.name
            if value is fields.THIS_YEAR:
                assert fld.kind is FieldKind.YEAR, fld.name
            if value is fields.CURRENT_MEMBER:
                assert fld.ref == "members", fld.name
            continue
        if fld.kind is FieldKind.ENUM:
            assert fld.enum is not None and isinstance(value, fld.enum), fld.name
        elif fld.kind is FieldKind.BOOL:
            assert isinstance(value, bool), fld.name


# --- the printed slip -----------------------------------------------------------------------


def test_a_slip_label_is_the_field_label_unless_the_form_needs_another() -> None:
    assert TALK.field("location").print_label == TALK.field("location").label == "地点"
    assert TALK.field("summary").print_label == "谈话内容"
    assert TALK.field("summary").label == "谈话内容摘要"
    # the date and the times share one cell of the 谈话记录
    assert {TALK.field(n).print_label for n in ("held_on", "start_time", "end_time")} == {"时间"}


def test_the_slip_printing_types_mark_their_fields() -> None:
    assert [f.name for f in TALK.slip_fields] == [
        "held_on",
        "kind",
        "cadre_ids",
        "start_time",
        "end_time",
        "location",
        "talker_id",
        "recorder_id",
        "reason",
        "summary",
        "response",
        "follow_up",
        "handling",
    ]
    assert {f.name for f in MEETING.slip_fields} == {f.name for f in MEETING.fields} - {"note"}
    assert {f.name for f in MEETING_OPINION.slip_fields} == {
        "content",
        "cadre_id",
        "follow_up",
        "follow_up_note",
    }
    assert [f.name for f in INTEGRITY_OPINION.slip_fields] == ["conclusion"]
    assert [f.name for f in ALERT_NOTICE.slip_fields] == ["cadre_id"]  # no 签发人 on what goes down


def test_a_copy_of_a_spec_has_its_own_field_index() -> None:
    relabelled = replace(TALK, fields=tuple(replace(f, label=f"新{f.label}") for f in TALK.fields))
    assert relabelled.field("location").label == "新地点"
    assert TALK.field("location").label == "地点"


# --- the search -----------------------------------------------------------------------------


def test_the_searchable_types_and_fields() -> None:
    assert [s.table for s in SEARCHABLE] == [
        *("units", "cadres", "alert_notices", "meetings", "talks", "inspections", "problems")
    ]
    for spec in SPECS.values():
        assert bool(spec.search_fields) == (spec in SEARCHABLE), spec.table
    assert [f.name for f in TALK.search_fields] == ["kind", "cadre_ids", "location", "reason"]


# --- what the lists need to know ------------------------------------------------------------


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))
def test_the_hooks_name_what_exists(spec: fields.RecordSpec) -> None:
    for name in (spec.title_field, spec.date_field, spec.cadre_field, spec.kind_field, spec.status_field):
        assert name is None or spec.has_field(name), name
    assert spec.unit_field is None or spec.unit_field == "id" or spec.field(spec.unit_field).ref == "units"
    for name in spec.member_fields:
        assert spec.field(name).ref == "members"
    for table in spec.cadres_from:
        child = fields.spec_for(table)
        assert child.parent is not None and child.parent[0] == spec.table and child.cadre_field
    for fld in spec.fields:
        if fld.kind in (FieldKind.REF, FieldKind.REFS):
            assert fld.ref in SPECS, fld.name
        assert (fld.through is not None) == (fld.kind is FieldKind.REFS), fld.name
    if spec.status_sql or spec.status_tones or spec.shown_status:
        assert spec.status_field is not None
        enum = spec.field(spec.status_field).enum
        assert enum is not None
        assert set(spec.status_tones) <= set(enum)
        assert set(spec.status_sql) <= {*enum, fields.OPEN_NOTICES}


def test_a_notice_shows_overdue_past_its_deadline() -> None:
    row = {"status": "issued", "deadline": date(2026, 3, 1)}
    assert ALERT_NOTICE.row_status(row, TODAY) is NoticeStatus.OVERDUE
    assert ALERT_NOTICE.row_tone(row, TODAY) is Tone.ALERT
    assert ALERT_NOTICE.row_status(row, date(2026, 2, 1)) is NoticeStatus.ISSUED
    assert ALERT_NOTICE.row_tone(row, date(2026, 2, 1)) is None
    assert ALERT_NOTICE.row_tone({"status": "draft", "deadline": None}, TODAY) is Tone.MUTED
    # a type without a derived status shows its stored one
    assert CADRE.row_status({"status": "retired"}, TODAY) is CadreStatus.RETIRED
    assert CADRE.row_tone({"status": "retired"}, TODAY) is None
    assert TALK.row_status({}, TODAY) is None
