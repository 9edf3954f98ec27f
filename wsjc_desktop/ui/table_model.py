"""A table of records: holds only the ids a filter returned and fetches rows as they are shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.fields import Field, RecordSpec, Tone
from wsjc_desktop.services import records
from wsjc_desktop.services.display import Lookups, is_masked, screen_value
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.storage.database import Database

PAGE = 200
Index = QModelIndex | QPersistentModelIndex

#: The text colour of a row whose status stands out (the spec's ``status_tones``): a notice
#: past its 反馈期限 in red, a draft in grey.
TONE_COLORS: dict[Tone, QColor] = {Tone.ALERT: QColor("#c0392b"), Tone.MUTED: QColor("#7f8c8d")}


_DOTS: dict[str, QIcon] = {}


def dot_icon(color: QColor, size: int = 12) -> QIcon:
    """A filled circle of ``color`` (made once per colour)."""
    icon = _DOTS.get(color.name())
    if icon is None:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(1, 1, size - 2, size - 2)
        painter.end()
        icon = _DOTS[color.name()] = QIcon(pixmap)
    return icon


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    field: Field | None = None
    compute: Callable[[Row], str] | None = None
    width: int = 10  # characters
    #: the cell's own text colour, over the row's (a clue's deadline light); None: the row's
    color: Callable[[Row], QColor | None] | None = None
    dot: bool = False  # also a round light of that colour before the text
    tip: Callable[[Row], str] | None = None  # the cell's own tooltip ("": none)

    @property
    def sortable(self) -> bool:
        return self.field is not None and self.field.kind.value != "refs"


def spec_columns(spec: RecordSpec) -> list[Column]:
    return [Column(f.name, f.label, f, width=f.width) for f in spec.table_fields]


class RecordTableModel(QAbstractTableModel):
    """Rows of one record type under a RecordFilter; refreshes itself from ChangeSets."""

    def __init__(
        self,
        db: Database,
        spec: RecordSpec,
        lookups: Lookups,
        *,
        columns: Sequence[Column] | None = None,
        flt: RecordFilter | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.spec = spec
        self.lookups = lookups
        self.columns = list(columns) if columns is not None else spec_columns(spec)
        self.flt = flt or RecordFilter()
        self._ids: list[int] = []
        self._rows: dict[int, Row] = {}
        self.loaded = False

    # --- loading --------------------------------------------------------------------

    def set_filter(self, flt: RecordFilter) -> None:
        self.flt = replace(flt, sort=self.flt.sort, descending=self.flt.descending)
        self.reload()

    def reload(self) -> None:
        if self.flt.only_ids is not None and not self.flt.only_ids:
            ids: list[int] = []  # an empty panel (no parent chosen yet): nothing to ask the file
        else:
            ids = records.list_ids(self.db, self.spec.table, self.flt)
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self.endResetModel()
        self.loaded = True

    def _row(self, position: int) -> Row | None:
        record_id = self._ids[position]
        row = self._rows.get(record_id)
        if row is None:
            start = position - position % PAGE
            page = [i for i in self._ids[start : start + PAGE] if i not in self._rows]
            self._rows.update(records.get_many(self.db, self.spec.table, page))
            row = self._rows.get(record_id)
        return row

    def on_changes(self, changes: ChangeSet) -> None:
        """Redraw what a write changed: reload on adds and removals, refetch changed rows only."""
        table = self.spec.table
        structural = any(table in bucket for bucket in (changes.created, changes.deleted, changes.restored))
        if structural or (self.flt.sort and table in changes.updated):
            self.reload()
            return
        touched = changes.updated.get(table, set())
        related = changes.tables & {"units", "members", "cadres"}
        if related:
            self.lookups.invalidate(changes)
        if not touched and not related:
            return
        if related and not touched:
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))
            return
        for record_id in touched:
            self._rows.pop(record_id, None)
        for position, record_id in enumerate(self._ids):
            if record_id in touched:
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))

    # --- access ---------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, position: int) -> int | None:
        return self._ids[position] if 0 <= position < len(self._ids) else None

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def row_data(self, position: int) -> Row | None:
        return self._row(position) if 0 <= position < len(self._ids) else None

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.UserRole,
            Qt.ItemDataRole.DecorationRole,
        ):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.DecorationRole and not self.columns[index.column()].dot:
            return None  # only a light column draws one: no row fetched for the others
        row = self._row(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DecorationRole:
            # a round light of the column's colour (seen on a selected row too, unlike the text's)
            own = column.color(row) if column.color is not None else None
            return dot_icon(own) if own is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            own = column.color(row) if column.color is not None else None
            return own if own is not None else self._foreground(row)
        text = self.cell_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tip is not None:
                return column.tip(row) or None
            if column.field is not None and is_masked(column.field):
                return None  # the full value is shown only on request
            full = row.get(column.key)
            return str(full) if isinstance(full, str) and len(full) > 30 else None
        return text

    def cell_text(self, row: Row, column: Column) -> str:
        if column.compute is not None:
            return column.compute(row)
        if column.field is None:
            return str(row.get(column.key, ""))
        spec = self.spec
        if column.key == spec.status_field and spec.shown_status is not None:  # derived (逾期)
            status = spec.row_status(row, self.flt.today or date.today())
            return status.label if status is not None else ""
        return screen_value(column.field, row.get(column.key), self.lookups)

    def _foreground(self, row: Row) -> QColor | None:
        tone = self.spec.row_tone(row, self.flt.today or date.today())
        return TONE_COLORS[tone] if tone is not None else None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].label
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= len(self.columns) or (column >= 0 and not self.columns[column].sortable):
            return
        key = self.columns[column].key if column >= 0 else None
        self.flt = replace(self.flt, sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        if self.loaded:  # a restored header sorts before the tab is first shown: load later
            self.reload()
