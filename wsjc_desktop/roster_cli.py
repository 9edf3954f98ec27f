"""``wsjc-desktop import-roster FILE``: import a cadre roster from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``import-roster`` command to the ``sub`` parsers of the main command line."""
    parser = sub.add_parser(
        "import-roster",
        parents=parents,
        help="导入干部花名册（.xlsx、.xls、.csv），缺少的单位自动新建",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="花名册文件")
    parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    parser.set_defaults(handler=cmd_import_roster)


def _write(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def cmd_import_roster(args: argparse.Namespace) -> int:
    from wsjc_desktop.paths import default_db_path
    from wsjc_desktop.services.roster_import import ImportResult, RowAction, import_roster, preview_roster
    from wsjc_desktop.storage.database import open_database

    path: Path = args.file
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    db_arg = getattr(args, "db", None)
    db_path = Path(db_arg).expanduser() if db_arg else default_db_path()
    if args.dry_run and not db_path.exists():
        raise UserError(f"数据库文件不存在：{db_path}")
    db = open_database(db_path, readonly=args.dry_run)
    try:
        preview = preview_roster(db, path)
        if args.dry_run:
            errors, warnings = preview.issues()
            result = ImportResult(
                imported=preview.count(RowAction.NEW),
                updated=preview.count(RowAction.UPDATE),
                unchanged=preview.count(RowAction.UNCHANGED),
                skipped=preview.count(RowAction.SKIP),
                errors=errors,
                warnings=warnings,
            )
        else:
            result = import_roster(db, preview)
    finally:
        db.dispose()
    if args.json:
        _write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    verb = "将" if args.dry_run else "已"
    _write(
        f"{'检查' if args.dry_run else '导入'}“{path.name}”：{verb}新增 {result.imported} 人，"
        f"{verb}更新 {result.updated} 人，无变化 {result.unchanged} 人，跳过 {result.skipped} 行。"
    )
    for issue in result.errors:
        _write(f"错误：第{issue.row}行 {issue.column}：{issue.message}")
    for issue in result.warnings:
        where = f"第{issue.row}行 {issue.column}：" if issue.row else ""
        _write(f"提示：{where}{issue.message}")
    if args.dry_run:
        _write("（试运行，未写入数据库）")
    return 0
