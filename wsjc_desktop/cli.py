"""The ``wsjc-desktop`` command: no arguments opens the window; subcommands do the rest.

Heavy modules (Qt, reportlab, openpyxl) are imported inside the commands that need them,
so ``--version`` and ``check`` start instantly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from wsjc_desktop import APP_TITLE, __version__
from wsjc_desktop.errors import UserError
from wsjc_desktop.paths import default_db_path

Handler = Callable[[argparse.Namespace], int]


def _db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="数据库文件路径（默认：用户数据目录中的 wsjc.db，可用环境变量 WSJC_DB 指定）",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    db_parent = _db_parent()
    parser = argparse.ArgumentParser(
        prog="wsjc-desktop",
        description=f"{APP_TITLE}。不带参数运行时打开主窗口。",
        parents=[db_parent],
    )
    parser.add_argument("--version", action="version", version=f"wsjc-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    gui = sub.add_parser("gui", parents=[db_parent], help="打开主窗口（默认）")
    gui.add_argument("--tab", metavar="标签页", help="打开后切换到此标签页，如 廉情提醒")
    gui.add_argument("--screenshot", type=Path, metavar="PNG", help="打开并等标签页载入后截图保存，然后退出")
    gui.set_defaults(handler=cmd_gui)

    demo = sub.add_parser("demo", parents=[db_parent], help="写入演示数据（仅限空数据库）")
    demo.add_argument("--scale", type=int, default=1, help="数据量倍数：1 约 300 名干部，100 约 3 万名")
    demo.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同数据）")
    demo.set_defaults(handler=cmd_demo)

    search = sub.add_parser("search", parents=[db_parent], help="全文查找单位、干部、提醒、会议、谈话")
    search.add_argument("text", help="查找内容：汉字（1 个字起）或拼音（如 zs、zhangsan）")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true", help="以 JSON 输出")
    search.set_defaults(handler=cmd_search)

    check = sub.add_parser("check", parents=[db_parent], help="检查数据库完整性和结构版本")
    check.add_argument("--quick", action="store_true", help="快速检查（quick_check）")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=cmd_check)
    return parser


def resolve_db(args: argparse.Namespace) -> Path:
    path = getattr(args, "db", None)
    return Path(path).expanduser() if path else default_db_path()


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def say(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


# --- commands -------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from wsjc_desktop.ui.app import run_gui

    return run_gui(
        resolve_db(args), screenshot=getattr(args, "screenshot", None), tab=getattr(args, "tab", None)
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database

    db = open_database(resolve_db(args))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\r写入演示数据 {done}/{total}")
        sys.stderr.flush()

    try:
        counts = generate_demo(db, scale=args.scale, seed=args.seed, progress=progress)
    finally:
        db.dispose()
    sys.stderr.write("\n")
    total = sum(counts.values())
    say(f"已写入演示数据 {total} 条，用时 {time.perf_counter() - started:.1f} 秒：{db.path}")
    for table, n in counts.items():
        say(f"  {table}: {n}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from wsjc_desktop.services.search import KIND_LABELS, search
    from wsjc_desktop.storage.database import open_database

    db = open_database(resolve_db(args))
    try:
        hits = search(db, args.text, limit=args.limit)
    finally:
        db.dispose()
    if args.json:
        print_json([{**asdict(hit), "kind_label": KIND_LABELS.get(hit.kind, hit.kind)} for hit in hits])
        return 0
    if not hits:
        say(f"没有找到“{args.text}”。")
        return 0
    for hit in hits:
        say(f"[{KIND_LABELS.get(hit.kind, hit.kind)}] {hit.title}  {hit.subtitle}  (#{hit.record_id})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from wsjc_desktop.services.check import check_database

    report = check_database(resolve_db(args), quick=args.quick)
    if args.json:
        print_json(asdict(report))
    else:
        say(f"数据库：{report.path}")
        say(f"完整性：{'正常' if report.integrity == 'ok' else report.integrity}")
        say(f"结构版本：{report.schema_version}（程序：{report.expected_version}）")
        say("记录数：" + "，".join(f"{k} {v}" for k, v in report.counts.items()))
        for problem in report.problems:
            say(f"问题：{problem}")
        say("检查结果：ok" if report.ok else "检查结果：发现问题")
    return 0 if report.ok else 1


# --- entry ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from wsjc_desktop.logging_setup import install_cli_excepthook, setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", cmd_gui)
    log_path = setup_logging()
    install_cli_excepthook()
    try:
        return handler(args)
    except UserError as exc:
        sys.stderr.buffer.write(f"错误：{exc.message}\n".encode())
        sys.stderr.flush()
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        import logging

        logging.getLogger("wsjc_desktop").exception("command failed")
        sys.stderr.buffer.write(f"程序出错，详情已记录在日志：{log_path}\n".encode())
        sys.stderr.flush()
        return 1
