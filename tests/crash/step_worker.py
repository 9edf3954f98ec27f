"""The process :mod:`tests.crash.test_kill_every_step` kills with a real SIGKILL at one exact step.

``python -m tests.crash.step_worker OPERATION FOLDER N [--no-links]``

Runs ``OPERATION`` (a key of :data:`OPERATIONS`) on ``FOLDER/wsjc.db`` with the file-system steps
counted (:func:`tests.crash.killpoints.file_steps`); at step ``N`` the process sends itself SIGKILL
instead of making the step: no ``finally`` block, no buffered write, nothing after it runs. With
``N`` 0 it runs whole and prints its steps, one a line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

KEY = "correct horse battery"
NEW_KEY = "新的口令 staple 2026"
NOW = datetime(2026, 11, 22, 8, 30, 0)
#: The key derivation of the files these tests make (cheap: the file steps are what is tested).
KDF_ITER = 4000


def restore(folder: Path) -> None:
    from wsjc_desktop.services import backup

    [made] = (folder / "backups").glob("*-manual.db")
    backup.restore(made, folder / "wsjc.db", now=NOW + timedelta(hours=3))


def encrypt(folder: Path) -> None:
    from wsjc_desktop.storage import crypto

    crypto.encrypt_existing(folder / "wsjc.db", KEY)


def change_passphrase(folder: Path) -> None:
    from wsjc_desktop.storage import crypto

    crypto.change_passphrase(folder / "wsjc.db", KEY, NEW_KEY)


def decrypt(folder: Path) -> None:
    from wsjc_desktop.storage import crypto

    crypto.decrypt_existing(folder / "wsjc.db", KEY)


def encrypt_with_backups(folder: Path) -> None:
    from wsjc_desktop.services import backup

    backup.encrypt_database(folder / "wsjc.db", KEY)


def encrypt_removing_backups(folder: Path) -> None:
    from wsjc_desktop.services import backup

    backup.encrypt_database(folder / "wsjc.db", KEY, backups="remove")


def change_passphrase_with_backups(folder: Path) -> None:
    from wsjc_desktop.services import backup

    backup.change_database_passphrase(folder / "wsjc.db", KEY, NEW_KEY)


OPERATIONS: dict[str, Callable[[Path], None]] = {
    "restore": restore,
    "encrypt": encrypt,
    "change-passphrase": change_passphrase,
    "decrypt": decrypt,
    "encrypt-with-backups": encrypt_with_backups,
    "encrypt-removing-backups": encrypt_removing_backups,
    "change-passphrase-with-backups": change_passphrase_with_backups,
}


def cheap_key_derivation(iterations: int = KDF_ITER) -> int:
    """Set SQLCipher's key derivation for this process; returns what it was."""
    from wsjc_desktop.storage import cipher

    con = cipher.driver().connect(":memory:")
    try:
        (before,) = con.execute("PRAGMA cipher_default_kdf_iter").fetchone()
        con.execute(f"PRAGMA cipher_default_kdf_iter = {int(iterations)}")
    finally:
        con.close()
    return int(before)


def main(argv: list[str] | None = None) -> int:
    from tests.crash.killpoints import file_steps, sigkill_self

    parser = argparse.ArgumentParser()
    parser.add_argument("operation", choices=sorted(OPERATIONS))
    parser.add_argument("folder", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--no-links", action="store_true")
    args = parser.parse_args(argv)
    cheap_key_derivation()
    operation = OPERATIONS[args.operation]
    with file_steps(args.n or None, links=not args.no_links, on_kill=sigkill_self) as steps:
        operation(args.folder)
    sys.stdout.write("".join(f"{step}\n" for step in steps.calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
