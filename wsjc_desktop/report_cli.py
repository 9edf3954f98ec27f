"""``wsjc-desktop report unit-profile``: a unit's 政治生态分析研判报告 of a year, as a PDF or a
Word file."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from wsjc_desktop.cli_access import database, output_path, say


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``report`` command (sub-command ``unit-profile``) to the main command line."""
    parser = sub.add_parser("report", help="报告：生成单位政治生态分析研判报告等")
    reports = parser.add_subparsers(dest="report_kind", metavar="类别", required=True)
    profile = reports.add_parser(
        "unit-profile",
        parents=parents,
        help="单位政治生态分析研判报告（--out 以 .docx 结尾则生成 Word 文件）",
    )
    profile.add_argument("--unit", required=True, metavar="单位", help="单位全称或简称")
    profile.add_argument("--year", type=int, metavar="年度", help="研判年度，如 2026（默认今年）")
    profile.add_argument(
        "--today", metavar="日期", help="判断逾期、超期所用的日期（默认今天），如 2026-12-31"
    )
    profile.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.pdf",
        help="保存的文件路径：.pdf 生成 PDF，.docx 生成可在 WPS、Word 中编辑的 Word 文件",
    )
    profile.set_defaults(handler=cmd_unit_profile)


def cmd_unit_profile(args: argparse.Namespace) -> int:
    """Reads only; the report is noted in the audit log when the writer lock is free."""
    from wsjc_desktop.domain.validation import parse_date
    from wsjc_desktop.services import printing, unit_profile

    today = parse_date(args.today, field="today", label="日期") if args.today else None
    year = args.year if args.year is not None else (today or date.today()).year
    what = "Word 文件" if printing.is_word(args.out) else "PDF"
    out = output_path(args.out, what)
    with database(args, "note") as db:
        unit_id = unit_profile.unit_by_name(db, args.unit)
        found = unit_profile.write_report(db, unit_id, year, out, today=today)
    say(f"已生成{found.unit_name}{year}年度政治生态分析研判报告（{what}）：{out}")
    return 0
