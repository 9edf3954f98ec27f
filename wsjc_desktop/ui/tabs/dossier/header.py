"""The top of a dossier: who the cadre is and when the file was last updated, then the basics."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.enums import CadreStatus
from wsjc_desktop.domain.fields import CADRE, FieldKind
from wsjc_desktop.services.display import display_value, format_date, screen_value
from wsjc_desktop.services.dossier import Dossier
from wsjc_desktop.services.records import Row
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.tabs.dossier.style import muted_label


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
        self.details = muted_label()
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
            label = muted_label(f"{fld.label}：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value: QWidget = self._value_label(fld.name)
            if fld.kind is FieldKind.ID_NUMBER:
                value = self._with_reveal(self.values[fld.name])
            grid.addWidget(label, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
        last = (len(fields) + self.COLUMNS - 1) // self.COLUMNS
        for fld in (f for f in CADRE.fields if f.kind is FieldKind.LONG_TEXT):
            label = muted_label(f"{fld.label}：")
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
