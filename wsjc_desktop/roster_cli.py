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
    """Import under the writer lock (refused while a window or another command has the file);
    ``--dry-run`` only reads. An encrypted file's passphrase comes from ``WSJC_PASSPHRASE``."""
    from wsjc_desktop.cli_access import database
    from wsjc_desktop.services.roster_import import ImportResult, RowAction, import_roster, preview_roster

    path: Path = args.file
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    if not path.is_file():  # a folder, or a device or pipe that would be read for ever
        raise UserError(f"“{path}”不是普通文件，请给出花名册文件（.xlsx、.xls、.csv）。")
    with database(args, "readonly" if args.dry_run else "write", create=not args.dry_run) as db:
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
