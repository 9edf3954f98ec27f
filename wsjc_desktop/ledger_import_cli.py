"""``wsjc-desktop import LEDGER FILE`` for the ledgers other than the roster and the collection
workbook (see ``import_cli``): a preview of every row, then all of it in one transaction."""

from __future__ import annotations

import argparse
import json

from wsjc_desktop.import_cli import KINDS, write_line


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
