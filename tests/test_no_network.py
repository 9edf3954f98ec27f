"""The program never reaches the network: no update check, telemetry, online fonts or help.

A whole GUI session runs in a subprocess with network access refused from its first line
(``tests/support/no_network.py``: an audit hook on every socket, resolver and URL opener of
Python, installed before anything is imported), and where ``strace`` may trace it, with the
socket calls of native code (Qt, C libraries) logged as well. A second test proves the guard
catches a deliberate connection, and a third reads the package's source for network code.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest

from tests.support import no_network

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "wsjc_desktop"
GUARD = Path(no_network.__file__)


def run_guarded(
    session: str, *args: str, tmp_path: Path
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Run a session of the guard script; returns its report and (under strace) the native calls."""
    log = tmp_path / "strace.log"
    prefix = no_network.strace_prefix(log) or []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [*prefix, sys.executable, str(GUARD), session, *args],
        capture_output=True,
        env=env,
        timeout=240,
        cwd=tmp_path,
    )
    stdout, stderr = result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")
    report = no_network.read_report(stdout)
    assert "error" not in report, report["error"]
    assert result.returncode == 0, f"exit code {result.returncode}\n{stderr[-3000:]}"
    return report, no_network.native_inet_calls(log) if prefix else None


def test_a_full_gui_session_opens_no_internet_socket(tmp_path: Path) -> None:
    report, native = run_guarded("gui-session", str(tmp_path), tmp_path=tmp_path)

    assert report["steps"] == [
        "demo",
        "window",
        "tabs",
        "search",
        "dialogs",
        "record dialogs",
        "print",
        "export",
        "stats",
        "closed",
    ]
    found = report["found"]
    assert found["demo_rows"] > 1000
    assert len(found["tabs"]) >= 6 and found["search_hits"] > 0
    assert set(found["record_dialogs"].values()) == {"RecordDialog"} and len(found["record_dialogs"]) >= 5
    assert found["printed_pages"] >= 1 and found["pdf_bytes"] > 1000
    assert found["xlsx_rows"] > 2 and found["stats_figures"] > 10

    # Python code: not one attempt (each would have been refused and recorded)
    assert report["attempts"] == [], "\n\n".join(f"{a['what']}\n{a['stack']}" for a in report["attempts"])
    assert report["spawned"] == []  # no helper program that could go online instead
    assert report["qt_network_imported"] is False  # QtNetwork is never used
    assert report["qt_warnings"] == []

    # native code: only the local print spooler (see no_network.LOCAL_PRINT_SPOOLER)
    if native is not None:
        refused = [c for c in native if not c["allowed"]]
        assert refused == [], "\n".join(f"[{c['step']}] {c['why']}: {c['line']}" for c in refused)
        assert {c["step"] for c in native} <= {"print"}, native


def test_the_guard_catches_a_deliberate_connection(tmp_path: Path) -> None:
    report, native = run_guarded("probe", tmp_path=tmp_path)

    assert report["refused"] == {
        "create_connection": True,
        "socket_inet": True,
        "socket_inet6": True,
        "getaddrinfo": True,
        "urlopen": True,
    }
    whats = [a["what"] for a in report["attempts"]]
    assert whats[0] == "getaddrinfo('127.0.0.1')"  # create_connection resolves first
    assert len(whats) == 5, whats
    assert report["unix_socket_ok"] is True  # local sockets (D-Bus, the lock) keep working
    if native is not None:
        # the socket made by native code behind the hook's back is in the strace log
        assert report["native_socket_opened"] is True
        assert [c["allowed"] for c in native] == [False], native
        assert "SOCK_DGRAM" in native[0]["line"]


# --- the source -------------------------------------------------------------------------------

#: Modules that talk to the network; none may be imported by the package.
NETWORK_MODULES = {
    "socket",
    "ssl",
    "urllib",
    "http",
    "requests",
    "httpx",
    "aiohttp",
    "urllib3",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "xmlrpc",
    "webbrowser",
    "PySide6.QtNetwork",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets",
}

#: What the package may use of those modules, and why.
ALLOWED_USES = {
    # storage/lock.py writes the local host name into the lock file so a second computer on a
    # shared folder can say who holds it: gethostname() is uname(2), it sends nothing anywhere.
    "socket.gethostname",
}

#: Names that only exist to reach the network (Qt classes, HTTP clients).
NETWORK_NAMES = {
    "QNetworkAccessManager",
    "QNetworkRequest",
    "QTcpSocket",
    "QUdpSocket",
    "QSslSocket",
    "QWebEngineView",
    "QWebSocket",
    "QHostInfo",
    "urlopen",
    "create_connection",
}


def network_code(package: Path) -> list[str]:
    """Every place in the ``.py`` files under ``package`` that could reach the network."""
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent).as_posix()
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=where)
        imported: dict[str, str] = {}  # local name → network module
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module = _network_module(alias.name)
                    if module is not None:
                        imported[alias.asname or alias.name.split(".")[0]] = module
            elif isinstance(node, ast.ImportFrom) and node.module:
                module = _network_module(node.module)
                for alias in node.names if module is not None else ():
                    if f"{module}.{alias.name}" not in ALLOWED_USES:
                        problems.append(f"{where}:{node.lineno}: from {node.module} import {alias.name}")
        # every use of an imported network module must be an allowed one
        bases = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in imported
            ):
                use = f"{imported[node.value.id]}.{node.attr}"
                if use not in ALLOWED_USES:
                    problems.append(f"{where}:{node.lineno}: {use}")
            elif isinstance(node, ast.Name) and node.id in imported and id(node) not in bases:
                problems.append(f"{where}:{node.lineno}: {imported[node.id]} used as a whole")
        # names of network classes and functions anywhere in the code (comments do not count)
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME and token.string in NETWORK_NAMES:
                problems.append(f"{where}:{token.start[0]}: {token.string}")
            if token.type == tokenize.STRING and _web_addresses(token.string):
                problems.append(f"{where}:{token.start[0]}: a web address in the code: {token.string[:80]}")
        # opening something with the desktop's default program: local files only
        for number, line in enumerate(source.splitlines(), start=1):
            if "openUrl(" in line and "fromLocalFile(" not in line:
                problems.append(f"{where}:{number}: openUrl without QUrl.fromLocalFile")
    return problems


#: XML namespace names: identifiers a .docx must carry (printing/docx_parts.py), never fetched.
XML_NAMESPACES = (
    "http://schemas.openxmlformats.org/",
    "http://schemas.microsoft.com/office/",
    "http://purl.org/dc/",
    "http://www.w3.org/",
)


def _web_addresses(text: str) -> list[str]:
    """The web addresses in a string literal, less XML namespace names."""
    found = re.findall(r"https?://[^\s\"'<>]*", text)
    return [url for url in found if not url.startswith(XML_NAMESPACES)]


def _network_module(name: str) -> str | None:
    if name in NETWORK_MODULES:
        return name
    top = name.split(".")[0]
    return top if top in NETWORK_MODULES else None


def test_the_package_source_has_no_network_code() -> None:
    assert network_code(PACKAGE) == []


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("import urllib.request\nurllib.request.urlopen('x')", "urlopen"),
        ("from PySide6.QtNetwork import QNetworkAccessManager", "from PySide6.QtNetwork import"),
        ("import socket\nsocket.create_connection(('h', 1))", "socket.create_connection"),
        ("import socket as s\nconnect = s", "socket used as a whole"),
        ("import requests as r\nr.get('https://example.org')", "requests.get"),
        ("URL = 'https://example.org/update.json'", "a web address"),
        ("QDesktopServices.openUrl(QUrl('help.html'))", "openUrl without"),
    ],
)
def test_the_source_check_finds_network_code(code: str, found: str, tmp_path: Path) -> None:
    package = tmp_path / "wsjc_desktop"
    package.mkdir()
    (package / "bad.py").write_text(code + "\n", encoding="utf-8")
    (package / "fine.py").write_text(
        "import socket\nHOST = socket.gethostname()  # see https://example.org\n", encoding="utf-8"
    )
    problems = network_code(package)
    assert any(p.startswith("wsjc_desktop/bad.py:") and found in p for p in problems), problems
    assert not any("fine.py" in p for p in problems)
