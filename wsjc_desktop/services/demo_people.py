"""The demo generator's core and its people: :class:`_DemoBase`, for :mod:`wsjc_desktop.services.demo`.

:class:`_DemoBase` holds the generator's state (the one ``random.Random``, the pending rows per
table, the next ids, this year's 文号) and its small random helpers (days, workdays, timestamps,
uids, names, 身份证号, phone numbers), and builds the cast: each group's two members, its six
units and their cadres (``build_group``), and the cadres' families (``family``). The year's
records are built by its subclass in :mod:`.demo_records`; the tables drawn from are in
:mod:`.demo_data`. Rows are plain dicts, written by :func:`wsjc_desktop.services.demo.generate_demo`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from wsjc_desktop.domain.enums import (
    CadreRank,
    CadreStatus,
    Gender,
    NoticeKind,
    UnitType,
)
from wsjc_desktop.services import notices
from wsjc_desktop.services.demo_data import (
    _AREAS,
    _BUSINESS_WORDS,
    _BUSINESSES,
    _EDUCATIONS,
    _EDUCATIONS_LEADER,
    _ETHNICITIES,
    _FEMALE_CHARS,
    _GBK_ONLY_FEMALE,
    _GBK_ONLY_MALE,
    _ID_CHECK,
    _ID_WEIGHTS,
    _JOBS,
    _MALE_CHARS,
    _OTHER_POLITICAL,
    _PHONE_PREFIXES,
    _SURNAMES,
    TABLE_ORDER,
    _UnitTemplate,
)

Row = dict[str, Any]
T = TypeVar("T")


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits of a 身份证号."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


# --- the generator ------------------------------------------------------------------------


@dataclass(slots=True)
class _Cadre:
    id: int
    unit: _Unit
    surname: str
    name: str
    gender: Gender
    birth: date
    rank: CadreRank
    is_leader: bool
    is_top: bool
    is_head: bool  # a 中层正职 (科室负责人)
    position: str
    serving: bool


@dataclass(slots=True)
class _Unit:
    id: int
    full_name: str
    short: str
    tpl: _UnitTemplate
    group: _Group
    cadres: list[_Cadre] = field(default_factory=list)
    liaison: str = ""
    #: 巡视巡察整改期 (from, to): the group supervises the rectification monthly while it runs
    rectification: tuple[date, date] | None = None


@dataclass(slots=True)
class _Group:
    index: int
    district: str  # "区" for the first group, "东城区" …
    chief_id: int  # 组长
    chief_name: str
    staff_id: int  # 组员
    staff_name: str
    units: list[_Unit] = field(default_factory=list)

    @property
    def members(self) -> tuple[int, int]:
        return (self.chief_id, self.staff_id)


def _party_word(unit: _Unit) -> str:
    """How the unit's leading party body is called after its name: 党组, 党委, 党支部 (or nothing)."""
    if unit.tpl.name.startswith("委"):
        return ""
    if unit.tpl.top.startswith("党支部"):
        return "党支部"
    return "党组" if unit.tpl.unit_type == UnitType.AGENCY else "党委"


def _month_add(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


class _DemoBase:
    """State, random helpers and the cast: members, units, cadres, families."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        next_ids: dict[str, int],
        next_numbers: dict[NoticeKind, notices.NextNumber],
        agency_code: str,
        password_hash: str | None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.year = today.year
        self.jan1 = date(self.year, 1, 1)
        self.rows: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
        self.next_ids = next_ids
        self.next_numbers = next_numbers  # this year's, as notices.allocate_number would give them
        self.agency_code = agency_code
        self.password_hash = password_hash
        self.groups: list[_Group] = []
        self.used_ids: set[str] = set()
        self.opinion_batches = 0
        self.doc_sequences: dict[NoticeKind, int] = {}
        #: per group: what the supervision loop's problems may come from or be handed on by
        #: (records already written): "meetings", "talks", "clues", "notices" → small tuples
        self.refs: dict[int, dict[str, list[tuple[Any, ...]]]] = {}

    def _ref(self, group: _Group, what: str, *values: Any) -> None:
        self.refs.setdefault(group.index, {}).setdefault(what, []).append(values)

    # --- small helpers ---------------------------------------------------------------------

    def _uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _ts(self, d: date) -> datetime:
        return datetime(
            d.year, d.month, d.day, self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59)
        )

    def _day(self, lo: date, hi: date) -> date:
        span = (hi - lo).days
        return lo if span <= 0 else lo + timedelta(days=self.rng.randint(0, span))

    def _workday(self, lo: date, hi: date) -> date:
        """A random weekday between lo and hi (a weekend only if the range has no weekday)."""
        d = self._day(lo, hi)
        if d.weekday() >= 5:
            back = d - timedelta(days=d.weekday() - 4)
            fwd = d + timedelta(days=7 - d.weekday())
            if back >= lo:
                return back
            if fwd <= hi:
                return fwd
        return d

    def _in_year(self, earliest_days_ago: int | None = None) -> date:
        lo = (
            self.jan1
            if earliest_days_ago is None
            else max(self.jan1, self.today - timedelta(days=earliest_days_ago))
        )
        return self._workday(lo, self.today)

    def _pick(self, weighted: Sequence[tuple[T, int]]) -> T:
        return self.rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def _record(self, table: str, when: datetime, by: int | None, updated: datetime | None = None) -> Row:
        rid = self.next_ids[table]
        self.next_ids[table] = rid + 1
        row: Row = {
            "id": rid,
            "uid": self._uid(),
            "created_at": when,
            "updated_at": updated or when,
            "created_by_id": by,
            "updated_by_id": by,
            "deleted_at": None,
        }
        self.rows[table].append(row)
        return row

    def _phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _given(self, gender: Gender, rare: bool = False) -> str:
        chars = _MALE_CHARS if gender == Gender.MALE else _FEMALE_CHARS
        first = self.rng.choice(chars)
        if rare or self.rng.random() < 0.015:
            first = self.rng.choice(_GBK_ONLY_MALE if gender == Gender.MALE else _GBK_ONLY_FEMALE)
        if self.rng.random() < 0.3:
            return first
        second = self.rng.choice(chars)
        return first + second if self.rng.random() < 0.5 else second + first

    def _person(self, gender: Gender, surname: str | None = None, rare: bool = False) -> tuple[str, str]:
        sur = surname or self.rng.choice(_SURNAMES)
        return sur, sur + self._given(gender, rare)

    def _id_number(self, birth: date, gender: Gender, area: str) -> str:
        while True:
            last = self.rng.choice("13579" if gender == Gender.MALE else "02468")
            first17 = f"{area}{birth:%Y%m%d}{self.rng.randint(0, 99):02d}{last}"
            number = first17 + id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _years_from(self, base: date, lo: int, hi: int) -> date:
        """A date between ``lo`` and ``hi`` years (negative: before) from ``base``."""
        return base + timedelta(days=self.rng.randint(lo * 365, hi * 365))

    def _birth(self, oldest: int, youngest: int) -> date:
        lo = date(self.year - oldest, 1, 1)
        hi = date(self.year - youngest, 12, 28)
        return self._day(lo, hi)

    # --- members, units, cadres ----------------------------------------------------------------

    def build_group(self, index: int, district: str, templates: Sequence[_UnitTemplate]) -> _Group:
        stamp = datetime(self.year, 1, 1, 8, 30)
        ids: list[int] = []
        names: list[str] = []
        for order, title in enumerate(("组长", "组员")):
            gender = Gender.MALE if order == 0 or self.rng.random() < 0.5 else Gender.FEMALE
            _, name = self._person(gender)
            row = self._record("members", stamp, None)
            row.update(
                name=name,
                title=title,
                phone=self._phone(),
                is_active=True,
                password_hash=self.password_hash,
                sort_order=index * 10 + order + 1,
                note=None,
            )
            if index > 0:
                row["note"] = f"{district}纪检监察组"
            ids.append(row["id"])
            names.append(name)
        group = _Group(index, district, ids[0], names[0], ids[1], names[1])
        self.groups.append(group)
        for order, tpl in enumerate(templates):
            self._build_unit(group, tpl, index * 100 + order + 1, force_rare=index == 0 and order == 0)
        return group

    def _build_unit(self, group: _Group, tpl: _UnitTemplate, sort_order: int, *, force_rare: bool) -> None:
        short = ("区" if group.index == 0 else group.district) + tpl.short
        full = group.district + tpl.name
        if tpl.name.startswith("委"):
            party_org = f"中共{full}机关支部委员会"
            discipline = None
        elif tpl.unit_type == UnitType.AGENCY:
            party_org = f"中共{full}党组"
            discipline = f"{full}机关纪委"
        elif tpl.unit_type == UnitType.INSTITUTION and tpl.top.startswith("党支部"):
            party_org = f"中共{full}支部委员会"
            discipline = None
        else:
            party_org = f"中共{full}委员会"
            discipline = f"{full}纪委" if tpl.unit_type != UnitType.PARTY_COMMITTEE else f"{full}机关纪委"
        row = self._record("units", datetime(self.year, 1, 2, 9, 0), group.chief_id)
        unit = _Unit(row["id"], full, short, tpl, group)
        group.units.append(unit)
        self._build_cadres(unit, force_rare=force_rare)
        top = next(c for c in unit.cadres if c.is_top)
        liaison = next((c for c in unit.cadres if c.is_head), unit.cadres[-1])
        unit.liaison = liaison.name
        row.update(
            full_name=full,
            short_name=short,
            unit_type=tpl.unit_type,
            party_org_name=party_org,
            head_name=top.name,
            liaison_name=liaison.name,
            liaison_phone=self._phone(),
            discipline_committee=discipline,
            sort_order=sort_order,
            in_scope=True,
            note="综合监督单位" if group.index == 0 else None,
        )
        if sort_order % 100 == 2:  # each group's second unit is under 巡视巡察整改, since 6 months ago
            begin = max(self.jan1, _month_add(self.today.replace(day=1), -6))
            unit.rectification = (begin, _month_add(begin, 9) - timedelta(days=1))
            row.update(rectification_from=unit.rectification[0], rectification_to=unit.rectification[1])

    def _build_cadres(self, unit: _Unit, *, force_rare: bool) -> None:
        rng = self.rng
        tpl = unit.tpl
        head_word = "主任" if "主任" in tpl.top else "局长" if "局长" in tpl.top else "院长"
        slots: list[
            tuple[str, CadreRank, bool, bool, bool, str | None]
        ] = []  # post, rank, leader, top, head, dept
        slots.append((tpl.top, CadreRank.DIVISION, True, True, False, None))
        for post in rng.sample(tpl.deputies, rng.randint(3, min(5, len(tpl.deputies)))):
            slots.append((post.format(head=head_word), CadreRank.DIVISION, True, False, False, None))
        if rng.random() < 0.3 or force_rare:
            slots.append(("二级巡视员", CadreRank.BUREAU, False, False, False, None))
        for _ in range(rng.randint(1, 2)):
            slots.append(
                (
                    rng.choice(("一级调研员", "二级调研员", "三级调研员")),
                    CadreRank.DIVISION,
                    False,
                    False,
                    False,
                    None,
                )
            )
        total = rng.randint(45, 65)
        enterprise = tpl.unit_type == UnitType.STATE_ENTERPRISE
        for dept in tpl.depts:
            if dept.endswith("部"):
                head, deputy = ("经理", "副经理") if enterprise else ("主任", "副主任")
            elif dept.endswith("科"):
                head, deputy = "科长", "副科长"
            elif dept.endswith("大队"):
                head, deputy = "大队长", "副大队长"
            else:
                head, deputy = "主任", "副主任"
            slots.append((dept + head, CadreRank.SECTION, False, False, True, dept))
            if rng.random() < 0.6:
                slots.append((dept + deputy, CadreRank.SECTION, False, False, False, dept))
        while len(slots) < total:
            dept = rng.choice(tpl.depts)
            if rng.random() < 0.3:
                post = dept + rng.choice(("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"))
                if enterprise:
                    post = dept + "主管"
                slots.append((post, CadreRank.SECTION, False, False, False, dept))
            else:
                post = dept + (
                    rng.choice(("职员", "专员")) if enterprise else rng.choice(("一级科员", "科员", "科员"))
                )
                slots.append((post, CadreRank.STAFF, False, False, False, dept))
        for i, (post, rank, leader, top, is_head, _dept) in enumerate(slots):
            self._cadre(unit, post, rank, leader, top, is_head, rare=force_rare and i == 2)

    def _cadre(
        self, unit: _Unit, post: str, rank: CadreRank, leader: bool, top: bool, head: bool, *, rare: bool
    ) -> None:
        rng = self.rng
        senior = rank in (CadreRank.BUREAU, CadreRank.DIVISION)
        gender = Gender.MALE if rng.random() < (0.78 if senior else 0.55) else Gender.FEMALE
        surname, name = self._person(gender, rare=rare)
        if rank == CadreRank.BUREAU:
            birth = self._birth(59, 52)
        elif top:
            birth = self._birth(58, 46)
        elif senior:
            birth = self._birth(58, 40)
        elif head:
            birth = self._birth(56, 32)
        elif rank == CadreRank.SECTION:
            birth = self._birth(56, 28)
        else:
            birth = self._birth(45, 23)
        age = self.year - birth.year
        area, place = rng.choice(_AREAS)
        party = senior or head or rng.random() < 0.7
        political = "中共党员" if party else rng.choice(_OTHER_POLITICAL)
        work_start = _month_add(date(birth.year + rng.randint(21, 24), 7, 1), rng.randint(0, 3))
        work_start = min(work_start, self.jan1 - timedelta(days=30))
        party_join = None
        if political == "中共党员":
            party_join = self._day(_month_add(birth, 12 * 19), min(_month_add(birth, 12 * 35), self.jan1))
        years_in_post = rng.randint(0, min(10, max(0, age - 24)))
        post_start = self._day(
            date(self.year - years_in_post - 1, 1, 1), date(self.year - years_in_post, 12, 28)
        )
        post_start = min(max(post_start, work_start), self.today)
        status = CadreStatus.SERVING
        note = None
        if not leader and rng.random() < 0.04:
            if age >= 57:
                status = CadreStatus.RETIRED
                note = f"{self.year}年退休"
            else:
                status = CadreStatus.TRANSFERRED
                note = "已调离，档案保留"
        when = self._ts(self._day(self.jan1, min(self.today, self.jan1 + timedelta(days=20))))
        row = self._record("cadres", when, unit.group.staff_id)
        file_updated = self._in_year() if rng.random() < 0.85 else None
        if file_updated is not None and file_updated > when.date():
            row["updated_at"] = self._ts(file_updated)
        row.update(
            name=name,
            gender=gender,
            ethnicity=rng.choice(_ETHNICITIES),
            birth_date=birth,
            native_place=place,
            political_status=political,
            party_join_date=party_join,
            work_start_date=work_start,
            education=rng.choice(_EDUCATIONS_LEADER if senior else _EDUCATIONS),
            unit_id=unit.id,
            position=post,
            rank=rank,
            is_leader=leader,
            is_top_leader=top,
            position_start_date=post_start,
            id_number=self._id_number(birth, gender, area) if rng.random() < 0.4 else None,
            phone=self._phone() if rng.random() < 0.9 else None,
            status=status,
            file_updated_on=file_updated,
            note=note,
        )
        cadre = _Cadre(
            row["id"],
            unit,
            surname,
            name,
            gender,
            birth,
            rank,
            leader,
            top,
            head,
            post,
            status == CadreStatus.SERVING,
        )
        unit.cadres.append(cadre)

    # --- families (a dossier section) ------------------------------------------------------

    def family(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            for c in unit.cadres:
                when = self._ts(self._in_year())
                age = self.year - c.birth.year
                spouse_surname: str | None = None
                if age >= 26 and rng.random() < 0.9:
                    g = Gender.FEMALE if c.gender == Gender.MALE else Gender.MALE
                    spouse_surname, name = self._person(g)
                    birth = self._years_from(c.birth, -5, 4)
                    self._relative(c, when, "配偶", name, birth, adult=True)
                if age >= 29:
                    father_surname = c.surname if c.gender == Gender.MALE else (spouse_surname or c.surname)
                    for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
                        g = rng.choice((Gender.MALE, Gender.FEMALE))
                        _, name = self._person(g, surname=father_surname)
                        birth = self._years_from(c.birth, 24, 36)
                        if birth >= self.today:
                            continue
                        self._relative(
                            c,
                            when,
                            "儿子" if g == Gender.MALE else "女儿",
                            name,
                            birth,
                            adult=self.year - birth.year >= 22,
                        )
                alive = 0.85 if age < 45 else 0.6 if age < 55 else 0.35
                if rng.random() < alive:
                    _, name = self._person(Gender.MALE, surname=c.surname)
                    self._relative(
                        c,
                        when,
                        "父亲",
                        name,
                        self._years_from(c.birth, -33, -23),
                        adult=True,
                        elder=True,
                    )
                if rng.random() < alive + 0.08:
                    _, name = self._person(Gender.FEMALE)
                    self._relative(
                        c,
                        when,
                        "母亲",
                        name,
                        self._years_from(c.birth, -31, -21),
                        adult=True,
                        elder=True,
                    )
                if spouse_surname is not None:
                    in_law_alive = alive * 0.8
                    if rng.random() < in_law_alive:
                        _, name = self._person(Gender.MALE, surname=spouse_surname)
                        rel = "岳父" if c.gender == Gender.MALE else "公公"
                        birth = self._years_from(c.birth, -34, -22)
                        self._relative(c, when, rel, name, birth, adult=True, elder=True)
                    if rng.random() < in_law_alive:
                        _, name = self._person(Gender.FEMALE)
                        rel = "岳母" if c.gender == Gender.MALE else "婆婆"
                        birth = self._years_from(c.birth, -32, -21)
                        self._relative(c, when, rel, name, birth, adult=True, elder=True)
                for _ in range(rng.choice((0, 1, 1, 2, 2))):
                    g = rng.choice((Gender.MALE, Gender.FEMALE))
                    _, name = self._person(g, surname=c.surname)
                    rel = (
                        ("哥哥" if g == Gender.MALE else "姐姐")
                        if rng.random() < 0.5
                        else ("弟弟" if g == Gender.MALE else "妹妹")
                    )
                    younger = rel in ("弟弟", "妹妹")
                    birth = self._years_from(c.birth, 1 if younger else -8, 8 if younger else -1)
                    if birth < self.today:
                        self._relative(c, when, rel, name, birth, adult=self.year - birth.year >= 22)

    def _relative(
        self,
        c: _Cadre,
        when: datetime,
        relation: str,
        name: str,
        birth: date,
        *,
        adult: bool,
        elder: bool = False,
    ) -> None:
        rng = self.rng
        runs_business = False
        business_note: str | None = None
        position: str | None
        workplace: str | None
        age = self.year - birth.year
        if not adult:
            if age < 3:
                workplace, position = None, None
            elif age < 6:
                workplace, position = "区机关幼儿园", None
            else:
                workplace = "区实验小学" if age < 12 else "区第一中学" if age < 18 else "在读大学"
                position = "学生"
            political = "群众" if age < 14 else "共青团员"
        elif elder and age >= 62:
            workplace, position = rng.choice((("已退休", None), ("已退休", None), ("务农", None)))
            political = "中共党员" if rng.random() < 0.3 else "群众"
        elif rng.random() < 0.02:
            tpl = rng.choice(_BUSINESSES)
            workplace = tpl[0].format(
                city=c.unit.group.district.rstrip("区") or "本区", word=rng.choice(_BUSINESS_WORDS)
            )
            position, business_note = tpl[1], tpl[2]
            runs_business = True
            political = "群众"
        else:
            workplace, position = rng.choice(_JOBS)
            political = "中共党员" if rng.random() < 0.4 else "群众"
        row = self._record("family_members", when, c.unit.group.staff_id)
        row.update(
            cadre_id=c.id,
            relation=relation,
            name=name,
            birth_date=birth,
            political_status=political,
            workplace=workplace,
            position=position,
            runs_business=runs_business,
            business_note=business_note,
            note=None,
        )
