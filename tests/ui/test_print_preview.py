"""打印 in the window: the preview, 另存为, printing to a (PDF) printer, and 节前提醒 in bulk."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.builders import AGENCY_CODE, agency_code, cadre, member, unit
from tests.ui.conftest import TODAY
from tests.ui.modal import answer_modals, click_accept, message_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.print_preview import PrintPreviewDialog
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.tabs.notices import HolidayReminderDialog, NoticesTab

#: Set to a PNG path to keep a picture of the preview (to look at it).
SCREENSHOT = os.environ.get("WSJC_PREVIEW_SCREENSHOT")


def when_modal(kind: type[QWidget], handler: Callable[[QWidget], None], errors: list[BaseException]) -> None:
    """Run ``handler`` on the first modal window of ``kind`` that opens (others, such as a
    progress dialog, are let be). A failing handler closes the window so the test cannot hang."""

    def check(tries: int = 0) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            try:
                handler(widget)
            except BaseException as exc:
                errors.append(exc)
                widget.close()
            return
        if tries < 3000:
            QTimer.singleShot(10, lambda: check(tries + 1))

    QTimer.singleShot(0, check)


def show(window: MainWindow, title: str, qtbot: QtBot) -> RecordTab:
    page = window.show_tab(title)
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    return page


def no_preview_left_open() -> bool:
    return not any(
        isinstance(w, PrintPreviewDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


@pytest.fixture
def issued(ctx: AppContext) -> tuple[int, str]:
    group = {"group.name": "区纪委监委派驻第二纪检监察组", "group.agency_code": AGENCY_CODE}
    settings.set_many(ctx.db, group)
    unit_id = unit(ctx.db, "区人力资源和社会保障局", short_name="人社局")
    notice_id = records.create(
        ctx.db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于社保基金支付审核不严问题的廉情抄告",
            "problems": "一、个别支付未经复核。\n二、审核记录不完整。",
            "requirements": "请于15日内整改并报送整改情况。",
            "deadline": date(2026, 6, 30),
        },
    )
    return notice_id, notices.issue(ctx.db, notice_id, issued_on=TODAY)


def test_print_a_notice_previews_saves_and_closes(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    issued: tuple[int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notice_id, number = issued
    export = tmp_path / "exports"
    export.mkdir()
    settings.set_many(ctx.db, {"folders.export": str(export)})
    page = show(window, "廉情提醒", qtbot)
    assert page.select_id(notice_id)
    assert window.act_print.isEnabled()

    asked: list[str] = []

    def save_name(_parent: QWidget, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(export / "抄告单"), "PDF 文件 (*.pdf)"  # no suffix typed: .pdf is added

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    seen: dict[str, object] = {}
    errors: list[BaseException] = []

    def in_preview(widget: QWidget) -> None:
        assert isinstance(widget, PrintPreviewDialog)
        seen["pages"] = widget.document.pageCount()
        seen["title"] = widget.windowTitle()
        widget.resize(900, 1000)
        qtbot.waitUntil(lambda: widget.view.isVisible())
        if SCREENSHOT:
            qtbot.wait(200)
            widget.grab().save(SCREENSHOT)
        widget.save_button.click()
        widget.close_button.click()

    when_modal(PrintPreviewDialog, in_preview, errors)
    window.act_print.trigger()
    if errors:
        raise errors[0]
    assert isinstance(seen["pages"], int) and seen["pages"] >= 1
    assert seen["title"] == f"打印预览 — 廉情抄告单 {number}"
    assert asked and Path(asked[0]).parent == export and asked[0].endswith(".pdf")
    saved = export / "抄告单.pdf"
    with pdfplumber.open(saved) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert number in text and "区人力资源和社会保障局" in text
    assert no_preview_left_open()
    with ctx.db.read() as uow:  # the print went to the audit log
        assert uow.session.scalar(select(m.AuditEntry.summary).where(m.AuditEntry.action == "print")) == (
            f"打印廉情抄告单 {number}"
        )


def test_pages_go_to_a_printer_and_to_the_system_reader(
    ctx: AppContext, qtbot: QtBot, issued: tuple[int, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from wsjc_desktop.services import printing

    source = tmp_path / "source.pdf"
    printing.print_notice(ctx.db, issued[0], source)
    dialog = PrintPreviewDialog(source, title="测试", ctx=ctx)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert dialog.print_document(printer) == dialog.page_count >= 1
    with pdfplumber.open(printed) as pdf:
        assert len(pdf.pages) == dialog.page_count
        width, height = pdf.pages[0].width, pdf.pages[0].height
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4

    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    assert dialog.open_external()
    assert opened == [str(source)]
    dialog.document.close()


def test_nothing_selected_asks_for_a_selection(window: MainWindow, qtbot: QtBot, issued: object) -> None:
    show(window, "廉情提醒", qtbot)
    texts: list[str] = []

    def read(box: QWidget) -> None:
        texts.append(message_text(box))
        click_accept(box)

    answer_modals(read)
    window.act_print.trigger()
    assert texts == ["请先在列表中选择要打印的廉情提醒。"]
    assert no_preview_left_open()


def test_unprintable_text_is_a_message_not_a_preview(
    window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    unit_id = unit(ctx.db, "区城管局")
    notice_id = records.create(
        ctx.db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": "关于\U000f0000的提醒"}
    )
    page = show(window, "廉情提醒", qtbot)
    assert page.select_id(notice_id)
    shown: list[tuple[str, str]] = []

    def read(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append((box.windowTitle(), box.text()))
        click_accept(box)

    answer_modals(read)
    window.act_print.trigger()
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "无法打印" and "U+F0000" in text.upper()
    assert no_preview_left_open()


@pytest.mark.parametrize("title", ["谈话记录", "列席会议", "廉政档案"])
def test_talks_meetings_and_dossiers_print(
    window: MainWindow, ctx: AppContext, qtbot: QtBot, title: str
) -> None:
    unit_id = unit(ctx.db, "区退役军人事务局")
    person = cadre(ctx.db, unit_id, "马卫东", position="局长")
    attendee = member(ctx.db, "李明")
    talk_id = records.create(
        ctx.db, "talks", {"kind": "integrity", "held_on": TODAY, "cadre_ids": [person], "talker_id": attendee}
    )
    meeting_id = records.create(
        ctx.db,
        "meetings",
        {"held_on": TODAY, "unit_id": unit_id, "meeting_type": "party_committee", "attendee_ids": [attendee]},
    )
    page = window.show_tab(title)
    if isinstance(page, RecordTab):
        qtbot.waitUntil(lambda: page.is_loaded)
        assert page.select_id(talk_id if title == "谈话记录" else meeting_id)
    else:
        assert page.open_record(person)  # type: ignore[attr-defined]
    pages: list[int] = []
    errors: list[BaseException] = []

    def in_preview(widget: QWidget) -> None:
        assert isinstance(widget, PrintPreviewDialog)
        pages.append(widget.page_count)
        widget.close_button.click()

    when_modal(PrintPreviewDialog, in_preview, errors)
    window.act_print.trigger()
    qtbot.waitUntil(lambda: bool(pages) or bool(errors))
    if errors:
        raise errors[0]
    assert pages[0] >= 1
    assert no_preview_left_open()


def test_holiday_reminders_from_the_notices_tab(window: MainWindow, ctx: AppContext, qtbot: QtBot) -> None:
    agency_code(ctx.db)
    names = ("区科学技术局", "区生态环境局", "区应急管理局")
    for n, name in enumerate(names):
        unit(ctx.db, name, sort_order=n)
    page = show(window, "廉情提醒", qtbot)
    assert isinstance(page, NoticesTab)
    notes: list[str] = []
    pages: list[int] = []
    errors: list[BaseException] = []

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, HolidayReminderDialog)
        assert widget.holiday.findText("端午") >= 0
        widget.holiday.setCurrentText("端午")
        widget.year.setValue(2026)
        widget.accept()

    def in_preview(widget: QWidget) -> None:
        assert isinstance(widget, PrintPreviewDialog)
        notes.append(widget.note.text())
        pages.append(widget.page_count)
        widget.close_button.click()

    when_modal(HolidayReminderDialog, choose, errors)
    when_modal(PrintPreviewDialog, in_preview, errors)
    page.holiday_button.click()
    if errors:
        raise errors[0]
    assert notes == ["已新发出 3 份，每份均已编发文号。"]
    assert pages[0] >= 3
    with ctx.db.read() as uow:
        made = list(
            uow.session.scalars(
                select(m.AlertNotice).where(m.AlertNotice.kind == NoticeKind.HOLIDAY_REMINDER)
            )
        )
    assert len(made) == 3
    assert {n.doc_number for n in made} == {f"驻财纪节〔2026〕{i}号" for i in (1, 2, 3)}
    assert all(n.status == NoticeStatus.ISSUED and n.issued_on == TODAY for n in made)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)  # the register follows the change
    assert no_preview_left_open()

    # cancelling the question does nothing
    def cancel(widget: QWidget) -> None:
        widget.close()

    when_modal(HolidayReminderDialog, cancel, errors)
    page.holiday_button.click()
    assert not errors
    with ctx.db.read() as uow:
        assert len(list(uow.session.scalars(select(m.AlertNotice.id)))) == 3
