"""数据库正在使用: shown at start-up when another program holds the writer lock.

Says who has the database open, on which computer, since when and when that program last showed
it was alive, and offers 「以只读方式打开」 or 「退出」. When the lock looks abandoned (its program
has missed several heartbeats: hung, crashed or off the network) it also offers
「解除锁定并打开」, behind a warning and a confirmation tick box; the caller then passes the same
``info`` to :func:`wsjc_desktop.storage.lock.acquire` as ``take_over``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.storage import lock
from wsjc_desktop.storage.lock import LockInfo

__all__ = ["Choice", "LockHeldDialog", "ask_lock_held", "describe_idle"]

Choice = Literal["readonly", "quit", "unlock"]

HINT_STYLE = "color: #555;"
WARNING_STYLE = "QFrame#lock_warning { background: #fff4e5; border: 1px solid #f0b429; border-radius: 4px; }"
EXPLANATION = (
    "同一时间只能由一台计算机修改数据库。以只读方式打开后可以查看、查找、打印和导出，但不能保存修改；"
    "对方关闭程序后，重新打开本程序即可修改。"
)


def describe_idle(idle: timedelta | None) -> str:
    """刚刚 / 5 分钟前 / 2 小时前 / 3 天前."""
    if idle is None:
        return "未知"
    minutes = int(idle.total_seconds() // 60)
    if minutes < 1:
        return "刚刚"
    if minutes < 60:
        return f"{minutes} 分钟前"
    if minutes < 48 * 60:
        return f"{minutes // 60} 小时前"
    return f"{minutes // (24 * 60)} 天前"


class LockHeldDialog(QDialog):
    """The question itself; :func:`ask_lock_held` shows it modally and returns the answer."""

    def __init__(self, info: LockInfo, parent: QWidget | None = None, *, now: datetime | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_held_dialog")
        self.setWindowTitle("数据库正在使用")
        self.setModal(True)
        self.info = info
        self.choice: Choice = "quit"
        this_host = lock.current_host()
        here = lock.same_host(info.host, this_host)
        self.stale = lock.looks_stale(info, now=now, this_host=this_host)
        idle = lock.idle_for(info, now)

        icon = QLabel()
        kind = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if self.stale
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        icon.setPixmap(self.style().standardIcon(kind).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        who = info.member or "另一位用户"
        where = "本计算机上的另一个窗口" if here else f"计算机 {info.host}"
        self.headline = QLabel(f"<b>数据库正由 {who} 在 {where} 上使用。</b>")
        self.headline.setObjectName("lock_headline")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        self.values: dict[str, QLabel] = {}
        last = lock.last_sign_of_life(info, now)
        rows = (
            ("member", "使用人", info.member or "（尚未登录）"),
            ("host", "计算机", f"{info.host}（本机）" if here else info.host),
            ("since", "打开时间", lock.format_when(info.since, now)),
            ("heartbeat", "最后活动", f"{lock.format_when(last, now)}（{describe_idle(idle)}）"),
        )
        for key, label, text in rows:
            value = QLabel(text)
            value.setObjectName(f"lock_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(f"{label}：", value)
        if info.path is not None:
            path_label = QLabel(str(info.path.with_name(info.path.name.removesuffix(lock.LOCK_SUFFIX))))
            path_label.setObjectName("lock_db_path")
            path_label.setStyleSheet(HINT_STYLE)
            path_label.setWordWrap(True)
            path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow("数据库：", path_label)

        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        explanation.setStyleSheet(HINT_STYLE)

        text_column = QVBoxLayout()
        text_column.addWidget(self.headline)
        text_column.addLayout(form)
        text_column.addWidget(explanation)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text_column, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)

        self.confirm: QCheckBox | None = None
        self.unlock_button: QPushButton | None = None
        if self.stale:
            layout.addWidget(self._warning(who, idle, here))

        self.readonly_button = QPushButton("以只读方式打开")
        self.readonly_button.setObjectName("lock_readonly")
        self.readonly_button.setDefault(True)
        self.readonly_button.setAutoDefault(True)
        self.readonly_button.clicked.connect(lambda: self._finish("readonly"))
        self.quit_button = QPushButton("退出")
        self.quit_button.setObjectName("lock_quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(lambda: self._finish("quit"))
        buttons = QHBoxLayout()
        if self.unlock_button is not None:
            buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.readonly_button)
        buttons.addWidget(self.quit_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(540)
        self.readonly_button.setFocus()

    def _warning(self, who: str, idle: timedelta | None, here: bool) -> QFrame:
        frame = QFrame()
        frame.setObjectName("lock_warning")
        frame.setStyleSheet(WARNING_STYLE)
        if here:
            silent = "该窗口的程序已不在运行或长时间没有响应"
        elif idle is not None:
            silent = f"该计算机已 {describe_idle(idle).removesuffix('前')}没有活动"
        else:
            silent = "无法确认该计算机上的程序是否仍在运行"
        text = QLabel(
            f"<b>锁定可能已失效：</b>{silent}，程序可能已异常退出或断网。"
            f"请先确认 {who} 已关闭程序，再解除锁定；否则两处同时修改可能造成数据冲突。"
        )
        text.setObjectName("lock_warning_text")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        self.confirm = QCheckBox("我已确认对方已退出程序")
        self.confirm.setObjectName("lock_confirm")
        self.unlock_button = QPushButton("解除锁定并打开")
        self.unlock_button.setObjectName("lock_unlock")
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.setEnabled(False)
        self.confirm.toggled.connect(self.unlock_button.setEnabled)
        self.unlock_button.clicked.connect(lambda: self._finish("unlock"))
        box = QVBoxLayout(frame)
        box.addWidget(text)
        box.addWidget(self.confirm)
        return frame

    def _finish(self, choice: Choice) -> None:
        self.choice = choice  # Esc and the window's close button leave it at 退出
        if choice == "quit":
            self.reject()
        else:
            self.accept()


def ask_lock_held(parent: QWidget | None, info: LockInfo, *, now: datetime | None = None) -> Choice:
    """Ask what to do about a database another program is writing to (modal).

    Returns ``"readonly"`` or ``"quit"`` (also for Esc or closing the window); ``"unlock"`` only
    when the lock looked abandoned and the user confirmed taking it over.
    """
    dialog = LockHeldDialog(info, parent, now=now)
    dialog.exec()
    choice = dialog.choice
    dialog.deleteLater()
    return choice
