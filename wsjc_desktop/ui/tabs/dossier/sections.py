"""The dossier's sections: one compact editable table per section, and the attachments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTemporaryDir, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QMessageBox, QPushButton, QVBoxLayout, QWidget

from wsjc_desktop.domain.fields import ATTACHMENT, FieldKind, RecordSpec
from wsjc_desktop.services import attachments
from wsjc_desktop.services.display import format_date
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.ui.actions import run_action, user_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordListPanel
from wsjc_desktop.ui.table_model import Column, spec_columns
from wsjc_desktop.ui.tabs.dossier.style import MUTED


def section_columns(spec: RecordSpec) -> list[Column]:
    """A section's columns without the cadre and unit: they are the dossier's own (a clue or risk
    point naming another unit still shows it in its form)."""
    own = {spec.cadre_field, spec.unit_field} - {None}
    return [c for c in spec_columns(spec) if c.key not in own]


def _file_size(row: Row) -> str:
    size = int(row.get("size") or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _added_on(row: Row) -> str:
    stamp = row.get("created_at")
    return format_date(stamp.date()) if isinstance(stamp, datetime) else ""


ATTACHMENT_COLUMNS = [
    Column("filename", ATTACHMENT.field("filename").label, ATTACHMENT.field("filename"), width=24),
    Column("size", "大小", compute=_file_size, width=6),  # in B, KB or MB, not the field's bytes
    Column("created_at", "添加日期", compute=_added_on, width=6),
    Column("note", ATTACHMENT.field("note").label, ATTACHMENT.field("note"), width=18),
]


class SectionPanel(RecordListPanel):
    """One section of the dossier: a compact table as tall as its rows (up to a limit)."""

    MAX_ROWS = 6

    def __init__(
        self,
        ctx: AppContext,
        spec: RecordSpec,
        *,
        columns: Sequence[Column] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        columns = list(columns) if columns is not None else section_columns(spec)
        super().__init__(ctx, spec, columns=columns, parent=parent)
        self.setObjectName(f"section_{spec.table}")
        self.cadre_id: int | None = None
        self.unit_id: int | None = None
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.setSpacing(2)
        header = self.view.horizontalHeader()
        stretch = [
            i for i, c in enumerate(columns) if c.field is not None and c.field.kind is FieldKind.LONG_TEXT
        ]
        for i in stretch:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(not stretch)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._size_columns(columns)
        self.model.modelReset.connect(self._fit)
        # the table grows by a scroll bar's height when its columns no longer fit, and back
        self.view.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit())
        self._fit()

    def show_cadre(self, cadre_id: int | None, unit_id: int | None = None) -> None:
        self.cadre_id, self.unit_id = cadre_id, unit_id
        if cadre_id is None:
            self.set_parent_values({})
        elif self.spec.parent is not None:
            self.set_parent_values({"cadre_id": cadre_id})
        else:  # clues and risk points name the cadre without belonging to it
            self.set_parent_values({"cadre_id": cadre_id}, RecordFilter(cadre_id=cadre_id))

    def fixed_values(self) -> dict[str, Any]:
        # a clue or risk point gets the cadre as a default the user may change, not a fixed value
        return super().fixed_values() if self.spec.parent is not None else {}

    def new_defaults(self) -> dict[str, Any]:
        """For a record naming the cadre without belonging to it (a clue, a risk point): the
        cadre and unit shown (the spec's defaults come first: ``new_values``)."""
        values: dict[str, Any] = {}
        if self.spec.parent is None:
            for key, value in ((self.spec.cadre_field, self.cadre_id), (self.spec.unit_field, self.unit_id)):
                if key is not None:
                    values[key] = value
        return values

    def _size_columns(self, columns: Sequence[Column]) -> None:
        """Narrower than in a register: a section shares the page with seven others."""
        metrics = self.view.fontMetrics()
        char = metrics.horizontalAdvance("汉")
        samples = {FieldKind.DATE: "0000-00-00", FieldKind.MONTH: "0000-00", FieldKind.YEAR: "0000"}
        for i, column in enumerate(columns):
            width = max(metrics.horizontalAdvance(column.label) + 24, int(column.width * char * 0.8) + 12)
            if column.field is not None and column.field.kind in samples:
                width = max(width, metrics.horizontalAdvance(samples[column.field.kind]) + 20)
            self.view.setColumnWidth(i, width)

    def _fit(self) -> None:
        rows = self.model.rowCount()
        note = f"{rows} 条" if rows else ("暂无记录" if self.cadre_id is not None else "")
        self.title.setText(f"<b>{self.spec.label}</b><span style='color:{MUTED}'>　{note}</span>")
        self.view.setVisible(rows > 0)
        if rows:
            shown = min(rows, self.MAX_ROWS)
            height = (
                self.view.horizontalHeader().sizeHint().height()
                + shown * self.view.verticalHeader().defaultSectionSize()
                + 2 * self.view.frameWidth()
            )
            scrollbar = self.view.horizontalScrollBar()
            if scrollbar.maximum() > scrollbar.minimum():
                height += scrollbar.sizeHint().height()
            self.view.setFixedHeight(height)


class AttachmentsPanel(SectionPanel):
    """附件: files kept in the database; open (through a private temporary copy) or save a copy."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ATTACHMENT, columns=ATTACHMENT_COLUMNS, parent=parent)
        self._temp: QTemporaryDir | None = None
        self.add_button.setText("添加附件…")
        self.edit_button.setText("打开")
        self.edit_button.setToolTip("用本机的关联程序打开（双击亦可）")
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_selected)
        self.save_button.setEnabled(bool(self.parent_values))
        layout = self.layout()
        assert layout is not None
        item = layout.itemAt(0)
        bar = item.layout() if item is not None else None
        assert isinstance(bar, QHBoxLayout)
        bar.insertWidget(bar.indexOf(self.delete_button), self.save_button)

    def set_parent_values(self, values: dict[str, Any], flt: RecordFilter | None = None) -> None:
        super().set_parent_values(values, flt)
        if hasattr(self, "save_button"):
            self.save_button.setEnabled(bool(values))

    def add(self) -> None:
        if self.cadre_id is None or self.ctx.readonly:
            return
        from wsjc_desktop.ui import filedialogs

        cadre_id = self.cadre_id
        paths = filedialogs.open_files(self, filedialogs.Purpose.ATTACHMENT, "添加附件", "所有文件 (*)")
        with user_action(self, title="无法添加附件"):  # the first file refused ends the adding
            for path in paths:
                attachments.add_attachment(self.ctx.db, cadre_id, Path(path))

    def edit(self) -> None:
        """“Edit” here opens the file: that is what double-click and Enter mean for a file."""
        self.open_selected()

    def temporary_copy(self, attachment_id: int) -> Path:
        """The attachment written to this session's private temporary folder (removed on exit)."""
        if self._temp is None or not self._temp.isValid():
            self._temp = QTemporaryDir()
        folder = Path(self._temp.path()) / str(attachment_id)
        folder.mkdir(parents=True, exist_ok=True)
        return attachments.save_attachment(self.ctx.db, attachment_id, folder)

    def open_selected(self) -> None:
        attachment_id = self.selected_id()
        if attachment_id is None:
            return
        path = run_action(self, lambda: self.temporary_copy(attachment_id), title="无法打开附件")
        if path is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.warning(
                self, "无法打开附件", f"本机没有能打开“{path.name}”的程序。\n\n可用“另存为…”保存后再处理。"
            )

    def save_selected(self) -> None:
        attachment_id = self.selected_id()
        if attachment_id is None:
            return
        row = self.model.row_data(self.view.currentIndex().row()) or {}
        name = str(row.get("filename") or "附件")
        from wsjc_desktop.ui import filedialogs

        target = filedialogs.save_file(
            self, filedialogs.Purpose.ATTACHMENT, "附件另存为", name, "所有文件 (*)"
        )
        if target is None:
            return
        run_action(
            self,
            lambda: attachments.save_attachment(self.ctx.db, attachment_id, target),
            title="无法保存附件",
        )
