"""口令: asking for the passphrase of an encrypted database, and setting a new one.

``ask_passphrase`` shows the file's name, checks each passphrase by actually opening the
file (``try_open``, which raises ``PassphraseError`` for a wrong one), shows a wrong one in
red under the input and lets the user try again, up to ``attempts`` times. To open the file
only once (deriving the key costs a tenth of a second or more), let ``try_open`` open the
database itself and keep it::

    opened: list[Database] = []
    key = ask_passphrase(None, path, try_open=lambda k: opened.append(open_database(path, key=k)))

Any other error of ``try_open`` (a damaged file, say) closes the dialog and is raised again
by ``ask_passphrase`` for the caller to handle.

``NewPassphraseDialog`` sets a passphrase (creating an encrypted database or encrypting
one): passphrase twice, a strength hint, the rules of ``crypto.check_new_passphrase`` and
a warning that a lost passphrase cannot be recovered, which the user must acknowledge.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.errors import UserError
from wsjc_desktop.storage import crypto
from wsjc_desktop.storage.crypto import PassphraseError
from wsjc_desktop.ui.actions import wait_cursor
from wsjc_desktop.ui.styles import HINT_STYLE, error_label

WARN_STYLE = "color: #9a6700; background: #fff8e1; border: 1px solid #f0d58c; padding: 6px;"
STRENGTH_COLORS = ("#c0392b", "#c0392b", "#9a6700", "#1e8449")

#: pixels the folder line may take before its middle is elided (the full path is its tooltip)
LOCATION_WIDTH = 400

TryOpen = Callable[[str], None]

LOST_WARNING = (
    "请务必牢记口令。口令一旦遗失，数据库中的数据将无法恢复，"
    "任何人（包括本程序的开发者）都无法找回或重置。建议将口令抄写后妥善保管。"
)
RULES_HINT = (
    f"至少 {crypto.MIN_PASSPHRASE_LENGTH} 个字符；建议 12 个以上，"
    "混合大小写字母、数字和符号，也可以是一句好记的中文。"
)


def _password_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(crypto.MAX_PASSPHRASE_LENGTH)
    edit.setMinimumWidth(280)
    return edit


class PassphraseDialog(QDialog):
    """Asks for the passphrase of one encrypted file; accepted once ``try_open`` succeeds."""

    def __init__(
        self, parent: QWidget | None, path: Path | str, try_open: TryOpen, *, attempts: int = 3
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._try_open = try_open
        self.attempts = max(1, attempts)
        self.failures = 0
        self.key: str | None = None
        self.error: BaseException | None = None
        self.setWindowTitle("打开加密的数据库")
        self.setModal(True)

        self.intro = QLabel(f"数据库“{self.path.name}”已加密，请输入口令：")
        self.intro.setWordWrap(True)
        self.location = QLabel()
        self.location.setStyleSheet(HINT_STYLE)
        self.location.setText(
            self.location.fontMetrics().elidedText(
                str(self.path.parent), Qt.TextElideMode.ElideMiddle, LOCATION_WIDTH
            )
        )
        self.location.setToolTip(str(self.path))
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit = _password_edit("口令")
        self.show_box = QCheckBox("显示口令")
        self.show_box.toggled.connect(self._toggle_echo)
        self.message = error_label()

        self.buttons = QDialogButtonBox()
        self.open_button: QPushButton = self.buttons.addButton("打开", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = self.buttons.addButton(
            "取消", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.open_button.setDefault(True)
        self.buttons.accepted.connect(self._attempt)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.location)
        layout.addSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.show_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.edit.setFocus()

    @property
    def remaining(self) -> int:
        return self.attempts - self.failures

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.edit.setEchoMode(mode)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _attempt(self) -> None:
        key = self.edit.text()
        if not key:
            self._show_message("请输入口令。")
            self.edit.setFocus()
            return
        try:
            with wait_cursor():  # the key is derived: a tenth of a second or more
                self._try_open(key)
        except PassphraseError as exc:
            self.failures += 1
            self.edit.clear()
            if self.remaining <= 0:
                self._show_message(f"{exc.message}已连续 {self.attempts} 次输入错误，请确认口令后重新打开。")
                self.edit.setEnabled(False)
                self.show_box.setEnabled(False)
                self.open_button.setEnabled(False)
                self.cancel_button.setText("关闭")
                self.cancel_button.setFocus()
                return
            self._show_message(f"{exc.message}还可以再试 {self.remaining} 次。")
            self.edit.setFocus()
            return
        except Exception as exc:  # damaged file, file in use…: the caller decides what next
            self.error = exc
            self.reject()
            return
        self.key = key
        self.accept()


def ask_passphrase(
    parent: QWidget | None,
    path: Path | str,
    *,
    attempts: int = 3,
    try_open: TryOpen | None = None,
) -> str | None:
    """The passphrase that opened the encrypted file at ``path``, or None if the user gave up.

    ``try_open(key)`` must raise ``PassphraseError`` for a wrong passphrase; by default it
    only checks the key (``crypto.check_key``). Anything else it raises is raised here.
    """
    path = Path(path)
    check: TryOpen = try_open or (lambda key: crypto.check_key(path, key))
    dialog = PassphraseDialog(parent, path, check, attempts=attempts)
    try:
        dialog.exec()
        if dialog.error is not None:
            raise dialog.error
        return dialog.key
    finally:
        dialog.deleteLater()


class NewPassphraseDialog(QDialog):
    """A new passphrase, typed twice, with the rules and the warning that a lost one is lost."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        path: Path | str | None = None,
        title: str = "设置数据库口令",
        intro: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._passphrase: str | None = None
        if intro is None:
            intro = "设置口令后，数据库文件将被加密，只有输入正确口令才能打开。"
            if path is not None:
                intro = f"为数据库“{Path(path).name}”设置口令。{intro}"
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)

        self.edit = _password_edit("新口令")
        self.confirm_edit = _password_edit("再次输入新口令")
        self.edit_error = error_label()
        self.confirm_error = error_label()
        self.strength_label = QLabel()
        self.rules = QLabel(RULES_HINT)
        self.rules.setStyleSheet(HINT_STYLE)
        self.rules.setWordWrap(True)
        self.show_box = QCheckBox("显示口令")
        self.show_box.toggled.connect(self._toggle_echo)
        self.warning = QLabel(LOST_WARNING)
        self.warning.setStyleSheet(WARN_STYLE)
        self.warning.setWordWrap(True)
        self.understood = QCheckBox("我已知晓：口令遗失后数据无法恢复")

        self.form = form = QFormLayout()
        form.addRow("口令：", self.edit)
        form.addRow("", self.edit_error)
        form.addRow("", self.strength_label)
        form.addRow("确认口令：", self.confirm_edit)
        form.addRow("", self.confirm_error)
        form.addRow("", self.show_box)

        self.buttons = QDialogButtonBox()
        self.ok_button: QPushButton = self.buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.rules)
        layout.addWidget(self.warning)
        layout.addWidget(self.understood)
        layout.addStretch(1)  # room left by an error line that went away stays at the bottom
        layout.addWidget(self.buttons)

        self.edit.textChanged.connect(self._update)
        self.confirm_edit.textChanged.connect(self._update)
        self.understood.toggled.connect(self._update)
        self.setMinimumWidth(460)
        self._update()
        self.edit.setFocus()

    def passphrase(self) -> str | None:
        """The accepted passphrase (None until the dialog is accepted)."""
        return self._passphrase

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.edit.setEchoMode(mode)
        self.confirm_edit.setEchoMode(mode)

    def _update(self) -> None:
        text = self.edit.text()
        if text:
            score, label = crypto.strength(text)
            self.strength_label.setText(f"口令强度：{label}")
            self.strength_label.setStyleSheet(f"color: {STRENGTH_COLORS[score]};")
        else:
            self.strength_label.setText("口令强度：—")
            self.strength_label.setStyleSheet(HINT_STYLE)
        self._show_error(self.edit_error, None)
        self._show_error(self.confirm_error, None)
        self.ok_button.setEnabled(bool(text) and self.understood.isChecked())

    def _show_error(self, label: QLabel, message: str | None) -> None:
        """An error line under its input; a row without one takes no room."""
        label.setText(message or "")
        self.form.setRowVisible(label, message is not None)

    def _submit(self) -> None:
        text = self.edit.text()
        try:
            crypto.check_new_passphrase(text, self.confirm_edit.text())
        except UserError as exc:
            label, edit = (
                (self.confirm_error, self.confirm_edit)
                if exc.field == "confirmation"
                else (self.edit_error, self.edit)
            )
            self._show_error(label, exc.message)
            edit.setFocus()
            edit.selectAll()
            return
        self._passphrase = text
        self.accept()


def ask_new_passphrase(parent: QWidget | None, *, path: Path | str | None = None) -> str | None:
    """A new passphrase the user typed twice and accepted, or None."""
    dialog = NewPassphraseDialog(parent, path=path)
    try:
        dialog.exec()
        return dialog.passphrase()
    finally:
        dialog.deleteLater()
