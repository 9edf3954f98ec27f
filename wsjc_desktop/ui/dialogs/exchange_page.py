"""设置 → 数据交换: this PC's name, the group's exchange passphrase, and the exchange folder.

These belong to this PC, not to the group: they are stored by ``engine.set_local`` (in the
file's ``sync_state``) and never travel in a package, unlike the settings on the other pages.

* 本机名称 (王明的电脑) names this PC in its packages and on the other PC's 工作台; saved with
  the dialog's 保存.
* 交换口令 is the group's: the page says whether it is set, sets it (typed twice) when it is
  not, and checks a typed one when it is. 在本机记住交换口令 keeps it on this PC (checked
  first), so exports, imports and the folder need not ask; both act at once, like 设置口令….
* 交换文件夹 (a USB stick or a network share both PCs reach): with it and a kept passphrase the
  program takes the other PCs' packages from it and leaves its own there at start and exit, and
  on 立即同步交换文件夹; saved with 保存 ('' clears it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange import engine, labels
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.exchange_dialogs import ask_exchange_passphrase
from wsjc_desktop.ui.dialogs.settings_widgets import PREVIEW_STYLE, error_label, hint_label
from wsjc_desktop.ui.filedialogs import Purpose

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database

__all__ = ["ExchangePage"]

WARN_STYLE = "color: #9a6700;"
NAME_HINT = "交换包里用这个名称说明来自哪台电脑，对方的工作台上也显示它，例如“王明的电脑”。只保存在本机。"
PASSPHRASE_HINT = (
    "交换口令由本组共用，两台电脑必须相同；本组首次导出交换包时设置。"
    "记住口令后，导出、导入和交换文件夹同步时不再询问；口令保存在本机的数据库文件中"
    "（数据库未加密时，拿到该文件的人也能读到），不用时请取消勾选。此项立即生效。"
)
FOLDER_HINT = (
    "两台电脑都能访问的文件夹，如 U 盘上的一个文件夹或网络共享文件夹。设置了交换文件夹并记住口令后，"
    "程序每次启动和退出时自动导入另一台电脑放在其中的交换包，并放入本机的交换包；"
    "也可随时用“文件 → 数据交换 → 立即同步交换文件夹”。留空表示不使用。"
)


class ExchangePage(QWidget):
    """The 数据交换 page of 设置 (see the module)."""

    #: the passphrase was set, kept or forgotten (stored at once)
    stored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exchange_page")
        local = engine.local_settings(ctx.db)
        self.initial = {"name": local.name, "folder": local.folder or ""}

        self.name_edit = QLineEdit(local.name)
        self.name_edit.setObjectName("exchange_name")
        self.name_edit.setMaxLength(50)
        self.name_edit.setPlaceholderText(f"例如 王明的电脑（留空则用计算机名 {engine.default_name()}）")
        self.name_error = error_label("exchange_name_error")

        self.passphrase_state = QLabel()
        self.passphrase_state.setObjectName("exchange_passphrase_state")
        self.passphrase_button = QPushButton()
        self.passphrase_button.setObjectName("exchange_passphrase_button")
        self.passphrase_button.clicked.connect(self.passphrase_action)
        self.change_button = QPushButton("修改交换口令…")
        self.change_button.setObjectName("exchange_change_passphrase")
        self.change_button.setToolTip(
            "先输入现在的交换口令，再设置新的；另一台电脑导入下一个交换包时用新口令"
        )
        self.change_button.clicked.connect(self.change_passphrase)
        self.remember_box = QCheckBox("在本机记住交换口令")
        self.remember_box.setObjectName("exchange_remember")
        self.remember_box.setChecked(local.remembers_passphrase)
        self.remember_box.toggled.connect(self._remember_toggled)
        state_row = QWidget()
        state_box = QHBoxLayout(state_row)
        state_box.setContentsMargins(0, 0, 0, 0)
        state_box.addWidget(self.passphrase_state)
        state_box.addSpacing(12)
        state_box.addWidget(self.passphrase_button)
        state_box.addWidget(self.change_button)
        state_box.addSpacing(12)
        state_box.addWidget(self.remember_box)
        state_box.addStretch(1)

        self.folder_edit = QLineEdit(local.folder or "")
        self.folder_edit.setObjectName("exchange_folder")
        self.folder_edit.setPlaceholderText("（未设置）")
        self.folder_edit.textChanged.connect(self._show_folder_state)
        self.folder_browse = QPushButton("浏览…")
        self.folder_browse.setObjectName("exchange_folder_browse")
        self.folder_browse.clicked.connect(self.browse)
        self.folder_clear = QPushButton("清除")
        self.folder_clear.setObjectName("exchange_folder_clear")
        self.folder_clear.setToolTip("不再使用交换文件夹")
        self.folder_clear.clicked.connect(self.folder_edit.clear)
        folder_row = QWidget()
        folder_box = QHBoxLayout(folder_row)
        folder_box.setContentsMargins(0, 0, 0, 0)
        folder_box.addWidget(self.folder_edit, 1)
        folder_box.addWidget(self.folder_browse)
        folder_box.addWidget(self.folder_clear)
        self.folder_state = QLabel()
        self.folder_state.setObjectName("exchange_folder_state")
        self.folder_state.setWordWrap(True)
        self.folder_error = error_label("exchange_folder_error")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(14)
        form.addRow(
            self._caption("本机名称", self.name_edit),
            _cell(self.name_edit, self.name_error, hint_label(NAME_HINT)),
        )
        form.addRow(
            self._caption("交换口令", self.passphrase_button), _cell(state_row, hint_label(PASSPHRASE_HINT))
        )
        form.addRow(
            self._caption("交换文件夹", self.folder_edit),
            _cell(folder_row, self.folder_state, self.folder_error, hint_label(FOLDER_HINT)),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

        if ctx.readonly:
            for widget in (
                self.name_edit,
                self.passphrase_button,
                self.change_button,
                self.remember_box,
                self.folder_edit,
                self.folder_browse,
                self.folder_clear,
            ):
                widget.setEnabled(False)
            self.setToolTip("数据库以只读方式打开，不能修改。")
        self.show_passphrase_state()
        self._show_folder_state()

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        caption = QLabel(text)
        caption.setBuddy(buddy)
        return caption

    # --- the passphrase (stored at once) --------------------------------------------------

    def show_passphrase_state(self, note: str = "") -> None:
        is_set = labels.passphrase_set(self.ctx.db)
        self.change_button.setVisible(is_set)
        if is_set:
            self.passphrase_state.setText(note or "已设置")
            self.passphrase_state.setStyleSheet(PREVIEW_STYLE)
            self.passphrase_button.setText("核对交换口令…")
            self.passphrase_button.setToolTip("输入交换口令，核对它是否与本组的一致")
        else:
            self.passphrase_state.setText("未设置")
            self.passphrase_state.setStyleSheet(WARN_STYLE)
            self.passphrase_button.setText("设置交换口令…")
            self.passphrase_button.setToolTip("现在设置本组的交换口令（也可在首次导出交换包时设置）")

    def _ask(self, *, title: str, intro: str) -> str | None:
        """The passphrase typed: a new one set now when the group has none, else checked."""
        db = self.ctx.db
        if not labels.passphrase_set(db):
            return ask_exchange_passphrase(
                self,
                title="设置交换口令",
                intro="设置本组的交换口令。另一台电脑导出、导入交换包时需要输入同一口令。",
                check=lambda text: None,
                new=True,
            )
        return ask_exchange_passphrase(
            self, title=title, intro=intro, check=lambda text: _check(db, text), accept_text="确定"
        )

    def passphrase_action(self) -> None:
        """设置交换口令… (the group has none) or 核对交换口令…"""
        db = self.ctx.db
        was_set = labels.passphrase_set(db)
        text = self._ask(title="核对交换口令", intro="输入交换口令，核对它是否与本组设置的一致。")
        if text is None:
            return
        if was_set:
            self.show_passphrase_state("已设置（刚刚核对：口令正确）")
            return
        if run_action(self, lambda: _set(db, text), busy=True) is None:
            return
        self.show_passphrase_state()
        self.stored.emit()
        QMessageBox.information(
            self, "设置交换口令", "已设置本组的交换口令。另一台电脑导入时需输入同一口令，请当面告知。"
        )

    def change_passphrase(self) -> None:
        """修改交换口令…: the current passphrase, checked, then the new one typed twice."""
        db = self.ctx.db
        old = self._ask(title="修改交换口令", intro="先输入本组现在的交换口令。")
        if old is None:
            return
        new = ask_exchange_passphrase(
            self,
            title="修改交换口令",
            intro=(
                "输入新的交换口令。此后导出的交换包用新口令；另一台电脑导入下一个交换包时输入新口令，"
                "即可得知新口令。已导出的交换包仍用原口令打开。"
            ),
            check=lambda text: engine.change_passphrase(db, old, text),
            new=True,
            accept_text="修改",
        )
        if new is None:
            return
        self.show_passphrase_state("已修改")
        self.stored.emit()
        QMessageBox.information(self, "修改交换口令", "已修改本组的交换口令。请当面告知组内另一位同事。")

    def _remember_toggled(self, on: bool) -> None:
        db = self.ctx.db
        text: str | None = None
        if on:
            text = self._ask(
                title="在本机记住交换口令",
                intro="输入本组的交换口令：核对无误后保存在本机，以后导出、导入和同步时不再询问。",
            )
        done = (not on or text is not None) and run_action(
            self, lambda: _keep(db, text), busy=True
        ) is not None
        if not done:
            self.remember_box.blockSignals(True)
            self.remember_box.setChecked(not on)
            self.remember_box.blockSignals(False)
            return
        self.show_passphrase_state()
        self.stored.emit()

    # --- name and folder (saved with the dialog) ------------------------------------------

    def browse(self) -> None:
        current = self.folder_edit.text().strip()
        chosen = filedialogs.choose_folder(
            self,
            Purpose.EXCHANGE,
            "选择交换文件夹（如 U 盘上的文件夹）",
            default_folder=Path(current) if current else None,
        )
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    def _show_folder_state(self) -> None:
        self.folder_error.hide()
        text = self.folder_edit.text().strip()
        if not text:
            self.folder_state.setText("未设置交换文件夹：用“文件 → 数据交换”手动导出、导入交换包。")
            self.folder_state.setStyleSheet("color: #666;")
        elif Path(text).is_dir():
            self.folder_state.setText("文件夹可用。")
            self.folder_state.setStyleSheet(PREVIEW_STYLE)
        else:
            self.folder_state.setText("现在找不到这个文件夹（U 盘未插入或网络共享未连接？）。")
            self.folder_state.setStyleSheet(WARN_STYLE)

    def values(self) -> dict[str, str]:
        return {"name": self.name_edit.text().strip(), "folder": self.folder_edit.text().strip()}

    def changes(self) -> dict[str, str]:
        """What 保存 would store (only what the user changed)."""
        return {key: value for key, value in self.values().items() if value != self.initial[key]}

    def save(self) -> None:
        """Store the changed name and folder on this PC (``set_local``); a refused value raises
        the UserError (field ``name`` or ``exchange.folder``, shown by :meth:`show_error`)."""
        changes = self.changes()
        if not changes:
            return
        folder = changes.get("folder")
        if folder and not Path(folder).expanduser().is_dir():
            raise UserError(f"文件夹“{folder}”不存在（U 盘是否已插好？）。", field="exchange.folder")
        engine.set_local(self.ctx.db, name=changes.get("name"), folder=folder)  # a bad name: field "name"
        self.initial.update(changes)

    def show_error(self, exc: UserError) -> None:
        label, editor = (
            (self.folder_error, self.folder_edit)
            if exc.field == "exchange.folder"
            else (self.name_error, self.name_edit)
        )
        label.setText(exc.message)
        label.show()
        editor.setFocus()

    def clear_errors(self) -> None:
        for label in (self.name_error, self.folder_error):
            label.hide()


def _check(db: Database, text: str) -> None:
    engine.check_passphrase(db, text)


def _set(db: Database, text: str) -> bool:
    """Set the group's passphrase (it has none yet)."""
    return engine.check_passphrase(db, text, set_if_missing=True)


def _keep(db: Database, text: str | None) -> bool:
    """Keep ``text`` on this PC (checked first, or set when the group has none); None: forget."""
    if text is None:
        engine.set_local(db, forget_passphrase=True)
    else:
        engine.set_local(db, passphrase=text)
    return True


def _cell(*widgets: QWidget) -> QWidget:
    """An input with its message and hint under it, taking the whole width (so a wrapped hint
    gets room), as the other pages of 设置 lay out theirs."""
    cell = QWidget()
    cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(3)
    for widget in widgets:
        box.addWidget(widget)
    return cell
