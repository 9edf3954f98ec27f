"""Loading the ORM in the background once the window is on screen.

The login and the window's first tab are drawn from plain SQL, so SQLAlchemy and the models
(~0.6 s to import) are not needed to show them. They are needed by every register tab, so once the window
has painted, a background thread imports them while the user reads the 工作台: by the time a
register tab is clicked they are usually there. Only modules without Qt widgets are imported
off the main thread; the tabs themselves are made on the main thread when first shown. If the
user is quicker, the main thread's own import simply waits for the thread's (Python's import
lock makes that safe).
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

#: What every register tab needs, heaviest first.
MODULES = (
    "wsjc_desktop.domain.models",  # with it the ORM
    "wsjc_desktop.domain.fields",
    "wsjc_desktop.services.records",
    "wsjc_desktop.services.display",
)

_started: threading.Thread | None = None


def _load(extra: tuple[str, ...]) -> None:
    try:
        for name in (*MODULES, *extra):
            importlib.import_module(name)
        from wsjc_desktop.domain import models

        models.configure()  # else done by the first query, on the main thread
    except Exception:  # the main thread will import them itself and report any real error
        log.exception("background import failed")


def start(extra: tuple[str, ...] = ()) -> threading.Thread:
    """Start the background import (once per process) of :data:`MODULES` and ``extra`` (the
    login adds the password checks); returns its thread."""
    global _started
    if _started is None:
        _started = threading.Thread(target=_load, args=(extra,), name="wsjc-preload", daemon=True)
        _started.start()
    return _started
