from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.support.builders import cadre, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import attachments, records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database


def test_attachment_round_trip(db: Database, tmp_path: Path) -> None:
    cid = cadre(db, unit(db))
    source = tmp_path / "个人事项报告表.pdf"
    content = bytes(range(256)) * 1000
    source.write_bytes(content)
    aid = attachments.add_attachment(db, cid, source, note="2026年度")
    row = records.get(db, "attachments", aid)
    assert row["filename"] == "个人事项报告表.pdf"
    assert row["size"] == len(content) and row["mime_type"] == "application/pdf"
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    saved = attachments.save_attachment(db, aid, out_dir)
    assert saved.read_bytes() == content
    assert [r["id"] for r in records.list_records(db, "attachments", RecordFilter(cadre_id=cid))] == [aid]


def test_unreadable_file_and_missing_cadre(db: Database, tmp_path: Path) -> None:
    cid = cadre(db, unit(db))
    with pytest.raises(UserError, match="无法读取"):
        attachments.add_attachment(db, cid, tmp_path / "missing.docx")
    source = tmp_path / "a.txt"
    source.write_text("x")
    with pytest.raises(UserError, match="不存在或已被删除"):
        attachments.add_attachment(db, 999, source)
