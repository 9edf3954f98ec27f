"""Running what a button or a menu item does, the one way (like Anki's ``CollectionOp``).

:func:`run_action` calls the work and

* shows the wait cursor while it runs (``busy=True``), and takes it away again however the
  work ends;
* turns a :class:`~wsjc_desktop.errors.UserError` into the Chinese message box (over ``parent``
  while it is on screen, else over the window that is) and returns None: the caller stops;
* lets anything else through to the global hook (the crash dialog): a bug is not a message.

:func:`user_action` is the same as a ``with`` block, for work whose result may be None
(``action.failed`` says whether it stopped on a UserError); :func:`wait_cursor` is the cursor
alone, for work whose UserError the caller handles itself (a wrong passphrase said inline).

What the runner does not do stays a local ``except UserError``: an error shown beside the field
it is about, a read that falls back to a default, a background job that only logs.
``tests/ui/test_actions.py`` lists each of them and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from wsjc_desktop.errors import UserError
from wsjc_desktop.ui.errors import DEFAULT_TITLE, show_user_error

T = TypeVar("T")


@contextmanager
def wait_cursor() -> Iterator[None]:
    """The wait cursor for the block, restored however the block ends."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


@dataclass
class Action:
    """How a :func:`user_action` block ended."""

    error: UserError | None = None

    @property
    def failed(self) -> bool:
        """It stopped on a UserError (the message has been shown)."""
        return self.error is not None


@contextmanager
def user_action(
    parent: QWidget | None,
    *,
    busy: bool = False,
    title: str = DEFAULT_TITLE,
    critical: bool = False,
    text: str = "{message}",
    on_error: Callable[[UserError], None] | None = None,
) -> Iterator[Action]:
    """Run the block as one action: see :func:`run_action`. A UserError ends the block (the
    code after the ``with`` runs, and finds ``action.failed``)."""
    action = Action()
    try:
        with wait_cursor() if busy else nullcontext():
            yield action
    except UserError as exc:
        action.error = exc
        if on_error is not None:
            on_error(exc)
        show_user_error(parent, exc, title, critical=critical, text=text)


def run_action(
    parent: QWidget | None,
    fn: Callable[[], T],
    *,
    busy: bool = False,
    title: str = DEFAULT_TITLE,
    critical: bool = False,
    text: str = "{message}",
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[UserError], None] | None = None,
) -> T | None:
    """``fn()`` as one action: what it returns, or None when it stopped on a UserError.

    ``busy``: the wait cursor while ``fn`` runs (it is gone before any message shows).
    ``title``, ``critical`` and ``text``: the message box a UserError becomes (``text`` words
    it, ``{message}`` standing for the error's own message).
    ``on_done(result)``: runs after success only (for work that may return None).
    ``on_error(exc)``: runs before the message, to take back what the action began showing
    (a status line saying 正在…).
    Any other exception propagates, the cursor restored.
    """
    with user_action(
        parent, busy=busy, title=title, critical=critical, text=text, on_error=on_error
    ) as action:
        result = fn()
    if action.failed:
        return None
    if on_done is not None:
        on_done(result)
    return result
