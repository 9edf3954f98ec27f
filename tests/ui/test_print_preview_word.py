"""打印预览 → 另存为 Word…: the slip written as a .docx where the user chooses."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from wsjc_desktop.services import printing, records
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Kind
from wsjc_desktop.ui.print_preview import PrintPreviewDialog, render_to_temp


@pytest.fixture
def talk_id(ctx: AppContext) -> int:
    unit_id = unit(ctx.db, "区审计局")
    person = cadre(ctx.db, unit_id, "周明远", position="副局长")
    talker = member(ctx.db, "李明")
    return records.create(
        ctx.db,
        "talks",
        {"kind": "reminder", "held_on": date(2026, 4, 1), "cadre_ids": [person], "talker_id": talker},
    )


def test_save_as_word_writes_the_docx(
    ctx: AppContext, qtbot: QtBot, talk_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make(path: Path) -> None:
        printing.print_talk(ctx.db, talk_id, path)

    asked: list[tuple[Kind, str, str, str]] = []
    chosen = tmp_path / "谈话记录"  # typed without a suffix: .docx is added

    def ask(kind: Kind, _parent: QWidget | None, title: str, start: str, file_filter: str) -> list[str]:
        asked.append((kind, title, start, file_filter))
        return [str(chosen)]

    monkeypatch.setattr(filedialogs, "ask", ask)
    pdf = render_to_temp(make, "谈话记录-周明远")
    dialog = PrintPreviewDialog(pdf, title="谈话记录 周明远", ctx=ctx, file_name="谈话记录-周明远", make=make)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.word_button.isVisible()
    assert dialog.word_button.text() == "另存为 Word…"
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)

    assert [(a[0], a[1], Path(a[2]).name, a[3]) for a in asked] == [
        (Kind.SAVE, "另存为 Word", "谈话记录-周明远.docx", "Word 文件 (*.docx)")
    ]
    saved = tmp_path / "谈话记录.docx"
    with zipfile.ZipFile(saved) as archive:
        assert "周明远" in archive.read("word/document.xml").decode("utf-8")
    dialog.document.close()


def test_no_word_button_without_a_way_to_make_one(ctx: AppContext, qtbot: QtBot, talk_id: int) -> None:
    """A preview of a PDF alone (the 节前提醒 bundle) has nothing to write a .docx from."""
    pdf = render_to_temp(lambda path: printing.print_talk(ctx.db, talk_id, path), "谈话记录")
    dialog = PrintPreviewDialog(pdf, title="谈话记录", ctx=ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.word_button.isVisible()
    assert dialog.save_as_word() is None
    dialog.document.close()
