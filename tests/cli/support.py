"""Running ``wsjc-desktop`` as a real process, and the checks the command-line tests share."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.storage.database import Database, open_database

#: What ``encrypt`` is given as the new passphrase (``WSJC_NEW_PASSPHRASE``) unless a test says.
NEW_PASSPHRASE = "correct horse 1"


def run_cli(
    *args: str | Path,
    env: dict[str, str | None] | None = None,
    prelude: str | None = None,
    timeout: int = 180,
) -> subprocess.CompletedProcess[bytes]:
    """``wsjc-desktop ARGS`` in a fresh process, with no member named by the environment
    (``env`` adds to it, a None value takes a variable away; ``prelude``: Python run first, in
    that process)."""
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_NEW_PASSPHRASE": NEW_PASSPHRASE}
    full_env.pop("WSJC_MEMBER", None)
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    start = (
        ["-c", prelude + "\nimport sys\nfrom wsjc_desktop.cli import main\nsys.exit(main(sys.argv[1:]))"]
        if prelude
        else ["-m", "wsjc_desktop"]
    )
    return subprocess.run(
        [sys.executable, *start, *map(str, args)],
        capture_output=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_all(commands: Sequence[Sequence[str | Path]]) -> list[subprocess.CompletedProcess[bytes]]:
    """Several commands at once, each in its own process."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda args: run_cli(*args), commands))


def refused(result: subprocess.CompletedProcess[bytes], *words: str) -> str:
    """The refusal, checked: exit code 2, no traceback, no 程序出错, ``错误：`` and a Chinese
    message (holding one of ``words``, if given). Returns the message."""
    err = result.stderr.decode("utf-8", errors="replace")
    out = result.stdout.decode("utf-8", errors="replace")
    assert result.returncode == 2, f"exit {result.returncode}\nstdout: {out[-600:]}\nstderr: {err[-2000:]}"
    assert "Traceback" not in err + out, err
    assert "程序出错" not in err and "Exception ignored" not in err, err
    assert "错误：" in err, err
    message = err[err.rindex("错误：") + 3 :].strip()
    assert sum("\u4e00" <= c <= "\u9fff" for c in message) >= 4, message
    assert not words or any(w in message for w in words), message
    return message


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str) -> int:
    """Rows of ``table``, read without touching the file (immutable)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def demo_file(path: Path, *, also: Callable[[Database], object] | None = None) -> Path:
    """A demo database written at ``path`` (scale 1, seed 3: with an 机关代字, so reminders can be
    issued), ``also`` run on it, everything checkpointed into the main file (copies are whole)."""
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=3)
        if also is not None:
            also(db)
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path


#: A window in another program: takes the lock, then opens the database for writing (as
#: ``ui.startup`` does), says so, and holds both until its stdin closes.
WINDOW = textwrap.dedent(
    """
    import sys
    from wsjc_desktop.storage import lock
    from wsjc_desktop.storage.database import open_database
    held = lock.acquire(sys.argv[1], sys.argv[2])
    db = open_database(sys.argv[1])
    print("open", flush=True)
    sys.stdin.read()
    db.dispose()
    held.release()
    """
)


@contextmanager
def window_elsewhere(path: Path, holder: str) -> Iterator[None]:
    """A window in another process holding ``path`` (its lock and a writing connection)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(path), holder],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"open"
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0
