"""工作台 → 数据交换: this PC, the other PCs and when each was last heard from, the changes not
exported yet, and the conflicts still open (with the button to settle them).

A group that works on one PC is not bothered: the panel stays hidden while no other PC has
been heard from, no exchange folder is set and no conflict is open.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from wsjc_desktop.exchange.engine import LocalSettings, Peer, Status

__all__ = ["ExchangePanel", "heard_text"]

MUTED = "#6b7785"
ALERT = "#b9770e"


def heard_text(peer: Peer, today: date) -> str:
    """李华的电脑：3 天前（2026-12-03）; 从未交换 for a PC known only from another's package."""
    name = peer.name or "（未命名的电脑）"
    if not peer.last_heard:
        return f"{name}：从未交换"
    try:
        heard = datetime.fromisoformat(peer.last_heard)
    except ValueError:
        return f"{name}：{peer.last_heard}"
    days = (today - heard.date()).days
    if days == 0:
        return f"{name}：今天 {heard:%H:%M}"
    if days == 1:
        return f"{name}：昨天（{heard:%Y-%m-%d}）"
    if days > 1:
        return f"{name}：{days} 天前（{heard:%Y-%m-%d}）"
    return f"{name}：{heard:%Y-%m-%d}"


class ExchangePanel(QFrame):
    """The 数据交换 card of the 工作台 (see the module)."""

    conflicts_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_panel")
        self.setStyleSheet(
            "#exchange_panel { background: #f4f6f9; border: 1px solid #dde3ea; border-radius: 4px; }"
        )
        title = QLabel("数据交换")
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        title.setFont(font)
        self.this_pc = QLabel()
        self.this_pc.setObjectName("exchange_this_pc")
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(title)
        head.addWidget(self.this_pc, 1)
        self.peers = QLabel()
        self.peers.setObjectName("exchange_peers")
        self.peers.setWordWrap(True)
        self.unexported = QLabel()
        self.unexported.setObjectName("exchange_unexported")
        self.conflicts = QLabel()
        self.conflicts.setObjectName("exchange_conflicts_count")
        self.conflicts_button = QPushButton("处理冲突…")
        self.conflicts_button.setObjectName("exchange_conflicts_button")
        self.conflicts_button.setToolTip("逐一确认两台电脑都修改过的内容（文件 → 数据交换 → 查看冲突…）")
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        counts = QHBoxLayout()
        counts.setSpacing(16)
        counts.addWidget(self.unexported)
        counts.addWidget(self.conflicts)
        counts.addStretch(1)
        counts.addWidget(self.conflicts_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.peers)
        layout.addLayout(counts)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()  # until there is something to show (never show() here: no parent yet)

    @staticmethod
    def wanted(status: Status, local: LocalSettings) -> bool:
        """Whether the group exchanges at all (another PC heard from, a folder, a conflict)."""
        return bool(status.peers or local.folder or status.open_conflicts)

    def show_status(self, status: Status, local: LocalSettings, today: date) -> None:
        self.setVisible(self.wanted(status, local))
        folder = f"　交换文件夹：{local.folder}" if local.folder else ""
        self.this_pc.setText(f"本机：{status.name}{folder}")
        self.this_pc.setToolTip(f"本机名称和交换文件夹在“设置 → 数据交换”中修改。{folder.strip()}")
        self.this_pc.setStyleSheet(f"color: {MUTED};")
        if status.peers:
            self.peers.setText("其他电脑　" + "；".join(heard_text(p, today) for p in status.peers))
            self.peers.setToolTip("各台电脑最近一次导入其交换包的时间")
        else:
            self.peers.setText("还没有收到过其他电脑的交换包。")
        self.unexported.setText(f"本机尚未导出的修改：{status.unexported} 处")
        self.unexported.setStyleSheet(f"color: {ALERT};" if status.unexported else "")
        n = status.open_conflicts
        self.conflicts.setText(f"未处理的冲突：{n} 处" if n else "没有未处理的冲突")
        self.conflicts.setStyleSheet(f"color: {ALERT}; font-weight: bold;" if n else f"color: {MUTED};")
        self.conflicts_button.setVisible(bool(n))
        self.conflicts.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)

    def show_problem(self, message: str) -> None:
        self.peers.setText(f"无法读取数据交换的情况：{message}")
