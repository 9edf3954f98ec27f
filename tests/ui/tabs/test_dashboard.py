"""工作台: the first tab; its to-do list opens records, its holiday card sends the 节前廉政提醒,
its charts show the year's work. Real widgets on real SQLite files."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.builders import AGENCY_CODE, cadre, member, unit
from tests.ui.conftest import TODAY
from tests.ui.test_print_preview import no_preview_left_open, when_modal
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import CadreRank, NoticeKind, NoticeStatus
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.print_preview import PrintPreviewDialog
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.tabs.dashboard import DashboardTab, ManualHint
from wsjc_desktop.ui.tabs.dossier import DossierTab
from wsjc_desktop.ui.tabs.notices import HolidayReminderDialog, NoticesTab

#: TODAY is 2026-06-15; the calendar is pinned so the test does not follow the package's estimate.
CALENDAR = {"calendar.2026": {"days_off": [["2026-06-19", "端午节"]]}}  # a Friday: off until Sunday


def dashboard(window: MainWindow, qtbot: QtBot) -> DashboardTab:
    page = window.tabs.widget(0)
    assert isinstance(page, DashboardTab)
    qtbot.waitUntil(lambda: page.is_complete)
    return page


def issued_notice(ctx: AppContext, unit_id: int, deadline: str, issued: str = "2026-06-01") -> int:
    nid = records.create(
        ctx.db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于公务接待超标准的廉情抄告",
            "deadline": deadline,
        },
    )
    notices.issue(ctx.db, nid, issued_on=date.fromisoformat(issued))
    return nid


@pytest.fixture
def work(ctx: AppContext) -> dict[str, int]:
    """Three units under supervision (one out of it), a notice due soon, one overdue, a leader
    with no 述责述廉 this year, and a little work for the charts."""
    settings.set_many(ctx.db, {**CALENDAR, "group.agency_code": AGENCY_CODE})
    ids = {
        "finance": unit(ctx.db, "区财政局", sort_order=1),
        "health": unit(ctx.db, "区卫生健康委员会", short_name="区卫健委", sort_order=2),
        "education": unit(ctx.db, "区教育局", sort_order=3),
    }
    unit(ctx.db, "区档案馆", in_scope=False)
    ids["soon"] = issued_notice(ctx, ids["finance"], "2026-06-18")
    ids["late"] = issued_notice(ctx, ids["health"], "2026-06-10")
    ids["leader"] = cadre(ctx.db, ids["education"], "王局长", is_leader=True, rank=CadreRank.SECTION)
    staff = cadre(ctx.db, ids["finance"], "张三")
    talker = member(ctx.db)
    for day in ("2026-03-05", "2026-03-20", "2026-05-08"):
        records.create(
            ctx.db, "talks", {"held_on": day, "kind": "integrity", "cadre_ids": [staff], "talker_id": talker}
        )
    records.create(
        ctx.db,
        "meetings",
        {"held_on": "2026-04-02", "unit_id": ids["health"], "meeting_type": "party_committee"},
    )
    return ids


def test_the_dashboard_is_the_first_tab_and_lists_what_is_due(
    work: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    assert window.tabs.tabText(0) == "工作台"
    assert window.tabs.currentIndex() == 0  # the default on a first start
    page = dashboard(window, qtbot)
    assert page.item_targets() == [
        ("alert_notices", work["late"]),
        ("alert_notices", work["soon"]),
        ("units", work["education"]),
    ]
    texts = [line.text(0) for line in page.lines()]
    assert texts[0] == "廉情抄告单 驻财纪抄〔2026〕2号 区卫健委 反馈期限 6月10日（已逾期5天）"
    assert texts[1] == "廉情抄告单 驻财纪抄〔2026〕1号 区财政局 反馈期限 6月18日（还有3天）"
    assert texts[2] == "区教育局：1 名班子成员未登记2026年度述责述廉"
    heads = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert heads == ["逾期未反馈（1 份）", "7日内到期（1 份）", "2026年度述责述廉未登记（1 人，1 个单位）"]
    # the window's 新建/编辑/删除/打印/导出 have nothing to do here
    assert not any(
        a.isEnabled() for a in (window.act_new, window.act_delete, window.act_print, window.act_export)
    )


def test_double_click_opens_the_notice_and_enter_opens_the_unit(
    work: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    item = page.find_item("alert_notices", work["soon"])
    assert item is not None
    page.tree.scrollToItem(item)
    rect = page.tree.visualItemRect(item)
    # a real double-click: a press first (QTest's double-click alone opens nothing in item views)
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    notices_tab = window.tabs.currentWidget()
    assert isinstance(notices_tab, NoticesTab)
    assert notices_tab.selected_id() == work["soon"]

    window.show_tab("工作台")
    line = page.find_item("units", work["education"])
    assert line is not None
    page.tree.setCurrentItem(line)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dossier = window.tabs.currentWidget()
    assert isinstance(dossier, DossierTab)
    assert dossier.tree_model.key(dossier.tree.currentIndex()) == ("units", work["education"])
    assert "区教育局：1 名干部" in dossier.placeholder.text()


def test_a_heading_opens_the_notices_register_filtered(
    work: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    head = page.tree.topLevelItem(0)
    assert head is not None
    page.tree.setCurrentItem(head)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    notices_tab = window.tabs.currentWidget()
    assert isinstance(notices_tab, NoticesTab)
    assert notices_tab.filters.status.currentText() == "逾期"
    qtbot.waitUntil(lambda: notices_tab.model.rowCount() == 1)
    assert notices_tab.model.id_at(0) == work["late"]


def test_the_list_follows_changes_and_f5(
    work: dict[str, int], window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    notices.record_feedback(
        ctx.db, work["late"], {"feedback_date": "2026-06-14", "measures": "已退回超标准费用"}
    )
    qtbot.waitUntil(lambda: ("alert_notices", work["late"]) not in page.item_targets()[:1])
    assert page.find_item("alert_notices", work["late"]).text(0).endswith("已反馈，整改未完成")  # type: ignore[union-attr]
    records.create(ctx.db, "duty_reports", {"cadre_id": work["leader"], "year": 2026})
    qtbot.waitUntil(lambda: page.find_item("units", work["education"]) is None)
    # a change made behind the window's back shows after 刷新 (F5)
    with ctx.db.uow() as uow:
        uow.session.get(m.AlertNotice, work["soon"]).deadline = date(2026, 6, 12)  # type: ignore[union-attr]
        uow.commit()
    window.act_refresh.trigger()
    qtbot.waitUntil(lambda: page.is_complete)
    assert page.find_item("alert_notices", work["soon"]).text(0).endswith("（已逾期3天）")  # type: ignore[union-attr]


def test_holiday_card_sends_one_reminder_per_unit_and_previews(
    work: dict[str, int], window: MainWindow, ctx: AppContext, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    card = page.holiday_card
    assert card.headline.text() == "端午节 2026年6月19日（还有4天），放假3天"
    assert card.progress.text() == "节前廉政提醒已发出 0/3 个单位。"
    assert card.button.isEnabled()

    offered: list[tuple[str, int]] = []
    notes: list[str] = []
    errors: list[BaseException] = []

    def confirm(widget: QWidget) -> None:
        assert isinstance(widget, HolidayReminderDialog)
        offered.append(widget.values())
        widget.accept()

    def in_preview(widget: QWidget) -> None:
        assert isinstance(widget, PrintPreviewDialog)
        notes.append(widget.note.text())
        assert widget.page_count >= 3
        widget.close_button.click()

    when_modal(HolidayReminderDialog, confirm, errors)
    when_modal(PrintPreviewDialog, in_preview, errors)
    card.button.click()
    if errors:
        raise errors[0]
    assert offered == [("端午", 2026)]
    assert notes == ["已新发出 3 份，每份均已编发文号。"]
    assert no_preview_left_open()
    assert window.tabs.currentWidget() is page  # the flow runs from here
    with ctx.db.read() as uow:
        made = list(
            uow.session.scalars(
                select(m.AlertNotice).where(m.AlertNotice.kind == NoticeKind.HOLIDAY_REMINDER)
            )
        )
    assert sorted(n.unit_id for n in made) == sorted((work["finance"], work["health"], work["education"]))
    assert all(n.status == NoticeStatus.ISSUED and n.holiday == "端午" and n.issued_on == TODAY for n in made)
    qtbot.waitUntil(lambda: card.progress.text() == "节前廉政提醒已向全部 3 个单位发出。")

    # cancelling the question sends nothing
    when_modal(HolidayReminderDialog, lambda widget: widget.close(), errors)
    card.button.click()
    assert not errors
    with ctx.db.read() as uow:
        assert len(list(uow.session.scalars(select(m.AlertNotice.id)))) == 5


def test_the_notices_tab_offers_the_next_holiday_from_the_calendar(
    work: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    page = window.show_tab("廉情提醒")
    assert isinstance(page, RecordTab) and isinstance(page, NoticesTab)
    offered: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def look(widget: QWidget) -> None:
        assert isinstance(widget, HolidayReminderDialog)
        offered.append(widget.values())
        widget.close()

    when_modal(HolidayReminderDialog, look, errors)
    page.holiday_button.click()
    assert not errors
    assert offered == [("端午", 2026)]


def test_charts_show_the_year_by_month_and_by_unit(
    work: dict[str, int], window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtCharts import QBarSet, QStackedBarSeries

    page = dashboard(window, qtbot)
    monthly, units = page.chart_categories()
    assert monthly == [f"{n}月" for n in range(1, 13)]
    assert units == ["区教育局", "区卫健委", "区财政局"]  # the most work last: drawn on top
    assert page.charts[0].title() == "2026年各月工作量"
    (series,) = page.charts[0].series()
    assert isinstance(series, QStackedBarSeries)
    sets: list[QBarSet] = series.barSets()
    talks = next(s for s in sets if s.label() == "谈话人次")
    assert [talks.at(i) for i in range(12)] == [0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    meetings = next(s for s in sets if s.label() == "列席会议")
    assert meetings.at(3) == 1
    # another year: nothing yet
    page.year.setCurrentIndex(page.year.findData(2025))
    qtbot.waitUntil(lambda: page.is_complete)
    assert page.charts[0].title() == "2025年各月工作量（暂无记录）"


def test_many_units_show_the_top_15(ctx: AppContext, window: MainWindow, qtbot: QtBot) -> None:
    staff = []
    for n in range(20):
        unit_id = unit(ctx.db, f"第{n + 1}单位", sort_order=n)
        staff.append(cadre(ctx.db, unit_id, f"干部{n}"))
    for n, cadre_id in enumerate(staff):
        for _ in range(n % 5):
            records.create(
                ctx.db, "talks", {"held_on": "2026-02-03", "kind": "integrity", "cadre_ids": [cadre_id]}
            )
    page = dashboard(window, qtbot)
    _monthly, units = page.chart_categories()
    assert len(units) == 15
    assert "共20个单位，列出合计最多的15个" in page.charts[1].title()


# --- the first-start hint ----------------------------------------------------------------


def test_a_first_start_shows_where_the_manual_is_and_its_link_asks_for_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    hint = page.manual_hint
    assert hint.isVisible()
    assert "F1" in hint.label.text() and "帮助 → 使用说明" in hint.label.text()
    assert hint.geometry().bottom() < page.splitter.geometry().top()  # a line above the work
    with qtbot.waitSignal(page.help_requested, timeout=1000):
        hint.label.linkActivated.emit("#manual")  # what a click on the link sends


def test_not_shown_again_on_this_pc_after_dismissing_it(
    ctx: AppContext, window: MainWindow, qtbot: QtBot
) -> None:
    page = dashboard(window, qtbot)
    qtbot.mouseClick(page.manual_hint.dismiss_button, Qt.MouseButton.LeftButton)
    assert not page.manual_hint.isVisible()
    assert ManualHint.dismissed()
    # the next start (a new window on the same PC) does not show it
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.dashboard.manual_hint.isHidden()
    assert not again.dashboard.manual_hint.isVisible()
    again.close()
