"""数据交换冲突: the conflicts an exchange found, for the user to confirm or reverse.

A conflict is one field changed on both PCs since they last exchanged. Both PCs already hold
the value with the later stamp; the list shows, for each conflict, the record and the field,
both values labelled 本机 and 对方 with who changed each and when, and which one the file holds
now. The user keeps it (保留当前值) or takes either value (改用本机的值 / 改用对方的值), which is
written as an ordinary change and so reaches the other PC with the next package
(``engine.resolve_conflict``). Two notices that ended up with one 文号 are renumbered by the
merge itself: such a conflict shows its note and can only be acknowledged (确认).

Closing the dialog decides nothing: the conflicts left open stay listed (here, on the 工作台 and
under 文件 → 数据交换 → 查看冲突…) until each is settled. A read-only window only shows them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.exchange import engine
from wsjc_desktop.exchange.labels import ConflictView, Side, conflict_views
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.styles import HINT_STYLE, hint_label

__all__ = ["ConflictDialog", "SideBox"]

ID_ROLE = Qt.ItemDataRole.UserRole
#: characters of a value shown in its box (the whole value is its tooltip)
VALUE_CHARS = 300
KEPT_STYLE = "color: #1e8449; font-weight: bold;"
NOTE_STYLE = "color: #9a6700; background: #fff8e1; border: 1px solid #f0d58c; padding: 6px;"
INTRO = (
    "两台电脑在上次交换之后都修改了下列内容。程序已暂按较晚的修改保留（两台电脑保留的相同），"
    "请逐一确认，或改用另一台电脑的值；改用的值会在下次交换时同步到对方。"
    "暂不处理的冲突会一直列在这里。"
)
EMPTY = "没有未处理的冲突。\n\n两台电脑都修改了同一项内容时，导入交换包后会列在这里，等您确认。"
READONLY_TIP = "数据库以只读方式打开，不能处理冲突。"


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class SideBox(QFrame):
    """One PC's value: 本机 or 对方, the value, who changed it and when, and whether it is kept."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"conflict_{name}")
        self.setStyleSheet(
            f"#conflict_{name} {{ background: #f7f9fb; border: 1px solid #dde3ea; border-radius: 4px; }}"
        )
        self.title = _bold(QLabel(title))
        self.kept = QLabel("✔ 当前保留")
        self.kept.setObjectName(f"conflict_{name}_kept")
        self.kept.setStyleSheet(KEPT_STYLE)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.kept)
        self.value = QLabel()
        self.value.setObjectName(f"conflict_{name}_value")
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        self.value.setMinimumHeight(self.value.fontMetrics().height() * 2)
        self.value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.value.setStyleSheet("background: white; border: 1px solid #e3e7ec; padding: 6px;")
        self.value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.who = QLabel()
        self.who.setObjectName(f"conflict_{name}_who")
        self.who.setWordWrap(True)
        self.when = QLabel()
        self.when.setObjectName(f"conflict_{name}_when")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.value)
        layout.addWidget(self.who)
        layout.addWidget(self.when)
        layout.addStretch(1)

    def show_side(self, side: Side, kept: bool) -> None:
        text = side.text
        self.value.setText(text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…")
        self.value.setToolTip(text)
        self.who.setText(f"修改人：{side.who}")
        self.when.setText(f"修改时间：{side.when or '不详'}")
        self.kept.setVisible(kept)


class ConflictDialog(QDialog):
    """文件 → 数据交换 → 查看冲突…, and after an import that found conflicts."""

    resolved = Signal(int)  # the conflict's id, once settled

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exchange_conflicts")
        self.setWindowTitle("数据交换冲突")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.views: list[ConflictView] = []

        intro = hint_label(INTRO)
        intro.setObjectName("conflicts_intro")
        self.list = QListWidget()
        self.list.setObjectName("conflict_list")
        self.list.setMinimumWidth(220)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.list.currentRowChanged.connect(self._show_current)

        self.record = _bold(QLabel(), 1.1)
        self.record.setObjectName("conflict_record")
        self.record.setWordWrap(True)
        self.field = QLabel()
        self.field.setObjectName("conflict_field")
        self.field.setWordWrap(True)
        self.local_box = SideBox("local", "本机")
        self.remote_box = SideBox("remote", "对方")
        sides = QHBoxLayout()
        sides.setSpacing(10)
        sides.addWidget(self.local_box, 1)
        sides.addWidget(self.remote_box, 1)
        self.note = QLabel()
        self.note.setObjectName("conflict_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)

        self.keep_button = QPushButton("保留当前值")
        self.keep_button.setObjectName("conflict_keep")
        self.keep_button.setToolTip("确认两台电脑现在保留的值，不再列为冲突")
        self.local_button = QPushButton("改用本机的值")
        self.local_button.setObjectName("conflict_use_local")
        self.remote_button = QPushButton("改用对方的值")
        self.remote_button.setObjectName("conflict_use_remote")
        self.ack_button = QPushButton("确认")
        self.ack_button.setObjectName("conflict_acknowledge")
        self.ack_button.setToolTip("已知晓并核对，不再列为冲突")
        self.keep_button.clicked.connect(lambda: self.resolve("keep"))
        self.local_button.clicked.connect(lambda: self.resolve("local"))
        self.remote_button.clicked.connect(lambda: self.resolve("remote"))
        self.ack_button.clicked.connect(lambda: self.resolve("keep"))
        actions = QHBoxLayout()
        for button in (self.keep_button, self.local_button, self.remote_button, self.ack_button):
            actions.addWidget(button)
        actions.addStretch(1)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        detail_layout.setSpacing(8)
        detail_layout.addWidget(self.record)
        detail_layout.addWidget(self.field)
        detail_layout.addLayout(sides)
        detail_layout.addWidget(self.note)
        detail_layout.addLayout(actions)
        detail_layout.addStretch(1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([250, 610])

        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("conflicts_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(HINT_STYLE)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)

        self.count = QLabel()
        self.count.setObjectName("conflicts_count")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
            close.setToolTip("关闭窗口；未处理的冲突仍保留在列表中")
        box.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(box)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        if ctx.readonly:
            for button in (self.keep_button, self.local_button, self.remote_button, self.ack_button):
                button.setEnabled(False)
                button.setToolTip(READONLY_TIP)
        self.resize(880, 460)
        self.reload()

    # --- the list -----------------------------------------------------------------------

    def reload(self, row: int = 0) -> None:
        """Read the open conflicts again and show the one at ``row`` (or the last)."""
        self.views = conflict_views(self.ctx.db, engine.open_conflicts(self.ctx.db))
        self.list.blockSignals(True)
        self.list.clear()
        for view in self.views:
            what = view.column_label or ("文号" if view.kind == "number" else "")
            item = QListWidgetItem(f"{view.table_label}“{view.record or '—'}”\n　{what}")
            item.setData(ID_ROLE, view.id)
            item.setToolTip(view.record_text)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.views:
            self.stack.setCurrentWidget(self.splitter)
            self.list.setCurrentRow(min(max(row, 0), len(self.views) - 1))
            self._show_current(self.list.currentRow())
            self.count.setText(f"共 {len(self.views)} 处冲突未处理")
        else:
            self.stack.setCurrentWidget(self.empty)
            self.count.setText("")

    def current(self) -> ConflictView | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _show_current(self, _row: int) -> None:
        view = self.current()
        if view is None:
            return
        self.record.setText(view.record_text)
        number = view.kind != "field"
        if number:
            self.field.setText(f"内容：{view.column_label or '文号'}　　发现于：{view.found_at}")
        else:
            self.field.setText(
                f"内容：{view.column_label}　　现在保留的是{view.kept_text}的值　　发现于：{view.found_at}"
            )
        self.local_box.setVisible(not number)
        self.remote_box.setVisible(not number)
        if not number:
            self.local_box.show_side(view.local, view.kept == "local")
            self.remote_box.show_side(view.remote, view.kept == "remote")
        self.note.setText(view.note)
        self.note.setVisible(bool(view.note))
        for button in (self.keep_button, self.local_button, self.remote_button):
            button.setVisible(not number)
        self.ack_button.setVisible(number)
        if not self.ctx.readonly:
            gone = view.record_id is None
            self.local_button.setEnabled(view.kept != "local" and not gone)
            self.remote_button.setEnabled(view.kept != "remote" and not gone)
            for button, side in ((self.local_button, "本机"), (self.remote_button, "对方")):
                if gone:
                    button.setToolTip("该记录已被彻底删除，只能确认。")
                elif not button.isEnabled():
                    button.setToolTip(f"现在保留的已是{side}的值：点“保留当前值”确认")
                else:
                    button.setToolTip(f"把这一项改回{side}的值（作为一次修改，下次交换时同步到另一台电脑）")

    def select(self, conflict_id: int) -> bool:
        for row, view in enumerate(self.views):
            if view.id == conflict_id:
                self.list.setCurrentRow(row)
                return True
        return False

    # --- settling -----------------------------------------------------------------------

    def resolve(self, choice: str) -> bool:
        """Settle the conflict shown: ``keep``, ``local`` or ``remote``."""
        view = self.current()
        if view is None or self.ctx.readonly:
            return False
        row = self.list.currentRow()

        def settle() -> bool:
            engine.resolve_conflict(self.ctx.db, view.id, choice)
            return True

        done = run_action(self, settle, busy=True, title="未能处理冲突")
        self.reload(row)
        if not done:
            return False
        self.resolved.emit(view.id)
        return True
