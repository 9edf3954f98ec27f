"""问题线索: the clue register (issue 19, point 3; seed 004 §9 主办人制度, 督办, 定期汇总分析).

Each clue moves 登记 → 研判 → 处置 → 办结 by 推进阶段… (``services.clues.advance``); 撤回办结 is the
only way back. The 期限 column shows how the clue stands against its stage's limit (设置 →
线索期限): a green, yellow or red light with the days left or past. Registering a clue uses the
record form, which names the earlier clues about the same person or unit
(``RecordEditing.advice_for``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import ClueDisposal, ClueStage, FourForms
from wsjc_desktop.domain.fields import CLUE
from wsjc_desktop.domain.problem_rules import Light
from wsjc_desktop.domain.validation import parse_date
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import clues
from wsjc_desktop.services.display import format_cn_date, format_date
from wsjc_desktop.services.records import Row
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.errors import show_user_error
from wsjc_desktop.ui.forms import confirm
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.table_model import Column

#: The colour of each light, and of the 督办 mark.
LIGHT_COLORS = {Light.GREEN: QColor("#1e8449"), Light.YELLOW: QColor("#b9770e"), Light.RED: QColor("#c0392b")}
SUPERVISED_COLOR = QColor("#c0392b")
#: The columns of the register, in order (the 期限 light goes after the stage).
SHOWN = ("received_on", "source", "unit_id", "cadre_id", "summary", "stage")
AFTER_LIGHT = ("handler_id", "disposal", "form", "closed_on")
#: Narrower than the ledger's columns, so the register fits a 1366-pixel screen.
WIDTHS = {"source": 6, "unit_id": 7, "cadre_id": 4, "summary": 15, "disposal": 6, "form": 6}


class AdvanceDialog(QDialog):
    """推进阶段…: the next stage (or a later one), the day, and what that stage asks for: the way
    at 处置; the result and the 形态 at 办结."""

    def __init__(self, ctx: AppContext, clue_id: int, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clue_id = clue_id
        self.setObjectName("clue_advance_dialog")
        self.setWindowTitle("推进阶段")
        self.current = ClueStage.parse(row["stage"])
        self.disposal_before = ClueDisposal.parse(row.get("disposal") or ClueDisposal.PENDING)
        summary = str(row.get("summary") or "")
        intro = QLabel(
            f"线索：{summary[:30]}{'…' if len(summary) > 30 else ''}<br>当前阶段：<b>{self.current.label}</b>"
            + (f"（自{format_cn_date(row['stage_since'])}起）" if row.get("stage_since") else "")
        )
        intro.setWordWrap(True)
        self.stage = QComboBox()
        self.stage.setObjectName("advance_stage")
        later = clues.ORDER[clues.ORDER.index(self.current) + 1 :]
        for stage in later:
            self.stage.addItem(stage.label, stage.value)
        self.on = QLineEdit(format_date(ctx.today))
        self.on.setObjectName("advance_on")
        self.on.setPlaceholderText("例如 2026-03-05")
        self.disposal = QComboBox()
        self.disposal.setObjectName("advance_disposal")
        for way in clues.DISPOSALS:
            self.disposal.addItem(way.label, way.value)
        if self.disposal_before is not ClueDisposal.PENDING:
            self.disposal.setCurrentIndex(max(0, self.disposal.findData(self.disposal_before.value)))
        self.result_text = QPlainTextEdit(str(row.get("result") or ""))
        self.result_text.setObjectName("advance_result")
        self.result_text.setPlaceholderText("如：经初步核实，反映问题基本属实，已给予提醒谈话")
        self.result_text.setFixedHeight(self.result_text.fontMetrics().lineSpacing() * 4 + 12)
        self.form_choice = QComboBox()
        self.form_choice.setObjectName("advance_form")
        self.form_choice.addItem("（请选择）", None)
        for shape in FourForms:
            self.form_choice.addItem(shape.label, shape.value)
        self.layout_form = QFormLayout()
        self.layout_form.addRow("推进到：", self.stage)
        self.layout_form.addRow("日期：", self.on)
        self.layout_form.addRow("处置方式：", self.disposal)
        self.layout_form.addRow("办理结果：", self.result_text)
        self.layout_form.addRow("处理形态：", self.form_choice)
        self.error = QLabel()
        self.error.setObjectName("advance_error")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.layout_form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.stage.currentIndexChanged.connect(self._fit)
        self._fit()
        self.setMinimumWidth(420)

    def target(self) -> ClueStage:
        return ClueStage.parse(self.stage.currentData())

    def _fit(self) -> None:
        """Show what the chosen stage asks for."""
        target = self.target()
        closing = target is ClueStage.CLOSED
        way = target is ClueStage.DISPOSING or (closing and self.disposal_before is ClueDisposal.PENDING)
        self.layout_form.setRowVisible(self.disposal, way)
        self.layout_form.setRowVisible(self.result_text, closing)
        self.layout_form.setRowVisible(self.form_choice, closing)
        self.adjustSize()

    def accept(self) -> None:
        """Advance the clue; on a refusal say why here and stay open."""
        target = self.target()
        try:
            on = parse_date(self.on.text(), field="stage_since", label="日期")
            if on is None:
                raise UserError("请填写日期。", field="stage_since")
            visible = self.layout_form.isRowVisible(self.disposal)
            clues.advance(
                self.ctx.db,
                self.clue_id,
                target,
                on=on,
                disposal=self.disposal.currentData() if visible else None,
                result=self.result_text.toPlainText() if target is ClueStage.CLOSED else None,
                form=self.form_choice.currentData() if target is ClueStage.CLOSED else None,
            )
        except UserError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        super().accept()


class CluesTab(RecordTab):
    tab_title = "问题线索"
    filter_members = True  # 主办人

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.stage_days: dict[str, int] = clues.stage_days(ctx.db)
        super().__init__(ctx, CLUE, columns=self._columns(), parent=parent)
        self.advance_button = self.add_button(
            "推进阶段…",
            self.advance_selected,
            tip="登记 → 研判 → 处置 → 办结，每个阶段有期限（设置 → 线索期限）",
        )
        self.advance_button.setObjectName("clue_advance")
        self.reopen_button = self.add_button(
            "撤回办结", self.reopen_selected, tip="把已办结的线索退回处置阶段继续办理"
        )
        self.reopen_button.setObjectName("clue_reopen")
        self.on_selected(None)

    # --- the columns -------------------------------------------------------------------

    def _columns(self) -> list[Column]:
        def of(name: str) -> Column:
            fld = CLUE.field(name)
            return Column(name, fld.label, fld, width=WIDTHS.get(name, fld.width))

        light = Column(
            "deadline",
            "期限",
            compute=self.deadline_text,
            width=7,
            color=self.deadline_color,
            dot=True,
            tip=self.deadline_tip,
        )
        supervised = Column(
            "supervised",
            "督办",
            CLUE.field("supervised"),
            compute=self.supervised_text,
            width=4,
            color=self.supervised_color,
        )
        return [*map(of, SHOWN), light, supervised, *map(of, AFTER_LIGHT)]

    def deadline(self, row: Row) -> clues.Deadline | None:
        return clues.row_deadline(row, self.ctx.today, self.stage_days)

    def deadline_text(self, row: Row) -> str:
        """剩N天 / 今日到期 / 超期N天 beside the light (nothing once 办结)."""
        found = self.deadline(row)
        return found.text if found is not None else ""

    def deadline_tip(self, row: Row) -> str:
        """研判阶段自2026年6月15日起，期限15天，至2026年6月30日（超期）."""
        found = self.deadline(row)
        if found is None:
            return ""
        stage = ClueStage.parse(row["stage"])
        limit = self.stage_days.get(stage.value)
        return (
            f"{stage.label}阶段自{format_cn_date(row.get('stage_since'))}起，期限{limit}天，"
            f"至{format_cn_date(found.due)}（{found.light.label}）"
        )

    def deadline_color(self, row: Row) -> QColor | None:
        found = self.deadline(row)
        return LIGHT_COLORS[found.light] if found is not None else None

    @staticmethod
    def supervised_text(row: Row) -> str:
        return "★督办" if row.get("supervised") else ""

    @staticmethod
    def supervised_color(row: Row) -> QColor | None:
        return SUPERVISED_COLOR if row.get("supervised") else None

    def apply_filters(self) -> None:
        # the limits may have changed in 设置 (and the day moves on): read them with each load
        self.stage_days = clues.stage_days(self.ctx.db)
        super().apply_filters()

    def _on_changes(self, changes: ChangeSet) -> None:
        if "settings" in changes.tables:  # 设置 → 线索期限, here or from the other PC
            self.stage_days = clues.stage_days(self.ctx.db)
            self.model.layoutChanged.emit()
        super()._on_changes(changes)
        self.on_selected(self.selected_id())

    # --- the stage ---------------------------------------------------------------------

    def on_selected(self, record_id: int | None) -> None:
        if not hasattr(self, "advance_button"):
            return
        row = self.selected_row() if record_id is not None else None
        stage = ClueStage.parse(row["stage"]) if row and row.get("stage") else None
        writable = not self.ctx.readonly
        self.advance_button.setEnabled(writable and stage is not None and stage is not ClueStage.CLOSED)
        self.reopen_button.setEnabled(writable and stage is ClueStage.CLOSED)

    def advance_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None or self.ctx.readonly:
            return
        if ClueStage.parse(row["stage"]) is ClueStage.CLOSED:
            show_user_error(self, UserError("该线索已办结；如需继续办理，请先“撤回办结”。"), "推进阶段")
            return
        dialog = AdvanceDialog(self.ctx, record_id, row, self)
        dialog.exec()
        dialog.deleteLater()

    def reopen_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None or self.ctx.readonly:
            return
        today: date = self.ctx.today
        question = (
            f"撤回该线索的办结，退回“处置”阶段继续办理？\n\n处置期限自{format_cn_date(today)}起重新计算。"
        )
        if not confirm(self, "撤回办结", question):
            return
        run_action(self, lambda: clues.reopen(self.ctx.db, record_id, on=today), title="无法撤回")

    def extend_context_menu(self, menu: QMenu) -> None:
        for button, slot in (
            (self.advance_button, self.advance_selected),
            (self.reopen_button, self.reopen_selected),
        ):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(slot)

    # --- the ledger ----------------------------------------------------------------------

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "clues")
