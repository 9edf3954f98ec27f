"""设置: the group's name and agency code, 文号 formats per notice kind, the group's members, folders.

Everything except the members is saved by 保存 in one ``settings.set_many`` call (one
transaction); a bad value is shown in red beside its input and nothing is written. The
members list writes at once, like every other record list. Settings live in the database,
so every reader sees a saved change at once, without a restart.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.docnumber import check_template, default_prefix, format_doc_number
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.domain.fields import MEMBER
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import ERROR_STYLE
from wsjc_desktop.ui.record_tab import RecordListPanel

HINT_STYLE = "color: #666;"
PREVIEW_STYLE = "color: #1a5276;"

BASIC_KEYS = ("group.name", "group.agency_code", "notice.signatory", "notice.default_deadline_days")
FOLDER_KEYS = ("folders.export", "folders.backup")
FONT_ROLES = (
    ("fangsong", "正文（仿宋）"),
    ("xiaobiaosong", "标题（小标宋）"),
    ("hei", "一级标题（黑体）"),
    ("kai", "二级标题（楷体）"),
    ("song", "宋体"),
)
FONT_KEYS = tuple(f"print.font.{role}" for role, _label in FONT_ROLES)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def next_sequences(ctx: AppContext, year: int) -> dict[NoticeKind, int]:
    """The sequence the next notice of each kind issued this year gets (as ``notices.allocate_number``
    would hand it out: after the counter and after any number already present)."""
    out: dict[NoticeKind, int] = {}
    with ctx.db.read() as uow:
        for kind in NoticeKind:
            row = uow.session.get(m.DocSequence, (kind, year))
            highest = uow.session.scalar(
                select(func.max(m.AlertNotice.doc_seq)).where(
                    m.AlertNotice.kind == kind, m.AlertNotice.doc_year == year
                )
            )
            out[kind] = max(row.last_seq if row is not None else 0, highest or 0) + 1
    return out


class MembersPanel(RecordListPanel):
    """Every member of the group, with 添加 / 编辑 / 删除 (members belong to no parent record)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, MEMBER, title="组内人员", parent=parent)

    def set_parent_values(self, values: dict[str, Any], flt: RecordFilter | None = None) -> None:
        self.parent_values = {}
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setEnabled(True)
        self.model.set_filter(flt or RecordFilter())

    def fixed_values(self) -> dict[str, Any]:
        return {}

    def new_defaults(self) -> dict[str, Any]:
        return {"is_active": True, "sort_order": self.model.rowCount() + 1}

    def add(self) -> None:
        self.open_dialog(None)


class KindRow:
    """One notice kind on the 文号 page: its prefix, its own template and the next number."""

    def __init__(self, kind: NoticeKind) -> None:
        self.kind = kind
        self.label = QLabel(kind.label)
        self.prefix = QLineEdit()
        self.prefix.setObjectName(f"prefix_{kind.value}")
        self.template = QLineEdit()
        self.template.setObjectName(f"template_{kind.value}")
        self.template.setPlaceholderText("（使用通用模板）")
        self.preview = QLabel()
        self.preview.setObjectName(f"preview_{kind.value}")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = _error_label()


class SettingsDialog(QDialog):
    """工具 → 设置."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # opened anew each time: let it go when closed, with its change-hub connections
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("设置")
        self.year = ctx.today.year
        self.initial: dict[str, Any] = self._load()
        self.sequences = next_sequences(ctx, self.year)
        #: key → (input, its error label, the page it is on)
        self.inputs: dict[str, tuple[QWidget, QLabel, QWidget]] = {}

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.basic_page = self._build_basic()
        self.numbers_page = self._build_numbers()
        self.members_page = self._build_members()
        self.folders_page = self._build_folders()
        self.tabs.addTab(self.basic_page, "基本信息")
        self.tabs.addTab(self.numbers_page, "文号")
        self.tabs.addTab(self.members_page, "组内人员")
        self.tabs.addTab(self.folders_page, "文件夹与字体")

        self.general_error = _error_label()
        self.general_error.setObjectName("settings_error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self._set_values(self.initial)
        self.update_previews()
        ctx.hub.changed.connect(self._on_changes)
        self.resize(780, 560)

    # --- pages -----------------------------------------------------------------------

    def _field(
        self, form: QFormLayout, key: str, label: str, editor: QWidget, page: QWidget, hint: str = ""
    ) -> None:
        error = _error_label()
        cell = QWidget()
        # the cell takes the whole width, so its wrapped hint gets room even beside a short input
        cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        short = isinstance(editor, QComboBox | QSpinBox)
        box.addWidget(editor, 0, Qt.AlignmentFlag.AlignLeft if short else Qt.AlignmentFlag(0))
        if hint:
            box.addWidget(_hint(hint))
        box.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(editor)
        form.addRow(caption, cell)
        self.inputs[key] = (editor, error, page)

    def _build_basic(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(10)
        self.group_name = QLineEdit()
        self.group_name.setObjectName("group_name")
        self.group_name.setPlaceholderText("例如 区纪委监委驻区发展和改革委员会纪检监察组")
        self.agency_code = QLineEdit()
        self.agency_code.setObjectName("agency_code")
        self.agency_code.setPlaceholderText("例如 驻发改纪")
        self.signatory = QComboBox()
        self.signatory.setObjectName("signatory")
        self.signatory.setEditable(True)
        self.signatory.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.signatory.setMinimumContentsLength(14)
        self.signatory.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill_signatories()
        self.deadline_days = QSpinBox()
        self.deadline_days.setObjectName("deadline_days")
        self.deadline_days.setRange(1, 365)
        self.deadline_days.setSuffix(" 天")
        self.deadline_days.setMinimumWidth(self.deadline_days.fontMetrics().horizontalAdvance("365 天") + 48)
        self._field(
            form, "group.name", "* 纪检监察组全称", self.group_name, page, "打印在每一份文书和回执上。"
        )
        self._field(
            form,
            "group.agency_code",
            "* 机关代字",
            self.agency_code,
            page,
            "发文字号的开头。各文种的前缀默认为“机关代字＋文种字”，如 驻X纪抄、驻X纪建。",
        )
        self._field(
            form,
            "notice.signatory",
            "默认签发人",
            self.signatory,
            page,
            "发出廉情提醒时未填写签发人的，使用此人。可从组内人员中选择，也可直接输入。",
        )
        self._field(
            form,
            "notice.default_deadline_days",
            "默认反馈期限（天）",
            self.deadline_days,
            page,
            "新建廉情提醒时，反馈期限默认为发出日期之后的天数。",
        )
        return page

    def _build_numbers(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QFormLayout()
        top.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.template = QLineEdit()
        self.template.setObjectName("doc_template")
        self._field(top, "doc_number.template", "* 通用文号模板", self.template, page)
        layout.addLayout(top)
        layout.addWidget(
            _hint(
                "模板中可用的占位符：{prefix} 前缀（如 驻X纪抄），{year} 年份（如 2026），"
                "{seq} 序号（每个文种每年从 1 起，不补零，不重复使用）。{year} 和 {seq} 必须有。"
                "默认模板为 {prefix}〔{year}〕{seq}号。"
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for column, text in enumerate(
            ("文种", "前缀", "单独模板（留空则用通用模板）", f"{self.year}年下一个文号")
        ):
            header = QLabel(f"<b>{text}</b>")
            grid.addWidget(header, 0, column)
        self.kind_rows: dict[NoticeKind, KindRow] = {}
        for i, kind in enumerate(NoticeKind):
            row = KindRow(kind)
            line = 1 + 2 * i
            grid.addWidget(row.label, line, 0)
            grid.addWidget(row.prefix, line, 1)
            grid.addWidget(row.template, line, 2)
            grid.addWidget(row.preview, line, 3)
            grid.addWidget(row.error, line + 1, 1, 1, 3)
            self.kind_rows[kind] = row
            self.inputs[settings.prefix_key(kind)] = (row.prefix, row.error, page)
            self.inputs[settings.template_key(kind)] = (row.template, row.error, page)
            row.prefix.textChanged.connect(self.update_previews)
            row.template.textChanged.connect(self.update_previews)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        grid.setColumnStretch(3, 3)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addWidget(_hint("前缀留空时，按机关代字自动生成（见灰色提示）。已发出的文号不受修改影响。"))
        layout.addStretch(1)
        self.template.textChanged.connect(self.update_previews)
        self.agency_code.textChanged.connect(self.update_previews)
        return page

    def _build_members(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.members = MembersPanel(self.ctx)
        layout.addWidget(self.members, 1)
        layout.addWidget(
            _hint(
                "组内人员是谈话人、记录人、列席人的选择范围。在此添加、编辑、删除的人员立即保存，"
                "不受下方“取消”影响；删除的人员可在回收站中恢复。"
            )
        )
        return page

    def _build_folders(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(10)
        self.export_folder = QLineEdit()
        self.export_folder.setObjectName("folder_export")
        self.backup_folder = QLineEdit()
        self.backup_folder.setObjectName("folder_backup")
        self.export_browse = QPushButton("浏览…")
        self.backup_browse = QPushButton("浏览…")
        self.export_browse.clicked.connect(lambda: self.browse(self.export_folder, "选择导出文件夹"))
        self.backup_browse.clicked.connect(lambda: self.browse(self.backup_folder, "选择备份文件夹"))
        for key, label, edit, button in (
            ("folders.export", "导出文件夹", self.export_folder, self.export_browse),
            ("folders.backup", "备份文件夹", self.backup_folder, self.backup_browse),
        ):
            edit.setPlaceholderText("（未指定）")
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit, 1)
            box.addWidget(button)
            self._field(form, key, label, row, page)
        form.addRow(
            _hint(
                "导出台账、文书和备份数据库时默认打开的文件夹。留空表示不指定，保存时再选择位置。"
                "数据涉密，请不要选择网盘同步文件夹或公共共享文件夹。"
            )
        )
        self.font_edits: dict[str, QLineEdit] = {}
        for key, (role, label) in zip(FONT_KEYS, FONT_ROLES, strict=True):
            edit = QLineEdit()
            edit.setObjectName(f"font_{role}")
            edit.setPlaceholderText("（默认：系统字体，缺少时用程序自带字体）")
            button = QPushButton("浏览…")
            button.clicked.connect(lambda _=False, e=edit, t=label: self.browse_font(e, t))
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit, 1)
            box.addWidget(button)
            self._field(form, key, f"打印字体·{label}", row, page)
            self.font_edits[key] = edit
        form.addRow(_hint("打印文书时使用的字体文件。缺字时程序会自动逐字改用其他字体，确保每个字都能打印。"))
        return page

    def browse_font(self, edit: QLineEdit, title: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, f"选择{title}字体文件", edit.text(), "字体 (*.ttf *.ttc)"
        )
        if path:
            edit.setText(path)

    # --- values ----------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        stored = settings.get_all(self.ctx.db)
        keys = (*BASIC_KEYS, "doc_number.template", *settings.per_kind_keys(), *FOLDER_KEYS, *FONT_KEYS)
        out: dict[str, Any] = {}
        for key in keys:
            value = stored.get(key)
            if key == "notice.default_deadline_days":
                out[key] = int(value or settings.DEFAULTS[key])
            else:
                out[key] = "" if value is None else str(value)
        return out

    def _set_values(self, values: dict[str, Any]) -> None:
        self.group_name.setText(values["group.name"])
        self.agency_code.setText(values["group.agency_code"])
        self.signatory.setEditText(values["notice.signatory"])
        self.deadline_days.setValue(values["notice.default_deadline_days"])
        self.template.setText(values["doc_number.template"])
        for kind, row in self.kind_rows.items():
            row.prefix.setText(values[settings.prefix_key(kind)])
            row.template.setText(values[settings.template_key(kind)])
        self.export_folder.setText(values["folders.export"])
        self.backup_folder.setText(values["folders.backup"])
        for key, edit in self.font_edits.items():
            edit.setText(values[key])

    def values(self) -> dict[str, Any]:
        """Every value on the pages, as it would be stored."""
        out: dict[str, Any] = {
            "group.name": self.group_name.text().strip(),
            "group.agency_code": self.agency_code.text().strip(),
            "notice.signatory": self.signatory.currentText().strip(),
            "notice.default_deadline_days": self.deadline_days.value(),
            "doc_number.template": self.template.text().strip(),
            "folders.export": self.export_folder.text().strip(),
            "folders.backup": self.backup_folder.text().strip(),
        }
        for kind, row in self.kind_rows.items():
            out[settings.prefix_key(kind)] = row.prefix.text().strip()
            out[settings.template_key(kind)] = row.template.text().strip()
        for key, edit in self.font_edits.items():
            out[key] = edit.text().strip()
        return out

    def changed_values(self) -> dict[str, Any]:
        """Only what the user changed, so a setting changed meanwhile on another PC is kept."""
        return {key: value for key, value in self.values().items() if value != self.initial.get(key)}

    # --- preview ---------------------------------------------------------------------

    def preview(self, kind: NoticeKind) -> tuple[str, bool]:
        """(the next 文号 of this kind as the pages now say, whether the template is usable)."""
        row = self.kind_rows[kind]
        template = row.template.text().strip() or self.template.text().strip()
        prefix = row.prefix.text().strip() or default_prefix(kind, self.agency_code.text().strip())
        try:
            check_template(template)
            return format_doc_number(template, prefix, self.year, self.sequences[kind]), True
        except UserError:
            return "（模板有误）", False

    def update_previews(self) -> None:
        agency = self.agency_code.text().strip()
        for kind, row in self.kind_rows.items():
            row.prefix.setPlaceholderText(default_prefix(kind, agency))
            text, ok = self.preview(kind)
            row.preview.setText(text)
            row.preview.setStyleSheet(PREVIEW_STYLE if ok else ERROR_STYLE)
            row.preview.setToolTip(f"下一个文号：{text}" if ok else "请检查文号模板。")

    # --- actions ---------------------------------------------------------------------

    def browse(self, edit: QLineEdit, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, edit.text().strip())
        if folder:
            edit.setText(folder)

    def clear_errors(self) -> None:
        for _editor, error, _page in self.inputs.values():
            error.hide()
            error.clear()
        self.general_error.hide()

    def _show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, message in errors.items():
            entry = self.inputs.get(key)
            if entry is None:
                self.general_error.setText(message)
                self.general_error.show()
                continue
            editor, label, page = entry
            label.setText(message)
            label.show()
            if first is None:
                first = editor
                self.tabs.setCurrentWidget(page)
        if first is not None:
            inner = (
                None if isinstance(first, QLineEdit | QSpinBox | QComboBox) else first.findChild(QLineEdit)
            )
            (inner or first).setFocus()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        """Messages by key for the values that would be refused."""
        errors: dict[str, str] = {}
        if "group.agency_code" in values and not values["group.agency_code"]:
            errors["group.agency_code"] = "请填写机关代字。"
        if "doc_number.template" in values and not values["doc_number.template"]:
            errors["doc_number.template"] = "请填写通用文号模板。"
        for key, value in values.items():
            if key in errors:
                continue
            try:
                settings.check_value(key, value)
            except UserError as exc:
                errors.setdefault(exc.field or key, exc.message)
        return errors

    def save(self) -> None:
        """Store every change in one transaction; on a refused value store nothing and say why."""
        self.clear_errors()
        changes = self.changed_values()
        errors = self.check(changes)
        if errors:
            self._show_errors(errors)
            return
        if changes:
            try:
                settings.set_many(self.ctx.db, changes)
            except UserError as exc:
                self._show_errors({exc.field or "": exc.message})
                return
        self.accept()

    def _fill_signatories(self) -> None:
        text = self.signatory.currentText()
        self.signatory.blockSignals(True)
        self.signatory.clear()
        self.signatory.addItem("")
        for _member_id, name in self.ctx.lookups.active_members():
            if self.signatory.findText(name) < 0:
                self.signatory.addItem(name)
        self.signatory.setEditText(text)
        self.signatory.blockSignals(False)

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("members"):
            self._fill_signatories()
        if changes.touches("alert_notices"):
            self.sequences = next_sequences(self.ctx, self.year)
            self.update_previews()
