"""The exchange package's container: written and read back whole; without the passphrase it shows
nothing but its header; every changed, cut or lengthened byte, a body under another package's
header, a wrong passphrase, another group, a file that is no package, a newer format and a hostile
header are refused with a Chinese message that names the file; writing leaves the whole package or
nothing. Real files throughout."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import sqlite3
import stat
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange.container import (
    FORMAT,
    MAGIC,
    MAX_HEADER_BYTES,
    MAX_PACKAGE_BYTES,
    MIN_SCRYPT_N,
    PAGE_SIZE,
    Header,
    PackageError,
    new_header,
    open_package,
    read_header,
    write_package,
)
from wsjc_desktop.storage import cipher

GROUP = "6f1c2a8e-3b7d-4c59-9e21-0a4b5c6d7e8f"
SENDER = "0d9e8f7a-6b5c-4d3e-8f21-9a8b7c6d5e4f"
PASSPHRASE = "本组交换口令-2024-abc"
PREFIX = len(MAGIC) + 4  # the magic and the header's length

ASCII_MARKER = "MARKER-plaintext-7f3a9c"
CHINESE_MARKER = "机密问题线索甲乙丙丁"
TABLE_MARKER = "secret_clue_table"
ROWS = 1000

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def header(**changes: Any) -> Header:
    """A new header with the cheapest scrypt the reader accepts (the tests derive many keys)."""
    return dataclasses.replace(new_header(GROUP, SENDER, "王明的电脑"), **{"n": MIN_SCRYPT_N, **changes})


def rows() -> list[tuple[Any, ...]]:
    """Rows with Chinese text, the markers, blobs, reals and NULLs; the same every call."""
    out = []
    for i in range(ROWS):
        text = (
            f"{CHINESE_MARKER}{i}：关于某单位干部的问题线索，第{i}条。"
            if i % 3 == 0
            else f"{ASCII_MARKER}-{i}"
        )
        blob = hashlib.sha256(str(i).encode()).digest() * (1 + i % 7)
        out.append((i, text, blob, i / 7, None if i % 5 else "备注"))
    return out


def fill_rows(conn: Any) -> None:
    conn.execute(
        f"CREATE TABLE {TABLE_MARKER} (id INTEGER PRIMARY KEY, text TEXT, data BLOB, x REAL, note TEXT)"
    )
    conn.executemany(f"INSERT INTO {TABLE_MARKER} VALUES (?, ?, ?, ?, ?)", rows())


def write(path: Path, head: Header | None = None, fill: Callable[[Any], None] = fill_rows) -> Header:
    head = head or header()
    write_package(path, head, PASSPHRASE, fill)
    return head


def layout(data: bytes) -> tuple[int, int]:
    """(where the header starts, where the body starts)."""
    (length,) = struct.unpack(">I", data[len(MAGIC) : PREFIX])
    return PREFIX, PREFIX + length


def header_json(data: bytes) -> dict[str, Any]:
    start, body = layout(data)
    fields: dict[str, Any] = json.loads(data[start:body])
    return fields


def with_header(data: bytes, fields: dict[str, Any]) -> bytes:
    """The package's body under a header of ``fields`` (written canonical, as the writer does)."""
    raw = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + struct.pack(">I", len(raw)) + raw + data[layout(data)[1] :]


def refused(
    path: Path, tmp_path: Path, passphrase: str = PASSPHRASE, expected_group: str | None = GROUP
) -> PackageError:
    """The ``PackageError`` opening ``path`` raises, checked to be Chinese, to name the file, and to
    leave no temporary copy behind."""
    temp = tmp_path / "temp-copies"
    temp.mkdir(exist_ok=True)
    with (
        pytest.raises(PackageError) as caught,
        open_package(path, passphrase, expected_group=expected_group, temp_dir=temp),
    ):
        pytest.fail("opened")
    message = str(caught.value)
    assert CHINESE.search(message), message
    assert f"“{path.name}”" in message, message
    assert "Traceback" not in message
    assert list(temp.iterdir()) == []
    return caught.value


def is_refused_header(path: Path) -> PackageError:
    with pytest.raises(PackageError) as caught:
        read_header(path)
    assert CHINESE.search(str(caught.value)) and f"“{path.name}”" in str(caught.value)
    return caught.value


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Header]:
    """One package's bytes (to be copied and damaged) and its header."""
    path = tmp_path_factory.mktemp("package") / "王明-2024.wsjcx"
    head = write(path)
    return path.read_bytes(), head


def saved(tmp_path: Path, data: bytes, name: str = "交换包.wsjcx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- a package read back ----------------------------------------------------------------------


def test_a_package_reads_back_its_rows_and_header(tmp_path: Path) -> None:
    path = tmp_path / "out" / "王明-2024.wsjcx"
    path.parent.mkdir()
    head = write(path)
    assert read_header(path) == head
    temp = tmp_path / "temp"
    temp.mkdir()
    with open_package(path, PASSPHRASE, expected_group=GROUP, temp_dir=temp) as (got, conn):
        assert got == head
        assert conn.execute(f"SELECT * FROM {TABLE_MARKER} ORDER BY id").fetchall() == rows()
        [copy] = temp.iterdir()  # the one temporary copy, private
        if os.name == "posix":
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # nothing beside the package


def test_the_header_says_who_sent_it_and_when(tmp_path: Path) -> None:
    head = new_header(GROUP.upper(), uuid.UUID(SENDER).hex, "  王明的电脑\u202e\n")
    assert (head.format, head.group_id, head.sender_id, head.sender_name) == (
        FORMAT,
        GROUP,
        SENDER,
        "王明的电脑",
    )
    assert (head.kdf, head.n, head.r, head.p, len(bytes.fromhex(head.salt))) == (
        "scrypt-hmac",
        1 << 15,
        8,
        1,
        32,
    )
    other = new_header(GROUP, SENDER, "x").salt
    assert other[32:] != head.salt[32:]  # a fresh package salt each time
    assert other[:32] == head.salt[:32]  # under the one master salt of this run
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", head.created)
    path = tmp_path / "default.wsjcx"
    write_package(path, head, PASSPHRASE, fill_rows)  # the default (dearer) scrypt too
    assert read_header(path) == head
    with open_package(path, PASSPHRASE, expected_group=None) as (got, conn):
        assert got == head
        assert conn.execute(f"SELECT count(*) FROM {TABLE_MARKER}").fetchone() == (ROWS,)


def test_the_connection_only_reads(tmp_path: Path) -> None:
    path = tmp_path / "p.wsjcx"
    write(path)
    before = path.read_bytes()
    with open_package(path, PASSPHRASE, expected_group=GROUP) as (_, conn):
        assert conn.execute("PRAGMA query_only").fetchone() == (1,)
        with pytest.raises(cipher.driver().OperationalError):
            conn.execute(f"DELETE FROM {TABLE_MARKER}")
    assert path.read_bytes() == before


def test_a_rollback_inside_fill_works(tmp_path: Path) -> None:
    def fill(conn: Any) -> None:
        fill_rows(conn)
        conn.execute("SAVEPOINT extra")
        conn.execute(f"DELETE FROM {TABLE_MARKER}")
        conn.execute("ROLLBACK TO extra")
        conn.execute("RELEASE extra")

    path = tmp_path / "p.wsjcx"
    write(path, fill=fill)
    with open_package(path, PASSPHRASE, expected_group=GROUP) as (_, conn):
        assert conn.execute(f"SELECT count(*) FROM {TABLE_MARKER}").fetchone() == (ROWS,)


def test_without_the_passphrase_only_the_header_shows(package: tuple[bytes, Header]) -> None:
    data, head = package
    for marker in (ASCII_MARKER, CHINESE_MARKER, TABLE_MARKER, "备注", "问题线索", "CREATE TABLE"):
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert marker.encode(encoding) not in data, (marker, encoding)
    assert b"SQLite format 3" not in data
    _start, body = layout(data)
    fields = header_json(data)
    assert set(fields) == {f.name for f in dataclasses.fields(Header)} | {"check"}
    assert {k: v for k, v in fields.items() if k != "check"} == dataclasses.asdict(head)
    assert head.sender_name.encode() in data[:body]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_package_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "p.wsjcx"
        write(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_new_package_replaces_an_old_one_of_that_name(tmp_path: Path) -> None:
    path = tmp_path / "p.wsjcx"
    write(path)
    second = write(path, header(sender_name="李华的电脑"))
    assert read_header(path) == second
    assert [p.name for p in tmp_path.iterdir()] == ["p.wsjcx"]


# --- writing: all or nothing ------------------------------------------------------------------


class Halfway(Exception):
    pass


def test_a_fill_that_fails_leaves_no_package_and_no_partial(tmp_path: Path) -> None:
    def fill(conn: Any) -> None:
        fill_rows(conn)
        conn.commit()
        raise Halfway

    folder = tmp_path / "stick"
    folder.mkdir()
    with pytest.raises(Halfway):
        write_package(folder / "p.wsjcx", header(), PASSPHRASE, fill)
    assert list(folder.iterdir()) == []


def test_a_fill_that_fails_leaves_the_old_package_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "p.wsjcx"
    write(path)
    before = path.read_bytes()

    def fill(conn: Any) -> None:
        raise Halfway

    with pytest.raises(Halfway):
        write_package(path, header(), PASSPHRASE, fill)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.wsjcx"]


def test_a_fill_must_leave_container_meta_alone(tmp_path: Path) -> None:
    def fill(conn: Any) -> None:
        conn.execute("UPDATE container_meta SET value = 'x'")

    with pytest.raises(RuntimeError):
        write_package(tmp_path / "p.wsjcx", header(), PASSPHRASE, fill)
    assert list(tmp_path.iterdir()) == []


KILLED_WRITER = """
import sys, time
from pathlib import Path
from wsjc_desktop.exchange.container import new_header, write_package

def fill(conn):
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.executemany("INSERT INTO t VALUES (?)", [(bytes(1000),)] * 2000)
    conn.commit()
    print("filling", flush=True)
    time.sleep(120)

write_package(Path(sys.argv[1]), new_header(sys.argv[2], sys.argv[3], "pc"), "passphrase-123", fill)
"""


@pytest.mark.skipif(os.name != "posix", reason="kills a process with SIGKILL")
def test_a_killed_writer_leaves_no_package(tmp_path: Path) -> None:
    path = tmp_path / "p.wsjcx"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path), GROUP, SENDER], cwd=root, stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"filling\n"
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()
    assert not path.exists()
    left = [p.name for p in tmp_path.iterdir()]
    assert left and all(re.fullmatch(r"\.p\.wsjcx\.[0-9a-f]+\.partial", n) for n in left), left


def test_a_weak_passphrase_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="口令至少需要"):
        write_package(tmp_path / "p.wsjcx", header(), "short", fill_rows)
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_header_is_a_bug(tmp_path: Path) -> None:
    for bad in (header(group_id="not-a-uuid"), header(n=1 << 30), header(sender_name=""), header(salt="00")):
        with pytest.raises(ValueError):
            write_package(tmp_path / "p.wsjcx", bad, PASSPHRASE, fill_rows)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="文件夹不存在"):
        write_package(tmp_path / "gone" / "p.wsjcx", header(), PASSPHRASE, fill_rows)


# --- the passphrase and the group -------------------------------------------------------------


def test_a_wrong_passphrase_is_refused_as_such(package: tuple[bytes, Header], tmp_path: Path) -> None:
    path = saved(tmp_path, package[0])
    for wrong in ("本组交换口令-2024-abd", PASSPHRASE.upper(), PASSPHRASE + " ", "x" * 300):
        error = refused(path, tmp_path, passphrase=wrong)
        assert error.reason == "passphrase" and error.field == "passphrase"
        assert "交换口令不正确" in str(error)
    error = refused(path, tmp_path, passphrase="")
    assert error.reason == "passphrase" and "请输入" in str(error)


def test_another_group_is_refused_before_the_passphrase(
    package: tuple[bytes, Header], tmp_path: Path
) -> None:
    path = saved(tmp_path, package[0])
    other = str(uuid.uuid4())
    for passphrase in (PASSPHRASE, "", "wrong passphrase"):
        started = time.perf_counter()
        error = refused(path, tmp_path, passphrase=passphrase, expected_group=other)
        assert time.perf_counter() - started < 2  # no key was derived
        assert error.reason == "other_group" and "来自其他监督组" in str(error)
        assert GROUP not in str(error) and other not in str(error)
    with open_package(path, PASSPHRASE, expected_group=GROUP.upper()) as (head, _):  # any spelling of the id
        assert head.group_id == GROUP


# --- damaged, cut and lengthened files --------------------------------------------------------


def flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def replace_in_header(data: bytes, old: bytes, new: bytes) -> bytes:
    """A change inside the header that keeps it valid JSON of the same length."""
    assert len(old) == len(new)
    start, body = layout(data)
    assert data[start:body].count(old) == 1, old
    return data[:start] + data[start:body].replace(old, new) + data[body:]


def retype_hex(value: str) -> str:
    return ("1" if value[0] != "1" else "2") + value[1:]


# Each case: how the bytes are changed, and the reasons the refusal may give.
TAMPERING: dict[str, tuple[Callable[[bytes], bytes], set[str]]] = {
    "magic first byte": (lambda d: flip(d, 0), {"not_package"}),
    "magic X": (lambda d: flip(d, 4), {"not_package"}),
    "magic version": (lambda d: flip(d, 6), {"not_package", "newer"}),
    "magic newline": (lambda d: flip(d, 7), {"not_package"}),
    "length high byte": (lambda d: flip(d, 8), {"damaged"}),
    "length second byte": (lambda d: flip(d, 9), {"damaged", "truncated"}),
    "length low byte": (lambda d: flip(d, 11), {"damaged"}),
    "header opening brace": (lambda d: flip(d, PREFIX), {"damaged"}),
    "header last byte": (lambda d: flip(d, layout(d)[1] - 1), {"damaged"}),
    "header middle byte": (lambda d: flip(d, sum(layout(d)) // 2), {"damaged", "passphrase", "other_group"}),
    "group id": (
        lambda d: replace_in_header(d, GROUP.encode(), retype_hex(GROUP).encode()),
        {"other_group"},
    ),
    "sender name": (lambda d: replace_in_header(d, "王明".encode(), "李明".encode()), {"damaged"}),
    "sender id": (lambda d: replace_in_header(d, SENDER.encode(), retype_hex(SENDER).encode()), {"damaged"}),
    "created": (lambda d: replace_in_header(d, b'"created":"2', b'"created":"1'), {"damaged"}),
    "salt": (
        lambda d: replace_in_header(
            d, header_json(d)["salt"].encode(), retype_hex(header_json(d)["salt"]).encode()
        ),
        {"passphrase"},
    ),
    "check": (
        lambda d: replace_in_header(
            d, header_json(d)["check"].encode(), retype_hex(header_json(d)["check"]).encode()
        ),
        {"passphrase"},
    ),
    "scrypt n": (lambda d: replace_in_header(d, b'"n":16384', b'"n":32768'), {"passphrase"}),
    "format": (lambda d: replace_in_header(d, b'"format":1', b'"format":0'), {"damaged"}),
    "body first byte": (lambda d: flip(d, layout(d)[1]), {"damaged"}),
    "body byte 20": (lambda d: flip(d, layout(d)[1] + 20), {"damaged"}),
    "body first page middle": (lambda d: flip(d, layout(d)[1] + PAGE_SIZE // 2), {"damaged"}),
    "body first page HMAC": (lambda d: flip(d, layout(d)[1] + PAGE_SIZE - 1), {"damaged"}),
    "body second page": (lambda d: flip(d, layout(d)[1] + PAGE_SIZE + 7), {"damaged"}),
    "body middle page": (lambda d: flip(d, (layout(d)[1] + len(d)) // 2), {"damaged"}),
    "body last page start": (lambda d: flip(d, len(d) - PAGE_SIZE), {"damaged"}),
    "last byte": (lambda d: flip(d, len(d) - 1), {"damaged"}),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_a_changed_byte_is_refused(package: tuple[bytes, Header], tmp_path: Path, case: str) -> None:
    change, reasons = TAMPERING[case]
    changed = change(package[0])
    assert changed != package[0] and len(changed) == len(package[0])
    error = refused(saved(tmp_path, changed), tmp_path)
    assert error.reason in reasons, (error.reason, str(error))


def test_a_changed_group_is_found_even_when_no_group_is_expected(
    package: tuple[bytes, Header], tmp_path: Path
) -> None:
    changed = replace_in_header(package[0], GROUP.encode(), retype_hex(GROUP).encode())
    assert refused(saved(tmp_path, changed), tmp_path, expected_group=None).reason == "damaged"


def test_every_byte_of_the_header_is_covered(package: tuple[bytes, Header], tmp_path: Path) -> None:
    """Every byte of the magic, the length and the header, each flipped in turn, is refused."""
    data = package[0]
    _start, body = layout(data)
    for at in range(body):
        path = saved(tmp_path, flip(data, at), f"flip-{at}.wsjcx")
        with pytest.raises(PackageError) as caught, open_package(path, PASSPHRASE, expected_group=None):
            pytest.fail(f"opened with byte {at} changed")
        assert f"“{path.name}”" in str(caught.value)
        path.unlink()


def cut_points(data: bytes) -> dict[str, int]:
    start, body = layout(data)
    pages = (len(data) - body) // PAGE_SIZE
    return {
        "inside the magic": 5,
        "after the magic": len(MAGIC),
        "inside the length": len(MAGIC) + 2,
        "before the header": start,
        "inside the header": (start + body) // 2,
        "before the body": body,
        "inside the first page": body + 100,
        "after the first page": body + PAGE_SIZE,
        "after two pages": body + 2 * PAGE_SIZE,
        "at the middle page": body + pages // 2 * PAGE_SIZE,
        "inside the middle page": body + pages // 2 * PAGE_SIZE + 1234,
        "before the last page": len(data) - PAGE_SIZE,
        "the last byte off": len(data) - 1,
    }


def test_a_cut_file_is_refused(package: tuple[bytes, Header], tmp_path: Path) -> None:
    data = package[0]
    assert (len(data) - layout(data)[1]) // PAGE_SIZE >= 8  # enough pages for the cuts to differ
    for where, at in cut_points(data).items():
        path = saved(tmp_path, data[:at], f"cut-{at}.wsjcx")
        error = refused(path, tmp_path)
        assert error.reason in {"truncated", "damaged"}, (where, error.reason)
        if at < layout(data)[1] + PAGE_SIZE:  # seen without the passphrase
            assert is_refused_header(path).reason in {"truncated", "damaged"}, where


def test_a_lengthened_file_is_refused(package: tuple[bytes, Header], tmp_path: Path) -> None:
    data = package[0]
    tails = {
        "one byte": b"\x00",
        "a zero page": bytes(PAGE_SIZE),
        "a random page": os.urandom(PAGE_SIZE),
        "its own last page again": data[-PAGE_SIZE:],
        "a whole package": data,
    }
    for what, tail in tails.items():
        error = refused(saved(tmp_path, data + tail, "long.wsjcx"), tmp_path)
        assert error.reason in {"truncated", "damaged"}, what


def test_a_body_under_another_packages_header_is_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.wsjcx", tmp_path / "b.wsjcx"
    write(a)
    write(b, header(sender_name="李华的电脑"))
    data_a, data_b = a.read_bytes(), b.read_bytes()
    for name, (head_of, body_of) in {"b-a.wsjcx": (data_b, data_a), "a-b.wsjcx": (data_a, data_b)}.items():
        swapped = head_of[: layout(head_of)[1]] + body_of[layout(body_of)[1] :]
        assert refused(saved(tmp_path, swapped, name), tmp_path).reason == "damaged"


def test_a_body_under_a_header_with_the_same_key_is_refused(tmp_path: Path) -> None:
    """Same salt, so the same key: only the header's digest kept in the body tells them apart."""
    a, b = tmp_path / "a.wsjcx", tmp_path / "b.wsjcx"
    head = write(a)
    write(b, dataclasses.replace(head, sender_name="李华的电脑"))
    data_a, data_b = a.read_bytes(), b.read_bytes()
    assert header_json(data_a)["check"] == header_json(data_b)["check"]
    swapped = data_b[: layout(data_b)[1]] + data_a[layout(data_a)[1] :]
    assert refused(saved(tmp_path, swapped, "swapped.wsjcx"), tmp_path).reason == "damaged"


def fill_with_free_pages(conn: Any) -> None:
    """The rows, then a table dropped after it was filled: the last pages are free, read by no query
    (nor by ``integrity_check``, which reads only the freelist's trunk)."""
    fill_rows(conn)
    conn.execute("CREATE TABLE gone (x BLOB)")
    conn.executemany("INSERT INTO gone VALUES (?)", [(os.urandom(3000),) for _ in range(60)])
    conn.commit()
    conn.execute("DROP TABLE gone")


def test_a_changed_free_page_is_found_by_cipher_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "p.wsjcx"
    head = write(path, fill=fill_with_free_pages)
    data = path.read_bytes()
    body = layout(data)[1]
    # the key as the format defines it, derived here independently of the module
    fields = header_json(data)
    salt = bytes.fromhex(head.salt)
    master = hashlib.scrypt(
        PASSPHRASE.encode(), salt=salt[:16], n=head.n, r=head.r, p=head.p, maxmem=1 << 27, dklen=32
    )
    derived = hmac.new(master, b"wsjcx package key\x00" + salt[16:], hashlib.sha512).digest()
    assert derived[32:48].hex() == fields["check"]
    key = f"x'{derived[:32].hex()}'"
    last_page = (len(data) - body) // PAGE_SIZE
    changed = flip(data, len(data) - PAGE_SIZE + 500)
    copy = tmp_path / "body.db"
    copy.write_bytes(changed[body:])
    conn = cipher.connect(copy, key, readonly=True, pragmas=("cipher_compatibility = 4",))
    try:
        assert int(conn.execute("PRAGMA freelist_count").fetchone()[0]) > 50
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]  # SQLite alone sees nothing
        assert conn.execute(f"SELECT * FROM {TABLE_MARKER} ORDER BY id").fetchall() == rows()
        found = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        assert found == [(f"HMAC verification failed for page {last_page}",)]
    finally:
        conn.close()
    assert refused(saved(tmp_path, changed, "free-page.wsjcx"), tmp_path).reason == "damaged"


# --- files that are no package, newer ones, hostile ones ----------------------------------------


def plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES ('线索')")
    conn.commit()
    conn.close()


def sqlcipher_file(path: Path) -> None:
    conn = cipher.connect(path, PASSPHRASE)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "单位"])  # type: ignore[union-attr]
    book.save(path)


NOT_PACKAGES: dict[str, Callable[[Path], None]] = {
    "empty": lambda p: p.write_bytes(b""),
    "random": lambda p: p.write_bytes(os.urandom(3 * PAGE_SIZE)),
    "text": lambda p: p.write_text("这不是交换包\n", encoding="utf-8"),
    "plain SQLite": plain_sqlite,
    "SQLCipher database": sqlcipher_file,
    "xlsx renamed": xlsx,
}


@pytest.mark.parametrize("kind", list(NOT_PACKAGES))
def test_a_file_that_is_no_package_is_refused(tmp_path: Path, kind: str) -> None:
    made = tmp_path / "made"
    NOT_PACKAGES[kind](made)
    path = made.rename(tmp_path / "来自王明.wsjcx")
    error = refused(path, tmp_path)
    assert error.reason == "not_package" and "不是交换包" in str(error)
    assert is_refused_header(path).reason == "not_package"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path / "gone.wsjcx", tmp_path)
    assert error.reason == "io"


UPGRADE = "由更新版本的程序生成，请升级程序后再导入"


def test_a_newer_format_asks_for_an_upgrade(package: tuple[bytes, Header], tmp_path: Path) -> None:
    data = package[0]
    newer_header = with_header(data, {**header_json(data), "format": FORMAT + 1, "new_field": [1, 2]})
    newer_layout = MAGIC[:6] + bytes([MAGIC[6] + 1]) + MAGIC[7:] + b"anything at all"
    for name, changed in {"header.wsjcx": newer_header, "layout.wsjcx": newer_layout}.items():
        path = saved(tmp_path, changed, name)
        error = refused(path, tmp_path)
        assert error.reason == "newer" and UPGRADE in str(error)
        assert is_refused_header(path).reason == "newer"


def test_the_header_is_checked_field_by_field(package: tuple[bytes, Header], tmp_path: Path) -> None:
    data = package[0]
    fields = header_json(data)
    bad: list[dict[str, Any]] = [
        {**fields, "extra": 1},
        {k: v for k, v in fields.items() if k != "created"},
        {**fields, "format": True},
        {**fields, "format": "1"},
        {**fields, "group_id": "not-a-uuid"},
        {**fields, "group_id": GROUP.upper()},
        {**fields, "sender_name": ""},
        {**fields, "sender_name": "x" * 101},
        {**fields, "sender_name": "王明\u202e"},
        {**fields, "created": "yesterday"},
        {**fields, "kdf": "argon2"},
        {**fields, "salt": "00" * 8},
        {**fields, "salt": fields["salt"].upper()},
        {**fields, "check": 5},
    ]
    for i, changed in enumerate(bad):
        path = saved(tmp_path, with_header(data, changed), f"bad-{i}.wsjcx")
        assert is_refused_header(path).reason == "damaged", changed
        assert refused(path, tmp_path).reason == "damaged", changed
    not_canonical = [
        json.dumps(fields, ensure_ascii=False, sort_keys=True).encode(),  # with spaces
        json.dumps(fields, sort_keys=True, separators=(",", ":")).encode(),  # \u escapes
        json.dumps(dict(reversed(fields.items())), ensure_ascii=False, separators=(",", ":")).encode(),
    ]
    for i, raw in enumerate(not_canonical):
        assert json.loads(raw) == fields
        changed_raw = MAGIC + struct.pack(">I", len(raw)) + raw + data[layout(data)[1] :]
        path = saved(tmp_path, changed_raw, f"not-canonical-{i}.wsjcx")
        assert is_refused_header(path).reason == "damaged", raw
    for i, raw in enumerate([b"[]", b"null", b'"x"', b"{", b"\xff\xfe", b'{"format":1,"format":1}', b"NaN"]):
        path = saved(tmp_path, MAGIC + struct.pack(">I", len(raw)) + raw + bytes(PAGE_SIZE), f"raw-{i}.wsjcx")
        assert is_refused_header(path).reason == "damaged", raw


HOSTILE_KDF: list[dict[str, Any]] = [
    {"n": 1 << 30},
    {"n": 1 << 21},
    {"n": 1 << 20, "r": 16},  # each within bounds, together 2 GiB
    {"n": 1 << 20, "r": 8},
    {"n": 1 << 16, "r": 8, "p": 4},  # 64 MiB, but eight times the defaults' work
    {"n": 1 << 15, "p": 1 << 20},
    {"r": 1 << 30},
    {"n": 1 << 13},
    {"n": 3 << 14},
    {"n": -(1 << 15)},
    {"r": 0},
    {"p": 0},
    {"n": 10**400},
    {"n": 32768.0},
    {"r": True},
]


@pytest.mark.parametrize("params", HOSTILE_KDF, ids=lambda p: json.dumps(p)[:40])
def test_hostile_key_parameters_are_refused_at_once(
    package: tuple[bytes, Header], tmp_path: Path, params: dict[str, Any]
) -> None:
    data = package[0]
    path = saved(tmp_path, with_header(data, {**header_json(data), **params}))
    assert is_refused_header(path).reason == "damaged"  # no passphrase, so no key was derived
    started = time.perf_counter()
    error = refused(path, tmp_path)
    assert time.perf_counter() - started < 2
    assert error.reason == "damaged"


def test_the_widest_key_parameters_accepted_still_work(package: tuple[bytes, Header], tmp_path: Path) -> None:
    """64 MiB of scrypt, the most a header may ask: hashlib's own ceiling must let it through."""
    path = tmp_path / "wide.wsjcx"
    write(path, header(n=1 << 16, r=8, p=2))
    with open_package(path, PASSPHRASE, expected_group=GROUP) as (head, _):
        assert (head.n, head.r, head.p) == (1 << 16, 8, 2)


def test_an_oversized_header_is_refused(package: tuple[bytes, Header], tmp_path: Path) -> None:
    data = package[0]
    huge_length = MAGIC + struct.pack(">I", MAX_HEADER_BYTES + 1) + data[PREFIX:]
    path = saved(tmp_path, huge_length, "length.wsjcx")
    assert refused(path, tmp_path).reason == "damaged"
    long_name = with_header(data, {**header_json(data), "sender_name": "王" * (MAX_HEADER_BYTES // 3)})
    path = saved(tmp_path, long_name, "long-name.wsjcx")
    assert refused(path, tmp_path).reason == "damaged"


def test_a_file_over_the_size_limit_is_refused_unread(package: tuple[bytes, Header], tmp_path: Path) -> None:
    path = tmp_path / "huge.wsjcx"
    with path.open("wb") as handle:
        handle.write(package[0][:PAGE_SIZE])
        try:
            handle.truncate(MAX_PACKAGE_BYTES + PAGE_SIZE)  # sparse: no disk space used
        except OSError:
            pytest.skip("no sparse files here")
    error = refused(path, tmp_path)
    assert error.reason == "too_large" and "2.0 GB" in str(error)
    assert is_refused_header(path).reason == "too_large"


@pytest.fixture
def package_path(package: tuple[bytes, Header], tmp_path: Path) -> Iterator[Path]:
    yield saved(tmp_path, package[0])


def test_nothing_but_the_temporary_copy_is_written(package_path: Path, tmp_path: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    temp = tmp_path / "temp"
    temp.mkdir()
    with open_package(package_path, PASSPHRASE, expected_group=GROUP, temp_dir=temp) as (_, conn):
        conn.execute(f"SELECT * FROM {TABLE_MARKER} ORDER BY text").fetchall()  # a sort, in memory
        assert len(list(temp.iterdir())) == 1
    assert list(temp.iterdir()) == []
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p != temp}
    assert after == before


def test_packages_of_the_first_kdf_are_still_read(tmp_path: Path) -> None:
    """kdf "scrypt" (a 16-byte salt, the key straight from scrypt): what the first version wrote."""
    head = dataclasses.replace(header(), kdf="scrypt", salt=os.urandom(16).hex())
    path = tmp_path / "first-kdf.wsjcx"
    write_package(path, head, PASSPHRASE, fill_rows)
    with open_package(path, PASSPHRASE, expected_group=GROUP) as (got, conn):
        assert got == head and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    with (
        pytest.raises(PackageError) as caught,
        open_package(path, "another passphrase", expected_group=GROUP),
    ):
        pass
    assert caught.value.reason == "passphrase"


def test_many_packages_cost_one_scrypt_per_passphrase(tmp_path: Path) -> None:
    from wsjc_desktop.exchange import container

    container.forget_keys()
    for n in range(3):
        write_package(tmp_path / f"{n}.wsjcx", header(), PASSPHRASE, fill_rows)
    assert len(container._MASTERS) == 1
    for n in range(3):
        with open_package(tmp_path / f"{n}.wsjcx", PASSPHRASE, expected_group=GROUP):
            pass
    assert len(container._MASTERS) == 1  # the reader met the same master salt: derived once
    with pytest.raises(PackageError), open_package(tmp_path / "0.wsjcx", "wrong", expected_group=GROUP):
        pass
    assert len(container._MASTERS) == 2  # a guess costs its own scrypt
    container.forget_keys()
    assert not container._MASTERS
