"""Files kept in a cadre's dossier: stored inside the database, so one file holds everything."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.fields import ATTACHMENT
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import records
from wsjc_desktop.storage.database import Database

MAX_BYTES = 100 * 1024 * 1024


def add_attachment(db: Database, cadre_id: int, source: Path, *, note: str | None = None) -> int:
    """Copy a file into the dossier. Returns the attachment's id."""
    try:
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"文件“{source.name}”超过 100 MB，无法作为附件保存。")
        data = source.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件“{source.name}”：{exc.strerror or exc}") from exc
    with db.uow() as uow:
        clean = records.clean_values(
            uow.session,
            ATTACHMENT,
            {"cadre_id": cadre_id, "filename": source.name, "note": note},
            creating=True,
        )
        attachment = m.Attachment(
            cadre_id=clean["cadre_id"],
            filename=clean["filename"],
            note=clean.get("note"),
            mime_type=mimetypes.guess_type(source.name)[0] or "application/octet-stream",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        uow.session.add(attachment)
        uow.commit()
    return attachment.id


def read_attachment(db: Database, attachment_id: int) -> tuple[str, bytes]:
    """(filename, content) of an attachment."""
    with db.read() as uow:
        attachment = uow.session.get(m.Attachment, attachment_id)
        if attachment is None or attachment.deleted_at is not None:
            raise NotFoundError("附件不存在或已被删除。")
        return attachment.filename, attachment.data


def save_attachment(db: Database, attachment_id: int, target: Path) -> Path:
    """Write an attachment out to ``target`` (a file path, or a folder to put it in)."""
    filename, data = read_attachment(db, attachment_id)
    path = target / filename if target.is_dir() else target
    try:
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise UserError(f"无法保存到“{path}”：{exc.strerror or exc}") from exc
    return path
