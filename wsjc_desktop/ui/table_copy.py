"""Copy the selected rows of any table as tab-separated text, to paste into Excel or WPS as cells.

One mechanism for every table of the program. :func:`install` puts an application-wide event
filter that answers Ctrl+C (``QKeySequence.Copy``) on any item view showing a horizontal header
(QTableView, QTableWidget, QTreeView and QTreeWidget with columns), and gives such a view that
has no context menu of its own (the default policy) one with 复制. A view with a menu of its own
adds the entry with :func:`copy_action`, or gets a menu with :func:`add_context_menu`.

What is copied is what the cells show (their display text): the header line, then one line per
selected row, columns in the order they are shown, hidden ones left out. A masked 身份证号 stays
masked. A view with its own Copy action (the statistics' figures) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QModelIndex, QObject, QPoint, Qt, QTime
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QTreeView

__all__ = [
    "add_context_menu",
    "copy_action",
    "copy_rows",
    "handles",
    "install",
    "rows_as_tsv",
    "selected_rows",
    "show_menu",
]

COPY_TEXT = "复制"
FILTER_NAME = "table_copy_filter"

# A tab or a line break inside a cell would start another cell or row in the spreadsheet.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


def header_of(view: QAbstractItemView) -> QHeaderView | None:
    """The view's horizontal header, None when it has none shown (a plain list, a name tree)."""
    if isinstance(view, QTableView):
        header = view.horizontalHeader()
    elif isinstance(view, QTreeView):
        header = view.header()
    else:
        return None
    return None if header is None or header.isHidden() else header


def _has_own_copy(view: QAbstractItemView) -> bool:
    copy = QKeySequence.keyBindings(QKeySequence.StandardKey.Copy)
    return any(
        action.isEnabled() and any(key in copy for key in action.shortcuts()) for action in view.actions()
    )


def handles(view: QAbstractItemView) -> bool:
    """Whether Ctrl+C on ``view`` copies its rows here (a view with its own Copy action keeps it)."""
    return header_of(view) is not None and not _has_own_copy(view)


def _row_hidden(view: QAbstractItemView, index: QModelIndex) -> bool:
    if isinstance(view, QTableView):
        return view.isRowHidden(index.row())
    if isinstance(view, QTreeView):
        return view.isRowHidden(index.row(), index.parent())
    return False


def _place(view: QAbstractItemView, index: QModelIndex) -> tuple[int, ...]:
    """Where a row is shown: its visual row in a table, its path from the top in a tree."""
    if isinstance(view, QTableView):
        return (view.verticalHeader().visualIndex(index.row()),)
    path: list[int] = []
    while index.isValid():
        path.append(index.row())
        index = index.parent()
    return tuple(reversed(path))


def selected_rows(view: QAbstractItemView) -> list[QModelIndex]:
    """The first-column index of every row with a selected cell, in the order shown."""
    selection = view.selectionModel()
    if selection is None:
        return []
    rows: dict[tuple[int, ...], QModelIndex] = {}
    for index in selection.selectedIndexes():
        first = index.siblingAtColumn(0)
        if not _row_hidden(view, first):
            rows.setdefault(_place(view, first), first)
    return [rows[place] for place in sorted(rows)]


def cell_text(value: Any) -> str:
    """A cell's display value as one line of text."""
    if value is None:
        return ""
    if isinstance(value, QDate):
        text = value.toString("yyyy-MM-dd")
    elif isinstance(value, QDateTime):
        text = value.toString("yyyy-MM-dd HH:mm")
    elif isinstance(value, QTime):
        text = value.toString("HH:mm")
    elif isinstance(value, datetime):
        text = f"{value:%Y-%m-%d %H:%M}"
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _BREAKS.sub(" ", text).strip()


def rows_as_tsv(view: QAbstractItemView) -> str:
    """The header line and the selected rows as tab-separated lines ("" when nothing is selected
    or the view shows no header)."""
    header = header_of(view)
    model = view.model()
    rows = selected_rows(view) if header is not None and model is not None else []
    if header is None or model is None or not rows:
        return ""
    logical = (header.logicalIndex(visual) for visual in range(header.count()))
    columns = [column for column in logical if not header.isSectionHidden(column)]
    display = Qt.ItemDataRole.DisplayRole
    lines = ["\t".join(cell_text(model.headerData(c, Qt.Orientation.Horizontal, display)) for c in columns)]
    for first in rows:
        lines.append("\t".join(cell_text(model.data(first.siblingAtColumn(c), display)) for c in columns))
    return "\n".join(lines)


def copy_rows(view: QAbstractItemView) -> bool:
    """Put the selected rows on the clipboard; False (the clipboard untouched) if none are."""
    text = rows_as_tsv(view)
    if not text:
        return False
    QGuiApplication.clipboard().setText(text)
    return True


def copy_action(view: QAbstractItemView, parent: QObject) -> QAction:
    """A 复制 entry (Ctrl+C shown beside it) for a context menu of ``view``; disabled when no
    row is selected."""
    action = QAction(COPY_TEXT, parent)
    action.setObjectName("copy_rows")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    # live only while the menu itself has the focus: the view's Ctrl+C is the event filter's
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.setEnabled(bool(selected_rows(view)))
    action.triggered.connect(lambda: copy_rows(view))
    return action


def show_menu(view: QAbstractItemView, pos: QPoint, extend: Callable[[QMenu], None] | None = None) -> None:
    """A context menu at ``pos`` (in the viewport): ``extend``'s entries, then 复制."""
    menu = QMenu(view)
    if extend is not None:
        extend(menu)
        if not menu.isEmpty():
            menu.addSeparator()
    menu.addAction(copy_action(view, menu))
    menu.exec(view.viewport().mapToGlobal(pos))
    menu.deleteLater()


def add_context_menu(view: QAbstractItemView, extend: Callable[[QMenu], None] | None = None) -> None:
    """Give a view a context menu of its own: ``extend``'s entries (for the row under the
    mouse, which a right-click selects), then 复制."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(lambda pos: show_menu(view, pos, extend))


def _view_of(watched: QObject) -> QAbstractItemView | None:
    """The item view a context-menu event is for: the view, or the view of its viewport."""
    if isinstance(watched, QAbstractItemView):
        return watched
    parent = watched.parent()
    if isinstance(parent, QAbstractItemView) and parent.viewport() is watched:
        return parent
    return None


class _CopyFilter(QObject):
    """Ctrl+C on an item view with a header copies its selected rows."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return self._context_menu(watched, event)
        if kind != QEvent.Type.KeyPress and kind != QEvent.Type.ShortcutOverride:
            return False
        if not isinstance(watched, QAbstractItemView) or not isinstance(event, QKeyEvent):
            return False
        if not event.matches(QKeySequence.StandardKey.Copy) or not handles(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the view: no window shortcut takes Ctrl+C from it
            return True
        # nothing selected: the view's own Ctrl+C (the current cell's text)
        return copy_rows(watched)

    @staticmethod
    def _context_menu(watched: QObject, event: QEvent) -> bool:
        view = _view_of(watched)
        if view is None or not isinstance(event, QContextMenuEvent):
            return False
        if view.contextMenuPolicy() != Qt.ContextMenuPolicy.DefaultContextMenu or not handles(view):
            return False  # a menu of its own (or none wanted)
        pos = view.viewport().mapFromGlobal(event.globalPos())
        show_menu(view, pos)
        return True


def install(app: QCoreApplication) -> None:
    """Make Ctrl+C copy rows in every table of ``app``; calling it again changes nothing."""
    if app.findChild(QObject, FILTER_NAME) is not None:
        return
    copy_filter = _CopyFilter(app)
    copy_filter.setObjectName(FILTER_NAME)
    app.installEventFilter(copy_filter)
