"""演示数据: a realistic, deterministic demo dataset, for trying the program out and for benchmarks.

``generate_demo(db, scale=1)`` writes what one 派驻纪检监察组 (two people, six supervised
units, about 300 cadres) records in a year: talks, meetings and opinions (议题前置审查 and
联络员例会 among them), numbered notices and their feedback, 节前提醒, every section of the
廉政档案, the clue register with its stages, 监督检查 of every kind (monthly for the unit
under 巡视巡察整改) and the problems they find, followed to 销号. ``scale=N`` writes N such
groups' worth (N×6 units, N×300 cadres) into the same file, for benchmarks.

The file is ready to open in the window: the group has its name and 机关代字
(:data:`DEMO_GROUP_NAME`, :data:`DEMO_AGENCY_CODE`) and every demo member logs in with
:data:`DEMO_PASSWORD`, so the first start goes to the login, not to 首次使用. A file whose
group is already set up keeps its name, 机关代字 and logins (its demo members get no password).

Everything comes from one ``random.Random(seed)``: the same seed, scale and ``today`` give
identical rows (ids, uids and timestamps included). Rows go in with Core bulk executemany in
one write transaction, bypassing the per-object audit and search hooks; the search index is
rebuilt once at the end.

This module holds the entry points (:func:`generate_demo`, :func:`has_demo_logins`, the demo's
password, name and 机关代字) and the writing of the rows. The generator is split by theme:
:mod:`.demo_data` holds the data tables it draws from (names, unit templates, texts, weights;
no database), :mod:`.demo_people` the generator's core and the people it builds (members,
units, cadres, families), :mod:`.demo_records` the year's records (dossier sections, talks,
meetings, notices and their feedback, inspections and the problems they find).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain.docnumber import is_placeholder
from wsjc_desktop.domain.enums import UnitType
from wsjc_desktop.domain.models import Base, Cadre, Unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, members, notices, settings
from wsjc_desktop.services.demo_data import (
    _DISTRICT_FIRST,
    _DISTRICT_SECOND,
    _FIRST_GROUP,
    _TEMPLATES,
    _UnitTemplate,
)
from wsjc_desktop.services.demo_data import TABLE_ORDER as TABLE_ORDER  # re-exported: the tests read it
from wsjc_desktop.services.demo_people import _Group
from wsjc_desktop.services.demo_people import id_check_digit as id_check_digit  # re-exported
from wsjc_desktop.services.demo_records import _Demo
from wsjc_desktop.storage.database import Database

__all__ = [
    "DEMO_AGENCY_CODE",
    "DEMO_GROUP_NAME",
    "DEMO_PASSWORD",
    "MAX_SCALE",
    "generate_demo",
    "has_demo_logins",
]

MAX_SCALE = 200

#: The password of every demo member (named in the README and by ``wsjc-desktop demo``).
DEMO_PASSWORD = "demo1234"
#: The demo group: hosted by the first of its six units, the 区发展和改革委员会.
DEMO_GROUP_NAME = "区纪委监委驻区发展和改革委员会纪检监察组"
DEMO_AGENCY_CODE = "驻发改纪"

Progress = Callable[[int, int], None]


# --- entry point ----------------------------------------------------------------------------


def _districts(rng: random.Random, n: int) -> list[str]:
    names = [a + b + "区" for a in _DISTRICT_FIRST for b in _DISTRICT_SECOND]
    rng.shuffle(names)
    return ["区", *names[: n - 1]]


def _templates_for(rng: random.Random, index: int) -> list[_UnitTemplate]:
    if index == 0:
        return [_TEMPLATES[i] for i in _FIRST_GROUP]
    agencies = [t for t in _TEMPLATES if t.unit_type == UnitType.AGENCY]
    others = [t for t in _TEMPLATES if t.unit_type != UnitType.AGENCY]
    chosen = rng.sample(agencies, 4) + rng.sample(others, 2)
    rng.shuffle(chosen)
    return chosen


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _check_empty(session: Session) -> None:
    units = session.scalar(select(func.count()).select_from(Unit).where(Unit.deleted_at.is_(None))) or 0
    cadres = session.scalar(select(func.count()).select_from(Cadre).where(Cadre.deleted_at.is_(None))) or 0
    if units or cadres:
        raise UserError("数据库中已有数据，演示数据只能写入空数据库。")


#: Pending rows are written once this many have piled up, to keep memory flat at large scales.
FLUSH_ROWS = 40_000


def _flush(session: Session, gen: _Demo, counts: dict[str, int]) -> None:
    """Write every pending row, parents first, and forget them."""
    for name in TABLE_ORDER:
        pending = gen.rows[name]
        if not pending:
            continue
        columns = [c.name for c in _table(name).columns]
        for row in pending:
            if len(row) != len(columns):
                for col in columns:
                    row.setdefault(col, None)
        session.execute(insert(_table(name)), pending)
        counts[name] = counts.get(name, 0) + len(pending)
        gen.rows[name] = []


def _write_doc_sequences(session: Session, gen: _Demo) -> int:
    for kind, last_seq in gen.doc_sequences.items():
        notices.advance_sequence_in(session, kind, gen.year, last_seq)
    return len(gen.doc_sequences)


def _set_up_group(session: Session, seed: int) -> tuple[str, str | None]:
    """(the 机关代字 to number with, the demo members' password hash or None). A group not set up
    yet gets the demo name and 机关代字 (where still the defaults) and its demo members the demo
    password; a group already set up keeps all of its own."""
    if session.connection().exec_driver_sql(members.NEEDS_SETUP_SQL).first() is not None:
        return notices.agency_code_in(session), None
    if settings.get_in(session, "group.name") == settings.DEFAULTS["group.name"]:
        settings.store_in(session, "group.name", DEMO_GROUP_NAME)
    if is_placeholder(notices.agency_code_in(session)):
        settings.store_in(session, "group.agency_code", DEMO_AGENCY_CODE)
    # one hash for every demo member, its salt from the seed: the same seed gives the same file
    salt = hashlib.blake2b(f"wsjc-demo-{seed}".encode(), digest_size=16).digest()
    return notices.agency_code_in(session), auth.HASHER.hash(DEMO_PASSWORD, salt=salt)


def has_demo_logins(db_path: Path) -> bool:
    """Whether someone can log in to the file at ``db_path`` and everyone who can has the public
    :data:`DEMO_PASSWORD`: a demo file, whose login keeps nothing from anyone (so ``gui
    --screenshot`` may skip it). Plain read-only SQL; a file that cannot be read (missing,
    encrypted, not a database) is not one."""
    import sqlite3

    from argon2.exceptions import InvalidHashError, VerificationError

    from wsjc_desktop.storage.media import connect_readonly

    path = Path(db_path)
    if not path.is_file():
        return False
    try:
        conn = connect_readonly(path)
        try:
            sql = f"SELECT DISTINCT password_hash FROM members WHERE {members._CAN_LOG_IN}"
            hashes = [str(row[0]) for row in conn.execute(sql)]
        finally:
            conn.close()
    except (sqlite3.Error, UserError):  # UserError: on read-only media with a log beside it
        return False
    try:  # the demo gives every member one hash: one check, however large the scale
        return bool(hashes) and all(auth.HASHER.verify(hashed, DEMO_PASSWORD) for hashed in hashes)
    except (VerificationError, InvalidHashError):
        return False


def generate_demo(
    db: Database,
    *,
    scale: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Write a year of realistic demo records into an empty database; returns rows written per table.

    ``scale`` (1–200) multiplies the volume: 6 units and about 300 cadres per step. Records are
    dated from 1 January of ``today``'s year (default: the real today) up to ``today``.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= MAX_SCALE:
        raise UserError(f"数据量倍数必须是 1 到 {MAX_SCALE} 之间的整数。", field="scale")
    today = today or date.today()
    rng = random.Random(seed)
    phases: list[Callable[[_Demo, _Group], None]] = [
        _Demo.family,
        _Demo.reports_and_risks,
        _Demo.cases_and_opinions,
        _Demo.talks,
        _Demo.meetings,
        _Demo.notices,
        _Demo.supervision,
    ]
    total = (len(phases) + 1) * scale + 3
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    counts: dict[str, int] = {name: 0 for name in TABLE_ORDER}
    with db.uow() as uow:
        session = uow.session
        _check_empty(session)
        next_ids = {
            name: (session.scalar(select(func.max(_table(name).c.id))) or 0) + 1
            for name in TABLE_ORDER
            if "id" in _table(name).c
        }
        agency_code, password_hash = _set_up_group(session, seed)
        planned = {number.kind: number for number in notices.next_numbers_in(session, today.year)}
        for number in planned.values():  # a group set up earlier without its 机关代字: no X numbers
            refused = number.refusal(agency_code)
            if refused is not None:
                raise refused
        gen = _Demo(rng, today, next_ids, planned, agency_code, password_hash)
        districts = _districts(rng, scale)
        groups: list[_Group] = []
        for i in range(scale):
            groups.append(gen.build_group(i, districts[i], _templates_for(rng, i)))
            step()
        _flush(session, gen, counts)
        for phase in phases:
            numbering = phase is _Demo.notices  # notices are numbered once all are made
            for group in groups:
                phase(gen, group)
                if not numbering and sum(len(r) for r in gen.rows.values()) >= FLUSH_ROWS:
                    _flush(session, gen, counts)
                step()
            if numbering:
                gen.number_notices()
            _flush(session, gen, counts)
        counts["doc_sequences"] = _write_doc_sequences(session, gen)
        step()

        from wsjc_desktop.storage import search_index

        search_index.rebuild(session)
        step()
        uow.commit()
    step()
    return counts
