"""Members and logins: argon2id hashes, one-transaction set-up, audited logins, resets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from tests.support.builders import member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, records, settings
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage.database import Database

GROUP = "区纪委监委驻区财政局纪检监察组"


def two_members() -> list[NewMember]:
    return [NewMember("王建国", "组长", "jianguo-2026"), NewMember("李秀英", "副组长", "xiuying#88")]


def stored_hash(db: Database, member_id: int) -> str | None:
    with db.read() as uow:
        return uow.session.scalar(select(m.Member.password_hash).where(m.Member.id == member_id))


def audit_rows(db: Database) -> list[m.AuditEntry]:
    with db.read() as uow:
        return list(uow.session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)))


def logins(db: Database) -> list[tuple[int | None, int | None, str | None]]:
    """(who, which member's password, summary) of every LOGIN entry."""
    return [(e.member_id, e.record_id, e.summary) for e in audit_rows(db) if e.action == AuditAction.LOGIN]


def everything_in_the_log(db: Database) -> str:
    return "\n".join(f"{e.summary} {e.before} {e.after}" for e in audit_rows(db))


def test_setup_hashes_with_argon2id_and_logs_in(db: Database) -> None:
    assert auth.needs_setup(db)
    first, second = auth.setup_group(db, GROUP, two_members())
    assert not auth.needs_setup(db)
    assert settings.get(db, "group.name") == GROUP
    assert auth.login_members(db) == [(first, "王建国", "组长"), (second, "李秀英", "副组长")]
    hashed = stored_hash(db, first)
    assert hashed is not None and hashed.startswith("$argon2id$v=19$m=32768,t=2,p=1$")
    assert "jianguo-2026" not in hashed
    assert PasswordHasher().verify(hashed, "jianguo-2026")  # a standard argon2id hash
    assert stored_hash(db, second) != hashed

    info = auth.login(db, first, "jianguo-2026")
    assert (info.id, info.display) == (first, "王建国（组长）")
    assert db.member_id == first
    assert logins(db) == [(first, first, "登录")]
    # every change from now on is stamped with the member
    unit_id = unit(db)
    with db.read() as uow:
        row = uow.session.get(m.Unit, unit_id)
        assert row is not None and row.created_by_id == first
        entry = uow.session.scalar(select(m.AuditEntry).where(m.AuditEntry.table_name == "units"))
        assert entry is not None and entry.member_id == first


def test_no_password_or_hash_ever_reaches_the_audit_log(db: Database) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    auth.login(db, first, "jianguo-2026")
    with pytest.raises(UserError):
        auth.login(db, second, "wrong-password")
    auth.set_password(db, first, "jianguo-2026", "new-secret-1")
    auth.reset_password(db, second, "temporary-2", actor_password="new-secret-1")
    text = everything_in_the_log(db)
    for secret in ("jianguo-2026", "xiuying#88", "wrong-password", "new-secret-1", "temporary-2", "argon2"):
        assert secret not in text
    summaries = [e.summary for e in audit_rows(db) if e.table_name == "members" and e.summary]
    assert summaries == [
        "设置登录口令",
        "设置登录口令",
        "登录",
        "登录失败（口令不正确）",
        "修改登录口令",
        "重设登录口令",
    ]


def test_wrong_password_is_audited_and_refused(db: Database) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    with pytest.raises(UserError, match=r"^口令不正确。$"):
        auth.login(db, first, "xiuying#88")  # the other member's password
    assert db.member_id is None
    assert logins(db) == [(None, first, "登录失败（口令不正确）")]
    assert not auth.verify_password(db, first, "xiuying#88")
    assert auth.verify_password(db, second, "xiuying#88")
    assert logins(db) == [(None, first, "登录失败（口令不正确）")]  # verify writes nothing


def test_repeated_failures_make_the_next_attempt_wait(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(UserError, match="口令不正确"):
            auth.login(db, first, "guess-guess")
    # the next attempt, even with the right password, is refused unchecked and not logged
    with pytest.raises(UserError, match=r"连续输错3次，请\d+秒后再试"):
        auth.login(db, first, "jianguo-2026")
    assert len(logins(db)) == auth.FREE_FAILURES
    # the wait is read from the file, so starting the program again does not reset it
    again = Database(db.path)
    try:
        with pytest.raises(UserError, match="秒后再试"):
            auth.unlock(again, first, "jianguo-2026")
    finally:
        again.dispose()
    # the other member is not held up
    auth.login(db, second, "xiuying#88")
    # once the wait is over the right password works and ends the run of failures
    real_now = m.now
    monkeypatch.setattr(m, "now", lambda: real_now() + timedelta(seconds=auth.failure_delay(3) + 1))
    auth.login(db, first, "jianguo-2026")
    monkeypatch.undo()
    with pytest.raises(UserError, match=r"^口令不正确。$"):
        auth.login(db, first, "guess-guess")


def test_failure_delay_doubles_and_is_capped() -> None:
    assert [auth.failure_delay(n) for n in range(7)] == [0, 0, 0, 2, 4, 8, 16]
    assert auth.failure_delay(30) == auth.MAX_DELAY_S


def test_setup_is_one_transaction(db: Database) -> None:
    """A bad second member leaves nothing behind: no member, no hash, no group name."""
    bad = [NewMember("王建国", "组长", "jianguo-2026"), NewMember("李秀英", "组员", "12345")]
    with pytest.raises(UserError, match="口令至少需要6个字符") as caught:
        auth.setup_group(db, GROUP, bad)
    assert caught.value.field == "members.1.password"
    # a refusal found only inside the transaction (a title too long for its column) too
    long_title = [NewMember("王建国", "组长", "jianguo-2026"), NewMember("李秀英", "组" * 51, "xiuying#88")]
    with pytest.raises(UserError, match="职务不能超过50个字") as caught:
        auth.setup_group(db, GROUP, long_title)
    assert caught.value.field == "members.1.title"
    assert records.list_records(db, "members") == []
    assert settings.get(db, "group.name") == settings.DEFAULTS["group.name"]
    assert audit_rows(db) == []
    assert auth.needs_setup(db)


def test_setup_refuses_bad_input_with_chinese_messages(db: Database) -> None:
    cases: list[tuple[str, list[NewMember], str, str]] = [
        (" ", two_members(), "group.name", "请填写纪检监察组名称"),
        (GROUP, [], "members", "请至少设置一名组内人员"),
        (GROUP, [NewMember(" ", "组长", "abcdef")], "members.0.name", "请填写姓名"),
        (
            GROUP,
            [NewMember("王建国", "组长", "abcdef"), NewMember(" 王建国 ", "组员", "ghijkl")],
            "members.1.name",
            "组内人员“王建国”重复",
        ),
        (GROUP, [NewMember("王建国", "组长", "      ")], "members.0.password", "口令不能全是空格"),
        (GROUP, [NewMember("王建国", "组长", "x" * 129)], "members.0.password", "口令不能超过128个字符"),
    ]
    for group, people, field, message in cases:
        with pytest.raises(UserError, match=message) as caught:
            auth.setup_group(db, group, people)
        assert caught.value.field == field
    assert auth.needs_setup(db)


def test_setup_runs_once_and_adopts_members_already_in_the_file(db: Database) -> None:
    """A file from before logins (or the demo) has members without passwords: they get one."""
    old = member(db, "王建国", title="组员")
    first, second = auth.setup_group(db, GROUP, two_members())
    assert first == old
    assert [(r["id"], r["name"], r["title"]) for r in records.list_records(db, "members")] == [
        (old, "王建国", "组长"),
        (second, "李秀英", "副组长"),
    ]
    assert auth.members_without_password(db) == []
    with pytest.raises(UserError, match="已设置过"):
        auth.setup_group(db, "别的组", [NewMember("赵六", "组长", "zhaoliu-1")])
    assert settings.get(db, "group.name") == GROUP


def test_login_members_lists_only_those_who_can_log_in(db: Database) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    third = member(db, "赵六")  # added later in 设置, no password yet
    records.update(db, "members", second, {"is_active": False})
    assert [row[0] for row in auth.login_members(db)] == [first]
    with pytest.raises(UserError):
        auth.login(db, second, "xiuying#88")  # 不在组
    with pytest.raises(UserError):
        auth.login(db, third, "")


def test_change_and_reset_passwords(db: Database) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    with pytest.raises(UserError, match="原口令不正确") as caught:
        auth.set_password(db, first, "not-mine", "brand-new-1")
    assert caught.value.field == "old_password"
    with pytest.raises(UserError, match="至少需要6个字符"):
        auth.set_password(db, first, "jianguo-2026", "short")
    auth.set_password(db, first, "jianguo-2026", "brand-new-1")
    assert auth.verify_password(db, first, "brand-new-1")
    assert not auth.verify_password(db, first, "jianguo-2026")

    # a reset needs someone logged in, not the member themself, who confirms their own password
    with pytest.raises(UserError, match="请先登录"):
        auth.reset_password(db, second, "forgotten-1", actor_password="brand-new-1")
    auth.login(db, first, "brand-new-1")
    with pytest.raises(UserError, match="原口令"):
        auth.reset_password(db, first, "forgotten-1", actor_password="brand-new-1")
    with pytest.raises(UserError, match="您的口令不正确") as caught:
        auth.reset_password(db, second, "forgotten-1", actor_password="xiuying#88")
    assert caught.value.field == "actor_password"
    assert auth.verify_password(db, second, "xiuying#88")
    auth.reset_password(db, second, "forgotten-1", actor_password="brand-new-1")
    assert auth.verify_password(db, second, "forgotten-1")
    resets = [e for e in audit_rows(db) if e.summary == "重设登录口令"]
    assert [(e.member_id, e.record_id) for e in resets] == [(first, second)]
    # a member added later gets a first password the same way
    third = member(db, "赵六")
    auth.reset_password(db, third, "zhaoliu-01", actor_password="brand-new-1")
    assert auth.login(db, third, "zhaoliu-01").name == "赵六"


def test_an_older_hash_is_upgraded_at_login(db: Database) -> None:
    first, _second = auth.setup_group(db, GROUP, two_members())
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("jianguo-2026")
    with db.engine.begin() as conn:
        conn.execute(update(m.Member).where(m.Member.id == first).values(password_hash=weak))
    assert auth.HASHER.check_needs_rehash(weak)
    auth.login(db, first, "jianguo-2026")
    upgraded = stored_hash(db, first)
    assert upgraded is not None and upgraded != weak
    assert not auth.HASHER.check_needs_rehash(upgraded)
    assert auth.verify_password(db, first, "jianguo-2026")


def test_unlock_is_audited_and_keeps_the_logged_in_member(db: Database) -> None:
    first, _second = auth.setup_group(db, GROUP, two_members())
    auth.login(db, first, "jianguo-2026")
    with pytest.raises(UserError, match="口令不正确"):
        auth.unlock(db, first, "xiuying#88")
    auth.unlock(db, first, "jianguo-2026")
    assert db.member_id == first
    assert logins(db)[1:] == [(first, first, "解锁失败（口令不正确）"), (first, first, "解锁")]
    auth.logout(db)
    assert db.member_id is None


def test_wrong_passwords_when_changing_count_as_failures(db: Database) -> None:
    first, second = auth.setup_group(db, GROUP, two_members())
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(UserError, match="原口令不正确"):
            auth.set_password(db, first, "guess-guess", "brand-new-1")
    with pytest.raises(UserError, match="秒后再试"):
        auth.set_password(db, first, "jianguo-2026", "brand-new-1")
    assert [s for _w, _r, s in logins(db)] == ["修改口令失败（原口令不正确）"] * auth.FREE_FAILURES
    auth.login(db, second, "xiuying#88")
    with pytest.raises(UserError, match="您的口令不正确"):
        auth.reset_password(db, first, "brand-new-1", actor_password="guess-guess")
    assert logins(db)[-1] == (second, second, "为他人设置口令失败（本人口令不正确）")


def test_the_logins_plain_sql_agrees_with_the_orm_rule(db: Database) -> None:
    """The login asks ``members`` on a plain connection (before the ORM loads); setting up asks
    inside its unit of work (``auth._needs_setup``): the same answer whatever state the members
    are in, and the list the login offers is the ORM's ``auth.login_members``."""
    from wsjc_desktop.services import members

    def orm_needs_setup() -> bool:
        with db.read() as uow:
            return auth._needs_setup(uow.session)

    def agree() -> bool:
        assert members.needs_setup(db) == orm_needs_setup()
        return members.needs_setup(db)

    assert agree()  # nobody yet
    plain = member(db, "没有口令")
    assert agree()
    with db.uow() as uow:  # a password kept by someone no longer active, or in the recycle bin
        uow.session.execute(
            update(m.Member).where(m.Member.id == plain).values(password_hash="x", is_active=False)
        )
        uow.commit()
    assert agree()
    with db.uow() as uow:
        uow.session.execute(
            update(m.Member).where(m.Member.id == plain).values(is_active=True, deleted_at=m.now())
        )
        uow.commit()
    assert agree()
    with db.uow() as uow:
        uow.session.execute(update(m.Member).where(m.Member.id == plain).values(password_hash=""))
        uow.commit()
    assert agree()

    ids = auth.setup_group(
        db, "测试组", [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", None, "xiuying-1")]
    )
    assert not agree()
    listed = members.login_members(db)
    assert [(i.id, i.name, i.display) for i in listed] == [
        (ids[0], "王建国", "王建国（组长）"),
        (ids[1], "李秀英", "李秀英"),
    ]
    assert auth.login_members(db) == [(i.id, i.name, i.title) for i in listed]
    assert members.group_name(db) == "测试组" == settings.get(db, "group.name")


def test_the_group_name_defaults_like_the_setting(db: Database) -> None:
    from wsjc_desktop.services import members

    assert members.group_name(db) == settings.get(db, "group.name") == members.DEFAULT_GROUP_NAME
