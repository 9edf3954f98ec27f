"""Kill an operation at each of its file-system steps in turn, exactly.

:func:`file_steps` patches the functions that change files or make them durable (``os.replace``,
``os.rename``, ``os.link``, ``os.unlink``, ``os.remove``, ``os.fsync``, ``shutil``'s copies) in
the whole process for the length of a ``with`` block. Each call is one *step*, counted and named;
at step ``kill_at`` the call does not happen and :class:`Killed` is raised instead. From then on
the process counts as dead: every patched call, and every ``open``, raises :class:`Killed` at once,
so no ``finally`` or ``except`` block of the code under test can tidy up, as none could after a
SIGKILL. (SQLite's own writes are not Python calls and are not steps: SQLite is crash-safe by
itself.)

``links=False`` makes ``os.link`` fail as it does on FAT/exFAT (a USB stick in portable mode).

``run_killed(operation, n)`` runs ``operation`` killed at step ``n``; ``count_steps`` runs it whole
and returns its steps, so a test can kill it at each one: ``n = 1 … len(steps)``.

``file_steps(n, on_kill=sigkill_self)`` makes the kill a real SIGKILL of the process at that exact
step (``tests.crash.step_worker`` runs an operation so, in a process of its own).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

#: The functions whose every call is one step.
STEPS: tuple[tuple[Any, str], ...] = (
    (os, "replace"),
    (os, "rename"),
    (os, "link"),
    (os, "unlink"),
    (os, "remove"),
    (os, "fsync"),
    (os, "truncate"),
    (os, "ftruncate"),
    (shutil, "copyfile"),
    (shutil, "copy"),
    (shutil, "copy2"),
    (shutil, "copyfileobj"),
    (shutil, "move"),
)
#: Functions that are not steps but must fail once the process is dead.
DEAD: tuple[tuple[Any, str], ...] = ((builtins, "open"), (io, "open"), (os, "open"))


class Killed(BaseException):
    """The process died at this step (not an ``Exception``: nothing catches it by accident)."""


@dataclass
class Steps:
    kill_at: int | None
    links: bool = True
    calls: list[str] = field(default_factory=list)
    dead: bool = False
    killed_at: str | None = None


def _short(arg: Any) -> str:
    if isinstance(arg, int):  # a file descriptor (fsync): the file it is, where that can be told
        try:
            return os.path.basename(os.readlink(f"/proc/self/fd/{arg}")) + "/"
        except OSError:
            return f"fd {arg}"
    name = getattr(arg, "name", arg)  # an open file (copyfileobj)
    text = os.fspath(name) if isinstance(name, str | os.PathLike) else repr(name)
    return os.path.basename(str(text)) or str(text)


def _make_step(
    steps: Steps, name: str, real: Callable[..., Any], on_kill: Callable[[], None]
) -> Callable[..., Any]:
    def step(*args: Any, **kwargs: Any) -> Any:
        if steps.dead:
            raise Killed(f"dead (after {steps.killed_at})")
        label = f"{name}({', '.join(_short(a) for a in args[:2])})"
        steps.calls.append(label)
        if steps.kill_at is not None and len(steps.calls) == steps.kill_at:
            steps.dead = True
            steps.killed_at = label
            on_kill()
            raise Killed(f"killed at step {steps.kill_at}: {label}")
        if name == "link" and not steps.links:
            raise OSError(errno.EPERM, "Operation not permitted (no hard links on this file system)")
        return real(*args, **kwargs)

    return step


def _make_dead_only(steps: Steps, real: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if steps.dead:
            raise Killed(f"dead (after {steps.killed_at})")
        return real(*args, **kwargs)

    return guarded


@contextmanager
def file_steps(
    kill_at: int | None, *, links: bool = True, on_kill: Callable[[], None] = lambda: None
) -> Iterator[Steps]:
    """Count (and at ``kill_at``, kill) the file-system steps made inside the block."""
    steps = Steps(kill_at, links)
    with pytest.MonkeyPatch.context() as patch:
        for module, name in STEPS:
            patch.setattr(module, name, _make_step(steps, name, getattr(module, name), on_kill))
        for module, name in DEAD:
            patch.setattr(module, name, _make_dead_only(steps, getattr(module, name)))
        yield steps


def run_killed(operation: Callable[[], object], kill_at: int | None, *, links: bool = True) -> Steps:
    """Run ``operation`` killed at step ``kill_at`` (None: not killed); its steps."""
    with file_steps(kill_at, links=links) as steps:
        try:
            operation()
        except Killed:
            assert steps.dead
    return steps


def count_steps(operation: Callable[[], object], *, links: bool = True) -> list[str]:
    """The steps of ``operation`` run whole."""
    steps = run_killed(operation, None, links=links)
    assert not steps.dead
    return steps.calls


@contextmanager
def no_links() -> Iterator[None]:
    """``os.link`` fails for the length of the block, as on FAT (recovery at the next start runs
    on the same file system)."""

    def refused(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted (no hard links on this file system)")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", refused)
        yield


def sigkill_self() -> None:
    """A real kill: nothing after this runs, no buffer is flushed, no ``finally`` block."""
    os.kill(os.getpid(), signal.SIGKILL)
