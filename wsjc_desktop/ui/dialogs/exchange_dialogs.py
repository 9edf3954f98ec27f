"""文件 → 数据交换: 导出交换包…, 导入交换包…, what an import brought, and the exchange passphrase.

The work is :mod:`wsjc_desktop.exchange.engine`; these dialogs gather the file and the group's
exchange passphrase (交换口令), call the engine once with the wait cursor, and say the result
in Chinese. A wrong passphrase is said under its input and the dialog stays open; any other
refusal (a damaged package, another group's, the PC's own) is a message box, and nothing has
been written (the engine merges in one transaction).

* :class:`ExportDialog`: where to save the package (``*.wsjcx``), the passphrase (the group's
  first export sets it: typed twice), and 完整交换包 (everything, for a new PC or one that went
  back to a backup). A passphrase kept on this PC (设置 → 数据交换) is not asked for.
* :class:`ImportDialog`: the package, with who sent it and when as its clear header says (not
  verified until the passphrase opens it), and the passphrase unless this PC keeps it.
* :class:`ImportResultDialog`: 新增/修改/删除, the notes and the gaps; conflicts are settled in
  the conflict dialog (``conflict_dialog``), which the caller opens next.
* :class:`ExchangePassphraseDialog`: the passphrase alone, to set it (typed twice) or to check
  it (设置 → 数据交换, 立即同步 without a kept passphrase).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange import engine
from wsjc_desktop.storage import cipher
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action, wait_cursor
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose
from wsjc_desktop.ui.styles import HINT_STYLE, error_label
from wsjc_desktop.ui.styles import hint_label as _hint_label

if TYPE_CHECKING:
    from wsjc_desktop.exchange.container import Header

__all__ = [
    "ExchangePassphraseDialog",
    "ExportDialog",
    "ImportDialog",
    "ImportResultDialog",
    "header_time",
    "suggested_package_name",
]

SUFFIX = engine.SUFFIX
FILE_FILTER = f"交换包 (*{SUFFIX});;所有文件 (*)"
DONE_STYLE = "color: #1e8449;"
WARN_STYLE = "color: #9a6700;"
KEPT_TEXT = "使用本机记住的交换口令（在“设置 → 数据交换”中更改）"
FIRST_HINT = (
    "本组还没有交换口令：这次输入的口令即成为本组的交换口令（至少 8 个字符）。"
    "另一台电脑导入时需要输入同一口令，请当面告知，不要写在 U 盘上。"
)
FULL_HINT = "完整交换包含全部数据：供新电脑第一次导入，或对方电脑恢复过备份、提示缺少部分修改时使用。"


def hint_label(text: str) -> QLabel:
    """A grey hint that takes the form's whole field width (it wraps less)."""
    label = _hint_label(text)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


def _password_edit(name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(cipher.MAX_PASSPHRASE_LENGTH)
    edit.setMinimumWidth(260)
    return edit


def _show_toggle(*edits: QLineEdit) -> QCheckBox:
    box = QCheckBox("显示口令")
    box.setObjectName("show_passphrase")

    def toggled(shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in edits:
            edit.setEchoMode(mode)

    box.toggled.connect(toggled)
    return box


def _buttons(
    accept_text: str, dialog: QDialog, accept: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    box = QDialogButtonBox()
    ok = box.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName("exchange_accept")
    ok.setDefault(True)
    cancel = box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("exchange_cancel")
    box.accepted.connect(accept)
    box.rejected.connect(dialog.reject)
    return box, ok


def suggested_package_name(pc_name: str, now: datetime | None = None) -> str:
    """交换包-王明的电脑-20261206-1405.wsjcx: who and when, safe as a file name anywhere."""
    now = now or datetime.now()
    safe = "".join(ch for ch in pc_name if ch.isalnum() or ch in "-_（）()")[:30] or "本机"
    return f"交换包-{safe}-{now:%Y%m%d-%H%M}{SUFFIX}"


def header_time(header: Header) -> str:
    """When the package was made, in this PC's local time (2026-12-06 14:05)."""
    try:
        return f"{datetime.fromisoformat(header.created).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        return header.created


def _say(form: QFormLayout, label: QLabel, message: str | None) -> None:
    """Show ``message`` in ``label``'s row of ``form``; None hides the row."""
    label.setText(message or "")
    label.setVisible(message is not None)
    form.setRowVisible(label, message is not None)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


def _kept_label(name: str) -> QLabel:
    """What stands in the passphrase input's place when this PC keeps the passphrase."""
    label = QLabel(KEPT_TEXT)
    label.setObjectName(name)
    label.setStyleSheet(HINT_STYLE)
    label.setWordWrap(True)
    return label


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(edit, 1)
    box.addWidget(button)
    return row


# --- export ------------------------------------------------------------------------------------


class ExportDialog(QDialog):
    """文件 → 数据交换 → 导出交换包…"""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exchange_export_dialog")
        self.setWindowTitle("导出交换包")
        self.result_: engine.ExportResult | None = None
        self.passphrase_set_now = False
        db = ctx.db
        from wsjc_desktop.exchange import labels

        self.status = engine.status(db)
        self.local = engine.local_settings(db)
        self.kept = engine.kept_passphrase(db)
        self.first = not labels.passphrase_set(db)

        if not self.status.peers:
            what = "还没有收到过其他电脑的交换包：将导出本机的全部数据，供另一台电脑第一次导入。"
        elif self.status.unexported:
            what = f"将导出对方尚未收到的修改（本机有 {self.status.unexported} 处修改尚未导出）。"
        else:
            what = "本机没有尚未导出的修改；仍可导出，对方导入后可确认已与本机一致。"
        self.intro = QLabel(f"本机：{self.local.name}。{what}")
        self.intro.setObjectName("export_intro")
        self.intro.setWordWrap(True)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("export_path")
        self.path_edit.setMinimumWidth(360)
        default_folder = Path(self.local.folder) if self.local.folder else None
        start = filedialogs.start_folder(Purpose.EXCHANGE, default_folder)
        self.path_edit.setText(str(start / suggested_package_name(self.local.name)))
        self.browse_button = QPushButton("浏览…")
        self.browse_button.setObjectName("export_browse")
        self.browse_button.clicked.connect(self.browse)
        self.path_error = error_label("export_path_error")

        self.passphrase = _password_edit("export_passphrase", "交换口令")
        self.confirm = _password_edit("export_confirm", "再次输入交换口令")
        self.passphrase_error = error_label("export_passphrase_error")
        self.confirm_error = error_label("export_confirm_error")
        self.show_box = _show_toggle(self.passphrase, self.confirm)
        self.kept_label = _kept_label("export_kept")

        self.full_box = QCheckBox("完整交换包（全部数据）")
        self.full_box.setObjectName("export_full")
        self.full_box.setToolTip(FULL_HINT)

        self.form = form = _form()
        form.addRow("保存到：", _path_row(self.path_edit, self.browse_button))
        form.addRow("", self.path_error)
        form.addRow("交换口令：", self.passphrase)
        form.addRow("", self.passphrase_error)
        form.addRow("确认口令：", self.confirm)
        form.addRow("", self.confirm_error)
        form.addRow("", self.show_box)
        self.first_hint = hint_label(FIRST_HINT)
        self.first_hint.setObjectName("export_first_hint")
        self.first_hint.setStyleSheet(WARN_STYLE)
        form.addRow("", self.first_hint)
        form.addRow("交换口令：", self.kept_label)
        form.addRow("", self.full_box)
        self.full_hint = hint_label(FULL_HINT)
        form.addRow("", self.full_hint)
        if not self.status.peers:  # nothing heard from another PC yet: everything goes anyway
            self.full_box.setChecked(True)
            self.full_box.setEnabled(False)
            self.full_hint.setText("第一次导出总是完整交换包：另一台电脑第一次导入需要全部数据。")

        self.buttons, self.export_button = _buttons("导出", self, self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        asks = self.kept is None
        form.setRowVisible(self.passphrase, asks)
        form.setRowVisible(self.confirm, asks and self.first)
        form.setRowVisible(self.show_box, asks)
        form.setRowVisible(self.kept_label, not asks)
        form.setRowVisible(self.first_hint, asks and self.first)
        for label in (self.path_error, self.passphrase_error, self.confirm_error):
            form.setRowVisible(label, False)
        self.setMinimumWidth(560)
        (self.passphrase if asks else self.path_edit).setFocus()

    def _say(self, label: QLabel, message: str | None) -> None:
        _say(self.form, label, message)

    def browse(self) -> None:
        current = Path(self.path_edit.text().strip() or suggested_package_name(self.local.name))
        chosen = filedialogs.save_file(
            self,
            Purpose.EXCHANGE,
            "保存交换包（如 U 盘）",
            current.name,
            FILE_FILTER,
            default_folder=current.parent if current.parent.is_dir() else None,
            suffix=SUFFIX,
        )
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def _target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            self._say(self.path_error, "请选择保存交换包的位置。")
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        if path.is_dir():
            self._say(self.path_error, f"“{path}”是一个文件夹，请给出交换包的文件名。")
            return None
        if not path.parent.is_dir():
            self._say(self.path_error, f"文件夹“{path.parent}”不存在（U 盘是否已插好？）。")
            return None
        return path

    def _passphrase(self) -> str | None:
        """The passphrase to export with, checked (and refused inline); None to stop."""
        if self.kept is not None:
            return self.kept
        text = self.passphrase.text()
        try:
            if self.first:
                cipher.check_new_passphrase(text, self.confirm.text())
            elif not text:
                raise UserError("请输入本组的交换口令。", field="passphrase")
            else:
                with wait_cursor():  # a scrypt check: a tenth of a second
                    engine.check_passphrase(self.ctx.db, text)
        except UserError as exc:
            confirm = exc.field == "confirmation"
            self._say(self.confirm_error if confirm else self.passphrase_error, exc.message)
            edit = self.confirm if confirm else self.passphrase
            edit.setFocus()
            edit.selectAll()
            return None
        return text

    def export(self) -> None:
        for label in (self.path_error, self.passphrase_error, self.confirm_error):
            self._say(label, None)
        path = self._target()
        if path is None:
            self.path_edit.setFocus()
            return
        passphrase = self._passphrase()
        if passphrase is None:
            return
        if path.exists() and not self._overwrite(path):
            return
        db, full = self.ctx.db, self.full_box.isChecked()

        def work() -> engine.ExportResult:
            if self.first:
                self.passphrase_set_now = engine.check_passphrase(db, passphrase, set_if_missing=True)
            return engine.export_package(db, path, passphrase, full=full)

        result = run_action(self, work, busy=True, title="未能导出交换包")
        if result is None:
            return
        filedialogs.remember(Purpose.EXCHANGE, path.parent)
        self.result_ = result
        self.accept()

    def _overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "导出交换包",
            f"“{path.name}”已存在。要用新的交换包替换它吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def export_text(result: engine.ExportResult) -> str:
    """已导出交换包（12 条记录）：E:/交换包-王明的电脑-20261206-1405.wsjcx"""
    kind = "完整交换包" if result.full else "交换包"
    if result.rows == 0 and result.tombstones == 0:
        return f"没有对方尚未收到的修改；已导出空的{kind}：{result.path}"
    deleted = f"、彻底删除 {result.tombstones} 条" if result.tombstones else ""
    return f"已导出{kind}（{result.rows} 条记录{deleted}）：{result.path}"


# --- import ------------------------------------------------------------------------------------


class ImportDialog(QDialog):
    """文件 → 数据交换 → 导入交换包…"""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, path: Path | None = None, first: bool = False
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("exchange_import_dialog")
        self.setWindowTitle("导入交换包")
        self.result_: engine.ImportResult | None = None
        self.path: Path | None = None
        self.header: Header | None = None
        self.kept = engine.kept_passphrase(db)
        self.local = engine.local_settings(db)

        intro = QLabel(
            (
                "本机第一次使用，已有同组的另一台电脑在用时：在那台电脑上选“文件 → 数据交换 → "
                "导出交换包…”，勾选“完整交换包”，把导出的文件拿到本机，在这里导入。"
                "导入后本机有与对方相同的人员和数据，各人用自己的口令登录。"
            )
            if first
            else "导入另一台电脑导出的交换包，把对方的修改合并到本机。"
            "导入在一步之内完成，中途出错不会改动本机数据。"
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("import_path")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("请选择交换包（*.wsjcx）")
        self.path_edit.setMinimumWidth(360)
        self.browse_button = QPushButton("选择…")
        self.browse_button.setObjectName("import_browse")
        self.browse_button.clicked.connect(self.browse)

        self.sender_label = QLabel("—")
        self.sender_label.setObjectName("import_sender")
        self.created_label = QLabel("—")
        self.created_label.setObjectName("import_created")
        self.unverified = hint_label("以上两项取自交换包的明文部分，尚未验证：输入交换口令导入时才核实。")
        self.unverified.setObjectName("import_unverified")
        self.file_error = error_label("import_file_error")

        self.passphrase = _password_edit("import_passphrase", "交换口令")
        self.passphrase_error = error_label("import_passphrase_error")
        self.show_box = _show_toggle(self.passphrase)
        self.kept_label = _kept_label("import_kept")

        self.form = form = _form()
        form.addRow("交换包：", _path_row(self.path_edit, self.browse_button))
        form.addRow("", self.file_error)
        form.addRow("来自：", self.sender_label)
        form.addRow("导出时间：", self.created_label)
        form.addRow("", self.unverified)
        form.addRow("交换口令：", self.passphrase)
        form.addRow("", self.passphrase_error)
        form.addRow("", self.show_box)
        form.addRow("交换口令：", self.kept_label)

        self.buttons, self.import_button = _buttons("导入", self, self.do_import)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._ask_passphrase(self.kept is None)
        form.setRowVisible(self.file_error, False)
        form.setRowVisible(self.passphrase_error, False)
        self.setMinimumWidth(560)
        self.set_path(path)

    def _ask_passphrase(self, asks: bool) -> None:
        self.form.setRowVisible(self.passphrase, asks)
        self.form.setRowVisible(self.show_box, asks)
        self.form.setRowVisible(self.kept_label, not asks)

    def _say(self, label: QLabel, message: str | None) -> None:
        _say(self.form, label, message)

    def browse(self) -> None:
        default = Path(self.local.folder) if self.local.folder else None
        chosen = filedialogs.open_file(
            self, Purpose.EXCHANGE, "选择要导入的交换包", FILE_FILTER, default_folder=default
        )
        if chosen is not None:
            self.set_path(chosen)

    def set_path(self, path: Path | None) -> None:
        """Show the package chosen: who sent it and when (its clear header), or why it is no package."""
        from wsjc_desktop.exchange import container

        self.path, self.header = path, None
        self._say(self.file_error, None)
        self._say(self.passphrase_error, None)
        self.sender_label.setText("—")
        self.created_label.setText("—")
        if path is None:
            self.import_button.setEnabled(False)
            return
        self.path_edit.setText(str(path))
        try:
            header = container.read_header(path)
        except UserError as exc:
            self._say(self.file_error, exc.message)
            self.import_button.setEnabled(False)
            return
        self.header = header
        self.sender_label.setText(header.sender_name or "（未命名的电脑）")
        self.created_label.setText(header_time(header))
        self.import_button.setEnabled(True)
        (self.passphrase if self.passphrase.isVisibleTo(self) else self.import_button).setFocus()

    def do_import(self) -> None:
        if self.path is None or self.header is None:
            return
        self._say(self.passphrase_error, None)
        asks = not self.kept_label.isVisibleTo(self)
        passphrase = self.passphrase.text() if asks else self.kept
        if not passphrase:
            self._say(self.passphrase_error, "请输入本组的交换口令。")
            self.passphrase.setFocus()
            return
        path, db = self.path, self.db
        wrong: list[UserError] = []

        def said_inline(exc: UserError) -> bool:
            return exc.field == "passphrase"

        def work() -> engine.ImportResult | None:
            try:
                return engine.import_package(db, path, passphrase)
            except UserError as exc:
                if not said_inline(exc):
                    raise
                wrong.append(exc)
                return None

        result = run_action(self, work, busy=True, title="未能导入交换包")
        if wrong:
            if asks:
                self._say(self.passphrase_error, wrong[0].message)
            else:  # the passphrase kept here is not this package's: ask for it
                self._ask_passphrase(True)
                self._say(self.passphrase_error, "本机记住的交换口令打不开这个交换包，请输入交换口令。")
            self.passphrase.setFocus()
            self.passphrase.selectAll()
            return
        if result is None:
            return
        filedialogs.remember(Purpose.EXCHANGE, path.parent)
        if asks and self.local.remembers_passphrase and passphrase != self.kept:
            # the group changed its passphrase and this package brought the new one; for an
            # older package, in the old passphrase, set_local refuses and the kept one stays
            with contextlib.suppress(UserError):
                engine.set_local(db, passphrase=passphrase)
        self.result_ = result
        self.accept()


# --- what an import brought -------------------------------------------------------------------


def import_summary(result: engine.ImportResult) -> str:
    """已导入（来自李华的电脑）：新增 3 条，修改 2 条，删除 0 条，冲突 1 处。"""
    sender = result.sender or "另一台电脑"
    if result.unchanged:
        return f"交换包（来自{sender}）没有本机尚未收到的修改（已导入过，或是较早的交换包），本机数据未改动。"
    return (
        f"已导入交换包（来自{sender}）：新增 {result.inserted} 条，修改 {result.updated} 条，"
        f"删除 {result.deleted} 条，冲突 {len(result.conflicts)} 处。"
    )


def gaps_text(result: engine.ImportResult) -> str:
    sender = result.sender or "另一台电脑"
    return (
        f"{sender}以为本机已有的部分早前修改，这个交换包没有带来（本机是否恢复过较早的备份？）。"
        f"请在{sender}上导出“完整交换包”后导入本机，即可补齐。"
    )


def _breakdown(result: engine.ImportResult) -> QTableWidget:
    """新增 / 修改 / 删除 by kind of record (干部, 谈话记录 …), the audit entries left out."""
    from wsjc_desktop.exchange.labels import table_label

    kinds = [(t, n) for t, n in result.by_table.items() if t != "audit_entries" and any(n.values())]
    table = QTableWidget(len(kinds), 4)
    table.setObjectName("import_breakdown")
    table.setHorizontalHeaderLabels(["类别", "新增", "修改", "删除"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for line, (name, numbers) in enumerate(kinds):
        table.setItem(line, 0, QTableWidgetItem(table_label(name)))
        for col, kind in enumerate(("inserted", "updated", "deleted"), start=1):
            item = QTableWidgetItem(str(numbers[kind]) if numbers[kind] else "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(line, col, item)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(64)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in (1, 2, 3):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    rows_shown = min(len(kinds), 8)
    table.setFixedHeight(
        header.sizeHint().height() + rows_shown * table.verticalHeader().defaultSectionSize() + 4
    )
    table.setVisible(bool(kinds))
    return table


class ImportResultDialog(QDialog):
    """What an import brought: the counts, the notes, the gaps, and how many conflicts follow."""

    def __init__(self, result: engine.ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_import_result")
        self.setWindowTitle("导入交换包")
        self.result_ = result
        sender = result.sender or "另一台电脑"
        heading = "没有新的修改" if result.unchanged else f"已导入来自“{sender}”的交换包"
        title = QLabel(f"<b>{heading}</b>")
        title.setObjectName("import_result_title")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if result.unchanged:
            layout.addWidget(QLabel(import_summary(result)))
        else:
            counts = QFrame()
            counts.setObjectName("import_counts")
            counts.setStyleSheet(
                "#import_counts { background: #f4f6f9; border: 1px solid #dde3ea; border-radius: 4px; }"
            )
            row = QHBoxLayout(counts)
            row.setContentsMargins(12, 8, 12, 8)
            for name, label, number in (
                ("inserted", "新增", f"{result.inserted} 条"),
                ("updated", "修改", f"{result.updated} 条"),
                ("deleted", "删除", f"{result.deleted} 条"),
                ("conflicts", "冲突", f"{len(result.conflicts)} 处"),
            ):
                cell = QLabel(f"{label}<br><span style='font-size: 15pt;'><b>{number}</b></span>")
                cell.setObjectName(f"import_{name}")
                cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                if name == "conflicts" and result.conflicts:
                    cell.setStyleSheet("color: #b9770e;")
                row.addWidget(cell, 1)
            layout.addWidget(counts)
            self.breakdown = _breakdown(result)
            layout.addWidget(self.breakdown)
            if result.audit_entries:
                layout.addWidget(
                    hint_label(
                        f"另收到对方的操作记录 {result.audit_entries} 条（审计日志，不计入上面的条数）。"
                    )
                )
        self.summary = import_summary(result)
        if result.notes:
            layout.addWidget(QLabel("提示："))
            notes = QListWidget()
            notes.setObjectName("import_notes")
            notes.addItems(result.notes)
            notes.setWordWrap(True)
            notes.setMaximumHeight(120)
            notes.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
            layout.addWidget(notes)
        if result.gaps:
            gaps = QLabel(gaps_text(result))
            gaps.setObjectName("import_gaps")
            gaps.setWordWrap(True)
            gaps.setStyleSheet(WARN_STYLE)
            layout.addWidget(gaps)
        if result.conflicts:
            more = QLabel(
                f"有 {len(result.conflicts)} 处冲突：两台电脑都改了同一项内容。程序暂按较晚的修改保留，"
                "点“处理冲突…”逐一确认或改回；暂不处理的，以后可在“文件 → 数据交换 → 查看冲突…”中处理。"
            )
            more.setObjectName("import_conflicts_hint")
            more.setWordWrap(True)
            layout.addWidget(more)
        layout.addStretch(1)
        box = QDialogButtonBox()
        self.conflicts_button: QPushButton | None = None
        if result.conflicts:
            self.conflicts_button = box.addButton("处理冲突…", QDialogButtonBox.ButtonRole.AcceptRole)
            self.conflicts_button.setObjectName("import_result_conflicts")
            self.conflicts_button.setDefault(True)
            later = box.addButton("稍后处理", QDialogButtonBox.ButtonRole.RejectRole)
            later.setObjectName("import_result_later")
        else:
            ok = box.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
            ok.setObjectName("import_result_ok")
            ok.setDefault(True)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(520)


# --- the passphrase alone ----------------------------------------------------------------------


class ExchangePassphraseDialog(QDialog):
    """The group's exchange passphrase: set it (``new``: typed twice) or give it (checked by
    ``check``, which raises a UserError for a wrong one: said under the input)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        intro: str,
        check: Callable[[str], None],
        new: bool = False,
        accept_text: str = "确定",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_passphrase_dialog")
        self.setWindowTitle(title)
        self._check = check
        self.new = new
        self.passphrase_: str | None = None
        label = QLabel(intro)
        label.setWordWrap(True)
        self.edit = _password_edit("exchange_passphrase", "交换口令")
        self.confirm = _password_edit("exchange_confirm", "再次输入交换口令")
        self.edit_error = error_label("exchange_passphrase_error")
        self.confirm_error = error_label("exchange_confirm_error")
        self.form = form = QFormLayout()
        form.addRow("交换口令：", self.edit)
        form.addRow("", self.edit_error)
        form.addRow("确认口令：", self.confirm)
        form.addRow("", self.confirm_error)
        form.addRow("", _show_toggle(self.edit, self.confirm))
        form.setRowVisible(self.confirm, new)
        form.setRowVisible(self.edit_error, False)
        form.setRowVisible(self.confirm_error, False)
        self.buttons, self.ok_button = _buttons(accept_text, self, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        if new:
            layout.addWidget(hint_label(FIRST_HINT))
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.edit.setFocus()

    def _say(self, label: QLabel, message: str | None) -> None:
        _say(self.form, label, message)

    def submit(self) -> None:
        self._say(self.edit_error, None)
        self._say(self.confirm_error, None)
        text = self.edit.text()
        try:
            if self.new:
                cipher.check_new_passphrase(text, self.confirm.text())
            elif not text:
                raise UserError("请输入本组的交换口令。", field="passphrase")
            with wait_cursor():
                self._check(text)
        except UserError as exc:
            confirm = exc.field == "confirmation"
            self._say(self.confirm_error if confirm else self.edit_error, exc.message)
            edit = self.confirm if confirm else self.edit
            edit.setFocus()
            edit.selectAll()
            return
        self.passphrase_ = text
        self.accept()


def ask_exchange_passphrase(
    parent: QWidget | None,
    *,
    title: str,
    intro: str,
    check: Callable[[str], None],
    new: bool = False,
    accept_text: str = "确定",
) -> str | None:
    """The passphrase the user gave and ``check`` accepted, or None."""
    dialog = ExchangePassphraseDialog(
        parent, title=title, intro=intro, check=check, new=new, accept_text=accept_text
    )
    try:
        dialog.exec()
        return dialog.passphrase_
    finally:
        dialog.deleteLater()
