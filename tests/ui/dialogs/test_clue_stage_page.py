"""设置 → 线索期限 (issue 19, point 3): the days each stage of a 问题线索 may take, saved to the
setting ``clues.stage_days``; the register's lights follow them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from tests.support.builders import unit
from wsjc_desktop.domain.problem_rules import Light
from wsjc_desktop.services import clues, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.clue_stage_page import ClueStagePage
from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def dialog(open_dialog: Callable[[type[QWidget]], QWidget]) -> SettingsDialog:
    made = open_dialog(SettingsDialog)
    assert isinstance(made, SettingsDialog)
    return made


def spins(page: ClueStagePage) -> dict[str, QSpinBox]:
    out = {}
    for row in range(page.table.rowCount()):
        spin = page.table.cellWidget(row, 1)
        assert isinstance(spin, QSpinBox)
        out[page.table.item(row, 0).text()] = spin
    return out


def test_the_days_per_stage_are_saved_and_the_lights_follow(dialog: SettingsDialog, ctx: AppContext) -> None:
    page = dialog.clue_stage_page
    dialog.tabs.setCurrentWidget(page)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "线索期限"
    shown = spins(page)
    assert {stage: spin.value() for stage, spin in shown.items()} == {"登记": 7, "研判": 15, "处置": 60}
    assert not page.add_button.isVisible() and not page.remove_button.isVisible()  # the stages are fixed
    assert (shown["登记"].minimum(), shown["登记"].maximum()) == (1, 365)
    note = page.table.cellWidget(0, 2)
    assert isinstance(note, QLabel) and note.text() == "满 4 天亮黄灯，满 8 天亮红灯"
    shown["登记"].setValue(3)
    assert note.text() == "满 2 天亮黄灯，满 4 天亮红灯"
    shown["处置"].setValue(90)
    dialog.grab().save(str(SCREENSHOTS / "settings_clue_stages.png"))
    received = date(2026, 6, 1)
    clue_id = records.create(
        ctx.db,
        "clues",
        {"received_on": received, "source": "petition", "summary": "反映违规吃喝", "disposal": "pending"},
    )
    assert clues.lights(ctx.db, received + timedelta(days=4))[clue_id] is Light.YELLOW  # 7 days: not yet red
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert settings.get(ctx.db, "clues.stage_days") == {"registered": 3, "assessing": 15, "disposing": 90}
    assert clues.lights(ctx.db, received + timedelta(days=4))[clue_id] is Light.RED
    assert clues.lights(ctx.db, received + timedelta(days=2))[clue_id] is Light.YELLOW


def test_back_to_the_defaults(dialog: SettingsDialog, ctx: AppContext) -> None:
    settings.set_many(ctx.db, {"clues.stage_days": {"registered": 10, "assessing": 20, "disposing": 30}})
    dialog.close()
    again = SettingsDialog(ctx)
    try:
        page = again.clue_stage_page
        assert page.value() == {"registered": 10, "assessing": 20, "disposing": 30}  # the stored days
        QTest.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
        assert page.value() == {"registered": 7, "assessing": 15, "disposing": 60}
        assert again.changed_values() == {
            "clues.stage_days": {"registered": 7, "assessing": 15, "disposing": 60}
        }
    finally:
        again.deleteLater()


def test_a_refused_value_is_said_in_chinese_on_the_page(dialog: SettingsDialog, ctx: AppContext) -> None:
    """The spin boxes keep to 1–365; a value from elsewhere (an exchange package, an old file)
    is checked by the settings as well, and the message shows on this page."""
    unit(ctx.db)
    dialog.tabs.setCurrentIndex(0)
    errors = dialog.check({"clues.stage_days": {"registered": 7, "assessing": 400, "disposing": 60}})
    assert errors == {"clues.stage_days": "“研判”阶段的期限须为 1 到 365 之间的整数（天）。"}
    dialog._show_errors(errors)
    page = dialog.clue_stage_page
    assert dialog.tabs.currentWidget() is page
    assert page.error.isVisible() and "1 到 365" in page.error.text()
    spins(page)["研判"].setValue(16)  # editing takes the message away
    assert not page.error.isVisible()
