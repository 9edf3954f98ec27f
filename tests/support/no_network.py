"""A guard against network access for a whole process, and the sessions run under it.

``install()`` adds an audit hook (PEP 578) that refuses, and records, every attempt of Python
code to reach the network: creating an AF_INET/AF_INET6 socket, connecting, binding or sending
to an Internet address, resolving a host name, and the openers built on them (urllib,
http.client, ftplib, smtplib …, webbrowser). Unix-domain sockets stay allowed (Qt may talk to
D-Bus over one), and so does ``socket.gethostname`` (the local host name, from ``uname``: the
lock file names its owner with it). An audit hook cannot be removed again, so it is installed
only in a subprocess that exists for it.

What the hook cannot see is native code that opens a socket by itself (Qt's C++ classes, a C
library). For that the tests run the same subprocess under ``strace`` where it can be used
(:func:`strace_prefix`, :func:`native_inet_calls`), and the session reports whether Qt's
network module was ever loaded.

Run as a script, the guard is installed before anything else is imported::

    python tests/support/no_network.py gui-session WORK_FOLDER
    python tests/support/no_network.py probe

The last line on stdout is ``NETWORK-GUARD {json}``: the attempts the hook saw, the steps the
session completed and what it found on the way.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKER = "NETWORK-GUARD "

#: Address families of the Internet; everything else (AF_UNIX, AF_NETLINK …) is local.
INET_FAMILIES = {int(socket.AF_INET), int(socket.AF_INET6)}

#: Audit events of higher-level network openers: refused whatever their arguments.
OPENER_EVENTS = {
    "urllib.Request",
    "http.client.connect",
    "http.client.send",
    "ftplib.connect",
    "smtplib.connect",
    "poplib.connect",
    "imaplib.open",
    "nntplib.connect",
    "telnetlib.Telnet.open",
    "webbrowser.open",
}

#: Name look-ups go to a resolver (DNS) whatever the family asked for.
RESOLVER_EVENTS = {
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
}

#: Events that start another program (it could do the networking instead).
SPAWN_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"}

attempts: list[dict[str, Any]] = []
spawned: list[str] = []


class NetworkForbidden(PermissionError):
    """Raised inside the guarded process for every refused attempt."""


def _family_of(sock: Any) -> int | None:
    try:
        return int(sock.family)
    except Exception:  # a half-made socket object
        return None


def _is_inet_address(address: Any) -> bool:
    """An Internet address as the socket calls take it: ``(host, port)`` or ``(host, port, flow, scope)``."""
    return isinstance(address, tuple) and len(address) in (2, 4) and isinstance(address[1], int)


def _verdict(event: str, args: tuple[Any, ...]) -> str | None:
    """Why ``event`` is network access, or None if it is not."""
    if event in OPENER_EVENTS or event in RESOLVER_EVENTS:
        return event
    if event == "socket.__new__":
        family = args[1] if len(args) > 1 else None
        if isinstance(family, int) and family in INET_FAMILIES:
            return f"socket({socket.AddressFamily(family).name})"
        return None
    if event == "socket.getaddrinfo":
        family = args[2] if len(args) > 2 else 0
        return None if family == getattr(socket, "AF_UNIX", -1) else f"getaddrinfo({args[0]!r})"
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1] if len(args) > 1 else None
        if _family_of(sock) in INET_FAMILIES or _is_inet_address(address):
            return f"{event.split('.')[1]}({address!r})"
        return None
    return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in SPAWN_EVENTS:
        spawned.append(f"{event} {args[:2]!r}"[:300])
        return
    if not event.startswith(
        ("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "poplib.", "imaplib.")
    ) and (event not in OPENER_EVENTS):
        return
    reason = _verdict(event, args)
    if reason is None:
        return
    stack = "".join(traceback.format_stack(limit=12)[:-2])
    attempts.append({"event": event, "what": reason, "stack": stack[-3000:]})
    raise NetworkForbidden(f"network access refused in this test: {reason}")


_installed = False


def install() -> None:
    """Refuse (and record) network access for the rest of this process's life."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def report(**extra: Any) -> None:
    """Print the result line the test reads (the last line of stdout)."""
    data = {"attempts": attempts, "spawned": spawned, **extra}
    sys.stdout.write("\n" + MARKER + json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def read_report(stdout: str) -> dict[str, Any]:
    """The ``NETWORK-GUARD`` line of a finished subprocess, parsed."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            result: dict[str, Any] = json.loads(line[len(MARKER) :])
            return result
    raise AssertionError(f"the guarded process printed no {MARKER.strip()} line:\n{stdout[-3000:]}")


# --- native code: strace --------------------------------------------------------------------

_STRACE_CALLS = "socket,connect,bind,sendto,sendmsg"

#: The one Internet-family connection native code may make: Qt's CUPS print plugin (libcups)
#: asks the local print spooler for the printers when a QPrinter is made, over loopback TCP
#: port 631 when cupsd's Unix socket is absent. That is this machine's printing service, not
#: the network; any other address or port fails the test.
LOCAL_PRINT_SPOOLER = {("127.0.0.1", 631), ("::1", 631)}

#: Steps are marked in the strace log by a failing connect to a Unix socket of this name.
STEP_PREFIX = "/nonexistent/wsjc-step-"

_LINE_RE = re.compile(
    r"^(?:\[pid\s+)?(?P<pid>\d+)\]?\s+(?P<call>socket|connect|bind|sendto|sendmsg)\((?P<rest>.*)$"
)
_FD_RE = re.compile(r"^(?P<fd>\d+),")
_RESULT_RE = re.compile(r"\)\s+=\s+(?P<ret>-?\d+)")
_V4_RE = re.compile(r'sin_port=htons\((?P<port>\d+)\), sin_addr=inet_addr\("(?P<addr>[^"]+)"\)')
_V6_RE = re.compile(r'sin6_port=htons\((?P<port>\d+)\).*?inet_pton\(AF_INET6, "(?P<addr>[^"]+)"')
_STEP_RE = re.compile(re.escape(STEP_PREFIX) + r'(?P<step>[^"]+)"')


def mark_step(name: str) -> None:
    """Write ``name`` into an strace log (a connect to a Unix socket that does not exist)."""
    if not hasattr(socket, "AF_UNIX"):
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as marker, contextlib.suppress(OSError):
        marker.connect(STEP_PREFIX + name)


def strace_prefix(log: Path) -> list[str] | None:
    """The command prefix that traces a process's socket calls into ``log``, or None where
    strace is missing or not allowed to trace (no ptrace in the container)."""
    strace = shutil.which("strace")
    if strace is None or not sys.platform.startswith("linux"):
        return None
    base = [strace, "-f", "-qq", "-e", f"trace={_STRACE_CALLS}", "-e", "signal=none"]
    for extra in (["--seccomp-bpf"], []):  # seccomp-bpf: only the traced calls stop the process
        cmd = [*base, *extra, "-o", str(log)]
        try:
            probe = subprocess.run([*cmd, "true"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            log.unlink(missing_ok=True)
            return cmd
    return None


def native_inet_calls(log: Path) -> list[dict[str, Any]]:
    """Every Internet-family socket call in an strace log, with the step it happened in and
    whether it is allowed (only a connect to :data:`LOCAL_PRINT_SPOOLER`); a socket that is
    made and never connected is reported too."""
    if not log.exists():
        return []
    calls: list[dict[str, Any]] = []
    open_sockets: dict[int, dict[str, Any]] = {}
    step = "start"
    for line in log.read_text(errors="replace").splitlines():
        match = _LINE_RE.match(line)
        if match is None:
            continue
        call, rest = match["call"], match["rest"]
        marker = _STEP_RE.search(rest)
        if marker is not None:
            step = marker["step"]
            continue
        if call == "socket":
            if re.match(r"(?:AF|PF)_INET6?\b", rest):
                result = _RESULT_RE.search(rest)
                fd = int(result["ret"]) if result else -1
                entry = {"step": step, "line": line, "allowed": False, "why": "made, never connected"}
                calls.append(entry)
                if fd >= 0:
                    open_sockets[fd] = entry
            continue
        if "AF_INET" not in rest:
            continue
        fd_match = _FD_RE.match(rest)
        made = open_sockets.pop(int(fd_match["fd"]), None) if fd_match else None
        address = _V4_RE.search(rest) or _V6_RE.search(rest)
        target = (address["addr"], int(address["port"])) if address else None
        allowed = call == "connect" and target in LOCAL_PRINT_SPOOLER
        why = "local print spooler (CUPS)" if allowed else f"{call} to {target}"
        calls.append({"step": step, "line": line, "allowed": allowed, "why": why})
        if made is not None:
            made["allowed"], made["why"] = allowed, f"made for: {why}"
    return calls


# --- the sessions ---------------------------------------------------------------------------


def _qt_network() -> dict[str, bool]:
    """Whether Python code imported QtNetwork, and whether its library is in memory at all
    (QtPdf links it, for loading documents from a network reply, which the program never does)."""
    maps = Path("/proc/self/maps")
    return {
        "qt_network_imported": "PySide6.QtNetwork" in sys.modules,
        "qt_network_library_loaded": maps.exists() and "libQt6Network" in maps.read_text(errors="replace"),
    }


def gui_session(work: Path) -> dict[str, Any]:
    """A whole working session in the window: every tab, search, dialogs, print, export, stats."""
    import time
    from datetime import date

    from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

    from wsjc_desktop.services import stats
    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.app import open_main_window, setup_application

    steps: list[str] = []
    found: dict[str, Any] = {}

    def begin(step: str) -> None:
        mark_step(step)  # native socket calls from here on belong to this step

    def done(step: str) -> None:
        steps.append(step)

    qt_warnings: list[str] = []

    def on_qt_message(kind: QtMsgType, _context: Any, text: str) -> None:
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and "propagateSizeHints" not in text:
            qt_warnings.append(text)

    qInstallMessageHandler(on_qt_message)
    begin("demo")

    db_path = work / "wsjc.db"
    db = open_database(db_path)
    try:
        counts = generate_demo(db, scale=1, seed=7)
    finally:
        db.dispose()
    found["demo_rows"] = sum(counts.values())
    done("demo")

    begin("window")
    app = setup_application(crash_dialog=False)
    assert isinstance(app, QApplication)
    window: Any
    window, ctx = open_main_window(db_path)
    done("window")

    def wait(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.01)

    def modal(
        trigger: Callable[[], object],
        handler: Callable[[Any], None],
        kind: type[QWidget] = QDialog,
        name: str | None = None,
    ) -> str:
        """Call ``trigger`` (which runs a modal dialog) and hand the dialog to ``handler``."""
        seen: list[str] = []
        errors: list[BaseException] = []
        deadline = time.monotonic() + 30

        def poll() -> None:
            widget = QApplication.activeModalWidget()
            if (
                isinstance(widget, kind)
                and widget.isVisible()
                and (name is None or widget.objectName() == name)
            ):
                seen.append(type(widget).__name__)
                try:
                    handler(widget)
                except BaseException as exc:  # never leave the dialog open: the session would hang
                    errors.append(exc)
                    if isinstance(widget, QDialog):
                        widget.reject()
                    else:
                        widget.close()
                return
            if time.monotonic() < deadline:
                QTimer.singleShot(20, poll)
            elif widget is not None:
                errors.append(TimeoutError(f"expected a {kind.__name__}, found {type(widget).__name__}"))
                widget.close()

        QTimer.singleShot(0, poll)
        trigger()
        if errors:
            raise errors[0]
        if not seen:
            raise AssertionError(f"{trigger} opened no {kind.__name__}")
        return seen[0]

    def reject(widget: Any) -> None:
        widget.reject()

    begin("tabs")
    # every tab, loaded
    for title in list(window.pages):
        page = window.show_tab(title)
        wait(lambda page=page: bool(getattr(page, "is_loaded", True)), f"tab {title}")
    found["tabs"] = list(window.pages)
    done("tabs")

    begin("search")
    # 查找
    hits: list[int] = []

    def search(dialog: Any) -> None:
        dialog.box.setText("张")
        dialog.run()
        hits.append(
            sum(
                dialog.results.topLevelItem(i).childCount() for i in range(dialog.results.topLevelItemCount())
            )
        )
        dialog.reject()

    modal(window.open_search, search)
    found["search_hits"] = hits[0]
    done("search")

    begin("dialogs")
    # 设置, 关于, 回收站, 导入花名册: opened and cancelled
    found["settings"] = modal(window.open_settings, reject)
    found["about"] = modal(window.show_about, reject, QMessageBox)
    found["recycle_bin"] = modal(window.open_recycle_bin, reject)
    found["roster_import"] = modal(window.open_roster_import, reject)
    done("dialogs")

    begin("record dialogs")
    # 新建 and 编辑 on every register that edits records, cancelled
    record_dialogs: dict[str, str] = {}
    for title in list(window.pages):
        page = window.show_tab(title)
        wait(lambda page=page: bool(getattr(page, "is_loaded", True)), f"tab {title}")
        if not window.act_new.isEnabled():
            continue
        record_dialogs[title] = modal(window.new_record, reject)
        select_first = getattr(page, "select_first", None)
        if select_first is not None and getattr(page, "selected_id", lambda: None)() is None:
            select_first()
        if getattr(page, "selected_id", lambda: None)() is not None:
            record_dialogs[title + " 编辑"] = modal(window.edit_record, reject)
    found["record_dialogs"] = record_dialogs
    done("record dialogs")

    begin("print")
    # 打印: a notice through the preview, onto a PDF printer, and the print dialog cancelled
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    notices_page = window.show_tab("廉情提醒")
    wait(lambda: bool(notices_page.is_loaded), "notices")
    notices_page.select_first()
    pdf = work / "notice.pdf"
    printed: list[int] = []

    def print_to_pdf(dialog: Any) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
        printed.append(dialog.print_document(printer))
        modal(dialog.print_with_dialog, reject, QPrintDialog)
        dialog.reject()

    modal(window.print_record, print_to_pdf, name="print_preview")
    found["printed_pages"] = printed[0] if printed else 0
    found["pdf_bytes"] = pdf.stat().st_size if pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-" else 0
    done("print")

    begin("export")
    # 导出 Excel: the talks ledger, saved where the (patched) file dialog says
    xlsx = work / "talks.xlsx"
    QFileDialog.getSaveFileName = staticmethod(lambda *_args, **_kw: (str(xlsx), "Excel 工作簿 (*.xlsx)"))
    talks_page = window.show_tab("谈话记录")
    wait(lambda: bool(talks_page.is_loaded), "talks")
    modal(window.export_view, reject, QMessageBox, name="export_done")
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    found["xlsx_rows"] = sum(1 for _ in book.worksheets[0].iter_rows())
    book.close()
    done("export")

    begin("stats")
    # 年度统计: the service, and the window when the program has one
    report_ = stats.compute(ctx.db, stats.Period.year(date.today().year))
    found["stats_figures"] = len(report_.figures())
    open_stats = getattr(window, "open_stats", None)
    if open_stats is not None:
        open_stats()
        dialog = getattr(window, "_stats_dialog", None)
        app.processEvents()
        if dialog is not None:
            dialog.close()
    done("stats")

    begin("closed")
    window.close()
    ctx.hub.close()
    ctx.db.dispose()
    app.processEvents()
    done("closed")
    return {"steps": steps, "found": found, "qt_warnings": qt_warnings, **_qt_network()}


def probe() -> dict[str, Any]:
    """Deliberate network access, each of which the guard must refuse; local sockets still work."""
    import ctypes
    import urllib.request

    refused: dict[str, bool] = {}

    def attempt(name: str, action: Callable[[], object]) -> None:
        try:
            action()
        except NetworkForbidden:
            refused[name] = True
        except OSError:
            refused[name] = False  # got through to the operating system
        else:
            refused[name] = False

    attempt("create_connection", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1))
    attempt("socket_inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    attempt("socket_inet6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
    attempt("getaddrinfo", lambda: socket.getaddrinfo("example.org", 443))
    attempt("urlopen", lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=1))
    local = socket.socketpair()  # AF_UNIX: allowed
    local[0].sendall(b"x")
    unix_ok = local[1].recv(1) == b"x"
    for end in local:
        end.close()
    # native code the audit hook cannot see: only strace catches this one
    native_fd = -1
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        native_fd = int(libc.socket(int(socket.AF_INET), int(socket.SOCK_DGRAM), 0))
        if native_fd >= 0:
            os.close(native_fd)
    return {"refused": refused, "unix_socket_ok": unix_ok, "native_socket_opened": native_fd >= 0}


SESSIONS: dict[str, Callable[..., dict[str, Any]]] = {"gui-session": gui_session, "probe": probe}


def main(argv: list[str]) -> int:
    install()
    name, *args = argv
    try:
        result = SESSIONS[name](*(Path(a) for a in args))
    except BaseException:
        report(error=traceback.format_exc())
        return 1
    report(**result)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(sys.argv[1:]))
