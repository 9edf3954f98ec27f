"""The ``wsjc-desktop`` command: no arguments opens the window; subcommands do the rest.

Every command that writes (demo, import-roster, print, the holiday reminders, restore, encrypt,
exchange import and export) holds the writer lock (``storage.lock``) while it works, as a window
does, or is refused naming who holds the file; a ledger export writes its audit note only when
it can hold the lock. A command's audit entries name who ran it: the member given with
``--member`` (or ``WSJC_MEMBER``), and the command line with the system user (命令行（wang）).

Exit codes: 0 done; 2 refused (bad arguments, a file in use, missing, damaged or not a
database: a Chinese ``错误：…`` on stderr, nothing changed); 1 ``check`` found a problem, a
restore was declined, or a bug (程序出错, logged); 130 interrupted.

Heavy modules (Qt, reportlab, openpyxl) are imported inside the commands that need them,
so ``--version`` and ``check`` start instantly.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from wsjc_desktop import APP_TITLE, __version__
from wsjc_desktop.cli_access import (
    database,
    end_progress,
    note,
    os_reason,
    output_path,
    passphrase_for,
    print_json,
    progress_line,
    resolve_db,
    say,
    sign,
    who_runs,
    writer_lock,
)
from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database

Handler = Callable[[argparse.Namespace], int]
T = TypeVar("T")

#: Every refusal (bad arguments, a file in use, a damaged file) ends the command with this code.
REFUSED = 2
#: The largest record id SQLite can hold (a signed 64-bit integer).
MAX_RECORD_ID = 2**63 - 1
#: ``search --limit`` takes at most this many hits.
MAX_SEARCH_LIMIT = 10_000


# --- argparse in Chinese ----------------------------------------------------------------------

#: argparse's complaints (English, formatted) and how the user reads them.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"the following arguments are required: (.+)", r"缺少参数：\1"),
        (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
        (r"argument (\S+): invalid int value: '?(.*?)'?", r"\1 后面应是整数，而不是“\2”"),
        (r"argument (\S+): invalid \S+ value: '?(.*?)'?", r"\1 的值“\2”无效"),
        (
            r"argument 命令: invalid choice: '?(.*?)'? \(choose from (.+)\)",
            r"没有“\1”这个命令，可用的命令：\2",
        ),
        (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)", r"\1 没有“\2”这一项，可选：\3"),
        (r"argument (\S+): expected .*argument.*", r"\1 后面缺少值"),
        (r"ambiguous option: (\S+) could match (.+)", r"选项 \1 不明确，可能是：\2"),
        (r"argument (\S+): not allowed with argument (\S+)", r"\1 不能与 \2 同时使用"),
        (r"argument (\S+): ignored explicit argument '?(.*?)'?", r"\1 不接受值“\2”"),
        (r"one of the arguments (.+) is required", r"请给出以下参数之一：\1"),
        (r"argument (\S+): (.*[\u4e00-\u9fff].*)", r"\1：\2"),  # our own (Chinese) complaint
    )
)


def argparse_message(message: str) -> str:
    """argparse's complaint about the arguments, in Chinese."""
    for pattern, text in _ARGPARSE_MESSAGES:
        found = pattern.fullmatch(message)
        if found is not None:
            return found.expand(text).replace("', '", "、").replace("'", "")
    return f"参数有误：{message}"


class _Parser(argparse.ArgumentParser):
    """argparse whose complaints are Chinese: ``错误：…`` on stderr and exit code 2, as for every
    other refusal (subcommands' parsers are of the same class)."""

    def error(self, message: str) -> NoReturn:
        usage = self.format_usage().replace("usage: ", "用法：", 1)
        sys.stderr.buffer.write(f"{usage}错误：{argparse_message(message)}\n".encode())
        sys.stderr.flush()
        raise SystemExit(REFUSED)


def _int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"应是 {low} 到 {high} 之间的整数，而不是“{text}”") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"应是 {low} 到 {high} 之间的整数（给出的是 {text}）")
        return value

    return parse


def _db_parent() -> _Parser:
    parent = _Parser(add_help=False)
    parent.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="数据库文件路径（默认：用户数据目录中的 wsjc.db，可用环境变量 WSJC_DB 指定）",
    )
    parent.add_argument(
        "--portable",
        action="store_true",
        default=argparse.SUPPRESS,
        help="便携模式：数据库、备份、日志和界面设置都放在程序旁的 data 文件夹"
        "（程序旁有 portable.txt 文件时自动启用）",
    )
    parent.add_argument(
        "--member",
        default=argparse.SUPPRESS,
        metavar="姓名",
        help="以此组内人员的名义运行（写入操作日志；也可用环境变量 WSJC_MEMBER 指定）；"
        "不指定时操作日志记为“命令行（系统用户名）”",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    db_parent = _db_parent()
    parser = _Parser(
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
    search.add_argument(
        "--limit",
        type=_int_between(1, MAX_SEARCH_LIMIT),
        default=50,
        metavar="N",
        help=f"最多列出多少条（1 到 {MAX_SEARCH_LIMIT}，默认 50）",
    )
    search.add_argument("--json", action="store_true", help="以 JSON 输出")
    search.set_defaults(handler=cmd_search)

    check = sub.add_parser("check", parents=[db_parent], help="检查数据库完整性和结构版本")
    check.add_argument("--quick", action="store_true", help="快速检查（quick_check）")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=cmd_check)

    from wsjc_desktop import collect_cli, exchange_cli, import_cli, report_cli, roster_cli

    roster_cli.add_parser(sub, [db_parent])
    import_cli.add_parser(sub, [db_parent])
    collect_cli.add_parser(sub, [db_parent])
    exchange_cli.add_parser(sub, [db_parent])
    report_cli.add_parser(sub, [db_parent])

    _add_print_parser(sub, db_parent)
    _add_export_parser(sub, db_parent)
    _add_stats_parser(sub, db_parent)
    _add_backup_parsers(sub, db_parent)
    encrypt = sub.add_parser(
        "encrypt", parents=[db_parent], help="加密数据库（SQLCipher）；已加密的数据库则修改口令"
    )
    encrypt.add_argument(
        "--remove-backups",
        action="store_true",
        help="删除未加密的旧备份（默认把它们也加密）；删除前会询问",
    )
    encrypt.add_argument("--yes", action="store_true", help="不询问，直接删除未加密的旧备份")
    encrypt.set_defaults(handler=cmd_encrypt)
    return parser


#: ``print`` subcommands: (name, help, what the ID names).
PRINT_KINDS = (
    (
        "notice",
        "廉情提醒（廉情抄告单、提醒函、提示函、建议书、节前提醒）",
        "廉情提醒的编号或文号，如 驻X纪抄〔2026〕3号",
    ),
    ("talk", "谈话记录", "谈话记录的编号"),
    ("meeting", "列席会议记录", "会议记录的编号"),
    ("opinion", "党风廉政意见回复（同一来函涉及的人员合并为一份回复）", "意见回复记录的编号"),
    ("file", "干部廉政档案", "干部的编号"),
)


def _add_print_parser(sub: Any, db_parent: argparse.ArgumentParser) -> None:
    printing = sub.add_parser(
        "print", parents=[db_parent], help="打印：按公文格式生成 PDF（--out 以 .docx 结尾则生成 Word 文件）"
    )
    kinds = printing.add_subparsers(dest="print_kind", metavar="类别", required=True)
    for name, help_text, id_help in PRINT_KINDS:
        one = kinds.add_parser(name, parents=[db_parent], help=help_text)
        one.add_argument("id", metavar="ID", help=id_help)
        one.add_argument(
            "--out",
            type=Path,
            required=True,
            metavar="FILE.pdf",
            help="保存的文件路径：.pdf 生成 PDF，.docx 生成可在 WPS、Word 中编辑的 Word 文件",
        )
        if name in ("notice", "opinion"):  # letters: the 版记's 抄送 and the 落款
            one.add_argument(
                "--cc", metavar="机关", help="抄送机关（多个用顿号分隔），印在末页版记；默认取设置"
            )
            seal = one.add_mutually_exclusive_group()
            seal.add_argument(
                "--no-seal", dest="sealed", action="store_false", default=None, help="不加盖印章的落款格式"
            )
            seal.add_argument("--seal", dest="sealed", action="store_true", help="加盖印章的落款格式（默认）")
        one.set_defaults(handler=cmd_print)
    holiday = kinds.add_parser(
        "holiday-reminder", parents=[db_parent], help="节前廉政提醒：给每个监督单位各发出一份，合成一个 PDF"
    )
    holiday.add_argument("--holiday", required=True, metavar="节日", help="节日名称，如 春节、中秋")
    holiday.add_argument("--year", type=int, required=True, metavar="年度", help="节日所在年度，如 2026")
    holiday.add_argument("--issued-on", metavar="日期", help="发出日期（默认今天），如 2026-02-10")
    holiday.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.pdf",
        help="保存的文件路径：.pdf，或 .docx（Word 文件）",
    )
    holiday.set_defaults(handler=cmd_print_holiday)


# --- commands -------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from wsjc_desktop.ui.app import run_gui

    return run_gui(
        resolve_db(args), screenshot=getattr(args, "screenshot", None), tab=getattr(args, "tab", None)
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """Demo data into a new file, or added to an existing one (under the writer lock)."""
    from wsjc_desktop.services import members
    from wsjc_desktop.services.demo import DEMO_PASSWORD, MAX_SCALE, generate_demo

    if not 1 <= args.scale <= MAX_SCALE:  # before a file is made for nothing
        raise UserError(f"数据量倍数必须是 1 到 {MAX_SCALE} 之间的整数。", field="scale")
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        progress_line(f"写入演示数据 {done}/{total}")

    with database(args, "write", create=True) as db:
        fresh = members.needs_setup(db)  # then the demo sets the group up, with the demo password
        counts = generate_demo(db, scale=args.scale, seed=args.seed, progress=progress)
        logins = members.login_members(db) if fresh else []
    end_progress()
    total = sum(counts.values())
    say(f"已写入演示数据 {total} 条，用时 {time.perf_counter() - started:.1f} 秒：{db.path}")
    for table, n in counts.items():
        say(f"  {table}: {n}")
    if logins:
        names = "、".join(m.display for m in logins[:2]) + ("等" if len(logins) > 2 else "")
        say(f"登录：选择 {names}，口令均为 {DEMO_PASSWORD}（演示口令）")
    else:
        say("本文件此前已设置组内人员和口令：演示人员未设口令，请用本组原有人员登录。")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from wsjc_desktop.services.search import KIND_LABELS, search

    if not args.text.strip():
        raise UserError("请填写查找内容：汉字（1 个字起）或拼音。")
    with database(args, "read") as db:
        hits = search(db, args.text, limit=args.limit)
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
    from wsjc_desktop.storage import crypto

    path = resolve_db(args)
    key = passphrase_for(path) if path.is_file() and crypto.is_encrypted(path) else None
    report = check_database(path, quick=args.quick, key=key)
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


def record_id(ref: str) -> int:
    """A record's id as typed (full-width digits too); refused unless a number SQLite can hold."""
    text = ref.strip()
    if not text.isdecimal():
        raise UserError(f"编号“{ref}”有误：请填写记录的编号（数字）。")
    number = int(text)
    if number > MAX_RECORD_ID:
        raise UserError(f"编号“{ref}”有误：没有这么大的记录编号，请检查是否多输了数字。")
    return number


def cmd_print(args: argparse.Namespace) -> int:
    """A record as its slip: a PDF, or a Word file when ``--out`` ends in .docx. The print is
    noted in the audit log, so the command holds the writer lock (refused while a window has
    the file)."""
    from wsjc_desktop.services import printing

    kind: str = args.print_kind
    ref: str = args.id.strip()
    what = "Word 文件" if printing.is_word(args.out) else "PDF"
    out = output_path(args.out, what)
    # a notice is named by its id or its 文号; every other record by its id
    target: int | str = record_id(ref) if kind != "notice" or is_number(ref) else ref
    with database(args, "write") as db:
        options = {"copy_to": getattr(args, "cc", None), "sealed": getattr(args, "sealed", None)}
        if kind == "notice":
            printing.print_notice(db, target, out, **options)
        elif kind == "talk":
            printing.print_talk(db, int(target), out)
        elif kind == "meeting":
            printing.print_meeting(db, int(target), out)
        elif kind == "opinion":
            printing.print_opinion(db, int(target), out, **options)
        else:
            printing.print_file(db, int(target), out)
    say(f"已生成 {what}：{out}")
    return 0


def is_number(text: str) -> bool:
    """``text`` is all digits (full-width ones too): a record id rather than a 文号."""
    return text.strip().isdecimal()


def holiday_name(db: Database, typed: str) -> str:
    """The holiday ``typed`` names: one of the statutory holidays under any of its names, or a
    name the file's 节前提醒 already carry; anything else is refused (nothing is issued)."""
    from wsjc_desktop.domain.notice_rules import HOLIDAYS, REMINDER_NAMES

    name = " ".join(typed.split())
    if not name:
        raise UserError("请填写节日名称（--holiday），如 春节。", field="holiday")
    if any(name in names for names in REMINDER_NAMES.values()):
        return name
    with db.raw_read() as conn:
        used = {
            str(row[0])
            for row in conn.execute(
                "SELECT DISTINCT holiday FROM alert_notices WHERE holiday IS NOT NULL AND deleted_at IS NULL"
            )
        }
    if name in used:
        return name
    raise UserError(f"没有名为“{name}”的节日，未发出任何提醒。可选：{'、'.join(HOLIDAYS)}。", field="holiday")


def cmd_print_holiday(args: argparse.Namespace) -> int:
    from wsjc_desktop.domain.validation import parse_date
    from wsjc_desktop.services import printing

    issued_on = parse_date(args.issued_on, field="issued_on", label="发出日期") if args.issued_on else None
    file_kind = "Word 文件" if printing.is_word(args.out) else "PDF"
    out = output_path(args.out, file_kind)

    def progress(done: int, total: int) -> None:
        progress_line(f"生成{file_kind} {done}/{total}")

    with database(args, "write") as db:
        name = holiday_name(db, args.holiday)
        issued = printing.holiday_reminders(
            db, holiday=name, year=args.year, out=out, issued_on=issued_on, progress=progress
        )
    end_progress()
    what = f"{args.year}年{name}节前廉政提醒"
    if issued:
        say(f"已发出{what} {len(issued)} 份。")
    else:
        say(f"{what}此前已全部发出，本次未新发出。")
    say(f"已生成 {file_kind}：{out}")
    return 0


#: ``export`` ledgers: the names the command line takes (as in services.ledgers.LEDGERS).
EXPORT_LEDGERS = (
    *("units", "cadres", "notices", "meetings", "talks", "opinions", "clues"),
    *("inspections", "problems"),
)
#: The years a ``--year`` may name (as the statistics take them).
YEARS = range(2000, 2101)


def _add_export_parser(sub: Any, db_parent: argparse.ArgumentParser) -> None:
    export = sub.add_parser("export", parents=[db_parent], help="导出 Excel 台账")
    export.add_argument(
        "ledger",
        metavar="LEDGER",
        help="台账：units 监督单位、cadres 监察对象花名册、notices 廉情提醒及整改台账、"
        "meetings 列席会议台账、talks 谈话台账、opinions 党风廉政意见回复台账、clues 问题线索台账、"
        "inspections 监督检查台账、problems 问题发现台账",
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="保存 Excel 的文件路径")
    export.add_argument("--year", type=int, metavar="年度", help="只导出该年度的记录，如 2026")
    export.add_argument("--unit", metavar="单位", help="只导出该单位的记录（单位全称或简称）")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """A ledger as an Excel file, noted in the audit log when the writer lock is free; while
    another program holds it the ledger is still written (read-only) and the note only logged."""
    from wsjc_desktop.services import ledgers

    ledger: str = args.ledger.strip()
    if ledger not in EXPORT_LEDGERS:
        raise UserError(f"没有名为“{ledger}”的台账，可选：{'、'.join(EXPORT_LEDGERS)}。")
    out = output_path(args.out, "Excel 台账")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"请给出 .xlsx 文件名：{out}")
    if args.year is not None and args.year not in YEARS:
        raise UserError(f"年度“{args.year}”不是有效年份。", field="year")

    def progress(done: int, total: int) -> None:
        progress_line(f"写入 {done}/{total}")

    with database(args, "note") as db:
        unit_id = ledgers.find_unit(db, args.unit) if args.unit else None
        written = ledgers.export_ledger(db, ledger, out, year=args.year, unit_id=unit_id, progress=progress)
    end_progress()
    say(f"已导出 {written} 条：{out}")
    return 0


def _add_stats_parser(sub: Any, db_parent: argparse.ArgumentParser) -> None:
    stats = sub.add_parser("stats", parents=[db_parent], help="年度统计：年终总结所需的各项数字")
    stats.add_argument("--year", type=int, metavar="年度", help="统计年度，如 2026（默认今年）")
    stats.add_argument("--from", dest="start", metavar="日期", help="自定义时段的开始日期，如 2026-01-01")
    stats.add_argument("--to", dest="end", metavar="日期", help="自定义时段的结束日期，如 2026-06-30")
    stats.add_argument("--today", metavar="日期", help="判断逾期所用的日期（默认今天）")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出全部统计项（含分单位、分人员）")
    stats.add_argument("--out", type=Path, metavar="FILE", help="导出到 .xlsx 或 .pdf 文件")
    stats.set_defaults(handler=cmd_stats)


def _stats_period(args: argparse.Namespace) -> Any:
    from datetime import date

    from wsjc_desktop.domain.validation import parse_date
    from wsjc_desktop.services.stats import Period

    if args.start or args.end:
        if args.year is not None:
            raise UserError("--year 与 --from/--to 只能选一种。")
        if not (args.start and args.end):
            raise UserError("自定义时段请同时给出 --from 和 --to。")
        start = parse_date(args.start, field="start", label="开始日期")
        end = parse_date(args.end, field="end", label="结束日期")
        assert start is not None and end is not None
        return Period(start, end)
    return Period.year(args.year if args.year is not None else date.today().year)


def compute_checked(path: Path, compute: Callable[[], T]) -> T:
    """``compute()`` on a read-only connection to ``path`` while the file's integrity check
    (``health.check_file``, as a writer runs before writing) runs beside it on another core: a
    damaged file is refused in Chinese, never summed up as if whole. SQLite reads outside
    Python's lock, so the two take about as long as the longer of them."""
    import sqlite3
    import threading

    from wsjc_desktop.storage import health

    outcome: dict[str, Any] = {}

    def check() -> None:
        try:
            outcome["health"] = health.check_file(path)
        except Exception as exc:  # reported below, in this thread
            outcome["error"] = exc

    checker = threading.Thread(target=check, name="wsjc-stats-check", daemon=True)
    checker.start()
    try:
        result = compute()
    except sqlite3.DatabaseError as exc:
        checker.join()
        found = outcome.get("health")
        if found is not None and not found.ok:
            raise found.error() from exc
        raise health.read_error(path, exc) from exc
    checker.join()
    if "error" in outcome:
        raise outcome["error"]
    found = outcome["health"]
    if not found.ok:
        raise found.error()
    return result


def cmd_stats(args: argparse.Namespace) -> int:
    from wsjc_desktop.domain.validation import parse_date
    from wsjc_desktop.services import stats

    period = _stats_period(args)
    today = parse_date(args.today, field="today", label="日期") if args.today else None
    out = output_path(args.out, "统计表") if args.out else None
    if out is not None and out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError(f"请给出 .xlsx 或 .pdf 文件名：{out}")
    path = resolve_db(args)
    if out is None:
        from wsjc_desktop.storage import quickread

        conn = quickread.connect(path)  # no SQLAlchemy needed to read figures
        if conn is not None:
            try:
                report = compute_checked(path, lambda: stats.compute(conn, period, today=today, split=False))
            finally:
                conn.close()
            _show_stats(report, as_json=args.json)
            return 0
    with database(args, "read" if out is None else "note") as db:
        report = stats.compute(db, period, today=today)
        if out is not None:
            from wsjc_desktop.services import yearend

            if out.suffix.lower() == ".xlsx":
                yearend.export_xlsx(db, report, out)
            else:
                yearend.export_pdf(db, report, out)
        if args.json or out is None:
            _show_stats(report, as_json=args.json)
    if out is not None:
        (sys.stderr.buffer if args.json else sys.stdout.buffer).write(f"已导出：{out}\n".encode())
    return 0


def _show_stats(report: Any, *, as_json: bool) -> None:
    if as_json:
        # every unit's and member's figures: compact unless a person is reading the terminal
        print_json(report.as_json(), compact=not sys.stdout.isatty())
    else:
        _say_stats(report)


def _say_stats(report: Any) -> None:
    from wsjc_desktop.services.stats import SECTIONS

    say(f"{report.period.label}工作统计（逾期按 {report.today.isoformat()} 判断）")
    figures = report.figures()
    for section in SECTIONS:
        say(f"【{section}】")
        for fig in figures:
            if fig.section == section:
                say(f"  {fig.label}：{fig.value}")
    say("【文字材料】")
    for sentence in stats_sentences(report):
        say(sentence)


def stats_sentences(report: Any) -> list[str]:
    from wsjc_desktop.services.stats import sentences

    return list(sentences(report))


# --- backup and restore -------------------------------------------------------------


def _new_passphrase() -> str:
    """The new passphrase: ``WSJC_NEW_PASSPHRASE``, else asked twice on the terminal."""
    from wsjc_desktop.storage import crypto

    key = os.environ.get("WSJC_NEW_PASSPHRASE")
    if key:
        crypto.check_new_passphrase(key)
        return key
    if not sys.stdin.isatty():
        raise UserError("请在终端运行并输入新口令，或设置环境变量 WSJC_NEW_PASSPHRASE。")
    import getpass

    first = getpass.getpass("新口令（至少8个字符）：")
    crypto.check_new_passphrase(first, getpass.getpass("再输入一次："))
    return first


def check_writable(path: Path, doing: str) -> None:
    """Refuse a file this program may not change (read-only, or another account's) before
    anything is done; ``doing`` says what could not be done (加密)."""
    try:
        with open(path, "r+b"):
            pass
    except OSError as exc:
        raise UserError(
            f"数据库文件“{path}”是只读的或不能写入（{os_reason(exc)}），无法{doing}。"
            "请先取消文件的只读属性（或换有写入权限的账户）后再试。"
        ) from None


def cmd_encrypt(args: argparse.Namespace) -> int:
    """Encrypt a plain database in place, and its plain backups with it (or delete them, with
    ``--remove-backups``, once confirmed); or change an encrypted one's passphrase. The writer
    lock is held throughout, so no other instance is using the file meanwhile."""
    from wsjc_desktop.services import backup
    from wsjc_desktop.storage import crypto
    from wsjc_desktop.storage.database import open_database

    path = resolve_db(args)
    if not path.is_file() or path.stat().st_size == 0:
        raise UserError(f"数据库文件不存在或是空的：{path}")
    check_writable(path, "加密")
    who = who_runs(args)
    with writer_lock(path, who):
        old = passphrase_for(path) if crypto.is_encrypted(path) else None
        # opened and closed once for writing: a write-ahead log left by a read-only reader
        # (``check``) is folded back into the file, so the conversion finds it alone
        db = open_database(path, key=old)
        try:
            sign(db, who)  # an unknown --member is refused before anything changes
            with db.engine.connect() as conn:  # the last connection to close folds the log in
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.dispose()
        if old is not None:
            moved = backup.change_database_passphrase(path, old, _new_passphrase())
            say(f"已修改数据库口令：{path}")
            if moved.converted:
                say(f"已将 {len(moved.converted)} 份备份改用新口令（{moved.backup_dir}）。")
            for failed, why in moved.failed.items():
                note(f"提示：备份“{failed.name}”仍使用原来的口令：{why}")
            return 0
        folder = backup.default_backup_dir(path)
        plain = backup.plain_backups(folder, path.stem)
        if plain and args.remove_backups and not args.yes:
            question = f"将删除 {len(plain)} 份未加密的备份（{folder}），确定吗？输入 y 确认："
            if not _confirm(question):
                say("已取消，没有做任何修改。")
                return 1
        done = backup.encrypt_database(
            path, _new_passphrase(), backups="remove" if args.remove_backups else "convert", backup_dir=folder
        )
        say(f"数据库已加密：{path}。请牢记口令：口令丢失将无法恢复数据。")
    if done.converted:
        say(f"已加密备份 {len(done.converted)} 份（{done.backup_dir}）。")
    if done.removed:
        say(f"已删除未加密的备份 {len(done.removed)} 份（{done.backup_dir}）。")
    for failed, why in done.failed.items():
        note(f"提示：备份“{failed.name}”未能加密，仍未加密：{why}")
    return 0


def _add_backup_parsers(sub: Any, db_parent: argparse.ArgumentParser) -> None:
    made = sub.add_parser(
        "backup", parents=[db_parent], help="备份数据库并校验备份（--list：列出已有的备份）"
    )
    made.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        help="备份到此文件夹（如 U 盘）；默认为设置中的备份文件夹，未设置时为数据库旁的 backups 文件夹",
    )
    made.add_argument(
        "--list", action="store_true", help="列出备份文件夹中的备份：时间、类型、大小、记录数、是否完好"
    )
    made.set_defaults(handler=cmd_backup)

    back = sub.add_parser(
        "restore", parents=[db_parent], help="用一份备份恢复数据库（先把当前数据库另存为安全副本）"
    )
    back.add_argument("backup", type=Path, metavar="BACKUP", help="备份文件的路径")
    back.add_argument("--yes", action="store_true", help="不询问，直接恢复")
    back.set_defaults(handler=cmd_restore)


def _backup_progress() -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        progress_line(f"复制 {done}/{total} 页" if total else "正在校验备份…          ")

    return progress


def cmd_backup(args: argparse.Namespace) -> int:
    """A verified copy of the database. The copy only reads the file (it is made while the
    file is in use), so no writer lock is needed."""
    from wsjc_desktop.services import backup

    if args.list:
        from wsjc_desktop.storage import crypto

        path = resolve_db(args)
        # an encrypted file's backups are checked with WSJC_PASSPHRASE if given (a listing does
        # not ask): without it they are listed as encrypted, and a plain one among them is named
        encrypted = path.is_file() and crypto.is_encrypted(path)
        key = os.environ.get("WSJC_PASSPHRASE") or None
        folder = Path(args.to).expanduser() if args.to else backup.default_backup_dir(path, key)
        items = backup.list_backups(folder, key=key, encrypted=encrypted)
        say(f"备份文件夹：{folder.absolute()}")
        if not items:
            say("没有备份。")
        for item in items:
            counts = backup.describe_counts(item.counts) or "-"
            say(
                f"{item.created:%Y-%m-%d %H:%M:%S}  {item.reason_label}  "
                f"{backup.format_size(item.size)}  {counts}  {item.state}"
            )
            say(f"    {item.path.absolute()}")
        return 0
    with database(args, "read") as db:
        info = backup.create_backup(db, args.to, reason="manual", progress=_backup_progress())
    end_progress()
    say(f"已备份并校验：{info.path.absolute()}")
    say(f"大小：{backup.format_size(info.size)}")
    say(f"记录数：{backup.describe_counts(info.counts)}")
    return 0


def _confirm(question: str) -> bool:
    sys.stdout.buffer.write(question.encode("utf-8"))
    sys.stdout.flush()
    answer = sys.stdin.readline()
    if not sys.stdin.isatty():
        say("")  # the answer was not echoed: end the question's line
    return answer.strip().lower() in ("y", "yes", "是", "确定")


def restore_key(source: Path, path: Path) -> str | None:
    """The passphrase a restore needs: the backup's if it is encrypted, else the current file's
    (for its safety copy); None when both are plain. ``WSJC_PASSPHRASE``, else asked on a
    terminal; with neither, None (the backup's check then says it needs the passphrase)."""
    from wsjc_desktop.storage import crypto

    for file in (source, path):
        if file.is_file() and crypto.is_encrypted(file):
            if os.environ.get("WSJC_PASSPHRASE") or sys.stdin.isatty():
                return passphrase_for(file)
            return None
    return None


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database with a backup, under the writer lock: refused while a window (or
    another command) has the file, whose later writes would otherwise be lost."""
    from wsjc_desktop.services import backup
    from wsjc_desktop.storage import crypto

    path = resolve_db(args)
    source = Path(args.backup).expanduser()
    key = restore_key(source, path)
    check = backup.verify_backup(source, key)
    if not check.ok:
        asked = key is not None or not (source.is_file() and crypto.is_encrypted(source))
        hint = "" if asked else "（加密的备份：请设置环境变量 WSJC_PASSPHRASE，或在终端运行并输入口令）"
        raise UserError(f"备份“{source.name}”有问题，不能用来恢复：{check.problem}{hint}")
    with writer_lock(path, who_runs(args)):
        when = f"{check.created:%Y年%m月%d日 %H:%M:%S}" if check.created else "未知"
        say(f"备份文件：{source.absolute()}")
        say(f"备份时间：{when}")
        say(f"记录数：{backup.describe_counts(check.counts)}")
        say(f"将用它替换数据库：{path.absolute()}（替换前先把当前数据库另存为安全副本）")
        if not args.yes and not _confirm("确定恢复吗？输入 y 确认："):
            say("已取消，没有做任何修改。")
            return 1
        safety = backup.restore(source, path, key=key)
    say(f"已恢复到 {when} 的备份：{path.absolute()}")
    if safety is not None:
        say(f"恢复前的数据库已另存为：{safety.absolute()}")
    return 0


# --- entry ----------------------------------------------------------------------------


def _ensure_std_streams() -> None:
    """The windowed Windows executable has no console: ``sys.stdout``/``sys.stderr`` are None
    there, and ``--version`` or any message would fail. Send them nowhere instead (the console
    executable ``wsjc-cli.exe`` is the one for the command line)."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _log_unraisable(unraisable: Any) -> None:
    """An error Python could not raise (in a finaliser: a zip archive left open by a write that
    failed on a full disk) goes to the log, not onto the user's terminal after the message."""
    import logging

    with suppress(Exception):  # at shutdown logging may be gone: then it is dropped
        logging.getLogger("wsjc_desktop").warning(
            "ignored in %r: %s",
            unraisable.object,
            unraisable.err_msg or "exception",
            exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback),
        )


def driver_error(exc: BaseException) -> UserError | None:
    """The Chinese message for a database driver's error the user can act on (locked, read-only,
    full, damaged), or None (a bug: logged and reported as such)."""
    import sqlite3

    from wsjc_desktop.storage.errors import translate_db_error

    drivers: tuple[type[BaseException], ...] = (sqlite3.Error,)
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        drivers += (DBAPIError,)
    if "sqlcipher3" in sys.modules:
        from wsjc_desktop.storage import cipher

        drivers += cipher.driver_errors()
    return translate_db_error(exc) if isinstance(exc, drivers) else None


def refuse(message: str) -> int:
    end_progress()
    sys.stderr.buffer.write(f"错误：{message}\n".encode())
    sys.stderr.flush()
    return REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    from wsjc_desktop.logging_setup import install_cli_excepthook, setup_logging

    _ensure_std_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "portable", False):
        from wsjc_desktop.paths import set_portable

        set_portable()
    handler: Handler = getattr(args, "handler", cmd_gui)
    log_path = setup_logging()
    install_cli_excepthook()
    sys.unraisablehook = _log_unraisable
    try:
        return handler(args)
    except UserError as exc:
        return refuse(exc.message)
    except KeyboardInterrupt:
        end_progress()
        return 130
    except BrokenPipeError:
        # whoever read the output stopped reading (``… | head``): nothing more to say to it, and
        # nothing for Python to fail on when it flushes the output at exit
        with suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        import logging

        logging.getLogger("wsjc_desktop").exception("command failed")
        known = driver_error(exc)
        if known is not None:
            return refuse(known.message)
        end_progress()
        sys.stderr.buffer.write(f"程序出错，详情已记录在日志：{log_path}\n".encode())
        sys.stderr.flush()
        return 1
