"""The argument sweep (issue 15, point 7): mistyped or odd arguments get exit code 2 and a clear
Chinese message, never a traceback or 程序出错 (exit 1), and change nothing.

Every case runs the real command line in a fresh process. The cases the issue reports: a
23-digit record id in all five print kinds (OverflowError), ``--db`` naming ``/dev/null``, a
folder (reported as a full disk), a device or a pipe; ``encrypt`` on a read-only file; the
tracebacks printed after the full-disk message of ``export``; ``print holiday-reminder`` for a
holiday that does not exist (it numbered and issued a reminder for every unit); ``search
--limit 0``; ``stats`` on a damaged file (exit 0, no warning). Then argparse's own complaints,
which were English.

Nothing may be written into ``/dev``: the module checks it is as it was (``restore --db
/dev/null`` once replaced the device with a regular file). The commands that would write are
pointed at a symbolic link to the device, never at the device itself.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import count, demo_file, digest, refused, run_cli
from tests.support.shared import ROSTER_SAMPLE

BIG_ID = "12345678901234567890123"  # 23 digits: more than SQLite's 64-bit integers hold


def run(*args: str | Path, prelude: str | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli(*args, env=dict(env), prelude=prelude)


# --- the files ----------------------------------------------------------------------------------


def _dev_state() -> dict[str, tuple[int, int]]:
    """What ``/dev`` holds (name → file type and device number)."""
    found = {}
    for entry in os.scandir("/dev"):
        info = entry.stat(follow_symlinks=False)
        found[entry.name] = (stat.S_IFMT(info.st_mode), info.st_rdev)
    return found


@pytest.fixture(scope="module", autouse=True)
def dev_untouched() -> Iterator[None]:
    """No case may write into ``/dev`` (or turn a device into a file)."""
    if not Path("/dev/null").is_char_device():
        pytest.skip("no /dev/null device here")
    before = _dev_state()
    yield
    after = _dev_state()
    assert Path("/dev/null").is_char_device() and Path("/dev/zero").is_char_device()
    assert after == before, f"/dev changed: {sorted(set(after) ^ set(before))}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database with an 机关代字 and six units (written once, checkpointed)."""
    return demo_file(tmp_path_factory.mktemp("sweep") / "demo.db")


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wsjc.db"
    shutil.copyfile(demo, target)
    return target


# --- the sweep ----------------------------------------------------------------------------------

#: Every command, with ``{db}`` for the database path; ``{tmp}`` is the test's folder.
COMMANDS: dict[str, list[str]] = {
    "search": ["search", "张", "--db", "{db}"],
    "stats": ["stats", "--year", "2026", "--db", "{db}"],
    "check": ["check", "--db", "{db}"],
    "export": ["export", "cadres", "--out", "{tmp}/台账.xlsx", "--db", "{db}"],
    "print": ["print", "talk", "1", "--out", "{tmp}/x.pdf", "--db", "{db}"],
    "holiday": [
        *("print", "holiday-reminder", "--holiday", "春节", "--year", "2026"),
        *("--out", "{tmp}/h.pdf", "--db", "{db}"),
    ],
    "backup": ["backup", "--db", "{db}"],
    "backup --list": ["backup", "--list", "--db", "{db}"],
    "restore": ["restore", "{backup}", "--yes", "--db", "{db}"],
    "import-roster": ["import-roster", str(ROSTER_SAMPLE), "--db", "{db}"],
    "dry-run": ["import-roster", str(ROSTER_SAMPLE), "--dry-run", "--db", "{db}"],
    "demo": ["demo", "--db", "{db}"],
    "encrypt": ["encrypt", "--db", "{db}"],
    "gui": ["gui", "--db", "{db}"],
    "collect make": ["collect", "make", "--unit", "区财政局", "--out", "{tmp}/采集表.xlsx", "--db", "{db}"],
    "import collect": ["import", "collect", str(ROSTER_SAMPLE), "--db", "{db}"],
    "import collect --dry-run": ["import", "collect", str(ROSTER_SAMPLE), "--dry-run", "--db", "{db}"],
}
#: Commands that only read: these are pointed at the device itself (the others at a link to it).
READING = (
    "search",
    "stats",
    "check",
    "export",
    "print",
    "backup --list",
    "dry-run",
    "collect make",
    "import collect --dry-run",
)


def fill(args: list[str], **values: Path | str) -> list[str]:
    out = []
    for arg in args:
        for name, value in values.items():
            arg = arg.replace("{" + name + "}", str(value))
        out.append(arg)
    return out


SWEEP: list[tuple[str, list[str], tuple[str, ...]]] = [
    *(
        (
            f"print {kind} with a 23-digit id",
            ["print", kind, BIG_ID, "--out", "{tmp}/x.pdf", "--db", "{db}"],
            ("编号",),
        )
        for kind in ("notice", "talk", "meeting", "opinion", "file")
    ),
    *(
        (f"--db /dev/null: {name}", fill(COMMANDS[name], db="/dev/null"), ("不是普通文件",))
        for name in READING
    ),
    *(
        (f"--db link to /dev/null: {name}", fill(COMMANDS[name], db="{link}"), ("不是普通文件",))
        for name in COMMANDS
    ),
    *(
        (f"--db /dev/zero: {name}", fill(COMMANDS[name], db="/dev/zero"), ("不是普通文件",))
        for name in READING
    ),
    *(
        (f"--db a folder: {name}", fill(COMMANDS[name], db="{folder}"), ("是一个文件夹",))
        for name in COMMANDS
    ),
    *((f"--db a pipe: {name}", fill(COMMANDS[name], db="{fifo}"), ("不是普通文件",)) for name in COMMANDS),
    ("search --limit 0", ["search", "张", "--limit", "0", "--db", "{db}"], ("--limit",)),
    ("search --limit -1", ["search", "张", "--limit", "-1", "--db", "{db}"], ("--limit",)),
    ("search --limit huge", ["search", "张", "--limit", BIG_ID, "--db", "{db}"], ("--limit",)),
    ("search --limit abc", ["search", "张", "--limit", "abc", "--db", "{db}"], ("--limit",)),
    ("search for nothing", ["search", "  ", "--db", "{db}"], ("查找内容",)),
    ("print a superscript id", ["print", "talk", "²", "--out", "{tmp}/x.pdf", "--db", "{db}"], ("编号",)),
    (
        "export --year 0",
        ["export", "talks", "--year", "0", "--out", "{tmp}/t.xlsx", "--db", "{db}"],
        ("年度",),
    ),
    (
        "export --year huge",
        ["export", "talks", "--year", BIG_ID, "--out", "{tmp}/t.xlsx", "--db", "{db}"],
        ("年度",),
    ),
    ("print --out a device", ["print", "talk", "1", "--out", "{link}", "--db", "{db}"], ("不是普通文件",)),
    (
        "holiday reminders --out a pipe",
        [
            "print",
            "holiday-reminder",
            "--holiday",
            "春节",
            "--year",
            "2027",
            "--out",
            "{fifo}",
            "--db",
            "{db}",
        ],
        ("不是普通文件",),
    ),
    ("export --out a device", ["export", "cadres", "--out", "{link}", "--db", "{db}"], ("不是普通文件",)),
    ("stats --out a pipe", ["stats", "--year", "2026", "--out", "{fifo}", "--db", "{db}"], ("不是普通文件",)),
    ("import a folder", ["import-roster", "{tmp}", "--db", "{db}"], ("不是普通文件",)),
    ("import a pipe", ["import-roster", "{fifo}", "--db", "{db}"], ("不是普通文件",)),
    ("import collect a folder", ["import", "collect", "{tmp}", "--db", "{db}"], ("不是普通文件",)),
    (
        "collect make --out a pipe",
        ["collect", "make", "--unit", "区财政局", "--out", "{fifo}", "--db", "{db}"],
        ("不是普通文件",),
    ),
    ("an unknown command", ["导出"], ("没有“导出”这个命令",)),
    ("an unknown option", ["search", "张", "--bogus", "--db", "{db}"], ("无法识别的参数",)),
    ("a missing argument", ["print", "talk", "--db", "{db}"], ("缺少参数",)),
    ("an option without its value", ["search", "张", "--db"], ("缺少值",)),
    (
        "a word for a number",
        ["print", "holiday-reminder", "--holiday", "春节", "--year", "明年", "--out", "x.pdf"],
        ("整数",),
    ),
]


@pytest.mark.parametrize(("args", "words"), [(a, w) for _n, a, w in SWEEP], ids=[n for n, _a, _w in SWEEP])
def test_argument_sweep(
    args: list[str], words: tuple[str, ...], db: Path, demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "文件夹.db"
    folder.mkdir()
    fifo = tmp_path / "管道.db"
    os.mkfifo(fifo)
    link = tmp_path / "link.db"
    link.symlink_to("/dev/null")
    backup = tmp_path / "备份.db"
    shutil.copyfile(demo, backup)
    before = digest(db)
    values = {"db": db, "link": link, "tmp": tmp_path, "folder": folder, "fifo": fifo, "backup": backup}

    result = run(*fill(args, **values))

    refused(result, *words)
    assert digest(db) == before
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir() and list(folder.iterdir()) == []
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    made = {p.name for p in tmp_path.iterdir()} - {"wsjc.db", "文件夹.db", "管道.db", "link.db", "备份.db"}
    assert made == set(), f"left behind: {made}"


# --- the cases that need more than a command line -----------------------------------------------


def test_a_holiday_that_does_not_exist_issues_nothing(db: Path, tmp_path: Path) -> None:
    """It numbered and issued a reminder for every unit; now nothing is numbered or written."""
    before = digest(db)
    notices, numbers = count(db, "alert_notices"), count(db, "doc_sequences")
    out = tmp_path / "h.pdf"
    result = run(
        "print", "holiday-reminder", "--holiday", "不存在节", "--year", "2026", "--out", out, "--db", db
    )
    message = refused(result, "不存在节")
    assert "春节" in message  # says which holidays there are
    assert not out.exists()
    assert (count(db, "alert_notices"), count(db, "doc_sequences")) == (notices, numbers)
    assert digest(db) == before
    # a holiday the calendar knows, under any of its names, still works
    done = run("print", "holiday-reminder", "--holiday", "五一", "--year", "2027", "--out", out, "--db", db)
    assert done.returncode == 0, done.stderr.decode()
    assert "已发出2027年五一节前廉政提醒 6 份" in done.stdout.decode()
    assert count(db, "alert_notices") == notices + 6


def damage(path: Path, table: str) -> None:
    """Overwrite the cell pointers of ``table``'s root page: ``quick_check`` fails, while a
    reader that never visits that table reads on as if nothing were wrong."""
    con = sqlite3.connect(path)
    try:
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        (size,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * size + 8)
        fh.write(b"\xff" * 1500)


@pytest.mark.parametrize("table", ["audit_entries", "talks"])
def test_stats_on_a_damaged_file_says_it_is_damaged(db: Path, table: str) -> None:
    """``audit_entries`` is not read by the statistics (they came out as if the file were whole,
    exit 0); ``talks`` is (a traceback)."""
    damage(db, table)
    before = digest(db)
    for args in (["--year", "2026"], ["--year", "2026", "--json"]):
        message = refused(run("stats", *args, "--db", db), "损坏")
        assert "备份" in message
    assert digest(db) == before


def test_encrypt_on_a_read_only_file(db: Path) -> None:
    """A file the user may not write: refused before anything is done, said in Chinese."""
    root = getattr(os, "geteuid", lambda: -1)() == 0
    if not root:
        db.chmod(0o400)
        undo = [lambda: db.chmod(0o600)]
    else:  # chmod does not stop root: an immutable file does, where chattr works
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(db)], capture_output=True).returncode != 0:
            pytest.skip("running as root (chmod has no effect) and chattr +i is not available here")
        undo = [lambda: subprocess.run([chattr, "-i", str(db)], check=True)]
    try:
        before = digest(db)
        message = refused(run("encrypt", "--db", db), "只读")
        assert "加密" in message
        assert digest(db) == before
        assert sorted(p.name for p in db.parent.iterdir()) == ["wsjc.db"]  # no lock, log or copy left
    finally:
        for step in undo:
            step()


#: Writes into a file opened for writing by ``fileio.atomic_write`` fail as on a full disk once
#: 8 KB are in: the Excel archive is then left half-written (and unclosed) by openpyxl.
FULL_DISK = """
import errno, os
_fdopen = os.fdopen
def _full(fd, mode="r", *args, **kwargs):
    handle = _fdopen(fd, mode, *args, **kwargs)
    if "w" in mode:
        write, written = handle.write, [0]
        def full_write(data):
            written[0] += len(data)
            if written[0] > 8192:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(data)
        handle.write = full_write
    return handle
os.fdopen = _full
"""


def test_export_onto_a_full_disk_shows_the_message_and_no_traceback(db: Path, tmp_path: Path) -> None:
    """The message was followed by tracebacks (the unclosed archive failing as it was collected)."""
    out = tmp_path / "台账.xlsx"
    result = run("export", "cadres", "--out", out, "--db", db, prelude=FULL_DISK)
    message = refused(result, "磁盘空间已满")
    assert message.strip().endswith("请清理磁盘后重试。")
    assert result.stderr.decode().count("错误：") == 1
    assert "\n错误：" in result.stderr.decode() or result.stderr.decode().startswith("错误：")  # its own line
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_onto_a_really_full_disk(db: Path, tmp_path: Path) -> None:
    """The same on a real 32 KB file system (Linux, root, ``unshare -m``)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip(
            "no tiny file system here (needs Linux, root and `unshare -m`); the simulated one covers it"
        )
    mount = tmp_path / "mnt"
    mount.mkdir()
    command = (
        f"mount -t tmpfs -o size=32k tmpfs '{mount}' && "
        f"'{sys.executable}' -m wsjc_desktop export cadres --out '{mount}/台账.xlsx' --db '{db}'"
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", command],
        capture_output=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if result.returncode != 2 and b"mount" in result.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    refused(result, "磁盘空间已满")
