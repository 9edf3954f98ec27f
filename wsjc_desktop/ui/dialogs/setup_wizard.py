"""首次使用: the group's name, then its members (usually two) with their passwords.

Two pages in one dialog: 组名称, then one row per member (姓名, 职务, 口令, 确认口令).
完成 hands everything to ``auth.setup_group`` (one transaction: all or nothing) and logs
the first member in. A refused value is shown in red beside its input, on its page, and
nothing is written. Members already in the file without a password (a file from before
logins, the demo data) are offered in the rows, so they get a password rather than a twin.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop import APP_TITLE
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, settings
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.dialogs.login_dialog import error_label, hint_label, password_edit

TITLES = ("组长", "副组长", "组员")
MAX_MEMBERS = 8


class MemberRow:
    """The inputs of one member on the second page."""

    def __init__(self, index: int, name: str = "", title: str = "") -> None:
        self.name = QLineEdit(name)
        self.name.setObjectName(f"member_name_{index}")
        self.name.setMaxLength(50)
        self.name.setPlaceholderText("姓名")
        self.title = QComboBox()
        self.title.setObjectName(f"member_title_{index}")
        self.title.setEditable(True)
        self.title.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.title.addItems(list(TITLES))
        self.title.setEditText(title)
        self.password = password_edit(f"member_password_{index}", "至少6个字符")
        self.confirm = password_edit(f"member_confirm_{index}", "再输入一次")
        self.remove = QPushButton("删除")
        self.remove.setObjectName(f"member_remove_{index}")
        self.error = error_label(f"member_error_{index}")

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.title, self.password, self.confirm, self.remove, self.error)

    def is_blank(self) -> bool:
        return not (self.name.text().strip() or self.password.text() or self.confirm.text())

    def value(self) -> auth.NewMember:
        return auth.NewMember(
            self.name.text().strip(), self.title.currentText().strip() or None, self.password.text()
        )


class SetupWizard(QDialog):
    """The first start: 组名称, then 组内人员 and their passwords."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.member_id: int | None = None
        self.setObjectName("setup_wizard")
        self.setWindowTitle(f"首次使用 — {APP_TITLE}")
        self.rows: list[MemberRow] = []
        self.submitted: list[MemberRow] = []

        self.pages = QStackedWidget()
        self.group_page = self._build_group_page()
        self.members_page = self._build_members_page()
        self.pages.addWidget(self.group_page)
        self.pages.addWidget(self.members_page)

        self.back_button = QPushButton("上一步")
        self.back_button.setObjectName("back_button")
        self.next_button = QPushButton("下一步")
        self.next_button.setObjectName("next_button")
        self.finish_button = QPushButton("完成")
        self.finish_button.setObjectName("finish_button")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName("cancel_button")
        self.back_button.clicked.connect(lambda: self.go(0))
        self.next_button.clicked.connect(self.next_page)
        self.finish_button.clicked.connect(self.finish)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.back_button, self.cancel_button):
            button.setAutoDefault(False)
        bar = QHBoxLayout()
        self.step_label = QLabel()
        self.step_label.setStyleSheet("color: #666;")
        bar.addWidget(self.step_label)
        bar.addStretch(1)
        for button in (self.back_button, self.next_button, self.finish_button, self.cancel_button):
            bar.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bar)

        existing = auth.members_without_password(db)
        for i in range(max(2, len(existing))):
            if i < len(existing):
                self.add_row(existing[i].name, existing[i].title or "")
            else:
                self.add_row("", TITLES[0] if i == 0 else TITLES[2])
        self.go(0)
        self.resize(680, 470)

    # --- pages -----------------------------------------------------------------------

    def _build_group_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        heading = QLabel(f"<h3>欢迎使用{APP_TITLE}</h3>")
        layout.addWidget(heading)
        layout.addWidget(
            hint_label(
                "首次使用，请先填写本组名称，再设置组内人员和各自的登录口令。"
                "以后每次启动都要选择本人并输入口令；所做的每一项修改都会记下是谁、在什么时间做的。"
            )
        )
        layout.addSpacing(10)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.group_name = QLineEdit()
        self.group_name.setObjectName("setup_group_name")
        self.group_name.setPlaceholderText("例如 区纪委监委驻区财政局纪检监察组")
        current = str(settings.get(self.db, "group.name") or "")
        if current and current != settings.DEFAULTS["group.name"]:
            self.group_name.setText(current)
        self.group_error = error_label("setup_group_error")
        form.addRow("* 组名称：", self.group_name)
        form.addRow("", self.group_error)
        form.addRow("", hint_label("纪检监察组的全称，打印在每一份文书和回执上，以后可在“设置”中修改。"))
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _build_members_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>设置组内人员</h3>"))
        layout.addWidget(
            hint_label(
                "每人一行，至少一人（通常为两人）。登录时选择本人姓名并输入本人口令。口令至少6个字符。"
            )
        )
        host = QWidget()
        self.grid = QGridLayout(host)
        self.grid.setContentsMargins(0, 4, 0, 4)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        for column, text in enumerate(("* 姓名", "职务", "* 口令", "* 确认口令")):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(2, 3)
        self.grid.setColumnStretch(3, 3)
        host_box = QVBoxLayout()
        host_box.setContentsMargins(0, 0, 0, 0)
        outer = QWidget()
        outer.setLayout(host_box)
        host_box.addWidget(host)
        host_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(outer)
        layout.addWidget(scroll, 1)
        self.add_button = QPushButton("添加人员")
        self.add_button.setObjectName("add_member_button")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row("", TITLES[2]))
        add_bar = QHBoxLayout()
        add_bar.addWidget(self.add_button)
        add_bar.addStretch(1)
        layout.addLayout(add_bar)
        self.members_error = error_label("setup_members_error")
        layout.addWidget(self.members_error)
        layout.addWidget(
            hint_label(
                "请牢记口令。忘记口令时，可由组内另一名人员登录后，在“设置 → 组内人员”中为其重新设置；"
                "如果全部人员的口令都遗失，程序没有后门，无法再登录。"
            )
        )
        return page

    def add_row(self, name: str, title: str) -> MemberRow:
        row = MemberRow(len(self.rows), name, title)
        line = 1 + 2 * len(self.rows)
        self.grid.addWidget(row.name, line, 0)
        self.grid.addWidget(row.title, line, 1)
        self.grid.addWidget(row.password, line, 2)
        self.grid.addWidget(row.confirm, line, 3)
        self.grid.addWidget(row.remove, line, 4)
        self.grid.addWidget(row.error, line + 1, 0, 1, 5)
        row.remove.setAutoDefault(False)
        row.remove.clicked.connect(lambda _=False, r=row: self.remove_row(r))
        self.rows.append(row)
        self._update_rows()
        return row

    def remove_row(self, row: MemberRow) -> None:
        if len(self.rows) <= 1:
            return
        for widget in row.widgets():
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self.rows.remove(row)
        self._update_rows()

    def _update_rows(self) -> None:
        for row in self.rows:
            row.remove.setEnabled(len(self.rows) > 1)
        self.add_button.setEnabled(len(self.rows) < MAX_MEMBERS)

    def go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        first = index == 0
        self.back_button.setVisible(not first)
        self.next_button.setVisible(first)
        self.finish_button.setVisible(not first)
        (self.next_button if first else self.finish_button).setDefault(True)
        self.step_label.setText(f"第 {index + 1} 步，共 2 步")
        if first:
            self.group_name.setFocus()
        elif self.rows:
            target = next(
                (r for r in self.rows if not r.name.text().strip() or not r.password.text()), self.rows[0]
            )
            (target.name if not target.name.text().strip() else target.password).setFocus()

    def next_page(self) -> None:
        self.group_error.hide()
        try:
            settings.check_value("group.name", self.group_name.text().strip())
        except UserError as exc:
            self._group_error(exc.message)
            return
        self.go(1)

    # --- finishing -------------------------------------------------------------------

    def _group_error(self, message: str) -> None:
        self.go(0)
        self.group_error.setText(message)
        self.group_error.show()
        self.group_name.setFocus()

    def _row_error(self, row: MemberRow, message: str, editor: QWidget) -> None:
        self.go(1)
        row.error.setText(message)
        row.error.show()
        editor.setFocus()

    def clear_errors(self) -> None:
        self.group_error.hide()
        self.members_error.hide()
        for row in self.rows:
            row.error.hide()

    def finish(self) -> None:
        """Set the group up in one go and log the first member in."""
        self.clear_errors()
        self.submitted = [row for row in self.rows if not row.is_blank()]
        for row in self.submitted:
            if row.password.text() != row.confirm.text():
                self._row_error(row, "两次输入的口令不一致。", row.confirm)
                return
        people = [row.value() for row in self.submitted]
        try:
            ids = auth.setup_group(self.db, self.group_name.text(), people)
        except UserError as exc:
            self.show_error(exc)
            return
        self.member_id = auth.login(self.db, ids[0], people[0].password).id
        self.accept()

    def show_error(self, exc: UserError) -> None:
        field = exc.field or ""
        if field == "group.name":
            self._group_error(exc.message)
            return
        parts = field.split(".")
        if (
            len(parts) == 3
            and parts[0] == "members"
            and parts[1].isdigit()
            and int(parts[1]) < len(self.submitted)
        ):
            row = self.submitted[int(parts[1])]
            editor = {"password": row.password, "title": row.title}.get(parts[2], row.name)
            self._row_error(row, exc.message, editor)
            return
        self.go(1)
        self.members_error.setText(exc.message)
        self.members_error.show()


def run_setup(parent: QWidget | None, db: Database) -> int | None:
    """The first start: the first member's id, set up and logged in; None if cancelled."""
    dialog = SetupWizard(db, parent)
    try:
        if dialog.exec():
            return dialog.member_id
        return None
    finally:
        dialog.deleteLater()
