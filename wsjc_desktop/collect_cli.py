"""``wsjc-desktop collect make``: write a unit's collection workbook (信息采集表); and
``wsjc-desktop import collect FILE``: bring the workbook the unit returned back in.

The import runs under the writer lock and is all or nothing: a file with any bad cell writes
nothing and exits with 1, its errors listed (sheet, row, column). ``--dry-run`` only reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wsjc_desktop.cli_access import database, output_path, print_json, say
from wsjc_desktop.errors import UserError


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``collect`` command (sub-command ``make``) to the main command line."""
    parser = sub.add_parser(
        "collect", help="信息采集：生成单位填报用的信息采集表（交回后用 import collect 导入）"
    )
    commands = parser.add_subparsers(dest="collect_command", metavar="子命令", required=True)
    make = commands.add_parser(
        "make", parents=parents, help="为一个单位生成信息采集表（.xlsx），预填干部、家庭成员和个人有关事项"
    )
    make.add_argument("--unit", required=True, metavar="单位", help="单位全称或简称")
    make.add_argument("--out", type=Path, required=True, metavar="FILE", help="保存到的 .xlsx 文件")
    make.set_defaults(handler=cmd_make)


def cmd_make(args: argparse.Namespace) -> int:
    """Written even while a window holds the file (it only reads); noted in the audit log when
    the writer lock is free, since the workbook carries ID numbers."""
    from wsjc_desktop.services import collect, ledgers

    out = output_path(args.out, "信息采集表")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"请给出 .xlsx 文件名：{out}")
    with database(args, "note") as db:
        unit_id = ledgers.find_unit(db, args.unit)
        made = collect.make_collection(db, unit_id, out)
    say(
        f"已生成“{made.unit_name}”的信息采集表：干部 {made.cadres} 人，家庭成员 {made.family_members} 人，"
        f"个人有关事项报告 {made.reports} 份：{made.path}"
    )
    return 0


def cmd_import_collect(args: argparse.Namespace) -> int:
    """``import collect FILE``: preview, then (unless ``--dry-run``) write it all in one
    transaction under the writer lock. Exit 1, nothing written, when the file has errors."""
    from wsjc_desktop.services.collect import CollectResult, import_collection, preview_collection

    path: Path = args.file
    with database(args, "readonly" if args.dry_run else "write") as db:
        preview = preview_collection(db, path)
        if args.dry_run or preview.errors:
            result = CollectResult.of(preview)
        else:
            result = import_collection(db, preview)
    if args.json:
        print_json(result.as_dict())
    else:
        verb = "将" if args.dry_run else "已"
        if preview.errors:
            say(f"检查“{path.name}”（{preview.unit_name}）：有错误，未导入任何数据。")
        else:
            done = "检查" if args.dry_run else "导入"
            say(
                f"{done}“{path.name}”（{preview.unit_name}）：{verb}新增 {result.imported} 条，"
                f"{verb}更新 {result.updated} 条，无变化 {result.unchanged} 条。"
            )
            for group in preview.cadres:
                for change in group.changes:
                    say(f"  {group.name}：{change.text()}")
        for issue in result.errors:
            say(f"错误：{issue.text()}")
        for issue in result.warnings:
            say(f"提示：{issue.text()}")
        if args.dry_run and not preview.errors:
            say("（试运行，未写入数据库）")
    if preview.errors and not args.dry_run:  # refused, as a ledger with a bad row is (exit 2)
        raise UserError(f"信息采集表中有 {result.skipped} 行存在错误，未导入任何数据。请改正后重试。")
    return 0
