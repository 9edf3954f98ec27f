"""首次使用's first page: the group's 机关代字, checked as it is typed, and the first 文号 of
every kind previewed from it, driven through the real widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from tests.support.builders import unit
from tests.ui.modal import type_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import NoticeKind
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.login_dialog import ERROR_STYLE
from wsjc_desktop.ui.dialogs.setup_wizard import SetupWizard

GROUP = "区纪委监委驻区财政局纪检监察组"
#: The first number of each kind for 驻财纪 in 2026, written out by hand.
FIRST_NUMBERS = {
    NoticeKind.COPY_NOTICE: "驻财纪抄〔2026〕1号",
    NoticeKind.REMINDER_LETTER: "驻财纪提〔2026〕1号",
    NoticeKind.PROMPT_LETTER: "驻财纪示〔2026〕1号",
    NoticeKind.PROPOSAL: "驻财纪建〔2026〕1号",
    NoticeKind.HOLIDAY_REMINDER: "驻财纪节〔2026〕1号",
}
NOT_YET = "（填写机关代字后显示）"
PLACEHOLDER_REFUSED = "机关代字不能含占位符“X”，请填写本组实际的机关代字，如 驻财纪。"


@pytest.fixture
def wizard(ctx: AppContext, qtbot: QtBot) -> SetupWizard:
    dialog = SetupWizard(ctx.db, year=2026)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def preview_labels(wizard: SetupWizard) -> dict[NoticeKind, QLabel]:
    out = {}
    for kind in NoticeKind:
        label = wizard.findChild(QLabel, f"setup_preview_{kind.value}")
        assert isinstance(label, QLabel), kind
        out[kind] = label
    return out


def previews(wizard: SetupWizard) -> dict[NoticeKind, str]:
    return {kind: label.text() for kind, label in preview_labels(wizard).items()}


def preview_styles(wizard: SetupWizard) -> set[str]:
    return {label.styleSheet() for label in preview_labels(wizard).values()}


def retype(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.clear()
    type_text(edit, text)


def test_the_first_number_of_every_kind_follows_the_code_as_it_is_typed(wizard: SetupWizard) -> None:
    assert wizard.agency_code.text() == ""  # the placeholder “驻X纪” of a fresh file is not offered
    assert all(label.isVisible() for label in preview_labels(wizard).values())
    assert previews(wizard) == dict.fromkeys(NoticeKind, NOT_YET)
    wizard.agency_code.setFocus()
    seen = []
    for ch in "驻财纪":
        type_text(wizard.agency_code, ch)
        seen.append(previews(wizard)[NoticeKind.PROPOSAL])
        assert not wizard.agency_code_error.isVisible()  # a code still being typed is not wrong yet
    assert seen == ["驻建〔2026〕1号", "驻财建〔2026〕1号", "驻财纪建〔2026〕1号"]
    assert previews(wizard) == FIRST_NUMBERS
    assert ERROR_STYLE not in preview_styles(wizard)
    for _ in range(3):
        QTest.keyClick(wizard.agency_code, Qt.Key.Key_Backspace)
    assert previews(wizard) == dict.fromkeys(NoticeKind, NOT_YET)


def test_a_bad_code_is_said_beside_it_at_once_and_keeps_the_first_page(
    ctx: AppContext, wizard: SetupWizard
) -> None:
    wizard.next_button.click()  # nothing filled in: both inputs say so
    assert wizard.pages.currentIndex() == 0
    assert wizard.group_error.isVisible() and wizard.group_error.text() == "请填写纪检监察组名称。"
    assert wizard.agency_code_error.isVisible() and wizard.agency_code_error.text() == "请填写机关代字。"
    retype(wizard.group_name, GROUP)
    retype(wizard.agency_code, "驻X")  # the placeholder is refused while typing, before 下一步
    assert wizard.agency_code_error.isVisible() and wizard.agency_code_error.text() == PLACEHOLDER_REFUSED
    type_text(wizard.agency_code, "纪")
    assert previews(wizard)[NoticeKind.COPY_NOTICE] == "驻X纪抄〔2026〕1号"
    assert preview_styles(wizard) == {ERROR_STYLE}
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 0 and not wizard.group_error.isVisible()
    assert wizard.agency_code_error.text() == PLACEHOLDER_REFUSED
    for typed, message in (
        ("驻财 纪", "机关代字中不能有空格。"),
        ("驻财纪〔", "机关代字中不能有“〔〕”等括号：年份的括号由文号模板加上。"),
        ("驻" + "财" * 9 + "纪", "机关代字应为 2 到 10 个字。"),
    ):
        retype(wizard.agency_code, typed)
        assert wizard.agency_code_error.isVisible() and wizard.agency_code_error.text() == message, typed
        wizard.next_button.click()
        assert wizard.pages.currentIndex() == 0, typed
    retype(wizard.agency_code, "驻财纪")
    assert not wizard.agency_code_error.isVisible()
    assert ERROR_STYLE not in preview_styles(wizard)
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 1
    assert settings.get(ctx.db, "group.agency_code") == "驻X纪"  # nothing is stored before 完成


def test_a_code_already_in_the_file_is_offered(ctx: AppContext, qtbot: QtBot) -> None:
    settings.set_many(ctx.db, {"group.agency_code": "驻审纪"})  # a file from before logins
    dialog = SetupWizard(ctx.db, year=2026)
    qtbot.addWidget(dialog)
    assert dialog.agency_code.text() == "驻审纪"
    assert previews(dialog)[NoticeKind.COPY_NOTICE] == "驻审纪抄〔2026〕1号"


def test_the_numbers_previewed_are_the_numbers_then_issued(ctx: AppContext, qtbot: QtBot) -> None:
    """A file from before logins may have numbered already and have a kind's own prefix or
    template: the preview shows what issuing will give, kind by kind, and 完成 stores the code."""
    db = ctx.db
    with db.uow() as uow:  # four 廉情抄告单 numbered this year by an earlier version
        uow.session.add(m.DocSequence(kind=NoticeKind.COPY_NOTICE, year=2026, last_seq=4))
        uow.commit()
    settings.set_many(
        db,
        {
            settings.prefix_key(NoticeKind.PROPOSAL): "驻财纪建议",
            settings.template_key(NoticeKind.REMINDER_LETTER): "{prefix}函〔{year}〕第{seq}号",
        },
    )
    dialog = SetupWizard(db, year=2026)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert previews(dialog)[NoticeKind.PROPOSAL] == "驻财纪建议〔2026〕1号"  # its own prefix: no code needed
    dialog.group_name.setText(GROUP)
    dialog.agency_code.setFocus()
    type_text(dialog.agency_code, "驻财纪")
    shown = previews(dialog)
    assert shown == {
        **FIRST_NUMBERS,
        NoticeKind.COPY_NOTICE: "驻财纪抄〔2026〕5号",
        NoticeKind.REMINDER_LETTER: "驻财纪提函〔2026〕第1号",
        NoticeKind.PROPOSAL: "驻财纪建议〔2026〕1号",
    }
    dialog.next_button.click()
    row = dialog.rows[0]
    type_text(row.name, "王建国")
    for edit in (row.password, row.confirm):
        edit.setFocus()
        QTest.keyClicks(edit, "jianguo-1")
    dialog.finish_button.click()
    assert dialog.result() == 1 and dialog.member_id is not None
    assert settings.get(db, "group.name") == GROUP
    assert settings.get(db, "group.agency_code") == "驻财纪"
    unit_id = unit(db)
    for kind, number in shown.items():
        draft = records.create(
            db, "alert_notices", {"kind": kind, "unit_id": unit_id, "title": "关于预览的提醒"}
        )
        assert notices.issue(db, draft, issued_on=date(2026, 3, 2)) == number
