"""What the login needs before the ORM has loaded: who can log in, whether the group is set up,
the group's name — read with plain SQL (``Database.raw_read``), so the login shows at once and
SQLAlchemy, the models and argon2 load behind it while the member types (see
:mod:`wsjc_desktop.ui.preload`). The checks of passwords and every write stay in
:mod:`wsjc_desktop.services.auth`; tests keep the two in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database

MIN_PASSWORD_LENGTH = 6
MAX_PASSWORD_LENGTH = 128
#: The setting ``group.name`` until the group gives its own (shown on every slip).
DEFAULT_GROUP_NAME = "区纪委监委派驻纪检监察组"

#: Members who can log in: active, not in the recycle bin, with a password.
_CAN_LOG_IN = "deleted_at IS NULL AND is_active = 1 AND password_hash IS NOT NULL AND password_hash <> ''"


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    title: str | None

    @property
    def display(self) -> str:
        """张三（组长）."""
        return f"{self.name}（{self.title}）" if self.title else self.name


#: A row when some member can log in (the group is set up).
NEEDS_SETUP_SQL = f"SELECT 1 FROM members WHERE {_CAN_LOG_IN} LIMIT 1"


def needs_setup(db: Database) -> bool:
    """True while no active member has a password: the first start, or a file from before logins."""
    with db.raw_read() as conn:
        return conn.execute(NEEDS_SETUP_SQL).fetchone() is None


def login_members(db: Database) -> list[MemberInfo]:
    """Every member who can log in, in the group's order."""
    with db.raw_read() as conn:
        rows = conn.execute(
            f"SELECT id, name, title FROM members WHERE {_CAN_LOG_IN} ORDER BY sort_order, id"
        ).fetchall()
    return [MemberInfo(int(i), str(name), title) for i, name, title in rows]


def group_name(db: Database) -> str:
    """The group's name (setting ``group.name``), or the program's default."""
    from wsjc_desktop.storage.quickread import NOT_STORED, stored_setting

    with db.raw_read() as conn:
        value = stored_setting(conn, "group.name")
    return DEFAULT_GROUP_NAME if value is NOT_STORED else str(value or "")
