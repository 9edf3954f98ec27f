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
from tests.support import office
from wsjc_desktop.domain import models as m
from wsjc_desktop.printing import content, docx, slips
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


#: The documents of each kind the LibreOffice engine is measured on: the longest and the shortest.
PER_KIND = 2

DOCX_RENDERERS = {
    "talk": docx.render_talk,
    "meeting": docx.render_meeting,
    "opinion_reply": docx.render_opinion_reply,
}


@pytest.fixture(scope="module")
def printed_docx(printed: list[Printed], tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    """The same documents as Word files, converted to PDF by LibreOffice (as WPS would open them)."""
    if office.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")  # CI installs it (.ci/run)
    folder = tmp_path_factory.mktemp("demo-docx")
    chosen: list[Printed] = []
    for kind in sorted({p.kind for p in printed}):
        of_kind = sorted((p for p in printed if p.kind == kind), key=lambda p: len(p.pages))
        chosen += {id(p): p for p in (of_kind[-1], of_kind[0])}.values()
    paths = []
    for i, p in enumerate(chosen):
        path = folder / f"{i:02d}.docx"
        DOCX_RENDERERS.get(p.kind, docx.render_notice)(p.values, path)
        paths.append(path)
    office.to_pdf(paths, folder)
    return [
        Printed(p.kind, p.name, p.values, read_pdf(path.with_suffix(".pdf")))
        for p, path in zip(chosen, paths, strict=True)
    ]


ENGINES = ["printed", "printed_docx"]


def engine(request: pytest.FixtureRequest, name: str) -> list[Printed]:
    found: list[Printed] = request.getfixturevalue(name)
    return found


def test_every_kind_is_printed(printed: list[Printed]) -> None:
    kinds = {p.kind for p in printed}
    assert {"copy_notice", "reminder_letter", "prompt_letter", "proposal", "holiday_reminder"} <= kinds
    assert {"opinion_reply", "talk", "meeting"} <= kinds
    assert len(printed) > 100


@pytest.mark.parametrize("name", ENGINES)
def test_no_page_holds_only_a_signature_or_one_form_row(request: pytest.FixtureRequest, name: str) -> None:
    printed = engine(request, name)
    problems = [
        f"{p.kind} {p.name}: {problem}"
        for p in printed
        for problem in geometry.lonely_page_problems(p.pages, p.values.group_name)
    ]
    assert problems == [], "\n".join(problems)


def letter_title(p: Printed) -> str:
    if p.kind == "opinion_reply":
        return content.opinion_title(p.values)
    return content.notice_letter(p.values).title


@pytest.mark.parametrize("name", ENGINES)
def test_the_masthead_follows_its_format(request: pytest.FixtureRequest, name: str) -> None:
    printed = engine(request, name)
    problems = []
    for p in printed:
        if p.kind in ("talk", "meeting"):
            continue
        fmt = content.masthead_format(p.kind)
        number = p.values.doc_number or W.DRAFT_NUMBER
        for problem in geometry.masthead_problems(p.pages[0], fmt, number, letter_title(p)):
            problems.append(f"{p.kind} {p.name}（{fmt}）: {problem}")
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize("name", ENGINES)
def test_letters_set_their_body_in_16_pt_at_28_mm(request: pytest.FixtureRequest, name: str) -> None:
    printed = engine(request, name)
    problems = [
        f"{p.kind} {p.name}: {problem}"
        for p in printed
        if p.kind not in ("talk", "meeting")
        for problem in geometry.body_problems(p.pages)
    ]
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize("name", ENGINES)
def test_titles_break_only_between_words(request: pytest.FixtureRequest, name: str) -> None:
    printed = engine(request, name)
    problems = []
    broken = 0
    for p in printed:
        if p.kind in ("talk", "meeting"):
            continue
        lines = geometry.title_lines(p.pages[0], letter_title(p))
        broken += len(lines) > 1
        for cut in geometry.breaks_inside_words(lines):
            problems.append(f"{p.kind} {p.name}: {cut}")
    assert broken > (20 if name == "printed" else 3)  # the demo's titles do break
    assert problems == [], "\n".join(problems[:40])
