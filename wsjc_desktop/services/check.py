"""Health of a database file: integrity, schema version, record counts, the audit log's chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError
from wsjc_desktop.storage.health import audit_unreadable_message, check_audit_log
from wsjc_desktop.storage.media import connect_readonly
from wsjc_desktop.storage.migrate import current_revision
from wsjc_desktop.storage.revision import HEAD

#: Every revision this program can upgrade from (the migration scripts' names start with them).
KNOWN_REVISIONS = frozenset(f"{n:04d}" for n in range(1, int(HEAD) + 1))

COUNTED = (
    ("units", "监督单位"),
    ("cadres", "监察对象"),
    ("alert_notices", "廉情提醒"),
    ("meetings", "列席会议"),
    ("talks", "谈话记录"),
    ("members", "组内人员"),
)


@dataclass
class CheckReport:
    path: str
    ok: bool
    integrity: str
    schema_version: str | None
    expected_version: str
    foreign_key_problems: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: "ok", or what is wrong with the audit log (its chain or its triggers); "" when the file is
    #: not of the current schema (its chain is made when it is upgraded)
    audit_log: str = ""


def _db_errors() -> tuple[type[Exception], ...]:
    from wsjc_desktop.storage.backupio import db_errors

    return db_errors()


def check_database(path: Path, *, quick: bool = False, key: str | None = None) -> CheckReport:
    """Read-only: never writes to the file it checks (``key``: an encrypted file's passphrase)."""
    if not path.exists():
        raise UserError(f"数据库文件不存在：{path}")
    revision = current_revision(path, key=key)
    if key is not None:
        from wsjc_desktop.storage.backupio import open_raw

        con: Any = open_raw(path, key)
    else:
        con = connect_readonly(path)
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in con.execute(f"PRAGMA {pragma}")]
        integrity = "ok" if rows == ["ok"] else "; ".join(str(r) for r in rows[:10])
        fk_problems = len(con.execute("PRAGMA foreign_key_check").fetchall())
        counts: dict[str, int] = {}
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table, _label in COUNTED:
            if table in tables:
                (n,) = con.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()
                counts[table] = int(n)
        audit_problems = _audit_problems(con) if revision == HEAD and integrity == "ok" else None
    except _db_errors() as exc:
        raise UserError(f"数据库文件已损坏：{exc}") from exc
    finally:
        con.close()
    problems: list[str] = []
    if integrity != "ok":
        problems.append(f"完整性检查未通过：{integrity}")
    if fk_problems:
        problems.append(f"有 {fk_problems} 处外键引用失效")
    if audit_problems:
        problems.extend(audit_problems)
    if revision is None:
        problems.append("数据库是空的（尚未建立结构）")
    elif revision != HEAD and revision not in KNOWN_REVISIONS:
        problems.append(f"结构版本为 {revision}，由更新版本的程序创建，本程序无法打开，请升级程序")
    elif revision != HEAD:
        problems.append(f"结构版本为 {revision}，本程序的版本为 {HEAD}（打开时将自动升级）")
    return CheckReport(
        path=str(path),
        ok=not problems,
        integrity=integrity,
        schema_version=revision,
        expected_version=HEAD,
        foreign_key_problems=fk_problems,
        counts=counts,
        problems=problems,
        audit_log="" if audit_problems is None else "；".join(audit_problems) or "ok",
    )


def _audit_problems(con: Any) -> list[str]:
    """The audit log's chain and triggers verified (``health.check_audit_log``)."""
    try:
        return check_audit_log(con).problems
    except _db_errors() as exc:
        if "malformed" in str(exc).lower() or "corrupt" in str(exc).lower():
            raise
        return [audit_unreadable_message(exc)]  # text that is not UTF-8 written into an entry
