"""廉政档案: units and their cadres on the left; the chosen cadre's whole dossier on the right.

The dossier reads top to bottom like the paper file: who the cadre is and when the file was
last brought up to date, the basics, one editable table per section, the attachments, and a
timeline of every talk, meeting opinion and notice about the cadre.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTemporaryDir,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QDesktopServices, QFont, QIcon, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import CadreStatus, ClueDisposal, PersonalMattersCheck, RiskLevel
from wsjc_desktop.domain.fields import ATTACHMENT, CADRE, DOSSIER_SECTIONS, FieldKind, RecordSpec
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import attachments, dossier
from wsjc_desktop.services.display import display_value, format_date, screen_value
from wsjc_desktop.services.dossier import Dossier, TreeCadre, UnitSummary
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.errors import show_user_error
from wsjc_desktop.ui.record_tab import RecordEditing, RecordListPanel
from wsjc_desktop.ui.table_model import Column, spec_columns

Index = QModelIndex | QPersistentModelIndex

STALE_COLOR = QColor("#c0580e")
MUTED = "#6b7785"
STALE_TIP = "本年度档案未更新"
#: Records shown on the timeline: a change to any of them redraws it.
TIMELINE_TABLES = {"talks", "meetings", "meeting_opinions", "alert_notices"}
SECTION_TABLES = {spec.table for spec in DOSSIER_SECTIONS}
#: Up to this many cadres changed at once are redrawn in place; more rebuild the tree.
IN_PLACE_LIMIT = 200


# --- the tree of units and cadres ------------------------------------------------------

#: Up to this many cadres the tree reads them all at once; beyond, a unit's cadres are read when
#: the unit is expanded or one of them is opened.
EAGER_LIMIT = 1000

#: Reads the cadres of some units: [(cadre id, name, stale)] by unit id, leaders first.
CadreLoader = Callable[[Collection[int]], Mapping[int, Sequence[TreeCadre]]]


@dataclass
class _CadreEntry:
    cadre_id: int
    name: str
    stale: bool
    unit_id: int


@dataclass
class _UnitEntry:
    unit_id: int
    name: str
    total: int  # cadres
    stale: int  # of which the file is stale
    cadres: list[_CadreEntry] | None = None  # None: not read yet


class CadreTreeModel(QAbstractItemModel):
    """Units, each with its cadres beneath. Units are top-level rows (internal id 0); a cadre's
    internal id is its unit's row + 1. The units come with their counts; a unit's cadres are read
    through ``loader`` when the view expands it (canFetchMore/fetchMore) or they are asked for
    (:meth:`fetch_units`), unless they were given at once. Holds plain entries only.

    Filtered, the tree shows some units in full and, of the others, only the matching cadres."""

    KEY_ROLE = Qt.ItemDataRole.UserRole  # ("units" | "cadres", id)
    STALE_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None, loader: CadreLoader | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._units: list[_UnitEntry] = []
        self._unit_by_id: dict[int, _UnitEntry] = {}
        # each shown unit with the cadres shown under it; None: all its cadres (unit.cadres)
        self._shown: list[tuple[_UnitEntry, list[_CadreEntry] | None]] = []
        self._filtered = False
        self._unit_rows: dict[int, int] = {}
        self._cadre_rows: dict[int, tuple[int, int]] = {}
        self._cadres: dict[int, _CadreEntry] = {}  # every cadre read so far
        self._total = 0
        self._stale = 0
        self._bold = QFont()
        self._bold.setBold(True)
        self._dots: dict[bool, QIcon] = {}

    # --- content ---------------------------------------------------------------------

    def set_units(
        self, units: Sequence[UnitSummary], cadres: Mapping[int, Sequence[TreeCadre]] | None = None
    ) -> None:
        """The units with their counts, and the cadres of those units already read (the others
        are read when needed); shows them all."""
        self._units = [_UnitEntry(u.unit_id, u.name, u.cadres, u.stale) for u in units]
        self._unit_by_id = {u.unit_id: u for u in self._units}
        self._cadres = {}
        self._total = sum(u.total for u in self._units)
        self._stale = sum(u.stale for u in self._units)
        for unit_id, rows in (cadres or {}).items():
            unit = self._unit_by_id.get(unit_id)
            if unit is not None:
                self._fill(unit, rows)
        self._show(None, set())

    def set_visible(
        self, matches: Mapping[int, Sequence[TreeCadre]] | None, unit_ids: Collection[int] = ()
    ) -> None:
        """Show only these cadres (by unit id), and every cadre of these units (None: show
        everything)."""
        if matches is None:
            self._show(None, set())
            return
        lists = {
            unit_id: [self._entry(cid, name, stale, unit_id) for cid, name, stale in rows]
            for unit_id, rows in matches.items()
            if unit_id in self._unit_by_id and rows
        }
        self._show(lists, set(unit_ids))

    def _show(self, lists: dict[int, list[_CadreEntry]] | None, unit_ids: set[int]) -> None:
        self.beginResetModel()
        self._filtered = lists is not None
        if lists is None:
            self._shown = [(u, None) for u in self._units]
        else:
            self._shown = [
                (u, None if u.unit_id in unit_ids else lists[u.unit_id])
                for u in self._units
                if u.unit_id in unit_ids or u.unit_id in lists
            ]
        self._unit_rows = {u.unit_id: row for row, (u, _c) in enumerate(self._shown)}
        self._cadre_rows = {}
        for row in range(len(self._shown)):
            self._index_cadres(row)
        self.endResetModel()

    def _index_cadres(self, row: int) -> None:
        for pos, cadre in enumerate(self._children(row)):
            self._cadre_rows[cadre.cadre_id] = (row, pos)

    def _entry(self, cadre_id: int, name: str, stale: bool, unit_id: int) -> _CadreEntry:
        """The one entry of a cadre, made or brought up to date."""
        entry = self._cadres.get(cadre_id)
        if entry is None:
            entry = self._cadres[cadre_id] = _CadreEntry(cadre_id, name, stale, unit_id)
        else:
            entry.name = name
            self._set_stale(entry, stale)
        return entry

    def _set_stale(self, entry: _CadreEntry, stale: bool) -> None:
        if entry.stale == stale:
            return
        entry.stale = stale
        step = 1 if stale else -1
        self._stale += step
        unit = self._unit_by_id.get(entry.unit_id)
        if unit is not None:
            unit.stale += step

    def _fill(self, unit: _UnitEntry, rows: Sequence[TreeCadre]) -> None:
        """A unit's cadres as read; its counts follow them (they may be newer than the counts)."""
        unit.cadres = [self._entry(cid, name, stale, unit.unit_id) for cid, name, stale in rows]
        stale = sum(1 for c in unit.cadres if c.stale)
        self._total += len(unit.cadres) - unit.total
        self._stale += stale - unit.stale
        unit.total, unit.stale = len(unit.cadres), stale

    def fetch_units(self, unit_ids: Collection[int]) -> None:
        """Read the cadres of those of these units not read yet (one loader call)."""
        wanted = [u for u in unit_ids if u in self._unit_by_id and self._unit_by_id[u].cadres is None]
        if not wanted or self.loader is None:
            return
        loaded = self.loader(wanted)
        for unit_id in wanted:
            unit = self._unit_by_id[unit_id]
            rows = loaded.get(unit_id, ())
            row = self._unit_rows.get(unit_id)
            parent = self.createIndex(row, 0, 0) if row is not None else QModelIndex()
            inserting = row is not None and self._shown[row][1] is None and len(rows) > 0
            if inserting:
                self.beginInsertRows(parent, 0, len(rows) - 1)
            self._fill(unit, rows)
            if row is not None:
                self._index_cadres(row)
            if inserting:
                self.endInsertRows()
            if parent.isValid():
                self.dataChanged.emit(parent, parent)  # the counts may have changed

    def update_cadre(self, cadre_id: int, name: str, stale: bool) -> None:
        entry = self._cadres.get(cadre_id)
        if entry is None or (entry.name, entry.stale) == (name, stale):
            return
        entry.name = name
        self._set_stale(entry, stale)
        index = self.index_of_cadre(cadre_id)
        if index.isValid():
            self.dataChanged.emit(index, index)
        parent = self.index_of_unit(entry.unit_id)
        if parent.isValid():
            self.dataChanged.emit(parent, parent)

    def apply_counts(self, units: Sequence[UnitSummary]) -> bool:
        """Take newer counts of the units not read yet; False (and nothing done) when the units
        themselves changed or a unit already read has other counts: the tree needs rebuilding."""
        if [u.unit_id for u in units] != [u.unit_id for u in self._units]:
            return False
        changed = [
            (entry, new)
            for entry, new in zip(self._units, units, strict=True)
            if (entry.total, entry.stale) != (new.cadres, new.stale)
        ]
        if any(entry.cadres is not None or entry.name != new.name for entry, new in changed):
            return False
        for entry, new in changed:
            self._total += new.cadres - entry.total
            self._stale += new.stale - entry.stale
            entry.total, entry.stale = new.cadres, new.stale
            index = self.index_of_unit(entry.unit_id)
            if index.isValid():
                self.dataChanged.emit(index, index)
        return True

    # --- lookups ---------------------------------------------------------------------

    @property
    def is_filtered(self) -> bool:
        return self._filtered

    def has_unit(self, unit_id: int) -> bool:
        return unit_id in self._unit_by_id

    def is_unit_read(self, unit_id: int) -> bool:
        unit = self._unit_by_id.get(unit_id)
        return unit is not None and unit.cadres is not None

    def has_cadre(self, cadre_id: int) -> bool:
        """Whether the cadre has been read (its unit's cadres may not all have been)."""
        return cadre_id in self._cadres

    def unit_of(self, cadre_id: int) -> int | None:
        entry = self._cadres.get(cadre_id)
        return entry.unit_id if entry else None

    def cadre_count(self) -> int:
        return self._total

    def stale_count(self) -> int:
        return self._stale

    def shown_cadre_count(self) -> int:
        return sum(u.total if cadres is None else len(cadres) for u, cadres in self._shown)

    def shown_units(self) -> list[int]:
        return [u.unit_id for u, _cadres in self._shown]

    def unit_name(self, unit_id: int) -> str:
        unit = self._unit_by_id.get(unit_id)
        return unit.name if unit else ""

    def unit_summary(self, unit_id: int) -> tuple[int, int]:
        """(cadres, of which stale) of a unit."""
        unit = self._unit_by_id.get(unit_id)
        return (unit.total, unit.stale) if unit else (0, 0)

    def units_named(self, text: str) -> set[int]:
        """Units whose name contains ``text``, ignoring case."""
        needle = text.lower()
        return {u.unit_id for u in self._units if needle in u.name.lower()}

    def index_of_cadre(self, cadre_id: int) -> QModelIndex:
        found = self._cadre_rows.get(cadre_id)
        if found is None:
            return QModelIndex()
        return self.createIndex(found[1], 0, found[0] + 1)

    def index_of_unit(self, unit_id: int) -> QModelIndex:
        row = self._unit_rows.get(unit_id)
        return QModelIndex() if row is None else self.createIndex(row, 0, 0)

    def key(self, index: Index) -> tuple[str, int] | None:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return "units", self._shown[index.row()][0].unit_id
        return "cadres", self._children(index.internalId() - 1)[index.row()].cadre_id

    def first_cadre(self) -> int | None:
        """The first cadre shown (its unit read if need be)."""
        for row, (unit, cadres) in enumerate(self._shown):
            if cadres is None and unit.cadres is None and unit.total:
                self.fetch_units([unit.unit_id])
            children = self._children(row)
            if children:
                return children[0].cadre_id
        return None

    def _children(self, row: int) -> list[_CadreEntry]:
        unit, cadres = self._shown[row]
        if cadres is not None:
            return cadres
        return unit.cadres or []

    def _dot(self, stale: bool) -> QIcon:
        """An orange dot before a stale file's name; a blank of the same size keeps names aligned."""
        icon = self._dots.get(stale)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            if stale:
                painter = QPainter(pixmap)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(STALE_COLOR)
                painter.drawEllipse(2, 2, 8, 8)
                painter.end()
            icon = self._dots[stale] = QIcon(pixmap)
        return icon

    # --- Qt model --------------------------------------------------------------------

    def _unit_row(self, parent: Index) -> int | None:
        """The row of a unit index, None for anything else."""
        if not parent.isValid() or parent.column() != 0 or parent.internalId() != 0:
            return None
        return parent.row() if 0 <= parent.row() < len(self._shown) else None

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._shown) else QModelIndex()
        unit_row = self._unit_row(parent)
        if unit_row is None:
            return QModelIndex()
        return (
            self.createIndex(row, 0, unit_row + 1) if row < len(self._children(unit_row)) else QModelIndex()
        )

    def parent(self, child: Index | None = None) -> Any:
        if child is None:  # QObject.parent()
            return super().parent()
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._shown)
        unit_row = self._unit_row(parent)
        return 0 if unit_row is None else len(self._children(unit_row))

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._shown)
        unit_row = self._unit_row(parent)
        if unit_row is None:
            return False
        unit, cadres = self._shown[unit_row]
        if cadres is not None:
            return bool(cadres)
        return bool(unit.cadres) if unit.cadres is not None else unit.total > 0

    def canFetchMore(self, parent: Index) -> bool:
        unit_row = self._unit_row(parent)
        if unit_row is None or self.loader is None:
            return False
        unit, cadres = self._shown[unit_row]
        return cadres is None and unit.cadres is None and unit.total > 0

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self.fetch_units([self._shown[parent.row()][0].unit_id])

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            unit, shown = self._shown[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                if shown is not None:
                    count = f"{len(shown)}/{unit.total}"
                else:
                    count = f"{unit.total}/{unit.total}" if self._filtered else str(unit.total)
                stale = unit.stale
                return f"{unit.name}（{count}人" + (f"，{stale}份未更新）" if stale else "）")
            if role == Qt.ItemDataRole.ToolTipRole:
                stale = unit.stale
                tip = f"{unit.name}：{unit.total} 名干部"
                return tip + (f"，其中 {stale} 份档案本年度未更新" if stale else "，档案均已更新")
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == self.KEY_ROLE:
                return ("units", unit.unit_id)
            return None
        cadre = self._children(index.internalId() - 1)[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cadre.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._dot(cadre.stale)
        if role == Qt.ItemDataRole.ForegroundRole:
            return STALE_COLOR if cadre.stale else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return STALE_TIP if cadre.stale else None
        if role == self.KEY_ROLE:
            return ("cadres", cadre.cadre_id)
        if role == self.STALE_ROLE:
            return cadre.stale
        return None


# --- the dossier's parts -----------------------------------------------------------------


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED};")
    return label


def section_columns(spec: RecordSpec) -> list[Column]:
    """A section's columns without the cadre and unit: they are the dossier's own (a clue or risk
    point naming another unit still shows it in its form)."""
    return [c for c in spec_columns(spec) if c.key not in ("cadre_id", "unit_id")]


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
    Column("filename", "文件名", ATTACHMENT.field("filename"), width=24),
    Column("size", "大小", compute=_file_size, width=6),
    Column("created_at", "添加日期", compute=_added_on, width=6),
    Column("note", "说明", ATTACHMENT.field("note"), width=18),
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
        today = self.ctx.today
        table = self.spec.table
        if table == "personal_matters_reports":
            return {"year": today.year, "check_result": PersonalMattersCheck.NOT_CHECKED}
        if table == "duty_reports":
            return {"year": today.year}
        if table == "integrity_opinions":
            return {"request_date": today}
        if table == "clues":
            return {
                "cadre_id": self.cadre_id,
                "unit_id": self.unit_id,
                "received_on": today,
                "disposal": ClueDisposal.PENDING,
            }
        if table == "risk_points":
            return {
                "cadre_id": self.cadre_id,
                "unit_id": self.unit_id,
                "year": today.year,
                "level": RiskLevel.MEDIUM,
            }
        return {}

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
        if self.cadre_id is None:
            return
        from wsjc_desktop.ui import filedialogs

        paths = filedialogs.open_files(self, filedialogs.Purpose.ATTACHMENT, "添加附件", "所有文件 (*)")
        for path in paths:
            try:
                attachments.add_attachment(self.ctx.db, self.cadre_id, Path(path))
            except UserError as exc:
                show_user_error(self, exc, "无法添加附件")
                return

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
        try:
            path = self.temporary_copy(attachment_id)
        except UserError as exc:
            show_user_error(self, exc, "无法打开附件")
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
        try:
            attachments.save_attachment(self.ctx.db, attachment_id, target)
        except UserError as exc:
            show_user_error(self, exc, "无法保存附件")


class DossierHeader(QFrame):
    """Name, unit, post and rank; when the file was last updated, with a flag when it is due."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossier_header")
        self.setStyleSheet(
            "#dossier_header { background: #f4f6f9; border: 1px solid #dde3ea; border-radius: 4px; }"
        )
        self.name = QLabel()
        self.name.setObjectName("dossier_name")
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name.setFont(font)
        self.badges = QLabel()
        self.details = _muted()
        self.details.setObjectName("dossier_details")
        self.updated = QLabel()
        self.updated.setObjectName("dossier_updated")
        self.flag = QLabel("本年度未更新")
        self.flag.setObjectName("dossier_stale_flag")
        self.flag.setStyleSheet(
            "color: #a04000; background: #fdebd0; border: 1px solid #f0b27a;"
            " border-radius: 3px; padding: 1px 6px;"
        )
        self.mark_button = QPushButton("标记为已更新")
        self.mark_button.setObjectName("mark_updated")
        self.mark_button.setToolTip("将档案更新日期记为今天")

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.name)
        top.addWidget(self.badges)
        top.addStretch(1)
        top.addWidget(self.updated)
        top.addWidget(self.flag)
        top.addWidget(self.mark_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.details)

    def show_dossier(self, file: Dossier, ctx: AppContext) -> None:
        cadre = file.cadre
        self.name.setText(file.name)
        badges = []
        if cadre.get("is_top_leader"):
            badges.append("一把手")
        elif cadre.get("is_leader"):
            badges.append("班子成员")
        status = cadre.get("status")
        if status is not None and CadreStatus.parse(status) is not CadreStatus.SERVING:
            badges.append(CadreStatus.parse(status).label)
        self.badges.setText("".join(f"<span style='color:#1f5f99'>［{b}］</span>" for b in badges))
        parts = [
            file.unit_name,
            cadre.get("position") or "",
            display_value(CADRE.field("rank"), cadre.get("rank")),
        ]
        self.details.setText("　·　".join(p for p in parts if p))
        when = format_date(file.last_updated) if file.last_updated else "从未更新"
        self.updated.setText(f"档案更新：{when}")
        marked = format_date(cadre.get("file_updated_on")) or "未标记"
        self.updated.setToolTip(f"最近标记更新：{marked}\n（也计入基本信息及各栏目的最近修改）")
        self.flag.setVisible(file.stale)
        self.flag.setToolTip(f"{ctx.today.year}年尚未更新本档案" if file.stale else "")


class BasicsPanel(QFrame):
    """The cadre's basics as a read-only grid, labels in Chinese. The 身份证号 is masked; 显示
    beside it asks for the full number (the tab fetches it, which is audited), 隐藏 masks it
    again."""

    COLUMNS = 4
    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossier_basics")
        self.title = QLabel("<b>基本信息</b>")
        self.edit_button = QPushButton("编辑基本信息")
        self.values: dict[str, QLabel] = {}
        self.reveal_button = QPushButton("显示")
        self.reveal_button.setObjectName("reveal_id_number")
        self.reveal_button.setFlat(True)
        self.reveal_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reveal_button.setStyleSheet("QPushButton { color: #1f5f99; padding: 0 4px; border: none; }")
        self.reveal_button.setToolTip("显示完整身份证号（将记入审计日志）")
        self.reveal_button.clicked.connect(self._reveal_clicked)
        self._full_id: tuple[int, str] | None = None  # (cadre id, number) shown in full
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        # the file's update date is in the header, with the changes it takes into account
        fields = [
            f for f in CADRE.fields if f.kind is not FieldKind.LONG_TEXT and f.name != "file_updated_on"
        ]
        for n, fld in enumerate(fields):
            row, col = divmod(n, self.COLUMNS)
            label = _muted(f"{fld.label}：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value: QWidget = self._value_label(fld.name)
            if fld.kind is FieldKind.ID_NUMBER:
                value = self._with_reveal(self.values[fld.name])
            grid.addWidget(label, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
        last = (len(fields) + self.COLUMNS - 1) // self.COLUMNS
        for fld in (f for f in CADRE.fields if f.kind is FieldKind.LONG_TEXT):
            label = _muted(f"{fld.label}：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = self._value_label(fld.name)
            value.setWordWrap(True)
            grid.addWidget(label, last, 0)
            grid.addWidget(value, last, 1, 1, self.COLUMNS * 2 - 1)
            last += 1
        for col in range(self.COLUMNS):
            grid.setColumnStretch(col * 2 + 1, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addLayout(grid)

    def _value_label(self, name: str) -> QLabel:
        value = QLabel()
        value.setObjectName(f"basic_{name}")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.values[name] = value
        return value

    def _with_reveal(self, value: QLabel) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        # the number is never cut short: its column takes the room it needs from the others
        value.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        row.addWidget(value)
        row.addWidget(self.reveal_button)
        row.addStretch(1)
        return box

    def show_row(self, cadre: Row, ctx: AppContext) -> None:
        number = cadre.get("id_number")
        if self._full_id != (cadre.get("id"), number):
            self._full_id = None  # another cadre, or the number changed: masked again
        for fld in CADRE.fields:
            if fld.name not in self.values:
                continue
            text = screen_value(fld, cadre.get(fld.name), ctx.lookups)
            if fld.kind is FieldKind.LONG_TEXT:
                text = str(cadre.get(fld.name) or "")
            elif fld.kind is FieldKind.ID_NUMBER and self._full_id is not None:
                text = self._full_id[1]
            label = self.values[fld.name]
            label.setText(text or "—")
            label.setToolTip(text if len(text) > 12 and fld.kind is not FieldKind.ID_NUMBER else "")
        self.reveal_button.setVisible(bool(number))
        self.reveal_button.setText("隐藏" if self._full_id is not None else "显示")

    @property
    def id_number_revealed(self) -> bool:
        return self._full_id is not None

    def show_full_id_number(self, cadre_id: int, number: str) -> None:
        """Show the number the tab fetched for this cadre (until 隐藏 or another cadre)."""
        self._full_id = (cadre_id, number)
        self.values["id_number"].setText(number)
        self.reveal_button.setText("隐藏")

    def hide_full_id_number(self) -> None:
        if self._full_id is None:
            return
        self.values["id_number"].setText(screen_value(CADRE.field("id_number"), self._full_id[1]))
        self._full_id = None
        self.reveal_button.setText("显示")

    def _reveal_clicked(self) -> None:
        if self._full_id is not None:
            self.hide_full_id_number()
        else:
            self.reveal_requested.emit()


class TimelineTable(QTableWidget):
    """Every talk, meeting opinion and notice about the cadre, newest first."""

    open_related = Signal(str, int)
    MAX_ROWS = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("dossier_timeline")
        self.setHorizontalHeaderLabels(["日期", "类型", "标题"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        width = self.fontMetrics().horizontalAdvance("汉")
        self.setColumnWidth(0, width * 7)
        self.setColumnWidth(1, width * 8)
        self.setToolTip("双击打开对应记录")
        self.itemDoubleClicked.connect(self._open)
        table_copy.add_context_menu(self, self._menu_entries)

    def show_items(self, items: Sequence[dossier.TimelineItem]) -> None:
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (format_date(item.on), item.kind, item.title)
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.table, item.record_id))
                if col == 2 and len(text) > 40:
                    cell.setToolTip(text)
                self.setItem(row, col, cell)
        shown = max(1, min(len(items), self.MAX_ROWS))
        self.setFixedHeight(
            self.horizontalHeader().sizeHint().height()
            + shown * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
        )

    def _open(self, item: QTableWidgetItem) -> None:
        table, record_id = item.data(Qt.ItemDataRole.UserRole)
        self.open_related.emit(str(table), int(record_id))

    def _menu_entries(self, menu: QMenu) -> None:
        item = self.currentItem()
        action = QAction("打开", menu)
        action.setEnabled(item is not None and item.isSelected())
        if item is not None:
            action.triggered.connect(lambda: self._open(item))
        menu.addAction(action)


# --- the tab ---------------------------------------------------------------------------


class DossierTab(QWidget, RecordEditing):
    """廉政档案: the unit → cadre tree and one cadre's dossier."""

    status_message = Signal(str)
    open_related = Signal(str, int)  # (table, id) of a timeline item to open in its own tab
    tab_title = "廉政档案"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = CADRE
        self.setObjectName("tab_cadres")
        self._loaded = False
        self._cadre_id: int | None = None
        self._unit_id: int | None = None  # of the selected tree item (a unit, or a cadre's unit)
        self.file: Dossier | None = None

        # left: filter, tree, legend
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("dossier_filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText("筛选：姓名、单位或拼音首字母")
        self.filter_edit.setToolTip("按姓名、单位、拼音首字母或身份证号（4位起）筛选")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.tree_model = CadreTreeModel(self, loader=self._read_units)
        self.tree = QTreeView()
        self.tree.setObjectName("dossier_tree")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.count_label = _muted()
        self.count_label.setWordWrap(True)
        legend = QLabel(f"<span style='color:{STALE_COLOR.name()}'>● 橙色</span>：本年度档案尚未更新")
        legend.setStyleSheet(f"color: {MUTED};")
        legend.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(legend)

        # right: the dossier
        self.header = DossierHeader()
        self.header.mark_button.clicked.connect(self.mark_updated)
        self.basics = BasicsPanel()
        self.basics.edit_button.clicked.connect(self.edit_selected)
        self.basics.reveal_requested.connect(self.show_full_id_number)
        self.sections: dict[str, SectionPanel] = {}
        for spec in DOSSIER_SECTIONS:
            panel = AttachmentsPanel(ctx) if spec.table == "attachments" else SectionPanel(ctx, spec)
            self.sections[spec.table] = panel
        self.timeline = TimelineTable()
        self.timeline.open_related.connect(self.open_related)
        self.timeline_title = QLabel("<b>谈话、会议意见及廉情提醒</b>")

        self.placeholder = _muted()
        self.placeholder.setObjectName("dossier_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.page = QWidget()
        self.page.setObjectName("dossier_page")
        page_layout = QVBoxLayout(self.page)
        page_layout.setContentsMargins(8, 4, 8, 8)
        page_layout.setSpacing(6)
        page_layout.addWidget(self.header)
        page_layout.addWidget(self.basics)
        for panel in self.sections.values():
            page_layout.addWidget(_rule())
            page_layout.addWidget(panel)
        page_layout.addWidget(_rule())
        timeline_bar = QHBoxLayout()
        timeline_bar.setContentsMargins(0, 4, 0, 0)
        timeline_bar.addWidget(self.timeline_title)
        timeline_bar.addStretch(1)
        self.timeline_hint = _muted("双击可打开对应记录")
        timeline_bar.addWidget(self.timeline_hint)
        page_layout.addLayout(timeline_bar)
        page_layout.addWidget(self.timeline)
        self.timeline_empty = _muted("暂无记录")
        self.timeline_empty.setContentsMargins(4, 2, 0, 6)
        page_layout.addWidget(self.timeline_empty)
        page_layout.addStretch(1)
        host = QWidget()
        host_layout = QVBoxLayout(host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addWidget(self.page)
        host_layout.addWidget(self.placeholder, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("dossier_scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(host)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 1000])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        ctx.hub.changed.connect(self._on_changes)
        self._show_file(None)

    # --- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._rebuild_tree()
            if self._cadre_id is None:
                first = self.tree_model.first_cadre()
                if first is not None:
                    self.open_record(first)

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_loaded()

    def refresh(self) -> None:
        self.ctx.lookups.invalidate()
        if not self._loaded:
            self.ensure_loaded()
            return
        self._rebuild_tree()
        self._reload_file()
        for panel in self.sections.values():
            panel.model.reload()

    def _rebuild_tree(self) -> None:
        """Units and their counts afresh; the cadres of every unit when there are few of them,
        else only of the units shown expanded (read by _refilter)."""
        db, today = self.ctx.db, self.ctx.today
        expanded = self._expanded_units()
        units = dossier.unit_summaries(db, today=today)
        eager = sum(u.cadres for u in units) <= EAGER_LIMIT
        self.tree_model.set_units(units, dossier.unit_cadres(db, today=today) if eager else None)
        self._refilter(expanded)
        self._announce()

    def _read_units(self, unit_ids: Collection[int]) -> dict[int, list[TreeCadre]]:
        return dossier.unit_cadres(self.ctx.db, unit_ids, today=self.ctx.today)

    def _expanded_units(self) -> set[int]:
        out: set[int] = set()
        model = self.tree_model
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if self.tree.isExpanded(index):
                key = model.key(index)
                if key is not None:
                    out.add(key[1])
        return out

    def _announce(self) -> None:
        model = self.tree_model
        total, stale = model.cadre_count(), model.stale_count()
        count = f"共 {total} 名干部"
        if model.is_filtered:
            count += f"，筛选出 {model.shown_cadre_count()} 名"
        files = f"{stale} 份档案本年度未更新" if stale else "档案均已更新"
        self.count_label.setText(f"{count}\n{files}")
        self.status_message.emit(f"{count}；{files}")

    # --- the filter ------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._debounce.stop()
        self._refilter(self._expanded_units())
        self._announce()

    def _refilter(self, expanded: set[int]) -> None:
        """Show what the filter finds: cadres whose name (or its pinyin) matches, under their
        units, and every cadre of units whose name contains the text; expand as before."""
        model = self.tree_model
        text = self.filter_edit.text().strip()
        selected = self._cadre_id
        if not text:
            model.set_visible(None)
        else:
            unit_ids = model.units_named(text)
            model.set_visible(dossier.matching_cadres(self.ctx.db, text, today=self.ctx.today), unit_ids)
            if model.rowCount() <= 50 or model.shown_cadre_count() <= 500:
                # few hits: show them all; a unit found by its name stays folded
                expanded = expanded | (set(model.shown_units()) - unit_ids)
        to_expand = [u for u in model.shown_units() if u in expanded]
        # those showing every cadre, not read yet, are read in one query
        model.fetch_units([u for u in to_expand if model.canFetchMore(model.index_of_unit(u))])
        for unit_id in to_expand:
            self.tree.setExpanded(model.index_of_unit(unit_id), True)
        if selected is not None:
            self._select_in_tree(selected)

    # --- selection -------------------------------------------------------------------

    def _select_in_tree(self, cadre_id: int) -> bool:
        index = self.cadre_index(cadre_id)
        if not index.isValid():
            return False
        self.tree.setExpanded(index.parent(), True)
        self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.tree_model.key(current)
        if key is None:
            return
        table, record_id = key
        if table == "units":
            self._unit_id = record_id
            self._show_unit(record_id)
        else:
            self._unit_id = self.tree_model.unit_of(record_id)
            if record_id != self._cadre_id or self.file is None:
                self._show_cadre(record_id)

    def selected_id(self) -> int | None:
        """The cadre whose dossier is shown."""
        return self._cadre_id if self.file is not None else None

    def cadre_index(self, cadre_id: int) -> QModelIndex:
        """The cadre's place in the tree, its unit's cadres read if need be (invalid when the
        cadre is not shown)."""
        model = self.tree_model
        unit_id = model.unit_of(cadre_id)
        if unit_id is None:
            state = dossier.cadre_states(self.ctx.db, [cadre_id], today=self.ctx.today).get(cadre_id)
            if state is None:
                return QModelIndex()
            unit_id = state.unit_id
        if model.canFetchMore(model.index_of_unit(unit_id)):  # shown with all its cadres, unread
            model.fetch_units([unit_id])
        return model.index_of_cadre(cadre_id)

    def _knows(self, cadre_id: int) -> bool:
        """Whether the tree has the cadre, or would read it with its unit."""
        model = self.tree_model
        if model.has_cadre(cadre_id):
            return True
        state = dossier.cadre_states(self.ctx.db, [cadre_id], today=self.ctx.today).get(cadre_id)
        return state is not None and model.has_unit(state.unit_id) and not model.is_unit_read(state.unit_id)

    def open_record(self, record_id: int) -> bool:
        """Select a cadre in the tree (clearing a filter that hides it) and show the dossier."""
        self.ensure_loaded()
        if not self._knows(record_id):
            self._rebuild_tree()  # created a moment ago, before the change reached us
        if not self._knows(record_id):
            return False
        if not self.cadre_index(record_id).isValid():
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
            self.apply_filter()
        if not self._select_in_tree(record_id):
            return False
        if self._cadre_id != record_id or self.file is None:
            self._show_cadre(record_id)
        return True

    # --- showing the dossier ---------------------------------------------------------

    def _show_cadre(self, cadre_id: int) -> None:
        self._cadre_id = cadre_id
        self._reload_file()

    def _show_unit(self, unit_id: int) -> None:
        self._cadre_id = None
        self._show_file(None)
        total, stale = self.tree_model.unit_summary(unit_id)
        name = self.tree_model.unit_name(unit_id)
        line = f"{name}：{total} 名干部" + (f"，其中 {stale} 份档案本年度未更新" if stale else "")
        self.placeholder.setText(f"{line}\n\n请在左侧选择一名干部，查看其廉政档案。")

    def _reload_file(self) -> None:
        if self._cadre_id is None:
            self._show_file(None)
            return
        try:
            file = dossier.dossier(self.ctx.db, self._cadre_id, today=self.ctx.today)
        except NotFoundError:
            self._cadre_id = None
            file = None
        self._show_file(file)
        if file is not None:
            self.tree_model.update_cadre(file.cadre_id, file.name, file.stale)

    def _show_file(self, file: Dossier | None) -> None:
        previous = self.file.cadre_id if self.file is not None else None
        self.file = file
        self.page.setVisible(file is not None)
        self.placeholder.setVisible(file is None)
        if file is None:
            self.placeholder.setText("请在左侧选择一名干部，查看其廉政档案。")
            for panel in self.sections.values():
                panel.show_cadre(None)
            return
        self.header.show_dossier(file, self.ctx)
        self.basics.show_row(file.cadre, self.ctx)
        if previous != file.cadre_id:
            unit_id = int(file.cadre["unit_id"])
            for panel in self.sections.values():
                panel.show_cadre(file.cadre_id, unit_id)
            self.scroll_area.verticalScrollBar().setValue(0)
        self.timeline.show_items(file.timeline)
        self.timeline.setVisible(bool(file.timeline))
        self.timeline_hint.setVisible(bool(file.timeline))
        self.timeline_empty.setVisible(not file.timeline)

    # --- keeping up with changes -----------------------------------------------------

    def _on_changes(self, changes: ChangeSet) -> None:
        if not self._loaded:
            return
        tables = changes.tables
        if tables & {"units", "cadres"}:
            self._update_tree(changes)
        if self._cadre_id is not None and tables & (TIMELINE_TABLES | SECTION_TABLES | {"units", "cadres"}):
            self._reload_file()

    def _update_tree(self, changes: ChangeSet) -> None:
        """Redraw a few edited cadres in place; rebuild the tree when cadres come, go or move."""
        structural = "units" in changes.tables or any(
            "cadres" in bucket for bucket in (changes.created, changes.deleted, changes.restored)
        )
        updated = changes.updated.get("cadres", set())
        if not structural and len(updated) <= IN_PLACE_LIMIT and self._update_in_place(updated):
            self._announce()
            return
        self._rebuild_tree()

    def _update_in_place(self, cadre_ids: set[int]) -> bool:
        """Redraw these cadres and their units' counts; False when some moved to another unit
        (or went): the tree needs rebuilding."""
        model, db, today = self.tree_model, self.ctx.db, self.ctx.today
        states = dossier.cadre_states(db, cadre_ids, today=today)
        if len(states) != len(cadre_ids):
            return False
        unread = False  # cadres of units not read yet: their old unit and flag are unknown
        for cadre_id, state in states.items():
            unit_id = model.unit_of(cadre_id)
            if unit_id is None:
                if model.is_unit_read(state.unit_id):
                    return False  # moved into a unit read already
                unread = True
            elif unit_id != state.unit_id:
                return False
        for cadre_id, state in states.items():
            model.update_cadre(cadre_id, state.name, state.stale)
        return not unread or model.apply_counts(dossier.unit_summaries(db, today=today))

    # --- actions ---------------------------------------------------------------------

    def new_defaults(self) -> dict[str, Any]:
        values: dict[str, Any] = {"status": CadreStatus.SERVING}
        if self._unit_id is not None:
            values["unit_id"] = self._unit_id
        return values

    def new_record(self) -> None:
        record_id = self.open_dialog(None)
        if record_id is not None:
            self.open_record(record_id)

    def edit_selected(self) -> None:
        cadre_id = self.selected_id()
        if cadre_id is not None:
            self.open_dialog(cadre_id)

    def delete_selected(self) -> None:
        cadre_id = self.selected_id()
        if cadre_id is None or self.file is None:
            return
        self.delete_record(cadre_id, self.file.name)

    def mark_updated(self) -> None:
        cadre_id = self.selected_id()
        if cadre_id is None:
            return
        try:
            dossier.mark_file_updated(self.ctx.db, cadre_id, self.ctx.today)
        except UserError as exc:
            show_user_error(self, exc)

    def show_full_id_number(self) -> None:
        """显示完整身份证号: fetch the shown cadre's number (the look is audited) and show it."""
        cadre_id = self.selected_id()
        if cadre_id is None:
            return
        try:
            number = dossier.full_id_number(self.ctx.db, cadre_id)
        except UserError as exc:
            show_user_error(self, exc)
            return
        if number is not None and self.selected_id() == cadre_id:
            self.basics.show_full_id_number(cadre_id, number)

    def _tree_menu(self, pos: QPoint) -> None:
        """On a cadre: 编辑基本信息 and 显示完整身份证号 (the cadre's dossier opens first)."""
        index = self.tree.indexAt(pos)
        key = self.tree_model.key(index)
        if key is None or key[0] != "cadres":
            return
        if key[1] != self.selected_id():
            self._select_in_tree(key[1])
        if self.selected_id() != key[1] or self.file is None:
            return
        menu = QMenu(self)
        edit = QAction("编辑基本信息", menu)
        edit.triggered.connect(self.edit_selected)
        reveal = QAction("显示完整身份证号", menu)
        reveal.setObjectName("reveal_id_number")
        reveal.setEnabled(bool(self.file.cadre.get("id_number")) and not self.basics.id_number_revealed)
        reveal.triggered.connect(self.show_full_id_number)
        menu.addAction(edit)
        menu.addAction(reveal)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def can_print(self) -> bool:
        # the window enables 打印 per tab, not per selection: print_selected asks for a cadre
        return True

    def print_selected(self) -> None:
        """The cadre's 廉政档案; or, when a row of 党风廉政意见回复 has the focus, that reply letter."""
        from wsjc_desktop.services import printing
        from wsjc_desktop.ui.print_preview import preview

        db, today = self.ctx.db, self.ctx.today
        opinions = self.sections.get("integrity_opinions")
        opinion_id = opinions.selected_id() if opinions is not None and opinions.view.hasFocus() else None
        if opinion_id is not None and opinions is not None:
            row = opinions.model.row_data(opinions.view.currentIndex().row()) or {}
            unit = str(row.get("requesting_unit") or "")

            def make_reply(path: Path) -> None:
                printing.print_opinion(db, opinion_id, path)

            preview(
                self, self.ctx, make_reply, f"党风廉政意见回复 {unit}", file_name=f"党风廉政意见回复-{unit}"
            )
            return
        cadre_id = self.selected_id()
        if cadre_id is None or self.file is None:
            QMessageBox.information(self, "打印", "请先在左侧选择一名干部。")
            return
        name = self.file.name

        def make_file(path: Path) -> None:
            printing.print_file(db, cadre_id, path, today=today)

        preview(self, self.ctx, make_file, f"廉政档案 {name}", file_name=f"廉政档案-{name}")

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        """The 监察对象花名册 ledger."""
        from wsjc_desktop.ui.export import export_ledger

        export_ledger(self, self.ctx, "cadres")

    # --- remembered layout -----------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("tabs/dossier/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("tabs/dossier/splitter")
        if state is not None:
            self.splitter.restoreState(state)


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: #e3e7ec;")
    return line


__all__ = ["CadreTreeModel", "DossierTab"]
