"""Members and logins: the group's first set-up, who is working, passwords (no Qt).

Passwords are stored only as argon2id hashes (``argon2-cffi``) with the parameters of
:data:`HASHER`: 32 MiB of memory, 2 passes, 1 lane, a 16-byte random salt and a 32-byte
tag. Verifying one takes some tens of milliseconds on an office PC (about 60 ms on a
two-core test machine), short enough not to be noticed at a login and long enough to make
guessing from a copied file slow. A hash made with other parameters (older, weaker ones)
is replaced by a fresh one at the member's next successful login (``check_needs_rehash``).

Every login and every unlock of the idle lock is written to the audit log as ``LOGIN``:
“登录” / “解锁” when the password was right, “登录失败（口令不正确）” / “解锁失败（口令不正确）”
when it was not (the entry names the member whose password was tried, as ``members`` and
their id; it never holds the password). After :data:`FREE_FAILURES` wrong passwords in a
row for one member, each further attempt must wait a little longer (2, 4, 8 … up to
:data:`MAX_DELAY_S` seconds, counted from the last failure and read from the audit log, so
a restart does not reset it); an attempt made too early is refused without being checked.
The password asked before changing one's own password, or before setting another member's,
counts the same way (its failures are LOGIN entries too). :func:`verify_password` checks a
password without any audit entry or waiting, for callers that only need a yes or no.

A file opened read-only (another PC or program holds the writer lock, or it was opened
read-only on purpose) has the same rules. It cannot write the audit log, so each login, unlock
and confirmation it checks is recorded in a login file instead (:mod:`.login_attempts`:
``wsjc.db.logins`` beside the database, so every PC opening the file on a shared folder sees
the same file; in the data folder when that folder cannot be used), and its run of wrong
passwords is the audit log's continued by what the login files hold: guessing on a second PC
waits as it would on the first, and starting it again resets nothing. A writer, before every
login, unlock and confirmation it checks (:func:`import_readonly_attempts`, which the start-up
may call too), puts what the login files hold into the audit log and then removes it from them:
LOGIN entries with the same summaries as its own, naming the member who was logged in on the
reader, whose values say 只读打开, when it was tried (尝试时间), on which computer and by which
system user. An imported attempt counts from when it was tried, or from when it was logged if
that is earlier (a clock ahead). A last failure timed ahead of this PC's clock never makes
anyone wait more than :data:`MAX_DELAY_S` at a time; a reader waits until its clock reaches
that time or a writer has logged it.

Passwords never reach the audit log: a member is created without one and the hash is then
written with a plain UPDATE that the unit of work does not see, followed by an entry saying
only that the password was set, changed or reset.

Recovery in a group of two: a member who forgot their password is given a new one by the
other member, logged in and confirming their own password (:func:`reset_password`); the
member then changes it (:func:`set_password`). If every member's password is lost there is
no back door: nobody can log in to the file. (Whoever can copy the file can still read it
with SQLite unless it is encrypted; the login protects the program, not the file.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.fields import MEMBER
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import login_attempts, members, records, settings
from wsjc_desktop.services.login_attempts import Pending
from wsjc_desktop.services.members import MAX_PASSWORD_LENGTH as MAX_PASSWORD_LENGTH
from wsjc_desktop.services.members import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from wsjc_desktop.services.members import MemberInfo as MemberInfo
from wsjc_desktop.storage.database import Database, UnitOfWork

log = logging.getLogger(__name__)

#: The hasher for new passwords (see the module's docstring). Raising the parameters makes every
#: older hash be replaced at its member's next login.
HASHER = PasswordHasher(
    time_cost=2, memory_cost=32 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)

#: Wrong passwords in a row that cost nothing; after that the wait doubles from 2 s.
FREE_FAILURES = 3
MAX_DELAY_S = 60

LOGIN_OK = "登录"
LOGIN_FAILED = "登录失败（口令不正确）"
UNLOCK_OK = "解锁"
UNLOCK_FAILED = "解锁失败（口令不正确）"
PASSWORD_SET = "设置登录口令"
PASSWORD_CHANGED = "修改登录口令"
PASSWORD_RESET = "重设登录口令"
CHANGE_FAILED = "修改口令失败（原口令不正确）"
RESET_FAILED = "为他人设置口令失败（本人口令不正确）"
#: Audit summaries that end a run of wrong passwords.
_RUN_ENDS = {LOGIN_OK, UNLOCK_OK, PASSWORD_SET, PASSWORD_CHANGED, PASSWORD_RESET}
_FAILURES = {LOGIN_FAILED, UNLOCK_FAILED, CHANGE_FAILED, RESET_FAILED}
#: What a read-only program records in the login file (anything else found there is not imported).
_RECORDED = {LOGIN_OK, UNLOCK_OK} | _FAILURES

WRONG_PASSWORD = "口令不正确。"


@dataclass(frozen=True)
class NewMember:
    """One member as the set-up form gives them."""

    name: str
    title: str | None
    password: str


# --- passwords ------------------------------------------------------------------------


def check_password_rules(password: str, *, field: str = "password") -> None:
    """Refuse a password too short or too long (a Chinese message naming ``field``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"口令至少需要{MIN_PASSWORD_LENGTH}个字符。", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"口令不能超过{MAX_PASSWORD_LENGTH}个字符。", field=field)
    if not password.strip():
        raise UserError("口令不能全是空格。", field=field)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _matches(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):  # a mismatch, or a hash that is not argon2
        return False


def _store_hash(session: Session, member_id: int, hashed: str) -> None:
    """Write a hash past the unit of work's audit hooks, so it never lands in the log."""
    session.execute(
        update(m.Member)
        .where(m.Member.id == member_id)
        .values(password_hash=hashed)
        .execution_options(synchronize_session=False)
    )


def _active_member(session: Session, member_id: int) -> m.Member | None:
    member = session.get(m.Member, member_id)
    if member is None or member.deleted_at is not None or not member.is_active:
        return None
    return member


def _info(member: m.Member) -> MemberInfo:
    return MemberInfo(member.id, member.name, member.title)


# --- who may log in -----------------------------------------------------------------------


def needs_setup(db: Database) -> bool:
    """True while no active member has a password: the first start, or a file from before logins
    (plain SQL: the login asks before the ORM has loaded)."""
    return members.needs_setup(db)


def _needs_setup(session: Session) -> bool:
    """:func:`needs_setup` inside a unit of work (the same SQL: one rule for who can log in)."""
    from sqlalchemy import text

    return session.execute(text(members.NEEDS_SETUP_SQL)).first() is None


def login_members(db: Database) -> list[tuple[int, str, str | None]]:
    """(id, name, title) of every member who can log in, in the group's order."""
    return [(info.id, info.name, info.title) for info in members.login_members(db)]


def member_info(db: Database, member_id: int) -> MemberInfo:
    with db.read() as uow:
        member = uow.session.get(m.Member, member_id)
        if member is None:
            raise UserError("没有这名组内人员。")
        return _info(member)


def members_without_password(db: Database) -> list[MemberInfo]:
    """Active members who cannot log in yet (a file from before logins, the demo): the set-up
    form offers them first so they get a password instead of a duplicate."""
    with db.read() as uow:
        found = uow.session.scalars(
            select(m.Member)
            .where(
                m.Member.deleted_at.is_(None),
                m.Member.is_active.is_(True),
                (m.Member.password_hash.is_(None)) | (m.Member.password_hash == ""),
            )
            .order_by(m.Member.sort_order, m.Member.id)
        ).all()
        return [_info(x) for x in found]


# --- the first start ----------------------------------------------------------------------


def setup_group(
    db: Database, group_name: str, members: list[NewMember], *, agency_code: str | None = None
) -> list[int]:
    """Name the group (and its 机关代字, when given) and set up its members with passwords, in one
    transaction; returns their ids in the order given. A member whose name is already in the
    file (without a password) is given the password rather than created again.

    A refused value raises UserError naming ``group.name``, ``group.agency_code`` or
    ``members.<i>.<name|title|password>``
    (``i`` counting from 0) and nothing is written. Refused once any member can log in.
    """
    name = (group_name or "").strip()
    settings.check_value("group.name", name)
    code = None if agency_code is None else agency_code.strip()
    if code is not None:
        settings.check_value("group.agency_code", code)
    if not members:
        raise UserError("请至少设置一名组内人员。", field="members")
    seen: dict[str, int] = {}
    for i, new in enumerate(members):
        person = (new.name or "").strip()
        if not person:
            raise UserError("请填写姓名。", field=f"members.{i}.name")
        if person in seen:
            raise UserError(f"组内人员“{person}”重复。", field=f"members.{i}.name")
        seen[person] = i
        check_password_rules(new.password, field=f"members.{i}.password")
    # hashing is slow on purpose: do it before the write transaction takes the file's lock
    hashes = [hash_password(new.password) for new in members]
    ids: list[int] = []
    with db.uow() as uow:
        session = uow.session
        if not _needs_setup(session):
            raise UserError("本组已设置过人员和口令，请直接登录。")
        settings.store_in(session, "group.name", name)
        if code is not None:
            settings.store_in(session, "group.agency_code", code)
        top = max(session.scalars(select(m.Member.sort_order)).all(), default=0)
        for i, (new, hashed) in enumerate(zip(members, hashes, strict=True)):
            values = {"name": new.name.strip(), "title": (new.title or "").strip() or None}
            existing = session.scalar(
                select(m.Member).where(m.Member.name == values["name"], m.Member.deleted_at.is_(None))
            )
            try:
                if existing is None:
                    member_id = records.create_in(
                        session, MEMBER, {**values, "is_active": True, "sort_order": top + i + 1}
                    )
                else:
                    records.update_in(session, MEMBER, existing.id, {**values, "is_active": True})
                    member_id = existing.id
            except UserError as exc:
                raise UserError(exc.message, field=f"members.{i}.{exc.field or 'name'}") from exc
            _store_hash(session, member_id, hashed)
            _audit_password(uow, member_id, PASSWORD_SET)
            ids.append(member_id)
        uow.commit()
    return ids


def _audit_password(uow: UnitOfWork, member_id: int, summary: str) -> None:
    uow.add_audit(AuditAction.UPDATE, summary, table_name="members", record_id=member_id)


# --- logging in and unlocking -------------------------------------------------------------


def failure_delay(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(MAX_DELAY_S, 2 ** (failures - FREE_FAILURES + 1)))


def _recent_failures(session: Session, member_id: int, pending: Pending) -> tuple[int, datetime | None]:
    """(wrong passwords in a row for this member, when the last one was): the audit log's run
    continued by the attempts the login files hold (made read-only, not yet in the log)."""
    rows = session.execute(
        select(m.AuditEntry.summary, m.AuditEntry.at, m.AuditEntry.after)
        .where(
            m.AuditEntry.table_name == "members",
            m.AuditEntry.record_id == member_id,
            m.AuditEntry.summary.in_(_RUN_ENDS | _FAILURES),
        )
        .order_by(m.AuditEntry.id.desc())
        .limit(FREE_FAILURES + 10)
    ).all()
    logged: list[tuple[str | None, datetime]] = []
    imported: set[str] = set()
    for summary, at, after in rows:
        uid, tried = login_attempts.from_audit(after)
        if uid is not None:
            imported.add(uid)
        # an imported attempt counts from when it was made, but never from after it was logged
        logged.append((summary, min(tried, at) if tried is not None else at))
    newest_first = [
        (a.summary, a.at)
        for a in reversed(pending.of_member(member_id))
        if a.uid not in imported and a.summary in _RECORDED
    ]
    count = 0
    last: datetime | None = None
    for summary, at in newest_first + logged:
        if summary not in _FAILURES:
            break
        count += 1
        last = last or at
    return count, last


def _check_not_throttled(session: Session, member_id: int, pending: Pending) -> None:
    failures, last = _recent_failures(session, member_id, pending)
    wait = failure_delay(failures)
    if wait and last is not None:
        # never longer than the waiting itself: a time ahead of this PC's clock (another PC's)
        left = min(float(wait), (last + timedelta(seconds=wait) - m.now()).total_seconds())
        if left > 0:
            raise UserError(f"口令已连续输错{failures}次，请{int(left) + 1}秒后再试。", field="password")


def _attempt(db: Database, member_id: int, password: str, *, unlocking: bool) -> MemberInfo:
    """Check a password for a login or an unlock; audit the outcome (a read-only file: record it
    in the login file); raise UserError if wrong."""
    pending = _pending_before_check(db)
    with db.read() as uow:
        member = _active_member(uow.session, member_id)
        if member is None or not member.password_hash:
            raise UserError("请选择登录人员。", field="member")
        _check_not_throttled(uow.session, member_id, pending)
        stored, info = member.password_hash, _info(member)
    ok = _matches(stored, password)
    summary = (UNLOCK_OK if ok else UNLOCK_FAILED) if unlocking else (LOGIN_OK if ok else LOGIN_FAILED)
    previous = db.member_id
    if ok and not unlocking:
        db.member_id = member_id  # the LOGIN entry is the member's own
    try:
        if db.readonly:  # the writer finds it in the login file and logs it
            login_attempts.record(db.path, member_id, summary, actor_id=db.member_id)
        else:
            with db.uow() as uow:
                if ok and HASHER.check_needs_rehash(stored):
                    _store_hash(uow.session, member_id, hash_password(password))
                uow.add_audit(AuditAction.LOGIN, summary, table_name="members", record_id=member_id)
                uow.commit()
    except BaseException:
        db.member_id = previous
        raise
    if not ok:
        raise UserError(WRONG_PASSWORD, field="password")
    return info


#: The entry that says how many read-only attempts were dropped (the login file kept too many).
DROPPED_ATTEMPTS = "只读打开时的登录记录过多，另有{n}条较早的未能保留"


def _import(uow: UnitOfWork, pending: Pending) -> int:
    """Add the read-only attempts ``pending`` holds to the audit log (in ``uow``, not committed):
    LOGIN entries like the writer's own, each naming the member then logged in on the reader;
    one already imported (its file could not be cleared) is skipped. Returns how many."""
    if not pending:
        return 0
    session, db = uow.session, uow.db
    done: set[str] = set()
    for after in session.scalars(
        select(m.AuditEntry.after).where(
            m.AuditEntry.action == AuditAction.LOGIN,
            m.AuditEntry.table_name == "members",
            m.AuditEntry.after.like(f"%{login_attempts.UID_KEY}%"),
        )
    ):
        uid, _tried = login_attempts.from_audit(after)
        if uid is not None:
            done.add(uid)
    members_now = set(session.scalars(select(m.Member.id)))
    keep = db.member_id
    count = 0
    try:
        if pending.dropped:
            db.member_id = None
            uow.add_audit(AuditAction.LOGIN, DROPPED_ATTEMPTS.format(n=pending.dropped), table_name="members")
        for attempt in pending.attempts:
            if attempt.uid in done or attempt.summary not in _RECORDED:
                continue
            db.member_id = attempt.actor_id if attempt.actor_id in members_now else None
            uow.add_audit(
                AuditAction.LOGIN,
                attempt.summary,
                table_name="members",
                record_id=attempt.member_id,
                after=attempt.audit_values(),
            )
            count += 1
    finally:
        db.member_id = keep
    if count:
        log.info("%d read-only login attempts put in the audit log of %s", count, db.path)
    return count


def import_readonly_attempts(db: Database) -> int:
    """Put the attempts made on this file read-only (the login files) into the audit log, then
    remove them from the files; how many. A writer does so before every login, unlock and
    confirmation; the start-up may call it once the file is open for writing. Nothing on a
    read-only file."""
    if db.readonly:
        return 0
    pending = login_attempts.pending(db.path)
    if not pending:
        return 0
    with db.uow() as uow:
        count = _import(uow, pending)
        uow.commit()
    login_attempts.forget(db.path, pending)
    return count


def _pending_before_check(db: Database) -> Pending:
    """What the waiting must count besides the audit log: a writer first logs what the login
    files hold (so nothing is left to add), a reader adds the login files to the log's run."""
    if db.readonly:
        return login_attempts.pending(db.path)
    import_readonly_attempts(db)
    return Pending()


def login(db: Database, member_id: int, password: str) -> MemberInfo:
    """Log a member in: on the right password ``db.member_id`` stamps every later change with
    them and a LOGIN “登录” entry is written; on a wrong one a LOGIN “登录失败” entry is written
    and UserError("口令不正确。") raised."""
    return _attempt(db, member_id, password, unlocking=False)


def unlock(db: Database, member_id: int, password: str) -> MemberInfo:
    """The idle lock's check: like :func:`login` (audited as LOGIN “解锁” / “解锁失败”, the same
    waiting after wrong passwords) but leaves ``db.member_id`` as it is."""
    return _attempt(db, member_id, password, unlocking=True)


def verify_password(db: Database, member_id: int, password: str) -> bool:
    """Whether ``password`` is this active member's, with no audit entry and no waiting."""
    with db.read() as uow:
        member = _active_member(uow.session, member_id)
        stored = member.password_hash if member is not None else None
    return _matches(stored, password)


def logout(db: Database) -> None:
    """Forget who is working (changes are no longer stamped with them)."""
    db.member_id = None


# --- changing and resetting ---------------------------------------------------------------


def _confirm(db: Database, member_id: int, password: str, failure: str, message: str, field: str) -> None:
    """Check a member's password before a change: the same waiting after wrong passwords as a
    login, and a wrong one is audited (LOGIN ``failure``; read-only: in the login file) and
    refused with ``message``."""
    pending = _pending_before_check(db)
    with db.read() as uow:
        _check_not_throttled(uow.session, member_id, pending)
    if verify_password(db, member_id, password):
        return
    if db.readonly:
        login_attempts.record(db.path, member_id, failure, actor_id=db.member_id)
    else:
        with db.uow() as uow:
            uow.add_audit(AuditAction.LOGIN, failure, table_name="members", record_id=member_id)
            uow.commit()
    raise UserError(message, field=field)


def set_password(db: Database, member_id: int, old: str, new: str) -> None:
    """A member changes their own password, giving the current one first."""
    check_password_rules(new, field="new_password")
    _confirm(db, member_id, old, CHANGE_FAILED, "原口令不正确。", "old_password")
    hashed = hash_password(new)
    with db.uow() as uow:
        if _active_member(uow.session, member_id) is None:
            raise UserError("没有这名组内人员。")
        _store_hash(uow.session, member_id, hashed)
        _audit_password(uow, member_id, PASSWORD_CHANGED)
        uow.commit()


def reset_password(db: Database, member_id: int, new: str, *, actor_password: str) -> None:
    """The logged-in member gives another member a new password (a forgotten one, or a member
    added later who has none yet), confirming with their own password. Nobody can reset their
    own password this way, and nobody who is not logged in can reset any."""
    actor = db.member_id
    if actor is None:
        raise UserError("请先登录，再为其他人员设置口令。")
    if actor == member_id:
        raise UserError("修改本人口令请使用“修改口令”，需输入原口令。")
    check_password_rules(new, field="new_password")
    _confirm(db, actor, actor_password, RESET_FAILED, "您的口令不正确。", "actor_password")
    hashed = hash_password(new)
    with db.uow() as uow:
        target = uow.session.get(m.Member, member_id)
        if target is None or target.deleted_at is not None:
            raise UserError("没有这名组内人员。")
        summary = PASSWORD_RESET if target.password_hash else PASSWORD_SET
        _store_hash(uow.session, member_id, hashed)
        _audit_password(uow, member_id, summary)
        uow.commit()


def has_password(db: Database, member_id: int) -> bool:
    with db.read() as uow:
        member = uow.session.get(m.Member, member_id)
        return bool(member is not None and member.password_hash)
