"""``wsjc-desktop import LEDGER FILE``: bring a ledger (台账) or a returned collection workbook
(信息采集表) into the database.

Every ledger the program exports imports back (``services.ledger_import``); ``cadres`` is the
roster import (``import-roster`` stays as its older name); ``collect`` is the workbook a unit
filled in (``services.collect``). Each runs under the writer lock, all or nothing, and
``--dry-run`` only reads and reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError

#: The command line's names, in the order the help lists them, with what each is.
KINDS: dict[str, str] = {
    "units": "监督单位",
    "cadres": "监察对象花名册",
    "notices": "廉情提醒及整改台账（含整改反馈）",
    "meetings": "列席会议台账（含意见建议）",
    "talks": "谈话台账",
    "opinions": "党风廉政意见回复台账",
    "clues": "问题线索台账（含办理阶段）",
    "inspections": "监督检查台账",
    "problems": "问题发现台账（先导入监督检查台账和廉情提醒台账，来源记录和交办依据才能关联）",
    "collect": "信息采集表（单位填报后交回的）",
}


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``import`` command to the ``sub`` parsers of the main command line."""
    listed = "；".join(f"{k} {v}" for k, v in KINDS.items())
    parser = sub.add_parser("import", parents=parents, help="导入台账（.xlsx）或交回的信息采集表")
    parser.add_argument("ledger", choices=list(KINDS), metavar="台账", help=f"台账种类：{listed}")
    parser.add_argument("file", type=Path, metavar="FILE", help="台账文件（.xlsx）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    parser.add_argument(
        "--create-missing", action="store_true", help="花名册中没有的人员，在该行的单位下新建（默认跳过该行）"
    )
    parser.add_argument(
        "--year",
        type=int,
        metavar="年份",
        help="只写了月日的日期（如 3月5日）按此年份理解（默认从标题或文件名看出）",
    )
    parser.set_defaults(handler=cmd_import)


def write_line(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def check_file(path: Path) -> None:
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    if not path.is_file():  # a folder, or a device or pipe that would be read for ever
        raise UserError(f"“{path}”不是普通文件，请给出台账文件（.xlsx）。")


def cmd_import(args: argparse.Namespace) -> int:
    check_file(args.file)
    if args.ledger == "cadres":
        from wsjc_desktop.roster_cli import cmd_import_roster

        return cmd_import_roster(args)
    if args.ledger == "collect":
        from wsjc_desktop.collect_cli import cmd_import_collect

        return int(cmd_import_collect(args))
    return cmd_import_ledger(args)


def cmd_import_ledger(args: argparse.Namespace) -> int:
    """Import under the writer lock (refused while a window or another command has the file);
    ``--dry-run`` only reads. A file with an error in any row writes nothing (exit 2)."""
    from wsjc_desktop.cli_access import database
    from wsjc_desktop.errors import UserError
    from wsjc_desktop.services.ledger_import import import_ledger, preview_ledger

    with database(args, "readonly" if args.dry_run else "write", create=not args.dry_run) as db:
        preview = preview_ledger(
            db, args.ledger, args.file, create_missing=args.create_missing, year=args.year
        )
        errors, _warnings = preview.issues()
        result = preview.result() if args.dry_run or errors else import_ledger(db, preview)
    if args.json:
        write_line(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        verb = "将" if args.dry_run else "已"
        write_line(
            f"{'检查' if args.dry_run else '导入'}{KINDS[args.ledger]}“{args.file.name}”：{verb}新增 "
            f"{result.imported} 条，{verb}更新 {result.updated} 条，无变化 {result.unchanged} 条，"
            f"跳过 {result.skipped} 行。"
        )
        for issue in result.errors:
            write_line(f"错误：第{issue.row}行 {issue.column}：{issue.message}")
        for issue in result.warnings:
            where = f"第{issue.row}行 {issue.column}：" if issue.row else ""
            write_line(f"提示：{where}{issue.message}")
        if args.dry_run:
            write_line("（试运行，未写入数据库）")
    if errors and not args.dry_run:
        raise UserError(f"有{len({e.row for e in errors})}行存在错误，未导入任何数据。请改正后重试。")
    return 0
