"""Printing benchmarks: one notice warm vs a bare reportlab page, the first notice in a fresh
process, and a 100-unit 节前廉政提醒 in one PDF.

Run from the repository root: ``python benchmarks/printing_bench.py``. Writes
benchmarks/results/printing.md.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import median  # noqa: E402
from wsjc_desktop.printing.values import NoticeValues  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "printing.md"
GROUP = "区纪委监委派驻第一纪检监察组"
PROBLEMS = "\n".join(
    [
        "2025年第四季度，你单位2项合同金额超过50万元的采购事项未经党组会集体研究，由分管领导签批后即组织实施。",
        "抽查2025年公务接待台账发现，3批次接待无公函，1批次陪餐人数超过规定标准，报销凭证缺少审批签字。",
        "部分干部对廉政风险防控认识不足，岗位风险点排查流于形式，防控措施针对性不强。",
    ]
)
REQUIREMENTS = "\n".join(
    [
        "对照问题逐项制定整改措施，明确责任领导、责任科室和完成时限。",
        "修订完善决策制度实施细则，严格执行集体决策程序，举一反三开展全面自查。",
    ]
)


def plain_notice(seq: int = 3, unit: str = "区财政局党组", *, with_receipt: bool = False) -> NoticeValues:
    """A 抄告单 whose text is all in the body font: the like-for-like case for the bare page."""
    return NoticeValues(
        kind="copy_notice",
        kind_label="廉情抄告单",
        group_name=GROUP,
        doc_number=f"驻一纪抄〔2026〕{seq}号",
        unit_name=unit,
        title="关于区财政局公务接待和决策程序有关问题的廉情抄告单",
        problems=PROBLEMS,
        requirements=REQUIREMENTS,
        deadline=date(2026, 3, 20),
        issued_on=date(2026, 3, 5),
        with_receipt=with_receipt,
    )


def holiday_notice(seq: int, unit: str) -> NoticeValues:
    return NoticeValues(
        kind="holiday_reminder",
        kind_label="节前廉政提醒",
        group_name=GROUP,
        doc_number=f"驻一纪节〔2026〕{seq}号",
        unit_name=unit,
        title="",
        holiday="春节",
        deadline=date(2026, 2, 10),
        issued_on=date(2026, 2, 2),
        with_receipt=False,
    )


def notice_lines(values: NoticeValues) -> list[str]:
    """The notice's printed text, cut into lines of 28 characters as the grid sets it."""
    from wsjc_desktop.printing import wording

    w = wording.NOTICE_WORDING[values.kind]
    paragraphs = [
        values.group_name,
        values.kind_label,
        values.doc_number or "",
        values.title,
        values.unit_name + "：",
        w.lead,
        *values.problems.splitlines(),
        w.requirements_lead,
        *values.requirements.splitlines(),
        w.deadline.format(deadline="2026年3月20日"),
        w.closing,
        values.group_name,
        "2026年3月5日",
        "— 1 —",
    ]
    return [chunk for p in paragraphs for chunk in textwrap.wrap(p, 28)]


def bare_page(lines: list[str], font_name: str) -> bytes:
    """The floor: the same text in the same font, one drawString per line, no layout."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595.27, 841.89), pageCompression=1, invariant=1)
    canvas.setFont(font_name, 16)
    y = 841.89 - 37 * 72 / 25.4 - 20
    for line in lines:
        canvas.drawString(28 * 72 / 25.4, y, line)
        y -= 29
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(function: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        out.append(time.perf_counter() - started)
    return out


COLD_SCRIPT = """
import io, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from benchmarks.printing_bench import plain_notice
from wsjc_desktop.printing.slips import render_notice
render_notice(plain_notice(with_receipt=True), io.BytesIO())
print(time.perf_counter() - started)
"""


def cold_first_notice() -> tuple[float, float]:
    """(wall time of the whole process, time from the first import to the PDF) in seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    return wall, float(result.stdout.strip().splitlines()[-1])


def python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def measure(pairs: int = 15, cold_runs: int = 5) -> dict[str, object]:
    """Every printing figure in seconds: warm notice vs bare page (medians of ``2 * pairs``),
    with 回执, a fresh process, and the 100-unit 节前廉政提醒."""
    from wsjc_desktop.printing.fonts import FontSet
    from wsjc_desktop.printing.slips import render_notice, render_notices

    fonts = FontSet.load()
    values = plain_notice()
    font_name = fonts.face_for("fangsong", "中").name  # type: ignore[union-attr]
    lines = notice_lines(values)

    # warm up both (fonts read, caches filled), then interleave the measurements
    render_notice(values, io.BytesIO(), fonts=fonts)
    bare_page(lines, font_name)
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(pairs):
        ours += timed(lambda: render_notice(values, io.BytesIO(), fonts=fonts), 2)
        bare += timed(lambda: bare_page(lines, font_name), 2)
    full = plain_notice(with_receipt=True)
    full_times = timed(lambda: render_notice(full, io.BytesIO(), fonts=fonts), 2 * pairs)

    colds = [cold_first_notice() for _ in range(cold_runs)]
    starts = [python_start() for _ in range(cold_runs)]

    units = [holiday_notice(i, f"第{i}综合监督单位党组") for i in range(1, 101)]
    progress: list[int] = []
    started = time.perf_counter()
    render_notices(units, io.BytesIO(), fonts=fonts, progress=lambda done, total: progress.append(done))
    bulk = time.perf_counter() - started
    assert progress[-1] == 100
    return {
        "fonts": fonts,
        "ours": ours,
        "bare": bare,
        "full": full_times,
        "colds": colds,
        "starts": starts,
        "bulk": bulk,
        "units": len(units),
    }


def main() -> None:
    from wsjc_desktop.printing.fonts import ROLES

    figures = measure()
    fonts = figures["fonts"]
    ours: list[float] = figures["ours"]  # type: ignore[assignment]
    bare: list[float] = figures["bare"]  # type: ignore[assignment]
    full_times: list[float] = figures["full"]  # type: ignore[assignment]
    colds: list[tuple[float, float]] = figures["colds"]  # type: ignore[assignment]
    starts: list[float] = figures["starts"]  # type: ignore[assignment]
    bulk = float(figures["bulk"])  # type: ignore[arg-type]
    n_units = int(figures["units"])  # type: ignore[call-overload]
    ours_ms, bare_ms, full_ms = median(ours) * 1000, median(bare) * 1000, median(full_times) * 1000
    ratio = ours_ms / bare_ms
    cold_wall = median([c[0] for c in colds])
    cold_inner = median([c[1] for c in colds])
    start_ms = median(starts) * 1000
    rows = [
        (
            "one notice, warm (median of 30)",
            f"{ours_ms:.1f} ms",
            f"bare reportlab page, same font and text: {bare_ms:.1f} ms",
            f"{ratio:.2f}× (goal ≤ 1.3×)",
            "yes" if ratio <= 1.3 else "no",
        ),
        (
            "one notice with 回执 (4 fonts), warm (median of 20)",
            f"{full_ms:.1f} ms",
            "–",
            "–",
            "–",
        ),
        (
            "first notice in a fresh process (median of 5)",
            f"{cold_wall * 1000:.0f} ms wall",
            f"`python -c pass`: {start_ms:.0f} ms",
            f"import + fonts + render: {cold_inner * 1000:.0f} ms",
            "–",
        ),
        (
            "100-unit 节前廉政提醒, render_notices",
            f"{bulk:.2f} s",
            "–",
            "goal ≤ 5 s",
            "yes" if bulk <= 5 else "no",
        ),
    ]
    header = ("figure", "measured", "floor", "ratio / goal", "met")
    table = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(row) + " |" for row in rows],
    ]
    report = "\n".join(
        [
            "# Printing benchmarks",
            "",
            *table,
            "",
            "fonts: " + ", ".join(f"{role} {fonts.primary(role).path.name}" for role in ROLES),  # type: ignore[attr-defined]
            f"cold starts (s): {', '.join(f'{c[0]:.2f}' for c in colds)}",
            f"100-unit PDF: {n_units} notices, {bulk / n_units * 1000:.1f} ms each",
            "",
        ]
    )
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
