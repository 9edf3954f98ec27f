"""首次使用: the group's name and 机关代字, then its members (usually two) with their passwords.

Two pages in one dialog: 组名全称 and 机关代字 (with the first 文号 of every kind previewed as
the code is typed), then one row per member (姓名, 职务, 口令, 确认口令). 完成 hands the group
and members to ``auth.setup_group`` (one transaction: all or nothing), logs the first member in
and stores the 机关代字 (checked beforehand with everything else). A refused value is shown in
red beside its input, on its page, and nothing is written. Members already in the file without
a password (a file from before logins) are offered in the rows, so they get a password rather
than a twin.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
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
from wsjc_desktop.domain.docnumber import AGENCY_CODE_LENGTH, is_placeholder
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, notices, settings
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.dialogs.login_dialog import (
    ERROR_STYLE,
    HINT_STYLE,
    error_label,
    hint_label,
    password_edit,
)

TITLES = ("组长", "副组长", "组员")
MAX_MEMBERS = 8
NUMBER_STYLE = "color: #1a5276;"
#: What a preview says before any 机关代字 is typed.
NO_CODE_YET = "（填写机关代字后显示）"


def _notes(error: QLabel, hint: QLabel) -> QWidget:
    """An input's error (hidden until there is one) over its one-line hint, as one row of a form.
    Neither wraps: a form sizes a wrapped label for a narrow column, leaving a gap under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    for label in (error, hint):
        label.setWordWrap(False)
        layout.addWidget(label)
    return box


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
    """The first start: 组名全称 and 机关代字, then 组内人员 and their passwords."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, year: int | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = year or date.today().year  # of the previewed numbers
        self.next_numbers = notices.next_numbers(db, self.year)
        self.member_id: int | None = None
        self.joined = False  # made from the other PC's package: its members log in as usual
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
        self.update_preview()
        self.go(0)
        self.resize(720, 500)

    # --- pages -----------------------------------------------------------------------

    def _build_group_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        heading = QLabel(f"<h3>欢迎使用{APP_TITLE}</h3>")
        layout.addWidget(heading)
        layout.addWidget(
            hint_label(
                "首次使用，请先填写本组全称和机关代字，再设置组内人员和各自的登录口令。"
                "以后每次启动都要选择本人并输入口令；所做的每一项修改都会记下是谁、在什么时间做的。"
            )
        )
        layout.addSpacing(6)
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
        form.addRow("* 组名全称：", self.group_name)
        name_hint = hint_label("纪检监察组的全称，打印在每一份文书和回执上，以后可在“设置”中修改。")
        form.addRow("", _notes(self.group_error, name_hint))
        self.agency_code = QLineEdit()
        self.agency_code.setObjectName("setup_agency_code")
        self.agency_code.setPlaceholderText("例如 驻财纪")
        self.agency_code.setMaxLength(30)
        code = str(settings.get(self.db, "group.agency_code") or "")
        if not is_placeholder(code):
            self.agency_code.setText(code)
        self.agency_code.textChanged.connect(self.update_preview)
        self.agency_code_error = error_label("setup_agency_code_error")
        form.addRow("* 机关代字：", self.agency_code)
        code_hint = hint_label("发文字号的开头：“驻”＋派驻单位简称＋“纪”，如驻区财政局纪检监察组为“驻财纪”。")
        form.addRow("", _notes(self.agency_code_error, code_hint))
        layout.addLayout(form)
        box = QGroupBox(f"各文种的第一个文号（{self.year}年，预览）")
        box.setObjectName("setup_number_preview")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        self.previews: dict[str, QLabel] = {}
        for line, planned in enumerate(self.next_numbers):
            grid.addWidget(QLabel(planned.kind.label), line, 0)
            number = QLabel()
            number.setObjectName(f"setup_preview_{planned.kind.value}")
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(number, line, 1)
            self.previews[planned.kind.value] = number
        grid.addWidget(
            hint_label(
                "各文种在机关代字后加一个字相区分。文号一经发出不能收回，请按本组实际使用的代字填写。"
            ),
            len(self.next_numbers),
            0,
            1,
            2,
        )
        layout.addWidget(box)
        layout.addStretch(1)
        join = QHBoxLayout()
        join.addWidget(hint_label("同组已有另一台电脑在用？用它导出的完整交换包建立本机，不必重新填写。"), 1)
        self.join_button = QPushButton("从交换包建立…")
        self.join_button.setObjectName("setup_from_package")
        self.join_button.setAutoDefault(False)
        self.join_button.clicked.connect(self.join_from_package)
        join.addWidget(self.join_button)
        layout.addLayout(join)
        return page

    def join_from_package(self) -> None:
        """The second PC's first start: the other PC's full package makes this file a replica of
        the group (its members, their passwords and all the work); the login follows."""
        from wsjc_desktop.ui.dialogs.exchange_dialogs import ImportDialog, ImportResultDialog

        dialog = ImportDialog(self.db, self, first=True)
        try:
            if not dialog.exec() or dialog.result_ is None:
                return
            result = dialog.result_
        finally:
            dialog.deleteLater()
        shown = ImportResultDialog(result, self)
        try:
            shown.exec()
        finally:
            shown.deleteLater()
        self.joined = True
        self.accept()

    def update_preview(self) -> None:
        """Show the first 文号 of each kind as the typed 机关代字 makes it, and say at once what is
        wrong with the code typed so far; only a blank or still too short one waits for 下一步."""
        code = self.agency_code.text().strip()
        judged = bool(code) and (len(code) >= AGENCY_CODE_LENGTH[0] or is_placeholder(code))
        problem = self._code_problem(code) if judged else None
        if problem is None:
            self.agency_code_error.hide()
        else:
            self.agency_code_error.setText(problem)
            self.agency_code_error.show()
        for planned in self.next_numbers:
            label = self.previews[planned.kind.value]
            if not code and not planned.own_prefix:
                label.setText(NO_CODE_YET)
                label.setStyleSheet(HINT_STYLE)
                continue
            try:
                text = planned.text(code)
                wrong = problem is not None or planned.refusal(code) is not None
            except UserError:
                text, wrong = "（文号模板有误，请在“设置 → 文号”中修改）", True
            label.setText(text)
            label.setStyleSheet(ERROR_STYLE if wrong else NUMBER_STYLE)

    @staticmethod
    def _code_problem(code: str) -> str | None:
        try:
            settings.check_value("group.agency_code", code)
        except UserError as exc:
            return exc.message
        return None

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
        if self._check_group_page():
            self.go(1)

    def _check_group_page(self) -> bool:
        """Show what is wrong on the first page (each beside its input); True when nothing is."""
        self.group_error.hide()
        self.agency_code_error.hide()
        wrong: list[QLineEdit] = []
        try:
            settings.check_value("group.name", self.group_name.text().strip())
        except UserError as exc:
            self.group_error.setText(exc.message)
            self.group_error.show()
            wrong.append(self.group_name)
        problem = self._code_problem(self.agency_code.text().strip())
        if problem is not None:
            self.agency_code_error.setText(problem)
            self.agency_code_error.show()
            wrong.append(self.agency_code)
        if wrong:
            self.go(0)
            wrong[0].setFocus()
        return not wrong

    # --- finishing -------------------------------------------------------------------

    def _group_error(self, message: str, *, code: bool = False) -> None:
        self.go(0)
        error, editor = (
            (self.agency_code_error, self.agency_code) if code else (self.group_error, self.group_name)
        )
        error.setText(message)
        error.show()
        editor.setFocus()

    def _row_error(self, row: MemberRow, message: str, editor: QWidget) -> None:
        self.go(1)
        row.error.setText(message)
        row.error.show()
        editor.setFocus()

    def clear_errors(self) -> None:
        self.group_error.hide()
        self.agency_code_error.hide()
        self.members_error.hide()
        for row in self.rows:
            row.error.hide()

    def finish(self) -> None:
        """Set the group up in one go and log the first member in."""
        self.clear_errors()
        if not self._check_group_page():
            return
        self.submitted = [row for row in self.rows if not row.is_blank()]
        for row in self.submitted:
            if row.password.text() != row.confirm.text():
                self._row_error(row, "两次输入的口令不一致。", row.confirm)
                return
        people = [row.value() for row in self.submitted]
        try:
            ids = auth.setup_group(
                self.db, self.group_name.text(), people, agency_code=self.agency_code.text()
            )
        except UserError as exc:
            self.show_error(exc)
            return
        self.member_id = auth.login(self.db, ids[0], people[0].password).id
        self.accept()

    def show_error(self, exc: UserError) -> None:
        field = exc.field or ""
        if field in ("group.name", "group.agency_code"):
            self._group_error(exc.message, code=field == "group.agency_code")
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
    """The first start: the first member's id, set up and logged in (or, for a file made from
    the other PC's package, whoever logs in); None if cancelled."""
    dialog = SetupWizard(db, parent)
    try:
        if not dialog.exec():
            return None
        if not dialog.joined:
            return dialog.member_id
    finally:
        dialog.deleteLater()
    from wsjc_desktop.ui.dialogs.login_dialog import run_login

    return run_login(parent, db)
