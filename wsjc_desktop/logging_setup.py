"""One rotating log file in the user's data folder; bugs go there with their traceback."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from wsjc_desktop.paths import log_dir

LOG_NAME = "wsjc.log"
_configured: Path | None = None


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to ``logs/wsjc.log`` (1 MB × 5 files). Returns the log file's path."""
    global _configured
    if _configured is not None:
        return _configured
    path = log_dir() / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = path
    return path


def log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    logging.getLogger("wsjc_desktop").critical("未处理的错误", exc_info=(exc_type, exc, tb))


def install_cli_excepthook() -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log_uncaught(exc_type, exc, tb)
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
