"""登录: who is working, and their password; and 修改口令 / 设置口令 for a member.

``run_login(parent, db)`` shows the login and returns the member logged in (``db.member_id``
is then set and a LOGIN entry written), or None when the user chose 退出. A wrong password is
said inline under the password box; the box is emptied and keeps the focus, and the message
goes as soon as the member types again.

``run_password_dialog(parent, db, member_id)`` changes the logged-in member's own password
(the current one first) or, for another member, sets a new one after the logged-in member
confirms their own password (the recovery for a forgotten password in a group of two).
A message beside a password box goes as soon as that box is typed in; 取消, Esc or the close
button ask 放弃修改？ once something is typed (``dialog_behaviour.GuardedDialog``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop import APP_TITLE
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import members
from wsjc_desktop.storage.database import Database
from wsjc_desktop.storage.health import DamagedDatabaseError
from wsjc_desktop.ui.context import ui_settings
from wsjc_desktop.ui.dialog_behaviour import GuardedDialog
from wsjc_desktop.ui.styles import ERROR_STYLE as ERROR_STYLE
from wsjc_desktop.ui.styles import HINT_STYLE as HINT_STYLE
from wsjc_desktop.ui.styles import error_label as error_label
from wsjc_desktop.ui.styles import hint_label as hint_label

LAST_MEMBER_KEY = "login/last_member"


def password_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(members.MAX_PASSWORD_LENGTH)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def fit_height(dialog: QWidget) -> None:
    """Grow a shown dialog to fit a message just put in it (a window does not grow by itself
    for word-wrapped labels, it squeezes the inputs instead)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = dialog.heightForWidth(dialog.width()) if layout.hasHeightForWidth() else -1
    needed = max(needed, dialog.minimumSizeHint().height())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


class LoginDialog(QDialog):
    """Each start: choose who is working, give the password, 登录 (Enter) or 退出."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.member: members.MemberInfo | None = None
        self.damaged: DamagedDatabaseError | None = None
        self.setObjectName("login_dialog")
        self.setWindowTitle(f"登录 — {APP_TITLE}")

        # plain SQL: the login shows before the ORM (and argon2) have loaded, and they load
        # behind it while the member types
        group = QLabel(members.group_name(db))
        group.setObjectName("login_group")
        group.setWordWrap(True)
        font = group.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        group.setFont(font)
        group.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle = QLabel(APP_TITLE)
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle.setStyleSheet(HINT_STYLE)

        self.member_box = QComboBox()
        self.member_box.setObjectName("login_member")
        self.member_box.setMinimumContentsLength(12)
        for info in members.login_members(db):
            self.member_box.addItem(info.display, info.id)
        last = ui_settings().value(LAST_MEMBER_KEY)
        found = (
            self.member_box.findData(int(last)) if isinstance(last, int | str) and str(last).isdigit() else -1
        )
        if found >= 0:
            self.member_box.setCurrentIndex(found)
        self.password = password_edit("login_password")
        self.error = error_label("login_error")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("人员：", self.member_box)
        form.addRow("口令：", self.password)
        form.addRow("", self.error)

        self.login_button = QPushButton("登录")
        self.login_button.setObjectName("login_button")
        self.login_button.setDefault(True)
        self.quit_button = QPushButton("退出")
        self.quit_button.setObjectName("quit_button")
        self.quit_button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.clicked.connect(self.login)
        self.quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(10)
        layout.addWidget(group)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(buttons)

        if self.member_box.count() == 0:
            self.show_error("还没有可以登录的人员（组内人员都未设置口令）。")
            self.login_button.setEnabled(False)
        else:
            # typed by the member (not the emptying after a wrong password): the message is done
            self.password.textEdited.connect(lambda _text: self.error.hide())
            self.member_box.activated.connect(lambda _index: self.error.hide())
        self.password.setFocus()
        self.resize(460, self.sizeHint().height())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        fit_height(self)

    def login(self) -> None:
        member_id = self.member_box.currentData()
        if not isinstance(member_id, int):
            return
        self.error.hide()
        from wsjc_desktop.services import auth

        try:
            self.member = auth.login(self.db, member_id, self.password.text())
        except DamagedDatabaseError as exc:  # the start-up check failed: the caller offers a backup
            self.damaged = exc
            self.reject()
            return
        except UserError as exc:
            self.show_error(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        ui_settings().setValue(LAST_MEMBER_KEY, member_id)
        self.accept()


def run_login(parent: QWidget | None, db: Database) -> int | None:
    """Ask who is working; the member's id once logged in, None for 退出."""
    from PySide6.QtCore import QTimer

    from wsjc_desktop.ui import preload

    dialog = LoginDialog(db, parent)
    # once the dialog is on screen, the ORM and the password checks load while the member types
    QTimer.singleShot(50, lambda: preload.start(("wsjc_desktop.services.auth",)))
    try:
        if dialog.exec() and dialog.member is not None:
            return dialog.member.id
        if dialog.damaged is not None:
            raise dialog.damaged
        return None
    finally:
        dialog.deleteLater()


class PasswordDialog(GuardedDialog):
    """修改口令 (the logged-in member's own) or 设置口令 (another member's, by the logged-in one)."""

    def __init__(self, db: Database, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.member_id = member_id
        self.setObjectName("password_dialog")
        from wsjc_desktop.services import auth

        target = auth.member_info(db, member_id)
        actor = db.member_id
        self.own = actor == member_id or (actor is None and auth.has_password(db, member_id))
        self.old = password_edit("old_password")
        self.new = password_edit("new_password", f"至少{members.MIN_PASSWORD_LENGTH}个字符")
        self.confirm = password_edit("confirm_password")
        old_error = error_label("old_password_error")
        self.errors = {
            "old_password": old_error,
            "actor_password": old_error,
            "new_password": error_label("new_password_error"),
            "confirm_password": error_label("confirm_password_error"),
        }
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        if self.own:
            self.setWindowTitle(f"修改口令 — {target.name}")
            intro = f"修改 {target.display} 的登录口令。"
            form.addRow("原口令：", self.old)
        else:
            assert actor is not None
            me = auth.member_info(db, actor)
            self.setWindowTitle(f"设置口令 — {target.name}")
            intro = (
                f"为 {target.display} 设置新的登录口令（例如其忘记了口令）。"
                f"请先输入您（{me.name}）本人的口令确认身份。设置后请告知本人，并请其尽快自行修改。"
            )
            form.addRow("您的口令：", self.old)
        form.addRow("", self.errors["old_password"])
        form.addRow("新口令：", self.new)
        form.addRow("", self.errors["new_password"])
        form.addRow("确认新口令：", self.confirm)
        form.addRow("", self.errors["confirm_password"])

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        for edit, error in (
            (self.old, old_error),
            (self.new, self.errors["new_password"]),
            (self.confirm, self.errors["confirm_password"]),
        ):
            edit.textEdited.connect(lambda _text, error=error: error.hide())

        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(intro))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.old.setFocus()
        self.resize(440, self.sizeHint().height())

    def show_error(self, field: str | None, message: str) -> None:
        label = self.errors.get(field or "", self.errors["new_password"])
        label.setText(message)
        label.show()
        fit_height(self)
        editor = {"old_password": self.old, "actor_password": self.old, "confirm_password": self.confirm}.get(
            field or "", self.new
        )
        editor.setFocus()
        editor.selectAll()

    def save(self) -> None:
        for label in self.errors.values():
            label.hide()
        new = self.new.text()
        if new != self.confirm.text():
            self.show_error("confirm_password", "两次输入的新口令不一致。")
            return
        from wsjc_desktop.services import auth

        try:
            if self.own:
                auth.set_password(self.db, self.member_id, self.old.text(), new)
            else:
                auth.reset_password(self.db, self.member_id, new, actor_password=self.old.text())
        except UserError as exc:
            self.show_error(exc.field, exc.message)
            return
        self.accept()


def run_password_dialog(parent: QWidget | None, db: Database, member_id: int) -> bool:
    """Change or set a member's password; True once saved."""
    from wsjc_desktop.services import auth

    if db.member_id is None and not auth.has_password(db, member_id):
        QMessageBox.information(parent, "设置口令", "请先登录，再为其他人员设置口令。")
        return False
    dialog = PasswordDialog(db, member_id, parent)
    try:
        return bool(dialog.exec())
    finally:
        dialog.deleteLater()
