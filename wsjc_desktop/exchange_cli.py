"""``wsjc-desktop exchange export|import|status``: two PCs in step without a server (issue 16).

The merge itself is :mod:`wsjc_desktop.exchange.engine`; this module is the command line around
it: the exchange passphrase (``WSJC_EXCHANGE_PASSPHRASE``, else asked on the terminal), the
database and its writer lock, and what is reported.

* ``import`` writes: it holds the writer lock throughout (refused, naming who holds the file,
  while a window has it). A ``--db`` that does not exist yet becomes a new replica of the
  package's group (the second PC's first start); the package is opened and checked whole
  before that file is made, so a refused package leaves no file behind, and it must be a full
  package (one with only the recent changes would make a replica lacking the rest). Conflicts
  are reported, not decided: the engine keeps the later-stamped value and lists both in
  ``sync_conflicts`` for the window.
* ``export`` holds the writer lock too, although it mostly reads: it records what it exported
  (``sync_state.exported``, which ``status`` counts from), and the group's first export sets the
  exchange passphrase (a group setting that travels in the package). Neither may be written
  beside a window that holds the file, and an export that could not record itself would count
  its changes as not exported (unlike a ledger, whose audit note may be skipped).
* ``status`` only reads (works beside a window and on read-only media).

Every refusal is a Chinese ``UserError`` (exit code 2) and leaves the database as it was:
the arguments and the package are checked before the database is opened where they can be.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from wsjc_desktop.exchange.container import Header
    from wsjc_desktop.exchange.engine import Conflict, ImportResult
    from wsjc_desktop.storage.database import Database

#: Where the command line takes the group's exchange passphrase from.
PASSPHRASE_ENV = "WSJC_EXCHANGE_PASSPHRASE"
SUFFIX = ".wsjcx"


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``exchange`` command and its three subcommands to the main command line."""
    exchange = sub.add_parser(
        "exchange", parents=parents, help="两台电脑之间交换数据（无需服务器）：导出、导入交换包，查看状态"
    )
    actions = exchange.add_subparsers(dest="exchange_action", metavar="操作", required=True)

    export = actions.add_parser(
        "export",
        parents=parents,
        help="导出交换包（*.wsjcx）：本机对方尚未收到的修改；本组首次导出时设置交换口令",
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE.wsjcx", help="保存交换包的文件路径")
    export.add_argument("--full", action="store_true", help="导出完整交换包（全部数据），而不只是新的修改")
    export.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    export.set_defaults(handler=cmd_export)

    imported = actions.add_parser(
        "import",
        parents=parents,
        help="导入另一台电脑的交换包并合并；数据库不存在时新建为本组的副本（第二台电脑首次使用）",
    )
    imported.add_argument("file", type=Path, metavar="FILE.wsjcx", help="交换包文件")
    imported.add_argument("--json", action="store_true", help="以 JSON 输出结果（含冲突列表）")
    imported.set_defaults(handler=cmd_import)

    status = actions.add_parser(
        "status",
        parents=parents,
        help="交换状态：本机名称和编号、其他电脑及最近一次收到其交换包的时间、未导出的修改、未处理的冲突",
    )
    status.add_argument("--json", action="store_true", help="以 JSON 输出")
    status.set_defaults(handler=cmd_status)


# --- the passphrase ----------------------------------------------------------------------------


def exchange_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """The group's exchange passphrase: ``WSJC_EXCHANGE_PASSPHRASE``, else asked on the terminal
    without echo (twice when it is being set: ``confirm``)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(f"请设置环境变量 {PASSPHRASE_ENV}（本组的交换口令），或在终端运行并输入交换口令。")
    import getpass

    first = getpass.getpass(prompt)
    if confirm:
        from wsjc_desktop.storage import cipher

        try:
            cipher.check_new_passphrase(first, getpass.getpass("再输入一次："))
        except UserError as exc:
            raise UserError(f"交换口令未设置：{exc.message}", field="passphrase") from None
    return first


# --- export ------------------------------------------------------------------------------------


def package_out(given: Path) -> Path:
    """The package file ``--out`` names, refused before anything is opened if it is a device, a
    folder, in a folder that does not exist, or not a ``.wsjcx`` name."""
    from wsjc_desktop.cli_access import output_path

    out = output_path(given, "交换包")
    if out.is_dir():
        raise UserError(f"“{out}”是一个文件夹：请给出交换包的文件名，如 {out / ('交换包' + SUFFIX)}。")
    if out.suffix.lower() != SUFFIX:
        raise UserError(f"交换包的文件名应以 {SUFFIX} 结尾：{out}")
    if not out.parent.is_dir():
        raise UserError(f"文件夹“{out.parent}”不存在，未导出交换包。")
    return out


def cmd_export(args: argparse.Namespace) -> int:
    from wsjc_desktop.cli_access import database, print_json, say
    from wsjc_desktop.exchange import engine, labels
    from wsjc_desktop.storage import cipher

    out = package_out(args.out)
    with database(args, "write") as db:
        first = not labels.passphrase_set(db)
        if first:
            passphrase = exchange_passphrase("设置本组的交换口令（至少8个字符）：", confirm=True)
            try:
                cipher.check_new_passphrase(passphrase)
            except UserError as exc:
                raise UserError(f"交换口令未设置：{exc.message}", field="passphrase") from None
        else:
            passphrase = exchange_passphrase("本组的交换口令：")
        set_now = engine.check_passphrase(db, passphrase, set_if_missing=first)
        result = engine.export_package(db, out, passphrase, full=args.full)
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "rows": result.rows,
                "tombstones": result.tombstones,
                "full": result.full,
                "passphrase_set": set_now,
            }
        )
        return 0
    if set_now:
        say("已设置本组的交换口令（首次导出）。另一台电脑导入时需输入同一口令，请妥善告知，不要写在U盘上。")
    kind = "完整交换包" if result.full else "交换包"
    if result.rows == 0 and result.tombstones == 0:
        say(f"没有对方尚未收到的修改；已导出空的{kind}：{result.path}")
    else:
        deleted = f"、彻底删除 {result.tombstones} 条" if result.tombstones else ""
        say(f"已导出{kind}（{result.rows} 条记录{deleted}）：{result.path}")
    return 0


# --- import ------------------------------------------------------------------------------------


def package_in(given: Path) -> tuple[Path, Header]:
    """The package file to import and its header, refused if it is missing, not a regular file,
    or not a whole package as far as can be told without the passphrase."""
    from wsjc_desktop.exchange import container

    path = Path(given).expanduser()
    if not path.exists():
        raise UserError(f"交换包文件不存在：{path}")
    if not path.is_file():  # a folder, or a device or pipe that would be read for ever
        raise UserError(f"“{path}”不是普通文件，请给出交换包文件（*{SUFFIX}）。")
    return path, container.read_header(path)


def cmd_import(args: argparse.Namespace) -> int:
    from wsjc_desktop.cli_access import database, note, resolve_db
    from wsjc_desktop.exchange import engine

    path, header = package_in(args.file)
    target = resolve_db(args)
    new = not (target.is_file() and target.stat().st_size > 0)
    sender = header.sender_name or "另一台电脑"
    passphrase = exchange_passphrase(f"交换包“{path.name}”（来自{sender}）的交换口令：")
    made = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    try:
        with database(args, "write", create=True) as db:
            result = engine.import_package(db, path, passphrase)
            conflicts = [_conflict_view(db, c) for c in result.conflicts]
    except BaseException:
        if new:  # a refused package (or a stop) leaves no new file, nor the folders made for it
            _remove_new(target, made)
        raise
    if new:
        note(f"已新建数据库“{target}”，作为本组的一个副本（来自{sender}的交换包）。")
    _report_import(args, path, result, conflicts)
    return 0


def _remove_new(target: Path, folders: list[Path]) -> None:
    """Remove the database file this command made, with what SQLite kept beside it, and the
    folders made for it (innermost first; one that is not empty stays)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _conflict_view(db: Database, conflict: Conflict) -> dict[str, Any]:
    """A conflict as reported: the engine's fields, and the record and field by their names."""
    from dataclasses import asdict

    from wsjc_desktop.exchange import labels

    view: dict[str, Any] = asdict(conflict)
    view["table_label"] = labels.table_label(conflict.table)
    view["column_label"] = labels.column_label(conflict.table, conflict.column)
    with db.raw_read() as conn:
        view["record_id"], view["record"] = labels.record_title(conn, conflict.table, conflict.uid)
    return view


def _report_import(
    args: argparse.Namespace, path: Path, result: ImportResult, conflicts: list[dict[str, Any]]
) -> None:
    from wsjc_desktop.cli_access import print_json, say
    from wsjc_desktop.exchange import labels

    if args.json:
        print_json(
            {
                "sender": result.sender,
                "unchanged": result.unchanged,
                "inserted": result.inserted,
                "updated": result.updated,
                "deleted": result.deleted,
                "by_table": result.by_table,
                "audit_entries": result.audit_entries,
                "conflicts": conflicts,
                "notes": result.notes,
                "gaps": result.gaps,
            }
        )
        return
    sender = result.sender or "另一台电脑"
    if result.unchanged:
        say(
            f"交换包“{path.name}”（来自{sender}）没有本机尚未收到的修改（已导入过，或是较早的交换包），数据库未改动。"
        )
        return
    say(
        f"已导入交换包“{path.name}”（来自{sender}）：新增 {result.inserted} 条，修改 {result.updated} 条，"
        f"删除 {result.deleted} 条，冲突 {len(conflicts)} 处。"
    )
    for item in conflicts:
        what = item["table_label"] + (f"“{item['record']}”" if item["record"] else "")
        if item["kind"] == "number":
            say(f"文号冲突：{item['note']}")
        elif item["kind"] == "field":
            kept = "对方" if item["kept"] == "remote" else "本机"
            say(
                f"冲突：{what}的{item['column_label']}两边都改了：本机为“{labels.shown(item['local_value'])}”，"
                f"对方为“{labels.shown(item['remote_value'])}”；暂按较晚的修改保留{kept}的值。"
            )
        else:
            say(f"冲突：{what}：{item['note'] or '未能合并'}")
    for text in result.notes:
        say(f"提示：{text}")
    if result.gaps:  # the sender took changes to be here that are not (a backup restored here?)
        say(
            f"提示：{sender}以为本机已有的部分早前修改，此交换包没有带来（本机是否恢复过较早的备份？）。"
            f"请在{sender}上导出完整交换包（exchange export --full）后导入本机，即可补齐。"
        )
    if conflicts:
        say("以上冲突已记下，未作决定：请在程序的窗口中逐一确认或改回。")


# --- status ------------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    from wsjc_desktop.cli_access import database, print_json, say
    from wsjc_desktop.exchange import engine, labels

    with database(args, "read") as db:
        found = engine.status(db)
        passphrase_set = labels.passphrase_set(db)
        stored = engine.open_conflicts(db)
    conflicts = [
        {
            "kind": c["kind"],
            "table": c["tbl"],
            "uid": c["uid"],
            "column": c["col"],
            "local_value": _loads(c["local_value"]),
            "remote_value": _loads(c["remote_value"]),
            "kept": c["kept"],
            "note": c["note"] or "",
            "found_at": c["found_at"],
        }
        for c in stored
    ]
    if args.json:
        print_json(
            {
                "name": found.name,
                "replica_id": found.replica_id,
                "group_id": found.group_id,
                "passphrase_set": passphrase_set,
                "peers": [
                    {"replica_id": p.replica_id, "name": p.name, "last_heard": p.last_heard}
                    for p in found.peers
                ],
                "unexported": found.unexported,
                "open_conflicts": found.open_conflicts,
                "conflicts": conflicts,
            }
        )
        return 0
    say(f"本机：{found.name}（副本编号 {found.replica_id}）")
    say(f"本组编号：{found.group_id}")
    say(f"交换口令：{'已设置' if passphrase_set else '未设置（本组首次导出时设置）'}")
    if found.peers:
        for peer in found.peers:
            heard = f"最近一次导入其交换包：{peer.last_heard}" if peer.last_heard else "尚未直接收到其交换包"
            say(f"其他电脑：{peer.name or '（未命名）'}（{peer.replica_id}），{heard}")
    else:
        say("其他电脑：尚未收到过其他电脑的交换包")
    say(f"尚未导出的修改：{found.unexported} 处")
    say(
        f"未处理的冲突：{found.open_conflicts} 处"
        + ("（请在程序的窗口中处理）" if found.open_conflicts else "")
    )
    return 0


def _loads(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
