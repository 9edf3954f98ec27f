"""Window benchmarks on the demo databases, each next to its floor measured in the same run.

* cold start to the usable first tab (the 工作台 loaded and painted) vs a bare PySide6 window
  with five empty tabs (goal ≤ 1.5×), median of several fresh processes, after one start that
  is not measured (as on a PC where the program has started before: its caches are filled);
* cold start with each register tab (监督单位, 廉政档案, 廉情提醒, 列席会议, 谈话记录) as the tab
  shown at start (goal ≤ 3× the bare window): the program shows the tab it remembers in its
  data folder's ``ui.ini`` (``window/tab_title``), which is written before each such start;
  measured from the spawn to that tab loaded and painted;
* the program's own start to its login dialog (goal ≤ 1.5×);
* how long the 工作台's holiday card and charts take after that (goal ≤ 300 ms, as a tab), and
  when the work behind the window (the ORM's background import, the integrity check) is over;
* time to open each tab for the first time, after start-up (goal ≤ 300 ms);
* resident memory after visiting every tab, over the same on an empty database (goal ≤ +50 MB).

The bare window, the 工作台, the login and the register-tab starts are taken in rounds (one of
each per round), so a machine that gets busier during the run weighs on figure and floor alike.
Unmeasured starts before them fill the caches a PC has after the program's first start: the
holiday calendar in the data folder, and compiled bytecode (see :data:`PYCACHE`).

Where a start-up goal is missed, the case is run twice more: once traced (``python -X
importtime`` and timing wrappers: where the time goes, by step) and once under cProfile (the
top entries by cumulative time). :func:`profile_markdown` writes both.

    python benchmarks/ui_startup.py [--scale 1 10 100] [--runs 5] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import DATA_DIR, demo_db, empty_db, median

HERE = Path(__file__).resolve().parent
PROBE = HERE / "ui_probe.py"
RESULTS = HERE / "results"

#: The goals, as ratios to the bare window's median in the same run.
FIRST_TAB_GOAL = 1.5
LOGIN_GOAL = 1.5
REGISTER_TAB_GOAL = 3.0
#: At most this many starts per register tab (the median of 3 is enough for a 3× goal).
TAB_RUNS = 3
#: How many entries of a profile are shown: by cumulative time, by own time.
PROFILE_TOP = 15
PROFILE_TOP_OWN = 10


#: The probes' compiled bytecode. The installed program runs from compiled modules; a probe
#: that compiled every module of ours from source at each start (as with
#: ``PYTHONDONTWRITEBYTECODE=1``, set on some machines) would pay up to ~0.15 s a start that no
#: user pays, and the bare window (PySide6 alone, compiled at its install) would not. So the
#: probes keep their bytecode here (``PYTHONPYCACHEPREFIX``, beside the cached demo files), with
#: ``PYTHONDONTWRITEBYTECODE`` dropped; :func:`_compile_ours` and the unmeasured starts of
#: :func:`measure` fill it before anything is measured.
PYCACHE = DATA_DIR / "pycache"


def _probe_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra or {})
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


_compiled = False


def _compile_ours() -> None:
    """Our modules compiled into :data:`PYCACHE` (once per run; the rest, PySide6, SQLAlchemy
    and the standard library, fill it at the unmeasured starts)."""
    global _compiled
    if not _compiled:
        package = HERE.parent / "wsjc_desktop"
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=_probe_env(), check=True)
        _compiled = True


def _spawn(
    args: tuple[str, ...],
    *,
    data_dir: Path | None = None,
    start_tab: str | None = None,
    env: dict[str, str] | None = None,
    python_args: tuple[str, ...] = (),
) -> tuple[dict[str, object], str]:
    """One fresh process: its JSON line and its stderr."""
    with tempfile.TemporaryDirectory() as fresh:
        folder = data_dir or Path(fresh)
        settings = folder / "ui.ini"
        settings.unlink(missing_ok=True)  # no remembered tab or layout …
        if start_tab is not None:  # … but the start tab, as the program saved it at its last exit
            settings.write_text(f"[window]\ntab_title={start_tab}\n", encoding="utf-8")
        full_env = _probe_env({**(env or {}), "WSJC_DATA_DIR": str(folder)})
        full_env["WSJC_PROBE_T0"] = repr(time.time())  # one wall clock for parent and child
        out = subprocess.run(
            [sys.executable, *python_args, str(PROBE), *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=300,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"ui_probe {' '.join(args)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    result = dict(json.loads(line))
    if start_tab is not None and result.get("tab") != start_tab:
        raise RuntimeError(f"asked to start on {start_tab}, the window started on {result.get('tab')}")
    return result, out.stderr


def probe(*args: str, data_dir: Path | None = None, start_tab: str | None = None) -> dict[str, object]:
    """One fresh process. ``data_dir``: the program's data folder to use (its remembered window
    layout is removed first); None: an empty one, as at the very first start. ``start_tab``:
    the tab the program finds remembered there (it starts on it)."""
    return _spawn(args, data_dir=data_dir, start_tab=start_tab)[0]


def _with_logins(db: Path) -> Path:
    """A copy of ``db`` whose group has set passwords (so the program starts with its login)."""
    from wsjc_desktop.services import auth, members
    from wsjc_desktop.services.auth import NewMember
    from wsjc_desktop.storage.database import open_database

    target = db.with_name(db.stem + "-logins.db")
    shutil.copyfile(db, target)
    opened = open_database(target)
    try:
        if members.needs_setup(opened):
            auth.setup_group(opened, "测试组", [NewMember("王建国", "组长", "jianguo-1")])
    finally:
        opened.dispose()
    return target


# --- profiles of missed goals ----------------------------------------------------------------


#: Profile entries: (cumulative s, own s, calls, function).
Entries = list[tuple[float, float, str, str]]


@dataclass
class Profile:
    """One missed start-up goal, run again traced and under cProfile."""

    label: str
    measured_s: float  # the figure's median
    floor_s: float  # the bare window's median in the same run
    goal: float
    ready_s: float  # the traced run's (not profiled)
    profiled_s: float  # the cProfile run's (slower: the profiler's own cost)
    marks: dict[str, float] = field(default_factory=dict)
    trace: dict[str, float] = field(default_factory=dict)
    imports: dict[str, float] = field(default_factory=dict)  # own import time by package, s
    in_imports_s: float = 0.0  # the profiled run's time inside imports
    top: Entries = field(default_factory=list)  # cumulative s, own s, calls, function
    top_own: Entries = field(default_factory=list)  # the same, by own time
    error: str = ""  # the profile could not be taken

    @property
    def ratio(self) -> float:
        return self.measured_s / self.floor_s


#: Packages for the import times (own time of each module, from ``python -X importtime``).
IMPORT_GROUPS = (
    ("SQLAlchemy", ("sqlalchemy",)),
    ("our models and fields", ("wsjc_desktop.domain",)),
    ("our other modules", ("wsjc_desktop",)),
    ("PySide6", ("PySide6", "shiboken6", "shibokensupport")),
)


def _import_times(stderr: str) -> dict[str, float]:
    """Own import time by package (s) of the imports before the ready point."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith("-- ready --"):
            break
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line[len("import time:") :].split("|", 2)
        module = name.strip()
        group = next(
            (
                g
                for g, prefixes in IMPORT_GROUPS
                if any(module == p or module.startswith(p + ".") for p in prefixes)
            ),
            "other (standard library, other packages)",
        )
        totals[group] = totals.get(group, 0.0) + int(own) / 1e6
    return totals


def _short(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("site-packages/", str(HERE.parent) + "/", "/lib/python3."):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker.startswith("/lib/"):
                filename = "python3." + filename
            break
    return f"{filename}:{line}({name})"


def _is_machinery(func: tuple[str, int, str]) -> bool:
    """The import system's own frames and this probe's: they would fill the top entries
    (each holds everything below it) and say nothing."""
    filename, _line, name = func
    return (
        filename.startswith("<frozen importlib")
        or filename == str(PROBE)
        or (filename.endswith("importlib/__init__.py") and name == "import_module")
        or name in ("<built-in method builtins.exec>", "<built-in method builtins.__import__>")
    )


def _read_profile(path: Path) -> tuple[float, float, Entries, Entries]:
    """(total profiled s, s inside imports, the top entries by cumulative time, the top ones by
    own time)."""
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    total = max((ct for (_cc, _nc, _tt, ct, _callers) in table.values()), default=0.0)
    in_imports = max(
        (ct for func, (_cc, _nc, _tt, ct, _callers) in table.items() if func[2] == "_find_and_load"),
        default=0.0,
    )

    def entry(func: tuple[str, int, str]) -> tuple[float, float, str, str]:
        cc, nc, tt, ct, _callers = table[func]
        return ct, tt, f"{nc}/{cc}" if nc != cc else str(nc), _short(func)

    by_cumulative = sorted(table, key=lambda func: table[func][3], reverse=True)
    top = [entry(func) for func in by_cumulative if not _is_machinery(func)][:PROFILE_TOP]
    by_own = sorted(table, key=lambda func: table[func][2], reverse=True)  # own time: no double count
    return total, in_imports, top, [entry(func) for func in by_own[:PROFILE_TOP_OWN]]


def profile_case(
    args: tuple[str, ...],
    label: str,
    measured: float,
    floor: float,
    goal: float,
    *,
    data_dir: Path | None,
    start_tab: str | None,
) -> Profile:
    """Run a missed case again: traced (where the time goes, by step) and under cProfile. A
    failure is kept in the profile (``error``) rather than losing the figures measured."""
    try:
        return _profile_case(args, label, measured, floor, goal, data_dir=data_dir, start_tab=start_tab)
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
        nan = float("nan")
        return Profile(label, measured, floor, goal, nan, nan, error=f"{type(exc).__name__}: {exc}")


def _profile_case(
    args: tuple[str, ...],
    label: str,
    measured: float,
    floor: float,
    goal: float,
    *,
    data_dir: Path | None,
    start_tab: str | None,
) -> Profile:
    traced, stderr = _spawn(
        args,
        data_dir=data_dir,
        start_tab=start_tab,
        env={"WSJC_PROBE_TRACE": "1"},
        python_args=("-X", "importtime"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "probe.prof"
        _spawn(args, data_dir=data_dir, start_tab=start_tab, env={"WSJC_PROBE_PROFILE": str(stats)})
        total, in_imports, top, top_own = _read_profile(stats)
    return Profile(
        label=label,
        measured_s=measured,
        floor_s=floor,
        goal=goal,
        ready_s=float(traced["ready_s"]),  # type: ignore[arg-type]
        profiled_s=total,
        marks=dict(traced.get("marks", {})),  # type: ignore[call-overload]
        trace=dict(traced.get("trace", {})),  # type: ignore[call-overload]
        imports=_import_times(stderr),
        in_imports_s=in_imports,
        top=top,
        top_own=top_own,
    )


def _steps(p: Profile) -> list[tuple[str, float | None]]:
    """Where the traced start's time went, step by step (s; None: not in this case)."""
    m, t = p.marks, p.trace
    python = m.get("python", 0.0)
    qt, setup, window, ready = (m.get(k) for k in ("qt", "setup", "window", "ready"))
    steps: list[tuple[str, float | None]] = [("Python start (spawn → probe's first line)", python)]
    if qt is not None:
        steps.append(("import PySide6's widgets", qt - python))
    if setup is not None and qt is not None:
        steps.append(("application set-up (our UI modules, QApplication, fonts)", setup - qt))
    if window is not None and setup is not None:
        steps.append(("window made, its start tab loaded", window - setup))
        page_import, page_make, first_load = t.get("page_import"), t.get("page_make"), t.get("first_load")
        steps.append(("  opening the file (open_database)", t.get("open_file")))
        steps.append(("  importing the start tab's modules (SQLAlchemy, models, the tab)", page_import))
        steps.append(
            (
                "  making the start tab's page (widgets, filters)",
                page_make - page_import if page_make is not None and page_import is not None else None,
            )
        )
        steps.append(("  the start tab's first load (query, model reset, tree)", first_load))
        steps.append(("    of which records.list_ids (the query)", t.get("list_ids")))
        known = sum(v for v in (t.get("open_file"), page_make, first_load) if v is not None)
        steps.append(("  the rest (main window, 工作台, menus, remembered layout)", window - setup - known))
        if ready is not None:
            steps.append(("paint until usable (events, one real paint)", ready - window))
            steps.append(
                ("  of which rows fetched for display (records.get_many, model fill)", t.get("get_many"))
            )
    elif setup is not None and ready is not None:  # the login
        steps.append(("login dialog made and painted", ready - setup))
    return steps


def _entries_table(entries: Entries) -> list[str]:
    lines = ["| cumulative ms | own ms | calls | function |", "|---:|---:|---:|---|"]
    for cum, own, calls, name in entries:
        lines.append(f"| {cum * 1000:.0f} | {own * 1000:.0f} | {calls} | `{name}` |")
    return lines


def profile_markdown(profiles: list[Profile]) -> list[str]:
    """The "Profile of missed goals" section: per missed case, where its traced start went and
    its cProfile top entries."""
    if not profiles:
        return []
    lines = [
        "## Profile of missed goals",
        "",
        "Each missed start-up goal was run twice more on the same file and data folder: once traced "
        "(`python -X importtime`, and wrappers set from the probe around opening the file, importing "
        "and making the start tab's page, its first load and the rows fetched for display; no "
        "profiler, so its times are near the real ones) and once under cProfile (slower by the "
        "profiler's own cost; the import system's frames and the probe's are left out of its list "
        "by cumulative time, each of them holding everything below it). Both end at the ready point.",
        "",
    ]
    for p in profiles:
        lines += [
            f"### {p.label}: {p.ratio:.2f}× (goal ≤ {p.goal:g}×)",
            "",
            f"Measured {p.measured_s * 1000:.0f} ms (median) against the bare window's "
            f"{p.floor_s * 1000:.0f} ms: the goal is ≤ {p.goal * p.floor_s * 1000:.0f} ms.",
            "",
        ]
        if p.error:
            lines += [f"The profile could not be taken: {p.error}", ""]
            continue
        lines += [
            f"Traced start usable at {p.ready_s * 1000:.0f} ms.",
            "",
            "| step | ms |",
            "|---|---:|",
        ]
        for name, value in _steps(p):
            if value is not None:  # None: a step this start does not take (the 工作台 imports no page)
                lines.append(f"| {name.replace('  ', '&nbsp;&nbsp;')} | {value * 1000:.0f} |")
        if p.imports:
            total = sum(p.imports.values())
            parts = ", ".join(
                f"{name} {s * 1000:.0f}" for name, s in sorted(p.imports.items(), key=lambda x: -x[1])
            )
            lines += [
                "",
                f"Imports before the window was usable, own time by package (`-X importtime`): "
                f"{total * 1000:.0f} ms in all — {parts} (ms).",
            ]
        lines += [
            "",
            "<details><summary>cProfile: the profiled start took "
            f"{p.profiled_s * 1000:.0f} ms, {p.in_imports_s * 1000:.0f} ms of it inside imports</summary>",
            "",
            f"Top {len(p.top)} by cumulative time:",
            "",
            *_entries_table(p.top),
            "",
            f"Top {len(p.top_own)} by own time:",
            "",
            *_entries_table(p.top_own),
            "",
            "</details>",
            "",
        ]
    return lines


# --- the measurement ---------------------------------------------------------------------------


def measure(
    db: Path,
    empty: Path,
    runs: int = 5,
    *,
    tab_runs: int = TAB_RUNS,
    profile_missed: bool = True,
    label: str = "",
) -> dict[str, object]:
    """The window figures for the database ``db`` (its floor measured in the same run).

    The probes open the files for writing (as the program does): pass copies, never the cache.
    Returns ``bare``/``app`` (cold starts to the usable 工作台, s), ``start_tabs`` (register
    tab title → cold starts with that tab shown at start, s; ``min(runs, tab_runs)`` of each),
    ``login`` (s), ``complete`` (s from the usable window to the 工作台's holiday card and charts
    drawn), ``settled`` (s from the start to the end of the work behind the window: the ORM's
    background import, the integrity check), ``tab_ms`` (title → ms, each tab opened once that
    work is over), ``rss_mb`` and ``rss_empty_mb`` (resident memory after every tab on ``db``
    and on the empty ``empty``), and ``profiles`` (a :class:`Profile` of each start-up goal
    missed, when ``profile_missed``; ``label`` heads them).
    """
    # the program's data folder as on any start but the very first: one start not measured
    # fills its caches (the holiday calendar), as the first start on a PC does
    data_dir = Path(tempfile.mkdtemp(prefix="wsjc-probe-data-"))
    try:
        _compile_ours()
        probe("bare")  # not measured: fills the bytecode cache for PySide6
        # not measured: every tab visited (their modules compiled), the caches filled
        warm = probe("app", "--db", str(db), "--tabs", data_dir=data_dir)
        registers = [t for t in warm["tabs"] if t != warm["tab"]]  # type: ignore[attr-defined]
        logins = _with_logins(db)
        probe("login", "--db", str(logins))  # not measured: the login's modules compiled
        bare: list[float] = []
        starts: list[dict[str, object]] = []
        login: list[float] = []
        start_tabs: dict[str, list[float]] = {title: [] for title in registers}
        for round_ in range(runs):  # one of each per round: a busier machine weighs on all alike
            bare.append(float(probe("bare")["ready_s"]))  # type: ignore[arg-type]
            starts.append(probe("app", "--db", str(db), data_dir=data_dir))
            login.append(float(probe("login", "--db", str(logins))["ready_s"]))  # type: ignore[arg-type]
            if round_ < tab_runs:
                for title in registers:
                    out = probe("app", "--db", str(db), "--ready-only", data_dir=data_dir, start_tab=title)
                    start_tabs[title].append(float(out["ready_s"]))  # type: ignore[arg-type]
        app = [float(x["ready_s"]) for x in starts]  # type: ignore[arg-type]
        floor = median(bare)
        profiles: list[Profile] = []
        prefix = f"{label}: " if label else ""
        app_args = ("app", "--db", str(db), "--ready-only")  # a profile ends at the ready point
        # (the probe's arguments, the figure, its starts, its goal, the data folder, the start tab)
        cases: list[tuple[tuple[str, ...], str, list[float], float, Path | None, str | None]] = [
            (app_args, "cold start to the usable first tab (工作台)", app, FIRST_TAB_GOAL, data_dir, None),
            *(
                (
                    app_args,
                    f"cold start with {title} as the start tab",
                    values,
                    REGISTER_TAB_GOAL,
                    data_dir,
                    title,
                )
                for title, values in start_tabs.items()
            ),
            (
                ("login", "--db", str(logins)),
                "the program's own start: login dialog shown",
                login,
                LOGIN_GOAL,
                None,  # a fresh data folder, as its figure
                None,
            ),
        ]
        for args, figure, values, goal, folder, start_tab in cases:
            measured = median(values)
            if not profile_missed or measured / floor <= goal:
                continue
            print(f"  profiling {figure} ({measured / floor:.2f}×) …", file=sys.stderr, flush=True)
            profiles.append(
                profile_case(
                    args, prefix + figure, measured, floor, goal, data_dir=folder, start_tab=start_tab
                )
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    visit_big = probe("app", "--db", str(db), "--tabs")
    visit_empty = probe("app", "--db", str(empty), "--tabs")
    return {
        "bare": bare,
        "app": app,
        "start_tabs": start_tabs,
        "login": login,  # the program's own start: the login dialog painted
        # after the usable window: the 工作台's card and charts, then the background work
        "complete": [float(x["complete_s"]) - float(x["ready_s"]) for x in starts],  # type: ignore[arg-type]
        "settled": [float(x["settled_s"]) for x in starts],  # type: ignore[arg-type]
        "tab_ms": dict(visit_big["tab_ms"]),  # type: ignore[call-overload]
        "rss_mb": float(visit_big["rss_after_tabs_mb"]),  # type: ignore[arg-type]
        "rss_empty_mb": float(visit_empty["rss_after_tabs_mb"]),  # type: ignore[arg-type]
        "profiles": profiles,
    }


@dataclass
class Figure:
    """One line of the tables: a figure beside its floor."""

    figure: str
    measured: str
    floor: str
    ratio: str
    goal: str
    met: bool | None  # None: no goal


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _against_bare(figure: str, value: float, bare: float, goal: float) -> Figure:
    ratio = value / bare if bare else float("inf")
    return Figure(
        figure,
        _ms(value),
        f"bare window, 5 empty tabs: {_ms(bare)}",
        f"{ratio:.2f}×",
        f"≤ {goal:g}×",
        ratio <= goal,
    )


def figure_rows(f: dict[str, object], runs: int) -> list[Figure]:
    """The figures of :func:`measure`, each beside its floor."""
    bare = median(f["bare"])  # type: ignore[arg-type]
    rows = [
        _against_bare(
            f"cold start to the usable first tab, 工作台 (median of {runs})",
            median(f["app"]),  # type: ignore[arg-type]
            bare,
            FIRST_TAB_GOAL,
        )
    ]
    start_tabs: dict[str, list[float]] = f["start_tabs"]  # type: ignore[assignment]
    for title, values in start_tabs.items():
        rows.append(
            _against_bare(
                f"cold start with {title} as the start tab (median of {len(values)})",
                median(values),
                bare,
                REGISTER_TAB_GOAL,
            )
        )
    rows.append(
        _against_bare(
            f"the program's own start: login dialog shown (median of {runs})",
            median(f["login"]),  # type: ignore[arg-type]
            bare,
            LOGIN_GOAL,
        )
    )
    complete = median(f["complete"]) * 1000  # type: ignore[arg-type]
    rows.append(
        Figure(
            "工作台's holiday card and charts, drawn after the usable window",
            f"{complete:.0f} ms",
            "–",
            "–",
            "≤ 300 ms",
            complete <= 300,
        )
    )
    settled = median(f["settled"])  # type: ignore[arg-type]
    rows.append(
        Figure(
            "start-up work behind the window done (ORM imported, integrity check)",
            _ms(settled),
            f"bare window: {_ms(bare)}",
            f"{settled / bare:.2f}×",
            "–",
            None,
        )
    )
    tab_ms: dict[str, float] = f["tab_ms"]  # type: ignore[assignment]
    for title, value in tab_ms.items():
        rows.append(
            Figure(f"open tab {title} after start-up", f"{value:.0f} ms", "–", "–", "≤ 300 ms", value <= 300)
        )
    rss, rss_empty = float(f["rss_mb"]), float(f["rss_empty_mb"])  # type: ignore[arg-type]
    rows.append(
        Figure(
            "resident memory after every tab",
            f"{rss:.0f} MB",
            f"empty database: {rss_empty:.0f} MB",
            f"{rss - rss_empty:+.0f} MB",
            "≤ +50 MB",
            rss - rss_empty <= 50,
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-profile", action="store_true", help="do not profile missed goals")
    parser.add_argument("--output", type=Path, default=RESULTS / "ui_startup.md")
    args = parser.parse_args()
    lines = [
        f"# Window benchmarks (demo --scale {', '.join(map(str, args.scale))})",
        "",
        "| scale | figure | measured | floor | ratio | goal | met |",
        "|---|---|---:|---|---:|---|---|",
    ]
    profiles: list[Profile] = []
    raw: list[str] = []
    for scale in args.scale:
        with tempfile.TemporaryDirectory() as tmp:  # copies: the cached files are never written
            big = Path(tmp) / "big.db"
            empty = Path(tmp) / "empty.db"
            shutil.copyfile(demo_db(scale), big)
            shutil.copyfile(empty_db(), empty)
            figures = measure(
                big, empty, args.runs, profile_missed=not args.no_profile, label=f"scale {scale}"
            )
        for r in figure_rows(figures, args.runs):
            met = "–" if r.met is None else ("yes" if r.met else "**no**")
            lines.append(
                f"| {scale} | {r.figure} | {r.measured} | {r.floor} | {r.ratio} | {r.goal} | {met} |"
            )
        profiles += figures["profiles"]  # type: ignore[arg-type]
        app: list[float] = figures["app"]  # type: ignore[assignment]
        bare: list[float] = figures["bare"]  # type: ignore[assignment]
        raw.append(
            f"- scale {scale}, cold starts (s): 工作台 {', '.join(f'{x:.2f}' for x in app)};"
            f" bare {', '.join(f'{x:.2f}' for x in bare)}"
        )
    lines += ["", *raw, "", *profile_markdown(profiles)]
    text = "\n".join(lines)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
