"""廉政档案: the tab that puts the tree and one cadre's dossier side by side and keeps both current."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.fields import CADRE, DOSSIER_SECTIONS, UNIT
from wsjc_desktop.errors import NotFoundError
from wsjc_desktop.services import dossier
from wsjc_desktop.services.dossier import Dossier, TreeCadre
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordEditing
from wsjc_desktop.ui.tabs.dossier.header import BasicsPanel, DossierHeader
from wsjc_desktop.ui.tabs.dossier.sections import AttachmentsPanel, SectionPanel
from wsjc_desktop.ui.tabs.dossier.style import MUTED, STALE_COLOR, muted_label, rule
from wsjc_desktop.ui.tabs.dossier.timeline import TimelineTable
from wsjc_desktop.ui.tabs.dossier.tree import CadreTreeModel

#: Records shown on the timeline besides the sections' (clues are a section): a change to any of
#: them redraws it.
TIMELINE_TABLES = {"talks", "meetings", "meeting_opinions", "alert_notices", "problems"}
SECTION_TABLES = {spec.table for spec in DOSSIER_SECTIONS}
#: Up to this many cadres changed at once are redrawn in place; more rebuild the tree.
IN_PLACE_LIMIT = 200
#: Up to this many cadres the tree reads them all at once; beyond, a unit's cadres are read when
#: the unit is expanded or one of them is opened.
EAGER_LIMIT = 1000


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
        self.count_label = muted_label()
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
            panel = AttachmentsPanel(ctx) if spec.holds_files else SectionPanel(ctx, spec)
            self.sections[spec.table] = panel
        self.timeline = TimelineTable()
        self.timeline.open_related.connect(self.open_related)
        self.timeline_title = QLabel("<b>谈话、会议意见及廉情提醒</b>")

        self.placeholder = muted_label()
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
            page_layout.addWidget(rule())
            page_layout.addWidget(panel)
        page_layout.addWidget(rule())
        timeline_bar = QHBoxLayout()
        timeline_bar.setContentsMargins(0, 4, 0, 0)
        timeline_bar.addWidget(self.timeline_title)
        timeline_bar.addStretch(1)
        self.timeline_hint = muted_label("双击可打开对应记录")
        timeline_bar.addWidget(self.timeline_hint)
        page_layout.addLayout(timeline_bar)
        page_layout.addWidget(self.timeline)
        self.timeline_empty = muted_label("暂无记录")
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
        if table == UNIT.table:  # a unit's row, not a cadre's
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
        """The unit selected in the tree (after the spec's defaults, 在职 …: ``new_values``)."""
        return {} if self._unit_id is None else {"unit_id": self._unit_id}

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
        run_action(self, lambda: dossier.mark_file_updated(self.ctx.db, cadre_id, self.ctx.today))

    def show_full_id_number(self) -> None:
        """显示完整身份证号: fetch the shown cadre's number (the look is audited) and show it."""
        cadre_id = self.selected_id()
        if cadre_id is None:
            return
        number = run_action(self, lambda: dossier.full_id_number(self.ctx.db, cadre_id))
        if number is not None and self.selected_id() == cadre_id:
            self.basics.show_full_id_number(cadre_id, number)

    def _tree_menu(self, pos: QPoint) -> None:
        """On a cadre: 编辑基本信息 and 显示完整身份证号 (the cadre's dossier opens first)."""
        index = self.tree.indexAt(pos)
        key = self.tree_model.key(index)
        if key is None or key[0] != CADRE.table:
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
