"""``wsjc-desktop exchange export|import|status`` (issue 16): two PCs in step without a server.

Real processes on real files. A is a demo database; B is made by the first import of A's
package into a file that does not exist yet (the second PC's first start). Each side then adds
its own people and changes one cadre's 职务 differently; packages go both ways, and both files
end up holding the same records (their canonical dumps, read-only, are equal), the conflict
listed with both values. Every refusal (a wrong passphrase, a changed or cut package, another
group's, one's own, not a package, a missing file, a bad ``--out``, a window holding the file)
is exit code 2 with a Chinese message, and the database file's bytes are as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import demo_file, digest, refused, run_cli, window_elsewhere
from tests.support.builders import unit
from wsjc_desktop.exchange import engine
from wsjc_desktop.exchange.replica import canonical_dump
from wsjc_desktop.services import records
from wsjc_desktop.storage import lock
from wsjc_desktop.storage.database import open_database

PASSPHRASE = "两台电脑 2026 exchange"
ENV = "WSJC_EXCHANGE_PASSPHRASE"
HOLDER = "王芳"


def run(*args: str | Path, passphrase: str | None = PASSPHRASE) -> subprocess.CompletedProcess[bytes]:
    """``wsjc-desktop exchange ARGS`` with the exchange passphrase (None: none given)."""
    return run_cli("exchange", *args, env={ENV: passphrase})


def ok(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, f"exit {result.returncode}\n{err[-2000:]}"
    assert "Traceback" not in err
    return result.stdout.decode("utf-8")


def as_json(result: subprocess.CompletedProcess[bytes]) -> Any:
    return json.loads(ok(result))


def ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def dump(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The file's records by uid (no local ids, no audit log), read without writing."""
    con = ro(path)
    try:
        return canonical_dump(con)
    finally:
        con.close()


def scalar(path: Path, sql: str, *params: Any) -> Any:
    con = ro(path)
    try:
        row = con.execute(sql, params).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


def cadre_id(path: Path, uid: str) -> int:
    return int(scalar(path, "SELECT id FROM cadres WHERE uid = ?", uid))


def edit(path: Path, change: Any) -> None:
    """``change(db)`` through the services, as the window would make it."""
    db = open_database(path)
    try:
        change(db)
    finally:
        db.dispose()


def roster(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text("姓名,单位,职务\n" + "".join(f"{n},{u},{p}\n" for n, u, p in rows), encoding="utf-8")
    return path


def flip_middle_byte(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    data[len(data) // 2] ^= 0x5A
    target.write_bytes(bytes(data))
    return target


# --- the files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (written once, checkpointed); each test works on a copy."""
    return demo_file(tmp_path_factory.mktemp("exchange-cli") / "demo.db")


@pytest.fixture
def a_file(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "A" / "wsjc.db"
    target.parent.mkdir()
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def b_path(tmp_path: Path) -> Path:
    """Where the second PC's database goes (it does not exist yet)."""
    folder = tmp_path / "B"
    folder.mkdir()
    return folder / "wsjc.db"


@pytest.fixture
def pair(a_file: Path, b_path: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A, B made from A's first package (by the command line), and that package."""
    first = tmp_path / "A-first.wsjcx"
    ok(run("export", "--db", a_file, "--out", first))
    ok(run("import", first, "--db", b_path))
    return a_file, b_path, first


# --- the issue's "Done when" --------------------------------------------------------------------


def test_two_pcs_stay_in_step_through_packages(a_file: Path, b_path: Path, tmp_path: Path) -> None:
    # the first package makes the second PC's database: a replica holding the same records
    first = tmp_path / "A-1.wsjcx"
    out = ok(run("export", "--db", a_file, "--out", first))
    assert "完整交换包" in out and "已设置本组的交换口令" in out
    assert not b_path.exists()
    made = run("import", first, "--db", b_path, "--json")
    report = as_json(made)
    assert "已新建数据库" in made.stderr.decode()
    assert report["inserted"] > 300 and report["conflicts"] == [] and report["unchanged"] is False
    assert dump(a_file) == dump(b_path)

    # each PC adds its own people, and both change one cadre's 职务 (B later than A)
    ok(run_cli("import-roster", roster(tmp_path / "a.csv", [("甲一", "区甲局", "局长")]), "--db", a_file))
    ok(
        run_cli(
            "import-roster",
            roster(tmp_path / "b.csv", [("乙一", "区乙局", "局长"), ("乙二", "区乙局", "科员")]),
            "--db",
            b_path,
        )
    )
    uid = str(scalar(a_file, "SELECT uid FROM cadres WHERE deleted_at IS NULL ORDER BY id LIMIT 1"))
    edit(a_file, lambda db: records.update(db, "cadres", cadre_id(a_file, uid), {"position": "甲方改的职务"}))
    edit(b_path, lambda db: records.update(db, "cadres", cadre_id(b_path, uid), {"position": "乙方改的职务"}))
    assert dump(a_file) != dump(b_path)

    # packages both ways, imported both ways
    from_a, from_b = tmp_path / "A-2.wsjcx", tmp_path / "B-1.wsjcx"
    ok(run("export", "--db", a_file, "--out", from_a))
    ok(run("export", "--db", b_path, "--out", from_b))
    into_a = as_json(run("import", from_b, "--db", a_file, "--json"))
    into_b = as_json(run("import", from_a, "--db", b_path, "--json"))
    assert into_a["inserted"] >= 3 and into_b["inserted"] >= 2  # the people, and their new unit
    assert into_a["gaps"] == [] and into_b["gaps"] == [] and into_a["notes"] == []

    # the rosters are equal, the later change kept on both sides for now
    assert dump(a_file) == dump(b_path)
    names = {str(row["name"]) for row in dump(a_file)["cadres"].values()}
    assert {"甲一", "乙一", "乙二"} <= names
    for path in (a_file, b_path):
        assert scalar(path, "SELECT position FROM cadres WHERE uid = ?", uid) == "乙方改的职务"

    # the conflict is listed on both sides with both values, kept for the window to decide
    for report, here, there, kept in (
        (into_a, "甲方改的职务", "乙方改的职务", "remote"),
        (into_b, "乙方改的职务", "甲方改的职务", "local"),
    ):
        (conflict,) = report["conflicts"]
        assert (conflict["kind"], conflict["table"], conflict["uid"], conflict["column"]) == (
            "field",
            "cadres",
            uid,
            "position",
        )
        assert (conflict["local_value"], conflict["remote_value"], conflict["kept"]) == (here, there, kept)
        assert conflict["column_label"] == "职务" and conflict["record"]
    for path in (a_file, b_path):
        status = as_json(run("status", "--db", path, "--json"))
        assert status["open_conflicts"] == 1
        assert {(c["column"], c["kept"]) for c in status["conflicts"]} <= {
            ("position", "remote"),
            ("position", "local"),
        }

    # a re-import is a no-op: nothing new, the file's bytes untouched, on both sides
    for package, path in ((from_b, a_file), (from_a, b_path)):
        before = digest(path)
        report = as_json(run("import", package, "--db", path, "--json"))
        assert report["unchanged"] is True
        assert (report["inserted"], report["updated"], report["deleted"], report["conflicts"]) == (
            0,
            0,
            0,
            [],
        )
        assert digest(path) == before

    # a changed package and a wrong passphrase are refused, the file's bytes untouched
    before = digest(a_file)
    tampered = flip_middle_byte(from_b, tmp_path / "B-1-changed.wsjcx")
    refused(run("import", tampered, "--db", a_file), "损坏", "改动")
    refused(run("import", from_b, "--db", a_file, passphrase="不是这个口令 123"), "口令不正确")
    assert digest(a_file) == before

    # both files pass the full check (integrity, schema, each one's audit hash chain)
    for path in (a_file, b_path):
        assert "检查结果：ok" in ok(run_cli("check", "--db", path))


def test_the_text_report_of_a_conflict(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a_file, b_path, _first = pair
    uid = str(scalar(a_file, "SELECT uid FROM cadres WHERE deleted_at IS NULL ORDER BY id LIMIT 1"))
    name = str(scalar(a_file, "SELECT name FROM cadres WHERE uid = ?", uid))
    edit(a_file, lambda db: records.update(db, "cadres", cadre_id(a_file, uid), {"position": "纪检组长"}))
    edit(b_path, lambda db: records.update(db, "cadres", cadre_id(b_path, uid), {"position": "副组长"}))
    package = tmp_path / "B.wsjcx"
    ok(run("export", "--db", b_path, "--out", package))
    out = ok(run("import", package, "--db", a_file))
    assert "冲突 1 处" in out
    assert f"监察对象“{name}”的职务两边都改了：本机为“纪检组长”，对方为“副组长”" in out
    assert "请在程序的窗口中" in out


def test_a_doc_number_issued_on_both_pcs_is_renumbered_and_shown(
    pair: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Both PCs issue a 廉情抄告单 offline: the same 文号. At the merge the later one gets the
    next free number on both sides, and each side is told (a "number" conflict)."""
    from wsjc_desktop.domain.enums import NoticeKind
    from wsjc_desktop.services import notices

    a_file, b_path, _first = pair
    issued: dict[Path, str] = {}

    def issue(path: Path) -> Any:
        def change(db: Any) -> None:
            unit_id = int(scalar(path, "SELECT min(id) FROM units WHERE deleted_at IS NULL"))
            draft = records.create(
                db,
                "alert_notices",
                {"kind": NoticeKind.COPY_NOTICE, "unit_id": unit_id, "title": "两边各发一份"},
            )
            issued[path] = notices.issue(db, draft)

        return change

    edit(a_file, issue(a_file))
    edit(b_path, issue(b_path))
    number = issued[a_file]
    assert issued[b_path] == number  # offline, each PC took the next number of its own file
    from_a, from_b = tmp_path / "a.wsjcx", tmp_path / "b.wsjcx"
    ok(run("export", "--db", a_file, "--out", from_a))
    ok(run("export", "--db", b_path, "--out", from_b))
    text = ok(run("import", from_b, "--db", a_file))
    into_b = as_json(run("import", from_a, "--db", b_path, "--json"))
    assert "文号冲突" in text and number in text
    (conflict,) = into_b["conflicts"]
    assert (conflict["kind"], conflict["table"], conflict["column"]) == (
        "number",
        "alert_notices",
        "doc_number",
    )
    assert conflict["local_value"] == number and conflict["remote_value"] != number
    assert conflict["kept"] == "local" and "本机后发出的一份已改为" in conflict["note"]  # B issued later
    renumbered = conflict["remote_value"]
    for path in (a_file, b_path):
        found = sorted(str(n) for n in numbers(path, "两边各发一份"))
        assert found == sorted([number, renumbered]), path
    assert dump(a_file) == dump(b_path)


def numbers(path: Path, title: str) -> list[str]:
    con = ro(path)
    try:
        return [
            str(r[0]) for r in con.execute("SELECT doc_number FROM alert_notices WHERE title = ?", (title,))
        ]
    finally:
        con.close()


# --- status, and the passphrase -----------------------------------------------------------------


def test_status_before_and_after_and_the_passphrase_set_by_the_first_export(
    a_file: Path, b_path: Path, tmp_path: Path
) -> None:
    before = as_json(run("status", "--db", a_file, "--json"))
    assert before["passphrase_set"] is False
    assert before["peers"] == [] and before["open_conflicts"] == 0 and before["conflicts"] == []
    assert before["unexported"] > 0  # the demo's records: no package has carried them yet
    assert before["name"] and before["replica_id"] != before["group_id"]
    assert "未设置" in ok(run("status", "--db", a_file))

    # a passphrase too short to set is refused, and nothing is set
    digest_before = digest(a_file)
    refused(run("export", "--db", a_file, "--out", tmp_path / "x.wsjcx", passphrase="short"), "至少")
    assert digest(a_file) == digest_before and not (tmp_path / "x.wsjcx").exists()
    # no passphrase at all (and no terminal to ask on)
    refused(run("export", "--db", a_file, "--out", tmp_path / "x.wsjcx", passphrase=None), ENV)
    assert digest(a_file) == digest_before and not (tmp_path / "x.wsjcx").exists()

    first = tmp_path / "1.wsjcx"
    report = as_json(run("export", "--db", a_file, "--out", first, "--json"))
    assert report["passphrase_set"] is True and report["full"] is True and report["rows"] > 300
    after = as_json(run("status", "--db", a_file, "--json"))
    assert after["passphrase_set"] is True and after["unexported"] == 0
    assert (after["replica_id"], after["group_id"]) == (before["replica_id"], before["group_id"])

    # a later export with another passphrase is refused: no package, the file as it was
    held = digest(a_file)
    refused(
        run("export", "--db", a_file, "--out", tmp_path / "2.wsjcx", passphrase="另一个口令 12345"),
        "交换口令",
    )
    assert digest(a_file) == held and not (tmp_path / "2.wsjcx").exists()
    # the right one is taken, and says nothing about setting it
    report = as_json(run("export", "--db", a_file, "--out", tmp_path / "2.wsjcx", "--json"))
    assert report["passphrase_set"] is False

    # B made from the package: same group, its own id, A heard from; the passphrase came along
    ok(run("import", first, "--db", b_path))
    b = as_json(run("status", "--db", b_path, "--json"))
    assert b["group_id"] == before["group_id"] and b["replica_id"] != before["replica_id"]
    assert [p["replica_id"] for p in b["peers"]] == [before["replica_id"]]
    assert b["peers"][0]["last_heard"] and b["passphrase_set"] is True
    assert b["open_conflicts"] == 0
    refused(
        run("export", "--db", b_path, "--out", tmp_path / "b.wsjcx", passphrase="另一个口令 12345"),
        "交换口令",
    )

    # a change on A counts as not exported until the next package; B's package makes A hear of B
    edit(a_file, lambda db: unit(db, "新成立的单位"))
    assert as_json(run("status", "--db", a_file, "--json"))["unexported"] >= 1
    from_b = tmp_path / "b.wsjcx"
    ok(run("export", "--db", b_path, "--out", from_b))
    ok(run("import", from_b, "--db", a_file))
    a = as_json(run("status", "--db", a_file, "--json"))
    assert [p["replica_id"] for p in a["peers"]] == [b["replica_id"]] and a["peers"][0]["last_heard"]
    ok(run("export", "--db", a_file, "--out", tmp_path / "3.wsjcx"))
    assert as_json(run("status", "--db", a_file, "--json"))["unexported"] == 0
    text = ok(run("status", "--db", a_file))
    assert "其他电脑" in text and b["replica_id"] in text and "尚未导出的修改：0 处" in text


def test_an_incremental_package_carries_only_the_news(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a_file, b_path, _first = pair
    from_b = tmp_path / "b.wsjcx"
    ok(run("export", "--db", b_path, "--out", from_b))  # B knows A: only what A has not seen
    ok(run("import", from_b, "--db", a_file))
    edit(a_file, lambda db: unit(db, "新成立的单位"))
    small = as_json(run("export", "--db", a_file, "--out", tmp_path / "a.wsjcx", "--json"))
    full = as_json(run("export", "--db", a_file, "--out", tmp_path / "a-full.wsjcx", "--full", "--json"))
    assert small["full"] is False and 1 <= small["rows"] < 20
    assert full["full"] is True and full["rows"] > 300
    # only the news cannot make a new PC's database: that takes a full package
    fresh = tmp_path / "C" / "wsjc.db"
    refused(run("import", tmp_path / "a.wsjcx", "--db", fresh), "完整交换包")
    assert not fresh.exists()
    ok(run("import", tmp_path / "a-full.wsjcx", "--db", fresh))
    report = as_json(run("import", tmp_path / "a.wsjcx", "--db", b_path, "--json"))
    assert report["inserted"] >= 1 and report["conflicts"] == []
    assert as_json(run("import", tmp_path / "a-full.wsjcx", "--db", b_path, "--json"))["unchanged"] is True
    assert dump(a_file) == dump(b_path) == dump(fresh)


def test_a_pc_gone_back_to_an_older_copy_is_told_and_made_whole_by_a_full_package(
    pair: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """B goes back to an older copy of its file (a backup restored) after telling A what it had:
    A's next package leaves out what A takes B to have. The import says so (``gaps``), and a
    full package from A makes B whole."""
    a_file, b_path, _first = pair
    older = tmp_path / "B-older.db"
    assert not Path(f"{b_path}-wal").exists()
    shutil.copyfile(b_path, older)
    edit(a_file, lambda db: unit(db, "后来成立的单位"))
    ok(run("export", "--db", a_file, "--out", tmp_path / "a1.wsjcx"))
    ok(run("import", tmp_path / "a1.wsjcx", "--db", b_path))
    ok(run("export", "--db", b_path, "--out", tmp_path / "b1.wsjcx"))
    ok(run("import", tmp_path / "b1.wsjcx", "--db", a_file))
    shutil.copyfile(older, b_path)  # B is back where it was
    edit(a_file, lambda db: unit(db, "再后来成立的单位"))
    ok(run("export", "--db", a_file, "--out", tmp_path / "a2.wsjcx"))
    a_id = as_json(run("status", "--db", a_file, "--json"))["replica_id"]
    report = as_json(run("import", tmp_path / "a2.wsjcx", "--db", b_path, "--json"))
    assert a_id in report["gaps"]
    units = {str(r["full_name"]) for r in dump(b_path)["units"].values()}
    assert "再后来成立的单位" in units and "后来成立的单位" not in units
    again = ok(run("import", tmp_path / "a2.wsjcx", "--db", b_path))  # still missing: said again
    assert "没有带来" in again and "exchange export --full" in again
    ok(run("export", "--db", a_file, "--out", tmp_path / "a3.wsjcx", "--full"))
    text = ok(run("import", tmp_path / "a3.wsjcx", "--db", b_path))
    assert "提示" not in text
    assert dump(a_file) == dump(b_path)


# --- refusals -----------------------------------------------------------------------------------


@pytest.fixture
def packages(pair: tuple[Path, Path, Path], tmp_path: Path) -> dict[str, Path]:
    """B's package (good), and the bad ones made from it or beside it."""
    _a, b_path, first = pair
    good = tmp_path / "pkgs" / "B.wsjcx"
    good.parent.mkdir()
    ok(run("export", "--db", b_path, "--out", good))
    data = good.read_bytes()
    (good.parent / "cut.wsjcx").write_bytes(data[: len(data) - 4096 - 100])
    (good.parent / "notes.wsjcx").write_text("这不是交换包，只是一段文字。\n" * 50, encoding="utf-8")
    other = tmp_path / "other" / "wsjc.db"
    other.parent.mkdir()
    edit(other, lambda db: unit(db, "别的监督组的单位"))
    ok(run("export", "--db", other, "--out", good.parent / "other-group.wsjcx"))
    (good.parent / "folder.wsjcx").mkdir()
    return {
        "tampered": flip_middle_byte(good, good.parent / "tampered.wsjcx"),
        "truncated": good.parent / "cut.wsjcx",
        "other group": good.parent / "other-group.wsjcx",
        "own package": first,  # A's own first package, back on A
        "not a package": good.parent / "notes.wsjcx",
        "a database": _a,
        "missing": good.parent / "没有这个文件.wsjcx",
        "a folder": good.parent / "folder.wsjcx",
        "good": good,
    }


IMPORT_REFUSALS = {
    "tampered": ("损坏", "改动"),
    "truncated": ("不完整", "损坏"),
    "other group": ("其他监督组",),
    "own package": ("本机自己导出",),
    "not a package": ("不是交换包",),
    "a database": ("不是交换包",),
    "missing": ("不存在",),
    "a folder": ("不是普通文件",),
}


def test_every_bad_package_is_refused_and_changes_nothing(
    pair: tuple[Path, Path, Path], packages: dict[str, Path]
) -> None:
    a_file = pair[0]
    before = digest(a_file)
    for case, words in IMPORT_REFUSALS.items():
        try:
            refused(run("import", packages[case], "--db", a_file), *words)
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from None
        assert digest(a_file) == before, case
    refused(run("import", packages["good"], "--db", a_file, passphrase="不是这个口令 123"), "口令不正确")
    refused(run("import", packages["good"], "--db", a_file, passphrase=None), ENV)
    assert digest(a_file) == before
    assert lock.read_lock(a_file) is None
    # and the good one is taken
    assert as_json(run("import", packages["good"], "--db", a_file, "--json"))["unchanged"] is False


def test_a_refused_package_makes_no_new_database(packages: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "new" / "wsjc.db"
    for case in ("tampered", "truncated", "not a package", "missing"):
        refused(run("import", packages[case], "--db", target))
    refused(run("import", packages["good"], "--db", target, passphrase="不是这个口令 123"), "口令不正确")
    assert not target.exists() and not target.parent.exists()
    # another group's package is fine for a new file: it becomes a replica of that group
    ok(run("import", packages["other group"], "--db", target))
    assert "别的监督组的单位" in {str(r["full_name"]) for r in dump(target)["units"].values()}


def test_a_bad_out_is_refused_before_anything_is_done(a_file: Path, tmp_path: Path) -> None:
    device = tmp_path / "null.wsjcx"
    device.symlink_to(os.devnull)  # a link to the device: nothing can be written into /dev
    folder = tmp_path / "folder.wsjcx"
    folder.mkdir()
    before = digest(a_file)
    cases = {
        "a folder": (folder, "文件夹"),
        "a device": (device, "不是普通文件"),
        "no such folder": (tmp_path / "没有" / "x.wsjcx", "不存在"),
        "not .wsjcx": (tmp_path / "x.db", ".wsjcx"),
    }
    for case, (out, word) in cases.items():
        try:
            refused(run("export", "--db", a_file, "--out", out), word)
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from None
    assert digest(a_file) == before
    assert Path(os.devnull).is_char_device() and device.is_symlink()
    assert list(folder.iterdir()) == [] and not (tmp_path / "没有").exists()
    assert as_json(run("status", "--db", a_file, "--json"))["passphrase_set"] is False  # nothing set


def test_a_missing_database_is_refused_by_export_and_status(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    refused(run("export", "--db", missing, "--out", tmp_path / "x.wsjcx"), "不存在")
    refused(run("status", "--db", missing), "不存在")
    assert not missing.exists() and not (tmp_path / "x.wsjcx").exists()


# --- a window holding the file ------------------------------------------------------------------


def window(path: Path) -> AbstractContextManager[None]:
    return window_elsewhere(path, HOLDER)


def test_import_and_export_are_refused_while_a_window_holds_the_file(
    pair: tuple[Path, Path, Path], packages: dict[str, Path], tmp_path: Path
) -> None:
    a_file = pair[0]
    with window(a_file):
        before = digest(a_file)
        imported = run("import", packages["good"], "--db", a_file)
        exported = run("export", "--db", a_file, "--out", tmp_path / "a.wsjcx")
        status = run("status", "--db", a_file, "--json")
        assert digest(a_file) == before
    for result in (imported, exported):
        message = refused(result, HOLDER)
        assert message.startswith(f"数据库正由 {HOLDER} 在 计算机 ") and "没有做任何修改" in message
    assert not (tmp_path / "a.wsjcx").exists()
    assert json.loads(ok(status))["peers"] == []  # status only reads: it works beside the window
    assert as_json(run("import", packages["good"], "--db", a_file, "--json"))["unchanged"] is False


def test_status_reads_through_the_engine(pair: tuple[Path, Path, Path]) -> None:
    """The command line's status is the engine's (the same ids and counts)."""
    a_file = pair[0]
    db = open_database(a_file, readonly=True)
    try:
        found = engine.status(db)
    finally:
        db.dispose()
    shown = as_json(run("status", "--db", a_file, "--json"))
    assert (shown["replica_id"], shown["group_id"], shown["unexported"]) == (
        found.replica_id,
        found.group_id,
        found.unexported,
    )
