"""A register tab: filter bar, lazily loaded table, add/edit/delete, and an optional detail pane.

Also :class:`RecordListPanel`, the small table-with-buttons used for the records that belong
to another (a meeting's opinions, a notice's feedback, a dossier's sections).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain import fields
from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.fields import Field, RecordSpec
from wsjc_desktop.services import records
from wsjc_desktop.services.display import is_masked
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.actions import run_action, user_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog, confirm
from wsjc_desktop.ui.table_model import Column, RecordTableModel

#: The record types the search index covers (a filter box searches it for these).
SEARCHABLE = frozenset(spec.table for spec in fields.SEARCHABLE)


class RecordTable(QTableView):
    """A table view: Enter opens the record, Delete deletes it. Several rows can be selected
    (Shift/Ctrl+click, Ctrl+A) to copy them; Enter, Delete and the menus act on the current one."""

    open_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(lambda _i: self.open_requested.emit())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        if event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    def size_columns(self, columns: Sequence[Column]) -> None:
        width = self.fontMetrics().horizontalAdvance("汉")
        for i, column in enumerate(columns):
            self.setColumnWidth(i, max(48, column.width * width + 16))


class RecordEditing:
    """Shared add/edit/delete behaviour for anything that shows records of one type."""

    ctx: AppContext
    spec: RecordSpec

    def fixed_values(self) -> dict[str, Any]:
        """Values every new record here gets (the parent's id, for instance)."""
        return {}

    def new_defaults(self) -> dict[str, Any]:
        """What a new record here starts with beyond its field spec's defaults (the unit selected
        in a tree, say). Never a spec default restated: those come from :meth:`new_values`."""
        return {}

    def new_values(self) -> dict[str, Any]:
        """What the form of a new record starts with: the field spec's defaults (today, this year,
        the member logged in …: ``RecordSpec.new_record_values``), then this view's own
        (:meth:`new_defaults`), then the values it fixes (:meth:`fixed_values`)."""
        spec_values = self.spec.new_record_values(today=self.ctx.today, member_id=self.ctx.db.member_id)
        return {**spec_values, **self.new_defaults(), **self.fixed_values()}

    def dialog_widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def open_dialog(self, record_id: int | None) -> int | None:
        """Add (record_id None) or edit a record. Returns the id saved, or None if cancelled."""
        table = self.spec.table
        fixed = self.fixed_values()
        if record_id is None:
            values: Mapping[str, Any] = self.new_values()
            title = f"新建{self.spec.label}"

            def save(data: dict[str, Any]) -> Any:
                return records.create(self.ctx.db, table, {**data, **fixed})

        else:
            found = run_action(self.dialog_widget(), lambda: records.get(self.ctx.db, table, record_id))
            if found is None:
                return None
            values = found
            title = f"编辑{self.spec.label}"
            name = values.get(self.spec.title_field)
            if isinstance(name, str) and name:
                title += f" — {name[:20]}"

            def save(data: dict[str, Any]) -> Any:
                records.update(self.ctx.db, table, record_id, data)
                return record_id

        dialog = RecordDialog(
            self.spec,
            self.ctx.lookups,
            save,
            title=title,
            values=values,
            fields=self.form_fields(),
            parent=self.dialog_widget(),
            advise=self.advice_for({**values, **fixed}),
        )
        self.prepare_dialog(dialog, values)
        if dialog.exec():
            return int(dialog.result_value)
        return None

    def form_fields(self) -> Sequence[Field] | None:
        """The fields the form shows (None: the spec's editable ones)."""
        return None

    def prepare_dialog(self, dialog: RecordDialog, values: Mapping[str, Any]) -> None:
        """A last change to the form before it opens (a view whose links need other editors)."""

    def advice_for(self, values: Mapping[str, Any]) -> Callable[[dict[str, Any]], tuple[str, bool]] | None:
        """A note for the form as it is filled in: a 党风廉政意见回复 for a cadre inside an 影响期
        warns and proposes the fitting conclusion (``services.sanctions.opinion_advice``)."""
        if self.spec.table == "clues":
            return self._clue_advice(values)
        if self.spec.table != "integrity_opinions":
            return None
        from wsjc_desktop.domain.validation import parse_date
        from wsjc_desktop.services.sanctions import opinion_advice

        cadre_id = values.get("cadre_id")

        def advise(current: dict[str, Any]) -> tuple[str, bool]:
            # the reply's date as typed so far (a half-typed one raises UserError: no note yet)
            typed = current.get("reply_date") or current.get("request_date")
            on = parse_date(typed, field="reply_date", label="回复日期") if typed else None
            found = opinion_advice(self.ctx.db, cadre_id, on or self.ctx.today)
            return (found.text, found.warning) if found is not None else ("", False)

        return advise

    def _clue_advice(self, values: Mapping[str, Any]) -> Callable[[dict[str, Any]], tuple[str, bool]]:
        """At a clue's registration: the other clues about the same person or unit (open ones,
        and any of the last three years: ``services.clue_checks``); a warning while one is open."""
        from wsjc_desktop.domain.validation import parse_date
        from wsjc_desktop.services.clue_checks import earlier_clues

        own = values.get("id")

        def advise(current: dict[str, Any]) -> tuple[str, bool]:
            cadre_id = current.get("cadre_id", values.get("cadre_id"))
            unit_id = current.get("unit_id", values.get("unit_id"))
            typed = current.get("received_on")
            on = parse_date(typed, field="received_on", label="受理日期") if typed else None
            found = earlier_clues(
                self.ctx.db,
                cadre_id if isinstance(cadre_id, int) else None,
                unit_id if isinstance(unit_id, int) else None,
                on or self.ctx.today,
                exclude_id=own if isinstance(own, int) else None,
            )
            return (found.text, found.open > 0) if found is not None else ("", False)

        return advise

    def delete_current(self, view: QTableView, model: RecordTableModel) -> bool:
        """Delete the record on the view's selected row, after asking."""
        index = view.currentIndex()
        if not index.isValid() or not view.selectionModel().isRowSelected(index.row()):
            return False
        record_id, row = model.id_at(index.row()), model.row_data(index.row())
        if record_id is None or row is None:
            return False
        return self.delete_record(record_id, str(row.get(self.spec.title_field) or "")[:20])

    def reveal_entry(self, menu: QMenu, row: Row | None) -> None:
        """显示完整身份证号, on a row of cadres (whose number every table masks)."""
        if not any(is_masked(f) for f in self.spec.fields):
            return
        record_id = row.get("id") if row is not None else None
        action = QAction("显示完整身份证号", menu)
        action.setObjectName("reveal_id_number")
        action.setEnabled(record_id is not None and bool(row and row.get("id_number")))
        if record_id is not None:
            action.triggered.connect(lambda: self.reveal_id_number(int(record_id)))
        menu.addAction(action)

    def reveal_id_number(self, cadre_id: int) -> None:
        """Show a cadre's full 身份证号 in a message (reading it is written to the audit log)."""
        from wsjc_desktop.services import dossier

        number = run_action(self.dialog_widget(), lambda: dossier.full_id_number(self.ctx.db, cadre_id))
        if number is None:  # not shown (no number on file), or the message said why
            return
        name = self.ctx.lookups.name("cadres", cadre_id)
        box = QMessageBox(
            QMessageBox.Icon.Information, "身份证号", f"{name}：{number}", parent=self.dialog_widget()
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setInformativeText("已记入审计日志。")
        box.exec()

    def delete_record(self, record_id: int, title: str) -> bool:
        question = f"将{self.spec.label}“{title}”移入回收站？\n\n可在“回收站”中恢复。"
        if not confirm(self.dialog_widget(), "删除", question):
            return False
        with user_action(self.dialog_widget(), title="无法删除") as action:
            records.delete(self.ctx.db, self.spec.table, record_id)
        return not action.failed


#: Why a write button is off in a window opened read-only.
READ_ONLY_TIP = "数据库以只读方式打开，不能修改。"


class RecordListPanel(QWidget, RecordEditing):
    """A titled table of the records that belong to one parent, with 添加 / 编辑 / 删除."""

    def __init__(
        self,
        ctx: AppContext,
        spec: RecordSpec,
        *,
        title: str | None = None,
        columns: Sequence[Column] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        self.parent_values: dict[str, Any] = {}
        self.model = RecordTableModel(
            ctx.db, spec, ctx.lookups, columns=columns, flt=RecordFilter(parent_id=-1)
        )
        self.view = RecordTable()
        self.view.setModel(self.model)
        self.view.size_columns(self.model.columns)
        self.view.setObjectName(f"panel_{spec.table}")
        self.title = QLabel(f"<b>{title or spec.label}</b>")
        self.add_button = QPushButton("添加")
        self.edit_button = QPushButton("查看" if ctx.readonly else "编辑")  # read-only: it shows
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.view.open_requested.connect(self.edit)
        self.view.delete_requested.connect(self.delete)
        table_copy.add_context_menu(self.view, self._menu_entries)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        ctx.hub.changed.connect(self._on_changes)
        self.set_parent_values({})

    def set_parent_values(self, values: dict[str, Any], flt: RecordFilter | None = None) -> None:
        """Show the records of this parent (e.g. ``{"meeting_id": 3}``); empty: show nothing."""
        self.parent_values = values
        enabled = bool(values)
        readonly = self.ctx.readonly  # a file opened read-only: look, never change
        self.edit_button.setEnabled(enabled)
        for button in (self.add_button, self.delete_button):
            button.setEnabled(enabled and not readonly)
            button.setToolTip(READ_ONLY_TIP if readonly else "")
        if flt is None:
            parent_id = next(iter(values.values())) if values else -1
            flt = RecordFilter(parent_id=parent_id)
        if not values:
            flt = RecordFilter(only_ids=frozenset())
        self.model.set_filter(flt)

    def fixed_values(self) -> dict[str, Any]:
        return dict(self.parent_values)

    def selected_id(self) -> int | None:
        """The current row's record if it is selected, else the first selected one's."""
        index = self.view.currentIndex()
        if index.isValid() and self.view.selectionModel().isRowSelected(index.row()):
            return self.model.id_at(index.row())
        rows = self.view.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def _menu_entries(self, menu: QMenu) -> None:
        """The buttons' 编辑 (or 打开) and 删除, for the row under the mouse."""
        record_id = self.selected_id()
        for button, slot in ((self.edit_button, self.edit), (self.delete_button, self.delete)):
            action = QAction(button.text(), menu)
            action.setEnabled(record_id is not None and button.isEnabled())
            action.triggered.connect(slot)
            menu.addAction(action)
        position = self.model.row_of(record_id) if record_id is not None else None
        self.reveal_entry(menu, self.model.row_data(position) if position is not None else None)

    def add(self) -> None:
        if self.parent_values and not self.ctx.readonly:
            self.open_dialog(None)

    def edit(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_dialog(record_id)

    def delete(self) -> None:
        if not self.ctx.readonly:  # the Delete key too
            self.delete_current(self.view, self.model)

    def _on_changes(self, changes: ChangeSet) -> None:
        self.model.on_changes(changes)


class FilterBar(QWidget):
    """Year, unit, kind, status and free text (Chinese or pinyin) for one register."""

    changed = Signal()

    def __init__(
        self, ctx: AppContext, spec: RecordSpec, parent: QWidget | None = None, *, members: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.year = QComboBox()
        self.unit = QComboBox()
        self.kind = QComboBox()
        self.status = QComboBox()
        self.member = QComboBox()  # ``members``: by the spec's first member field (主办人 …)
        self.member.setObjectName("filter_member")
        self.text = QLineEdit()
        self.text.setObjectName("filter_text")
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText("筛选：姓名、单位、标题…（支持拼音首字母）")
        has_year = bool(spec.date_field) or spec.has_field("year")
        if has_year:
            self.year.addItem("全部年份", None)
            this_year = ctx.today.year
            for year in range(this_year + 1, this_year - 10, -1):
                self.year.addItem(f"{year}年", year)
            self.year.setCurrentIndex(2 if spec.table != "units" else 0)  # this year
            layout.addWidget(self.year)
        self.has_unit = spec.table != "units"
        if self.has_unit:
            layout.addWidget(self.unit)
            self.reload_units()
        if spec.kind_field:
            fld = spec.field(spec.kind_field)
            self.kind.addItem(f"全部{fld.label}", None)
            for member in fld.enum or []:
                self.kind.addItem(member.label, member.value)
            layout.addWidget(self.kind)
        if spec.status_field:
            fld = spec.field(spec.status_field)
            self.status.addItem(f"全部{fld.label}", None)
            for member in fld.enum or []:
                self.status.addItem(member.label, member.value)
            layout.addWidget(self.status)
        self.has_member = members and bool(spec.member_fields)
        if self.has_member:
            layout.addWidget(self.member)
            self.reload_members()
        layout.addWidget(self.text, 1)
        for combo in (self.year, self.unit, self.kind, self.status, self.member):
            combo.currentIndexChanged.connect(self.changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.changed)
        self.text.textChanged.connect(self._debounce.start)
        if spec.table not in SEARCHABLE:
            self.text.hide()

    def reload_units(self) -> None:
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem("全部单位", None)
        for unit_id, name in self.ctx.lookups.active_units():
            self.unit.addItem(name, unit_id)
        index = self.unit.findData(current)
        self.unit.setCurrentIndex(max(0, index))
        self.unit.blockSignals(False)

    def reload_members(self) -> None:
        """全部主办人 (or the field's label), then the group's members."""
        current = self.member.currentData()
        self.member.blockSignals(True)
        self.member.clear()
        self.member.addItem(f"全部{self.spec.field(self.spec.member_fields[0]).label}", None)
        for member_id, name in self.ctx.lookups.active_members():
            self.member.addItem(name, member_id)
        self.member.setCurrentIndex(max(0, self.member.findData(current)))
        self.member.blockSignals(False)

    def clear(self) -> None:
        for combo in (self.year, self.unit, self.kind, self.status, self.member):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
        self.changed.emit()

    def record_filter(self) -> RecordFilter:
        flt = RecordFilter(
            year=self.year.currentData(),
            unit_id=self.unit.currentData() if self.has_unit else None,
            kind=self.kind.currentData(),
            status=self.status.currentData(),
            member_id=self.member.currentData() if self.has_member else None,
            today=self.ctx.today_override,
        )
        text = self.text.text().strip()
        if text and self.spec.table in SEARCHABLE:
            from wsjc_desktop.services.search import search

            hits = search(self.ctx.db, text, kinds=[self.spec.table], limit=100000)
            flt = replace(flt, only_ids=frozenset(hit.record_id for hit in hits))
        return flt


class RecordTab(QWidget, RecordEditing):
    """One register: filters on top, the table, and optionally a detail pane below."""

    status_message = Signal(str)
    tab_title = ""
    #: a filter by member (the spec's first member field: 主办人 …) in the filter bar
    filter_members = False

    def __init__(
        self,
        ctx: AppContext,
        spec: RecordSpec,
        *,
        columns: Sequence[Column] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        self.setObjectName(f"tab_{spec.table}")
        self.filters = FilterBar(ctx, spec, members=self.filter_members)
        self.model = RecordTableModel(ctx.db, spec, ctx.lookups, columns=columns)
        self.view = RecordTable()
        self.view.setObjectName(f"table_{spec.table}")
        self.view.setModel(self.model)
        # no indicator at first: the register's own order (newest first) until a header is clicked
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.size_columns(self.model.columns)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.open_requested.connect(self.edit_selected)
        self.view.delete_requested.connect(self.delete_selected)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.model.modelReset.connect(self._selection_changed)
        self.model.modelReset.connect(self._announce)
        self.filters.changed.connect(self.apply_filters)
        ctx.hub.changed.connect(self._on_changes)

        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.count_label = QLabel()
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addStretch(1)

        top = QVBoxLayout()
        top.addWidget(self.filters)
        top.addLayout(self.toolbar)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        detail = self.build_detail()
        if detail is not None:
            self.splitter.addWidget(detail)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self._loaded = False

    # --- hooks for subclasses ------------------------------------------------------

    def build_detail(self) -> QWidget | None:
        return None

    def on_selected(self, record_id: int | None) -> None:
        """The selection moved (None: nothing selected)."""

    def add_button(self, text: str, slot: Any, *, tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.toolbar.addWidget(button)
        return button

    # --- loading -------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.apply_filters()

    @property
    def is_loaded(self) -> bool:
        return self._loaded and self.model.loaded

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.ensure_loaded()

    def apply_filters(self) -> None:
        selected = self.selected_id()
        self.model.set_filter(self.filters.record_filter())
        if selected is not None:
            self.select_id(selected)

    def refresh(self) -> None:
        self.ctx.lookups.invalidate()
        self.filters.reload_units()
        self.apply_filters()

    def _on_changes(self, changes: ChangeSet) -> None:
        if "units" in changes.tables and self.filters.has_unit:
            self.filters.reload_units()
        if "members" in changes.tables and self.filters.has_member:
            self.filters.reload_members()
        if not self._loaded:
            return
        selected = self.selected_id()
        self.model.on_changes(changes)
        if selected is not None and self.selected_id() != selected:
            self.select_id(selected)

    def _announce(self) -> None:
        text = f"共 {self.model.rowCount()} 条{self.spec.label}"
        self.count_label.setText(text)
        self.status_message.emit(text)

    # --- selection -----------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.id_at(index.row())

    def selected_row(self) -> Row | None:
        index = self.view.currentIndex()
        return self.model.row_data(index.row()) if index.isValid() else None

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)
        return True

    def _selection_changed(self) -> None:
        self.on_selected(self.selected_id())

    def open_record(self, record_id: int) -> bool:
        """Show a record (clearing filters that hide it) and select it."""
        self.ensure_loaded()
        if not self.select_id(record_id):
            self.filters.clear()
            if not self.select_id(record_id):
                return False
        self.view.setFocus()
        return True

    # --- actions (the main window's menus call these) ------------------------------

    def new_record(self) -> None:
        record_id = self.open_dialog(None)
        if record_id is not None:
            self.open_record(record_id)

    def edit_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_dialog(record_id)

    def delete_selected(self) -> None:
        self.delete_current(self.view, self.model)

    def select_first(self) -> None:
        """Select the top row if nothing is selected (screenshots, first visit)."""
        first = self.model.id_at(0)
        if self.selected_id() is None and first is not None:
            self.select_id(first)

    def can_print(self) -> bool:
        return False

    def print_selected(self) -> None:
        """Overridden where records print (the printing work adds slips)."""

    def can_export(self) -> bool:
        return False

    def export_view(self) -> None:
        """Overridden where a ledger exists (the Excel work adds ledgers)."""

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isRowSelected(index.row()):
            self.view.selectRow(index.row())  # a click on rows already selected keeps them all
        menu = QMenu(self)
        has = self.selected_id() is not None
        for text, slot, enabled in (
            ("编辑", self.edit_selected, has),
            ("打印", self.print_selected, has and self.can_print()),
            ("导出", self.export_view, self.can_export()),
            ("删除", self.delete_selected, has),
        ):
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            menu.addAction(action)
        self.reveal_entry(menu, self.selected_row() if has else None)
        self.extend_context_menu(menu)
        menu.addSeparator()
        menu.addAction(table_copy.copy_action(self.view, menu))
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def extend_context_menu(self, menu: QMenu) -> None:
        """Add tab-specific entries."""

    # --- remembered layout ---------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(f"tabs/{self.spec.table}/header", self.view.horizontalHeader().saveState())
        settings.setValue(f"tabs/{self.spec.table}/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        header = settings.value(f"tabs/{self.spec.table}/header")
        if header is not None:
            self.view.horizontalHeader().restoreState(header)
        splitter = settings.value(f"tabs/{self.spec.table}/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def today(self) -> date:
        return self.ctx.today
