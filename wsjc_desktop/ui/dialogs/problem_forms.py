"""The forms of the supervision loop: a register's form whose links to other records (the
inspection a problem was found in, the notice it was handed off by, an inspection's units) are
choices rather than typed ids, and the two small dialogs of a problem: 交办 and 验收销号."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import NoticeStatus, ProblemHandoff, ProblemSource
from wsjc_desktop.domain.fields import PROBLEM, FieldKind, RecordSpec, spec_for
from wsjc_desktop.domain.validation import parse_date
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, rules
from wsjc_desktop.services.display import format_date
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import CheckListEditor, ComboEditor, LineEditor, RecordDialog
from wsjc_desktop.ui.record_tab import RecordEditing
from wsjc_desktop.ui.styles import ERROR_STYLE

#: How many records of a kind a choice offers (newest first).
CHOICES_LIMIT = 500


def record_choices(
    db: Database, table: str, *, unit_id: int | None = None, keep: int | None = None
) -> list[tuple[int, str]]:
    """(id, “日期 标题”) of the live records of a table, newest first; ``unit_id``: only that
    unit's; ``keep``: a record offered even if it would not be (the one already chosen)."""
    spec = spec_for(table)
    model: Any = spec.model
    flt = records.RecordFilter(unit_id=unit_id)
    query = records.build_query(spec, flt).limit(CHOICES_LIMIT)
    with db.read() as uow:
        found = list(uow.session.scalars(query))
        if keep is not None and all(obj.id != keep for obj in found):
            extra = uow.session.get(model, keep)
            if extra is not None:
                found.append(extra)
        return [(obj.id, record_label(spec, obj)) for obj in found]


def record_label(spec: RecordSpec, obj: Any) -> str:
    when = getattr(obj, spec.date_field, None) if spec.date_field else None
    title = " ".join(str(getattr(obj, spec.title_field, "") or "").split())
    if len(title) > 36:
        title = title[:35] + "…"
    parts = [format_date(when)] if isinstance(when, date) else []
    if isinstance(obj, m.AlertNotice):
        parts.append(obj.doc_number if obj.status != NoticeStatus.DRAFT and obj.doc_number else "草稿")
    parts.append(title)
    if obj.deleted_at is not None:
        parts.append("（已删除）")
    return " ".join(p for p in parts if p)


def fit_editors(dialog: RecordDialog, ctx: AppContext, values: Mapping[str, Any]) -> None:
    """Where the form has only a line to type an id into (a link to a record the generic form
    has no choice for), put a choice: a list of records, or ticks for several units."""
    for name, editor in list(dialog.editors.items()):
        if not isinstance(editor, LineEditor):
            continue
        fld = dialog.spec.field(name)
        if fld.ref is None or fld.kind not in (FieldKind.REF, FieldKind.REFS):
            continue
        current = values.get(name)
        replacement: ComboEditor | CheckListEditor
        if fld.kind is FieldKind.REFS:
            choices = ctx.lookups.active_units() if fld.ref == "units" else record_choices(ctx.db, fld.ref)
            replacement = CheckListEditor(fld, choices)
        else:
            keep = int(current) if isinstance(current, int) else None
            combo_editor = ComboEditor(fld, record_choices(ctx.db, fld.ref, keep=keep))
            # long titles: the form keeps its width, the list shows them whole
            combo_editor.combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo_editor.combo.setMinimumContentsLength(24)
            combo_editor.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            replacement = combo_editor
        _swap(dialog, name, replacement)
        if current is not None:
            replacement.set(current)
    if dialog.spec.table == PROBLEM.table:
        _follow_choices(dialog)


def _row_widgets(dialog: RecordDialog, name: str) -> list[QWidget]:
    """The input of a field's row (its cell) and its label."""
    widget = dialog.editors[name].widget
    cell = widget.parentWidget()
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is widget]
    return [w for w in (cell, *labels) if w is not None]


def _follow_choices(dialog: RecordDialog) -> None:
    """A problem's form shows the link its 发现来源 and its 交办方式 call for, not all seven."""
    editors = dialog.editors

    def chosen(name: str) -> str | None:
        editor = editors.get(name)
        value = editor.get() if editor is not None else None
        return str(getattr(value, "value", value)) if value else None

    def update(*_args: Any) -> None:
        source, how = chosen("source"), chosen("handoff")
        shown = {rules.PROBLEM_SOURCE_FIELDS.get(ProblemSource.parse(source)) if source else None}
        if how:
            shown |= {rules.PROBLEM_HANDOFF_FIELDS[ProblemHandoff.parse(how)], "handed_on"}
        for name in (
            *rules.PROBLEM_SOURCE_FIELDS.values(),
            *rules.PROBLEM_HANDOFF_FIELDS.values(),
            "handed_on",
        ):
            if name in editors:
                for widget in _row_widgets(dialog, name):
                    widget.setVisible(name in shown)

    for name in ("source", "handoff"):
        if name in editors:
            editors[name].on_change(update)
    update()


def _swap(dialog: RecordDialog, name: str, editor: ComboEditor | CheckListEditor) -> None:
    old = dialog.editors[name].widget
    cell = old.parentWidget()
    layout = cell.layout() if cell is not None else None
    assert layout is not None
    layout.replaceWidget(old, editor.widget)
    old.hide()
    old.deleteLater()
    editor.widget.setObjectName(f"field_{name}")
    editor.report = dialog.show_error
    editor.on_change(partial(dialog.clear_error, name))
    editor.on_change(dialog.update_advice)
    dialog.editors[name] = editor
    for label in dialog.findChildren(QLabel):
        if label.buddy() is old:
            label.setBuddy(editor.widget)


class FittedForms(RecordEditing):
    """Add and edit through a form whose record links are choices (:func:`fit_editors`);
    :meth:`form_fields` may leave out fields the view sets itself."""

    def prepare_dialog(self, dialog: RecordDialog, values: Mapping[str, Any]) -> None:
        dialog.setObjectName(f"form_{self.spec.table}")
        fit_editors(dialog, self.ctx, values)


# --- 交办 and 验收销号 -----------------------------------------------------------------------------

#: The ways of 交办 the dialog offers: (key, label, what it links).
NEW_NOTICE = "new_notice"
HANDOFF_CHOICES = (
    (NEW_NOTICE, "新建廉情提醒（草稿）", None),
    (ProblemHandoff.NOTICE.value, "已有的廉情提醒", "alert_notices"),
    (ProblemHandoff.TALK.value, "谈话提醒", "talks"),
    (ProblemHandoff.CLUE.value, "移送问题线索", "clues"),
)


class _SmallDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def date_edit(self, name: str, value: date | None) -> QLineEdit:
        edit = QLineEdit(format_date(value) if value else "")
        edit.setObjectName(name)
        edit.setPlaceholderText("如 2026-06-15")
        return edit


class HandOffDialog(_SmallDialog):
    """交办: by a new or an existing 廉情提醒, by a 谈话提醒, or passed on as a 问题线索."""

    def __init__(self, ctx: AppContext, problem: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__("交办问题", parent)
        self.setObjectName("handoff_dialog")
        self.ctx = ctx
        self.problem = problem
        description = " ".join(str(problem.get("description") or "").split())
        self.intro.setText(f"问题：{description[:60]}")
        self.how = QComboBox()
        self.how.setObjectName("handoff_how")
        for key, label, _table in HANDOFF_CHOICES:
            self.how.addItem(label, key)
        self.target = QComboBox()
        self.target.setObjectName("handoff_target")
        self.handed_on = self.date_edit("handed_on", ctx.today)
        self.deadline = self.date_edit("deadline", problem.get("deadline"))
        self.deadline.setPlaceholderText("不填：按廉情提醒的反馈期限")
        self.form.addRow("交办方式：", self.how)
        self.form.addRow("交办记录：", self.target)
        self.form.addRow("交办日期：", self.handed_on)
        self.form.addRow("整改期限：", self.deadline)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("交办")
        self.how.currentIndexChanged.connect(self._fill_targets)
        current = problem.get("handoff")
        if current is not None:
            self.how.setCurrentIndex(max(0, self.how.findData(getattr(current, "value", current))))
        self._fill_targets()

    def choice(self) -> str:
        return str(self.how.currentData())

    def _fill_targets(self) -> None:
        table = next(t for key, _label, t in HANDOFF_CHOICES if key == self.choice())
        self.target.clear()
        self.target.setEnabled(table is not None)
        if table is None:
            self.target.addItem("保存后生成一份廉情抄告单草稿，发出时编发文号", None)
            return
        self.deadline.setPlaceholderText(
            "不填：按廉情提醒的反馈期限" if table in (None, "alert_notices") else "不填：不设整改期限"
        )
        unit_id = self.problem.get("unit_id")  # a talk is the unit's when it talked with its cadres
        choices = record_choices(self.ctx.db, table, unit_id=unit_id if isinstance(unit_id, int) else None)
        if not choices:
            self.target.addItem("（本单位没有可选的记录）", None)
        for record_id, label in choices:
            self.target.addItem(label, record_id)
        linked = {"alert_notices": "notice_id", "talks": "handoff_talk_id", "clues": "handoff_clue_id"}[table]
        wanted = self.problem.get(linked)
        if wanted is not None:
            self.target.setCurrentIndex(max(0, self.target.findData(wanted)))

    def values(self) -> tuple[str, int | None, date | None, date | None]:
        """(how, record id, 交办日期, 整改期限); UserError for a date that does not read."""
        handed = self.handed_on.text().strip()
        until = self.deadline.text().strip()
        return (
            self.choice(),
            self.target.currentData(),
            parse_date(handed, field="handed_on", label="交办日期") if handed else None,
            parse_date(until, field="deadline", label="整改期限") if until else None,
        )

    def accept(self) -> None:
        try:
            how, target, _handed, _until = self.values()
        except UserError as exc:
            self.show_error(exc.message)
            return
        if how != NEW_NOTICE and target is None:
            self.show_error("请选择交办所用的记录。")
            return
        super().accept()


class CloseDialog(_SmallDialog):
    """验收销号: when, by whom, and the 验收意见."""

    def __init__(self, ctx: AppContext, problem: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__("验收销号", parent)
        self.setObjectName("close_dialog")
        description = " ".join(str(problem.get("description") or "").split())
        self.intro.setText(f"问题：{description[:60]}\n经验证整改到位后销号；销号后可“撤销销号”。")
        self.closed_on = self.date_edit("closed_on", ctx.today)
        self.member = QComboBox()
        self.member.setObjectName("closed_by")
        self.member.addItem("（未填写）", None)
        for member_id, name in ctx.lookups.active_members():
            self.member.addItem(name, member_id)
        self.member.setCurrentIndex(max(0, self.member.findData(ctx.db.member_id)))
        self.note = QPlainTextEdit()
        self.note.setObjectName("closing_note")
        self.note.setPlaceholderText("验收意见，如：经实地查看，整改措施已落实到位，同意销号。")
        self.note.setMaximumHeight(90)
        self.form.addRow("销号日期：", self.closed_on)
        self.form.addRow("验收人：", self.member)
        self.form.addRow("验收意见：", self.note)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("销号")

    def values(self) -> tuple[date, int | None, str]:
        text = self.closed_on.text().strip()
        if not text:
            raise UserError("请填写销号日期。", field="closed_on")
        closed_on = parse_date(text, field="closed_on", label="销号日期")
        assert closed_on is not None
        return (
            closed_on,
            self.member.currentData(),
            self.note.toPlainText(),
        )

    def accept(self) -> None:
        try:
            self.values()
        except UserError as exc:
            self.show_error(exc.message)
            return
        super().accept()
