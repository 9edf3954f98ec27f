"""The exchange engine on real files: conflicts settled by the user, this PC's own settings,
the exchange folder, edits against deletes, a restored file, packages a new PC cannot use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.builders import agency_code, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange import container, engine
from wsjc_desktop.exchange.replica import canonical_dump
from wsjc_desktop.services import auth, backup, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage.database import Database, open_database

KEY = "group exchange 1"


def rows(db: Database, sql: str, *args: Any) -> list[Any]:
    with db.read() as uow:
        return list(uow.session.connection().connection.driver_connection.execute(sql, args).fetchall())


def dump(db: Database) -> dict[str, Any]:
    with db.read() as uow:
        return canonical_dump(uow.session.connection().connection.driver_connection)


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    a = open_database(tmp_path / "a.db")
    auth.setup_group(a, "区纪委监委驻区财政局纪检监察组", [NewMember("王建国", "组长", "jianguo-1")])
    agency_code(a)
    unit_id = unit(a, "区财政局")
    cadre = records.create(a, "cadres", {"name": "张三", "unit_id": unit_id, "position": "科员"})
    records.create(a, "family_members", {"cadre_id": cadre, "relation": "配偶", "name": "李丽"})
    engine.check_passphrase(a, KEY, set_if_missing=True)
    engine.export_package(a, tmp_path / "first.wsjcx", KEY)
    b = open_database(tmp_path / "b.db")
    engine.import_package(b, tmp_path / "first.wsjcx", KEY)
    yield a, b, tmp_path
    a.dispose()
    b.dispose()


def exchange(src: Database, dst: Database, folder: Path, name: str) -> engine.ImportResult:
    engine.export_package(src, folder / name, KEY)
    return engine.import_package(dst, folder / name, KEY)


def cadre_id(db: Database, name: str = "张三") -> int:
    return int(rows(db, "SELECT id FROM cadres WHERE name = ?", name)[0][0])


def test_a_conflict_is_listed_and_the_users_choice_reaches_the_other_pc(pair: Any) -> None:
    a, b, folder = pair
    records.update(a, "cadres", cadre_id(a), {"position": "科长"})
    records.update(b, "cadres", cadre_id(b), {"position": "副科长"})
    exchange(a, b, folder, "a1.wsjcx")
    exchange(b, a, folder, "b1.wsjcx")
    assert dump(a) == dump(b)
    (conflict,) = engine.open_conflicts(b)
    assert conflict["col"] == "position" and conflict["kind"] == "field"
    kept = rows(b, "SELECT position FROM cadres WHERE name = '张三'")[0][0]
    other = "科长" if kept == "副科长" else "副科长"
    choice = "local" if other == "副科长" else "remote"  # on b, 副科长 was b's own value
    engine.resolve_conflict(b, int(conflict["id"]), choice)
    assert rows(b, "SELECT position FROM cadres WHERE name = '张三'")[0][0] == other
    assert engine.open_conflicts(b) == []
    with pytest.raises(UserError, match="已处理"):
        engine.resolve_conflict(b, int(conflict["id"]), "keep")
    exchange(b, a, folder, "b2.wsjcx")
    assert rows(a, "SELECT position FROM cadres WHERE name = '张三'")[0][0] == other
    assert dump(a) == dump(b)


def test_an_edit_beats_a_delete_and_what_went_to_the_bin_with_it_comes_back(pair: Any) -> None:
    a, b, folder = pair
    records.delete(a, "cadres", cadre_id(a))  # with the spouse, to the recycle bin
    records.update(b, "cadres", cadre_id(b), {"position": "科长"})
    got = exchange(a, b, folder, "a1.wsjcx")
    assert any("修改优先" in n for n in got.notes)
    exchange(b, a, folder, "b1.wsjcx")
    for db in (a, b):
        assert rows(db, "SELECT deleted_at, position FROM cadres WHERE name = '张三'") == [(None, "科长")]
        assert rows(db, "SELECT deleted_at FROM family_members") == [(None,)]
    assert dump(a) == dump(b)


def test_an_edit_beats_a_deletion_for_good(pair: Any) -> None:
    a, b, folder = pair
    spouse = int(rows(a, "SELECT id FROM family_members")[0][0])
    records.delete(a, "family_members", spouse)
    records.purge(a, "family_members", spouse)
    spouse_b = int(rows(b, "SELECT id FROM family_members")[0][0])
    records.update(b, "family_members", spouse_b, {"name": "李丽华"})
    exchange(a, b, folder, "a1.wsjcx")
    exchange(b, a, folder, "b1.wsjcx")
    for db in (a, b):
        assert [r[0] for r in rows(db, "SELECT name FROM family_members")] == ["李丽华"]
    assert dump(a) == dump(b)
    # and a plain deletion for good reaches the other PC
    records.delete(a, "family_members", int(rows(a, "SELECT id FROM family_members")[0][0]))
    records.purge(a, "family_members", int(rows(a, "SELECT id FROM family_members")[0][0]))
    got = exchange(a, b, folder, "a2.wsjcx")
    assert got.deleted == 1 and rows(b, "SELECT count(*) FROM family_members") == [(0,)]


def test_this_pcs_settings_stay_on_this_pc(pair: Any) -> None:
    a, b, folder = pair
    engine.set_local(a, name="王明的电脑", folder=str(folder), passphrase=KEY)
    assert engine.local_settings(a) == engine.LocalSettings("王明的电脑", str(folder), True)
    assert engine.kept_passphrase(a) == KEY
    with pytest.raises(UserError, match="交换口令"):
        engine.set_local(a, passphrase="another passphrase")
    records.create(a, "units", {"full_name": "区审计局", "unit_type": "agency"})
    exchange(a, b, folder, "a1.wsjcx")
    assert engine.local_settings(b).folder is None and engine.kept_passphrase(b) is None
    assert [p.name for p in engine.status(b).peers] == ["王明的电脑"]
    engine.set_local(a, forget_passphrase=True)
    assert engine.kept_passphrase(a) is None


def test_the_exchange_folder_takes_theirs_and_leaves_ours(pair: Any) -> None:
    a, b, folder = pair
    stick = folder / "stick"
    stick.mkdir()
    records.create(a, "units", {"full_name": "区审计局", "unit_type": "agency"})
    first = engine.sync_folder(a, stick, KEY)
    assert first.exported is not None and first.imported == []
    records.create(b, "units", {"full_name": "区统计局", "unit_type": "agency"})
    second = engine.sync_folder(b, stick, KEY)
    assert [r.inserted > 0 for _p, r in second.imported] == [True]
    third = engine.sync_folder(a, stick, KEY)
    assert len(third.imported) == 1
    assert dump(a) == dump(b)
    (stick / "junk.wsjcx").write_bytes(b"not a package")
    fourth = engine.sync_folder(a, stick, KEY)
    assert [p.name for p, _why in fourth.refused] == ["junk.wsjcx"]
    with pytest.raises(UserError, match="交换文件夹"):
        engine.sync_folder(a, folder / "gone", KEY)


def test_a_restored_file_becomes_a_new_replica_and_gets_back_what_it_lost(pair: Any) -> None:
    a, b, folder = pair
    made = backup.create_backup(b, folder / "backups")
    before = engine.status(b).replica_id
    records.create(a, "units", {"full_name": "区审计局", "unit_type": "agency"})
    exchange(a, b, folder, "a1.wsjcx")  # b has the new unit, then goes back to its backup
    b.dispose()
    backup.restore(made.path, folder / "b.db")
    b2 = open_database(folder / "b.db")
    try:
        assert engine.status(b2).replica_id != before
        assert rows(b2, "SELECT count(*) FROM units WHERE full_name = '区审计局'") == [(0,)]
        records.create(b2, "units", {"full_name": "区统计局", "unit_type": "agency"})
        exchange(b2, a, folder, "b1.wsjcx")  # a now knows what b2 has seen
        exchange(a, b2, folder, "a2.wsjcx")
        assert dump(a) == dump(b2)
        assert rows(b2, "SELECT count(*) FROM units WHERE full_name IN ('区审计局', '区统计局')") == [(2,)]
    finally:
        b2.dispose()


def test_a_new_pc_needs_a_full_package(pair: Any) -> None:
    a, b, folder = pair
    exchange(b, a, folder, "b1.wsjcx")  # a hears of b: its next package leaves out what b has
    records.create(a, "units", {"full_name": "区审计局", "unit_type": "agency"})
    assert not engine.export_package(a, folder / "delta.wsjcx", KEY).full
    fresh = open_database(folder / "c.db")
    try:
        with pytest.raises(UserError, match="完整交换包"):
            engine.import_package(fresh, folder / "delta.wsjcx", KEY)
        assert rows(fresh, "SELECT count(*) FROM units") == [(0,)]
    finally:
        fresh.dispose()


def test_a_package_without_the_expected_tables_is_refused_as_damaged(pair: Any) -> None:
    a, b, folder = pair
    with a.read() as uow:
        me = (
            uow.session.connection()
            .connection.driver_connection.execute("SELECT group_id, replica_id FROM sync_state")
            .fetchone()
        )
    header = container.new_header(str(me[0]), str(me[1]), "王明的电脑")
    container.write_package(folder / "odd.wsjcx", header, KEY, lambda c: c.execute("CREATE TABLE x (y)"))
    before = dump(b), rows(b, "SELECT * FROM sync_peers"), rows(b, "SELECT * FROM sync_state")
    with pytest.raises(container.PackageError, match="内容不完整或格式不对"):
        engine.import_package(b, folder / "odd.wsjcx", KEY)
    assert (dump(b), rows(b, "SELECT * FROM sync_peers"), rows(b, "SELECT * FROM sync_state")) == before


def test_attachments_members_with_their_passwords_and_the_groups_settings_travel(pair: Any) -> None:
    from wsjc_desktop.services import attachments, settings

    a, b, folder = pair
    scan = folder / "申报表.pdf"
    scan.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    attachments.add_attachment(a, cadre_id(a), scan)
    settings.set_many(a, {"notice.signatory": "王建国", "folders.export": "/home/wang/导出"})
    exchange(a, b, folder, "a1.wsjcx")
    (attachment_id,) = [int(r[0]) for r in rows(b, "SELECT id FROM attachments")]
    assert attachments.read_attachment(b, attachment_id) == ("申报表.pdf", scan.read_bytes())
    (member,) = [int(r[0]) for r in rows(b, "SELECT id FROM members")]
    assert auth.verify_password(b, member, "jianguo-1")  # the member logs in on the other PC
    assert settings.get(b, "notice.signatory") == "王建国"  # the group's settings travel
    assert settings.get(b, "folders.export") == ""  # this PC's folders do not


def test_an_older_package_after_a_newer_one_changes_nothing(pair: Any) -> None:
    a, b, folder = pair
    records.update(a, "cadres", cadre_id(a), {"position": "科长"})
    engine.export_package(a, folder / "older.wsjcx", KEY)
    records.update(a, "cadres", cadre_id(a), {"position": "副局长"})
    engine.export_package(a, folder / "newer.wsjcx", KEY)
    engine.import_package(b, folder / "newer.wsjcx", KEY)

    def state() -> Any:
        return dump(b), rows(b, "SELECT * FROM sync_peers"), rows(b, "SELECT count(*) FROM audit_entries")

    before = state()
    again = engine.import_package(b, folder / "older.wsjcx", KEY)
    assert (again.inserted, again.updated, again.deleted, again.conflicts) == (0, 0, 0, [])
    assert state() == before
    assert rows(b, "SELECT position FROM cadres WHERE name = '张三'") == [("副局长",)]


def test_a_new_passphrase_reaches_the_other_pc_with_the_first_package_it_opens(pair: Any) -> None:
    a, b, folder = pair
    new = "a new group passphrase"
    engine.set_local(a, passphrase=KEY)
    with pytest.raises(UserError, match="交换口令"):
        engine.change_passphrase(a, "not the passphrase", new)
    with pytest.raises(UserError, match="相同"):
        engine.change_passphrase(a, KEY, KEY)
    with pytest.raises(UserError):
        engine.change_passphrase(a, KEY, "short")
    engine.check_passphrase(a, KEY)  # refused changes changed nothing
    engine.change_passphrase(a, KEY, new)
    assert engine.kept_passphrase(a) == new  # kept on A: replaced
    with pytest.raises(UserError, match="交换口令"):
        engine.check_passphrase(a, KEY)
    engine.check_passphrase(a, new)
    assert rows(a, "SELECT summary FROM audit_entries ORDER BY id DESC LIMIT 1") == [("修改本组的交换口令",)]
    engine.export_package(a, folder / "new.wsjcx", new)
    records.update(b, "cadres", cadre_id(b), {"position": "科长"})
    engine.export_package(b, folder / "old.wsjcx", KEY)  # written before B learns the new one
    with pytest.raises(UserError, match="口令"):
        engine.import_package(b, folder / "new.wsjcx", KEY)  # B still has the old one
    engine.check_passphrase(b, KEY)
    engine.import_package(b, folder / "new.wsjcx", new)
    engine.check_passphrase(b, new)  # B learnt it from the package
    with pytest.raises(UserError, match="交换口令"):
        engine.check_passphrase(b, KEY)
    # a package written before the change keeps the passphrase it was written with
    with pytest.raises(UserError, match="口令"):
        engine.import_package(a, folder / "old.wsjcx", new)
    assert engine.import_package(a, folder / "old.wsjcx", KEY).updated == 1
    assert rows(a, "SELECT position FROM cadres") == [("科长",)]


def test_an_import_counts_by_kind_of_record_and_leaves_the_audit_entries_out_of_the_totals(
    pair: Any,
) -> None:
    a, b, folder = pair
    unit_id = int(rows(a, "SELECT id FROM units")[0][0])
    for name in ("王五", "赵六"):
        records.create(a, "cadres", {"name": name, "unit_id": unit_id, "position": "科员"})
    records.update(a, "cadres", cadre_id(a), {"position": "科长"})
    family = int(rows(a, "SELECT id FROM family_members")[0][0])
    records.delete(a, "family_members", family)
    records.purge(a, "family_members", family)
    result = exchange(a, b, folder, "a1.wsjcx")
    assert result.by_table["cadres"] == {"inserted": 2, "updated": 1, "deleted": 0}
    assert result.by_table["family_members"]["deleted"] == 1
    assert result.audit_entries == result.by_table["audit_entries"]["inserted"] >= 4  # one per write
    kinds = [t for t in result.by_table if t != "audit_entries"]
    for kind in ("inserted", "updated", "deleted"):
        assert getattr(result, kind) == sum(result.by_table[t][kind] for t in kinds)
    assert result.inserted == 2
