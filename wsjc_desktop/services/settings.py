"""Program settings kept in the database, so every PC that opens the file sees the same."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wsjc_desktop.domain.docnumber import DEFAULT_AGENCY_CODE, DEFAULT_TEMPLATE, check_template
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.domain.models import Setting
from wsjc_desktop.errors import UserError
from wsjc_desktop.storage.database import Database

DEFAULTS: dict[str, Any] = {
    "group.name": "区纪委监委派驻纪检监察组",  # shown on every slip
    "group.agency_code": DEFAULT_AGENCY_CODE,  # the start of every 文号
    "doc_number.template": DEFAULT_TEMPLATE,
    "notice.signatory": "",
    "notice.default_deadline_days": 15,
    "folders.export": "",
    "folders.backup": "",
}

#: Per-kind overrides: ``doc_number.prefix.<kind>`` and ``doc_number.template.<kind>``.
PER_KIND_KEYS = ("doc_number.prefix.", "doc_number.template.")


def _known(key: str) -> bool:
    if key in DEFAULTS:
        return True
    for start in PER_KIND_KEYS:
        if key.startswith(start):
            return key[len(start) :] in {k.value for k in NoticeKind}
    return False


def get_in(session: Session, key: str) -> Any:
    row = session.scalar(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None)))
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


def get(db: Database, key: str) -> Any:
    with db.read() as uow:
        return get_in(uow.session, key)


def get_all(db: Database) -> dict[str, Any]:
    """Every setting: stored values over the defaults."""
    out = dict(DEFAULTS)
    with db.read() as uow:
        for row in uow.session.scalars(select(Setting).where(Setting.deleted_at.is_(None))):
            out[row.key] = json.loads(row.value)
    return out


def set_many(db: Database, values: Mapping[str, Any]) -> None:
    """Store several settings in one transaction, after checking them."""
    for key, value in values.items():
        if not _known(key):
            raise ValueError(f"unknown setting {key!r}")
        if key.startswith("doc_number.template") and value:
            check_template(str(value))
        if key == "group.name" and not str(value or "").strip():
            raise UserError("请填写纪检监察组名称。", field=key)
    with db.uow() as uow:
        for key, value in values.items():
            row = uow.session.scalar(select(Setting).where(Setting.key == key))
            text = json.dumps(value, ensure_ascii=False)
            if row is None:
                uow.session.add(Setting(key=key, value=text))
            elif row.value != text or row.deleted_at is not None:
                row.value = text
                row.deleted_at = None
        uow.commit()
