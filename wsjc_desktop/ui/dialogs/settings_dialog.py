"""设置: the group's name and agency code, the idle lock, 文号 formats per notice kind, the group's
members and their passwords, folders, each year's public holidays (节假日), and this PC's part in
the exchange between the group's PCs (数据交换).

Everything except the members is saved by 保存 in one ``settings.set_many`` call (one
transaction); a bad value is shown in red beside its input and nothing is written, and the
message goes as soon as that input is edited. 取消, Esc or the close button ask 放弃修改？ when
something is changed and not saved (``dialog_behaviour.GuardedDialog``). The
members list writes at once, like every other record list, and so does 设置口令… (a member's
password: the logged-in member's own after the current one, another's after the logged-in
member's own password; see ``services.auth``). Settings live in the database,
so every reader sees a saved change at once, without a restart.

The 节假日 page is :class:`~wsjc_desktop.ui.dialogs.holiday_page.HolidayCalendarPage` (its own
module); this dialog shows it, asks it for its changes on 保存 and hands it the messages of the
entries refused. The hints and message lines of every page are in ``settings_widgets``.

The 数据交换 page is :class:`~wsjc_desktop.ui.dialogs.exchange_page.ExchangePage`: its name and
folder belong to this PC, not to the group, so 保存 stores them with ``engine.set_local`` (never
in the group's settings, which travel to the other PC); its passphrase controls act at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.docnumber import check_template, default_prefix, format_doc_number
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.domain.fields import MEMBER
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, settings
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialog_behaviour import GuardedDialog
from wsjc_desktop.ui.dialogs.clue_stage_page import KEY as CLUE_STAGE_KEY
from wsjc_desktop.ui.dialogs.clue_stage_page import ClueStagePage
from wsjc_desktop.ui.dialogs.effect_page import KEY as EFFECT_KEY
from wsjc_desktop.ui.dialogs.effect_page import EffectMonthsPage
from wsjc_desktop.ui.dialogs.exchange_page import ExchangePage
from wsjc_desktop.ui.dialogs.holiday_page import HolidayCalendarPage
from wsjc_desktop.ui.dialogs.settings_widgets import PREVIEW_STYLE, error_label, hint_label
from wsjc_desktop.ui.dialogs.synonyms_page import KEY as SYNONYMS_KEY
from wsjc_desktop.ui.dialogs.synonyms_page import SynonymsPage
from wsjc_desktop.ui.forms import ERROR_STYLE
from wsjc_desktop.ui.record_tab import RecordListPanel

__all__ = ["HolidayCalendarPage", "MembersPanel", "SettingsDialog", "next_sequences"]

BASIC_KEYS = (
    "group.name",
    "group.agency_code",
    "notice.signatory",
    "print.copy_to",
    "print.sealed",
    "notice.default_deadline_days",
    "notice.deadline_working_days",
    "security.idle_lock_minutes",
)
FOLDER_KEYS = ("folders.export", "folders.backup")
#: (role, label) of each printing font, as the settings define them
FONT_ROLES = tuple((role, settings.FONT_ROLE_LABELS[role]) for role in settings.FONT_ROLES)
FONT_KEYS = settings.FONT_KEYS


def next_sequences(ctx: AppContext, year: int) -> dict[NoticeKind, int]:
    """The sequence the next notice of each kind issued this year gets (as ``notices.allocate_number``
    would hand it out: after the counter and after any number already present)."""
    return {planned.kind: planned.seq for planned in notices.next_numbers(ctx.db, year)}


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
        return {"sort_order": self.model.rowCount() + 1}  # 在组 and the rest: the spec's defaults

    def add(self) -> None:
        self.open_dialog(None)

    def set_password(self) -> None:
        """设置口令… for the selected member."""
        from wsjc_desktop.ui.dialogs.login_dialog import run_password_dialog

        member_id = self.selected_id()
        if member_id is not None:
            run_password_dialog(self, self.ctx.db, member_id)


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
        self.error = error_label()


def _on_edit(editor: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` when the value in ``editor`` (or in the inputs of a row) changes."""
    if isinstance(editor, QLineEdit):
        editor.textChanged.connect(lambda _text: callback())
    elif isinstance(editor, QComboBox):
        editor.currentTextChanged.connect(lambda _text: callback())
    elif isinstance(editor, QSpinBox):
        editor.valueChanged.connect(lambda _value: callback())
    elif isinstance(editor, QCheckBox):
        editor.toggled.connect(lambda _on: callback())
    else:  # a row: a folder or font path beside its 浏览… button
        for edit in editor.findChildren(QLineEdit):
            edit.textChanged.connect(lambda _text: callback())


class SettingsDialog(GuardedDialog):
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
        self.holidays_page = HolidayCalendarPage(ctx)
        self.exchange_page = ExchangePage(ctx)
        self.synonyms_page = SynonymsPage()
        self.effect_page = EffectMonthsPage()
        self.clue_stage_page = ClueStagePage()
        self.tabs.addTab(self.basic_page, "基本信息")
        self.tabs.addTab(self.numbers_page, "文号")
        self.tabs.addTab(self.members_page, "组内人员")
        self.tabs.addTab(self.folders_page, "文件夹与字体")
        self.tabs.addTab(self.holidays_page, "节假日")
        self.tabs.addTab(self.exchange_page, "数据交换")
        self.tabs.addTab(self.synonyms_page, "导入")
        self.tabs.addTab(self.effect_page, "影响期")
        self.tabs.addTab(self.clue_stage_page, "线索期限")
        page = self.clue_stage_page
        self.inputs[CLUE_STAGE_KEY] = (page.table, page.error, page)  # its message shows on the page
        self.tabs.currentChanged.connect(self._page_shown)

        self.general_error = error_label()
        self.general_error.setObjectName("settings_error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self._set_values(self.initial)
        self.update_previews()
        for editor, error, _page in self.inputs.values():
            _on_edit(editor, partial(self._edited, error))
        ctx.hub.changed.connect(self._on_changes)
        self.resize(780, 560)  # fitted to the screen's free area when shown

    # --- pages -----------------------------------------------------------------------

    def _field(
        self, form: QFormLayout, key: str, label: str, editor: QWidget, page: QWidget, hint: str = ""
    ) -> None:
        error = error_label()
        cell = QWidget()
        # the cell takes the whole width, so its wrapped hint gets room even beside a short input
        cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        short = isinstance(editor, QComboBox | QSpinBox)
        box.addWidget(editor, 0, Qt.AlignmentFlag.AlignLeft if short else Qt.AlignmentFlag(0))
        if hint:
            box.addWidget(hint_label(hint))
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
        self.copy_to = QLineEdit()
        self.copy_to.setObjectName("copy_to")
        self.copy_to.setPlaceholderText("例如 区纪委监委第一监督检查室、区委组织部")
        self.sealed = QCheckBox("落款处加盖印章（不勾选：不加盖印章的落款格式）")
        self.sealed.setObjectName("sealed")
        self.deadline_days = QSpinBox()
        self.deadline_days.setObjectName("deadline_days")
        self.deadline_days.setRange(1, 365)
        self.deadline_days.setSuffix(" 天")
        self.deadline_days.setMinimumWidth(
            self.deadline_days.fontMetrics().horizontalAdvance("365 个工作日") + 48
        )
        self.deadline_working = QCheckBox("反馈期限按工作日计算")
        self.deadline_working.setObjectName("deadline_working_days")
        self.deadline_working.toggled.connect(
            lambda on: self.deadline_days.setSuffix(" 个工作日" if on else " 天")
        )
        deadline_row = QWidget()
        deadline_box = QHBoxLayout(deadline_row)
        deadline_box.setContentsMargins(0, 0, 0, 0)
        deadline_box.addWidget(self.deadline_days)
        deadline_box.addSpacing(12)
        deadline_box.addWidget(self.deadline_working)
        deadline_box.addStretch(1)
        self.idle_lock = QSpinBox()
        self.idle_lock.setObjectName("idle_lock_minutes")
        self.idle_lock.setRange(*settings.IDLE_LOCK_MINUTES)
        self.idle_lock.setSuffix(" 分钟")
        self.idle_lock.setMinimumWidth(self.idle_lock.fontMetrics().horizontalAdvance("120 分钟") + 48)
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
            "print.copy_to",
            "抄送",
            self.copy_to,
            page,
            "填写后，提醒函、建议书等文书末页版记处印“抄送：……”；多个机关用顿号分隔。不填则不印版记。",
        )
        self._field(
            form,
            "print.sealed",
            "落款",
            self.sealed,
            page,
            "加盖印章时成文日期右空四字、署名居中于其上，留出盖章位置；不加盖印章时署名右空二字。",
        )
        self._field(
            form,
            "notice.default_deadline_days",
            "默认反馈期限",
            deadline_row,
            page,
            "新建廉情提醒时，反馈期限默认为发出日期之后的天数。按工作日计算时不计周末和法定节假日，"
            "调休上班日照常计算（放假安排见“节假日”页）。",
        )
        self.inputs["notice.default_deadline_days"] = (
            self.deadline_days,
            *self.inputs["notice.default_deadline_days"][1:],
        )
        self.inputs["notice.deadline_working_days"] = (
            self.deadline_working,
            *self.inputs["notice.default_deadline_days"][1:],
        )
        self._field(
            form,
            "security.idle_lock_minutes",
            "无操作自动锁定",
            self.idle_lock,
            page,
            "超过这段时间没有键盘或鼠标操作，程序自动锁定，须输入本人口令才能继续；未保存的内容不会丢失。",
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
            hint_label(
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
        layout.addWidget(
            hint_label("前缀留空时，按机关代字自动生成（见灰色提示）。已发出的文号不受修改影响。")
        )
        layout.addStretch(1)
        self.template.textChanged.connect(self.update_previews)
        self.agency_code.textChanged.connect(self.update_previews)
        return page

    def _build_members(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.members = MembersPanel(self.ctx)
        layout.addWidget(self.members, 1)
        self.password_button = QPushButton("设置口令…")
        self.password_button.setObjectName("member_password_button")
        self.password_button.setToolTip("修改本人的登录口令，或为其他人员设置新口令（例如其忘记了口令）")
        self.password_button.setEnabled(False)
        self.password_button.clicked.connect(self.members.set_password)
        self.members.view.selectionModel().selectionChanged.connect(
            lambda *_: self.password_button.setEnabled(self.members.selected_id() is not None)
        )
        bar = QHBoxLayout()
        bar.addWidget(self.password_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(
            hint_label(
                "组内人员是谈话人、记录人、列席人的选择范围。在此添加、编辑、删除的人员立即保存，"
                "不受下方“取消”影响；删除的人员可在回收站中恢复。"
                "忘记口令的，由另一名人员登录后选中其姓名点“设置口令…”重新设置；"
                "全部人员的口令都遗失时无法找回。"
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
            hint_label(
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
        form.addRow(
            hint_label("打印文书时使用的字体文件。缺字时程序会自动逐字改用其他字体，确保每个字都能打印。")
        )
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
        keys = (
            *BASIC_KEYS,
            "doc_number.template",
            *settings.per_kind_keys(),
            *FOLDER_KEYS,
            *FONT_KEYS,
            SYNONYMS_KEY,
            EFFECT_KEY,
            CLUE_STAGE_KEY,
        )
        out: dict[str, Any] = {}
        for key in keys:
            value = stored.get(key)
            if key == "notice.default_deadline_days":
                out[key] = int(value or settings.DEFAULTS[key])
            elif key == "notice.deadline_working_days":
                out[key] = bool(value)
            elif key == "print.sealed":
                out[key] = settings.DEFAULTS[key] if value is None else bool(value)
            elif key == "security.idle_lock_minutes":
                out[key] = int(value or settings.DEFAULTS[key])
            elif key == SYNONYMS_KEY:
                out[key] = value if isinstance(value, dict) else {}
            elif key in (EFFECT_KEY, CLUE_STAGE_KEY):
                out[key] = value if isinstance(value, dict) else settings.DEFAULTS[key]
            else:
                out[key] = "" if value is None else str(value)
        return out

    def _set_values(self, values: dict[str, Any]) -> None:
        self.group_name.setText(values["group.name"])
        self.agency_code.setText(values["group.agency_code"])
        self.signatory.setEditText(values["notice.signatory"])
        self.copy_to.setText(values["print.copy_to"])
        self.sealed.setChecked(values["print.sealed"])
        self.deadline_days.setValue(values["notice.default_deadline_days"])
        self.deadline_working.setChecked(values["notice.deadline_working_days"])
        self.idle_lock.setValue(values["security.idle_lock_minutes"])
        self.template.setText(values["doc_number.template"])
        for kind, row in self.kind_rows.items():
            row.prefix.setText(values[settings.prefix_key(kind)])
            row.template.setText(values[settings.template_key(kind)])
        self.synonyms_page.set_value(values.get(SYNONYMS_KEY) or {})
        self.effect_page.set_value(values.get(EFFECT_KEY))
        self.clue_stage_page.set_value(values.get(CLUE_STAGE_KEY))
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
            "print.copy_to": self.copy_to.text().strip(),
            "print.sealed": self.sealed.isChecked(),
            "notice.default_deadline_days": self.deadline_days.value(),
            "notice.deadline_working_days": self.deadline_working.isChecked(),
            "security.idle_lock_minutes": self.idle_lock.value(),
            "doc_number.template": self.template.text().strip(),
            "folders.export": self.export_folder.text().strip(),
            "folders.backup": self.backup_folder.text().strip(),
            SYNONYMS_KEY: self.synonyms_page.value(),
            EFFECT_KEY: self.effect_page.value(),
            CLUE_STAGE_KEY: self.clue_stage_page.value(),
        }
        for kind, row in self.kind_rows.items():
            out[settings.prefix_key(kind)] = row.prefix.text().strip()
            out[settings.template_key(kind)] = row.template.text().strip()
        for key, edit in self.font_edits.items():
            out[key] = edit.text().strip()
        return out

    def changed_values(self) -> dict[str, Any]:
        """Only what the user changed, so a setting changed meanwhile on another PC is kept
        (with the 节假日 entries edited, by ``calendar.<year>``)."""
        out = {key: value for key, value in self.values().items() if value != self.initial.get(key)}
        out.update(self.holidays_page.changes()[0])
        return out

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

    def _edited(self, error: QLabel) -> None:
        """An input was edited: its message (and a general one) no longer applies."""
        error.hide()
        self.general_error.hide()

    def has_unsaved_changes(self) -> bool:
        """What 保存 would write (the members are written as they are edited)."""
        return bool(self.changed_values() or self.holidays_page.changes()[1] or self.exchange_page.changes())

    def clear_errors(self) -> None:
        for _editor, error, _page in self.inputs.values():
            error.hide()
            error.clear()
        self.general_error.hide()
        self.holidays_page.error.hide()
        self.exchange_page.clear_errors()

    def _show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, message in errors.items():
            year = settings.calendar_year(key)
            if year is not None:
                self.holidays_page.show_error(year, message)
                if first is None:
                    first = self.holidays_page.days_table
                    self.tabs.setCurrentWidget(self.holidays_page)
                continue
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
                None
                if isinstance(first, QLineEdit | QSpinBox | QComboBox | QTableWidget)
                else first.findChild(QLineEdit)
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
        cleared = self.holidays_page.changes()[1]
        errors = self.check(changes)
        if errors:
            self._show_errors(errors)
            return
        try:
            self.exchange_page.save()  # this PC's own name and folder (engine.set_local)
        except UserError as exc:
            self.tabs.setCurrentWidget(self.exchange_page)
            self.exchange_page.show_error(exc)
            return
        if changes or cleared:
            try:
                settings.set_many(self.ctx.db, changes, cleared=cleared)
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

    def _page_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.holidays_page:
            self.holidays_page.ensure_loaded()

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("members"):
            self._fill_signatories()
        if changes.touches("alert_notices"):
            self.sequences = next_sequences(self.ctx, self.year)
            self.update_previews()
