"""Every letter and form the demo data prints, measured with the one geometry checker
(:mod:`tests.printing.geometry`): no lonely signature page, the masthead per its format, body
text on the margin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.printing import geometry
from tests.printing.conftest import Page, read_pdf
from wsjc_desktop.domain import models as m
from wsjc_desktop.printing import slips
from wsjc_desktop.printing import wording as W
from wsjc_desktop.services import printing
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 11, 30)


@dataclass
class Printed:
    kind: str
    name: str
    values: Any
    pages: list[Page]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Printed]]:
    folder = tmp_path_factory.mktemp("demo-slips")
    database: Database = open_database(folder / "demo.db")
    generate_demo(database, scale=1, seed=1, today=TODAY)
    out: list[Printed] = []

    def render(kind: str, name: str, function: Any, values: Any) -> None:
        path = folder / f"{len(out):03d}.pdf"
        function(values, path)
        out.append(Printed(kind, name, values, read_pdf(path)))

    with database.read() as uow:
        session = uow.session
        group = printing._group_name(session)
        for notice in session.scalars(select(m.AlertNotice).where(m.AlertNotice.deleted_at.is_(None))):
            values = printing.notice_values(session, notice, group)
            render(values.kind, values.doc_number or values.title, slips.render_notice, values)
        letters: set[tuple[Any, ...]] = set()
        for opinion in session.scalars(
            select(m.IntegrityOpinion).where(m.IntegrityOpinion.deleted_at.is_(None))
        ):
            values = printing.opinion_values(session, opinion, group)
            key = (values.requesting_unit, values.request_date, tuple(p.name for p in values.persons))
            if key not in letters:
                letters.add(key)
                render("opinion_reply", values.doc_number or "", slips.render_opinion_reply, values)
        for talk in session.scalars(select(m.Talk).where(m.Talk.deleted_at.is_(None))):
            render("talk", str(talk.id), slips.render_talk, printing.talk_values(session, talk, group))
        for meeting in session.scalars(select(m.Meeting).where(m.Meeting.deleted_at.is_(None))):
            render(
                "meeting",
                str(meeting.id),
                slips.render_meeting,
                printing.meeting_values(session, meeting, group),
            )
    database.dispose()
    yield out


def test_every_kind_is_printed(printed: list[Printed]) -> None:
    kinds = {p.kind for p in printed}
    assert {"copy_notice", "reminder_letter", "prompt_letter", "proposal", "holiday_reminder"} <= kinds
    assert {"opinion_reply", "talk", "meeting"} <= kinds
    assert len(printed) > 100


def test_no_page_holds_only_a_signature_or_one_form_row(printed: list[Printed]) -> None:
    problems = [
        f"{p.kind} {p.name}: {problem}"
        for p in printed
        for problem in geometry.lonely_page_problems(p.pages, p.values.group_name)
    ]
    assert problems == [], "\n".join(problems)


def letter_title(p: Printed) -> str:
    if p.kind == "opinion_reply":
        return slips._opinion_title(p.values)
    if p.kind == "holiday_reminder":
        return p.values.title
    return slips.letter_title(p.values.title or p.values.kind_label, p.values.kind_label)


def test_the_masthead_follows_its_format(printed: list[Printed]) -> None:
    problems = []
    for p in printed:
        if p.kind in ("talk", "meeting"):
            continue
        fmt = slips.masthead_format(p.kind)
        number = p.values.doc_number or W.DRAFT_NUMBER
        for problem in geometry.masthead_problems(p.pages[0], fmt, number, letter_title(p)):
            problems.append(f"{p.kind} {p.name}（{fmt}）: {problem}")
    assert problems == [], "\n".join(problems[:40])


def test_letters_set_their_body_in_16_pt_at_28_mm(printed: list[Printed]) -> None:
    problems = [
        f"{p.kind} {p.name}: {problem}"
        for p in printed
        if p.kind not in ("talk", "meeting")
        for problem in geometry.body_problems(p.pages)
    ]
    assert problems == [], "\n".join(problems[:40])


def test_titles_break_only_between_words(printed: list[Printed]) -> None:
    problems = []
    broken = 0
    for p in printed:
        if p.kind in ("talk", "meeting"):
            continue
        lines = geometry.title_lines(p.pages[0], letter_title(p))
        broken += len(lines) > 1
        for cut in geometry.breaks_inside_words(lines):
            problems.append(f"{p.kind} {p.name}: {cut}")
    assert broken > 20  # the demo's titles do break
    assert problems == [], "\n".join(problems[:40])
