"""The tree of units and their cadres on the left of 廉政档案; a unit's cadres may be read only
when it is expanded (the tab decides, by how many cadres there are)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon, QPainter, QPixmap

from wsjc_desktop.services.dossier import TreeCadre, UnitSummary
from wsjc_desktop.ui.tabs.dossier.style import STALE_COLOR

Index = QModelIndex | QPersistentModelIndex

STALE_TIP = "本年度档案未更新"

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
