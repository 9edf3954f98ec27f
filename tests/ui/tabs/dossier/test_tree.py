"""The 廉政档案 tree on a large database: the units come with their counts, and a unit's cadres
are read only when the unit is expanded or one of them is opened."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.ui.tabs.dossier.test_tab import make_tab, office, tree_texts
from wsjc_desktop.services import dossier, records
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.tabs.dossier import DossierTab
from wsjc_desktop.ui.tabs.dossier import tab as dossier_tab  # where EAGER_LIMIT is read

__all__ = ["office"]  # the fixture, shared with the tab's own tests


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The tree reads a unit's cadres only when needed (as beyond EAGER_LIMIT cadres); the
    units whose cadres it read, one list per query."""
    monkeypatch.setattr(dossier_tab, "EAGER_LIMIT", 0)
    calls: list[list[int]] = []
    real = dossier.unit_cadres

    def spy(db: Database, unit_ids: Collection[int] | None = None, **kwargs: Any) -> Any:
        assert unit_ids is not None, "never every unit at once"
        calls.append(sorted(unit_ids))
        return real(db, unit_ids, **kwargs)

    monkeypatch.setattr(dossier, "unit_cadres", spy)
    return calls


def unit_text(tab: DossierTab, unit_id: int) -> str:
    return str(tab.tree_model.index_of_unit(unit_id).data())


def test_only_the_first_unit_is_read_until_another_is_expanded(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], reads: list[list[int]], qtmodeltester: Any
) -> None:
    tab = make_tab(ctx, qtbot)
    model = tab.tree_model
    assert reads == [[office["finance"]]]  # for the first cadre, opened
    assert tab.selected_id() == office["chief"]
    assert tab.tree.isExpanded(model.index_of_unit(office["finance"]))
    education = model.index_of_unit(office["education"])
    assert not model.is_unit_read(office["education"])
    assert education.data() == "教育局（1人）"  # counted all the same
    assert model.hasChildren(education) and model.rowCount(education) == 0
    assert tab.count_label.text() == "共 4 名干部\n档案均已更新"

    tab.tree.expand(education)  # the view fetches the unit's cadres
    qtbot.waitUntil(lambda: model.rowCount(education) == 1)
    assert reads == [[office["finance"]], [office["education"]]]
    assert [model.index(r, 0, education).data() for r in range(model.rowCount(education))] == ["周老师"]
    qtmodeltester.check(model)


def test_expanded_units_stay_expanded_across_a_refresh(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], reads: list[list[int]]
) -> None:
    third = unit(ctx.db, "区统计局", short_name="统计局", sort_order=3)
    cadre(ctx.db, third, "孙统计")
    tab = make_tab(ctx, qtbot)
    tab.tree.expand(tab.tree_model.index_of_unit(office["education"]))
    reads.clear()

    tab.refresh()
    model = tab.tree_model
    assert reads == [sorted([office["finance"], office["education"]])]  # one query for both
    assert tab.tree.isExpanded(model.index_of_unit(office["finance"]))
    assert tab.tree.isExpanded(model.index_of_unit(office["education"]))
    assert not tab.tree.isExpanded(model.index_of_unit(third)) and not model.is_unit_read(third)
    assert model.key(tab.tree.currentIndex()) == ("cadres", office["chief"])


def test_open_record_reads_the_cadres_unit_first(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], reads: list[list[int]]
) -> None:
    tab = make_tab(ctx, qtbot)
    assert tab.open_record(office["teacher"])
    assert reads[-1] == [office["education"]]
    assert tab.tree_model.key(tab.tree.currentIndex()) == ("cadres", office["teacher"])
    assert tab.header.name.text() == "周老师"
    # one created a moment ago, in a unit not read yet
    later = unit(ctx.db, "区卫健委", short_name="卫健委", sort_order=3)
    doctor = cadre(ctx.db, later, "吴医生")
    assert tab.open_record(doctor) and tab.header.name.text() == "吴医生"
    assert not tab.open_record(99999)


def test_changes_to_cadres_of_unread_units_redraw_the_counts_in_place(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], reads: list[list[int]], db: Database
) -> None:
    ctx.today_override = date(2027, 1, 5)  # a new year: every file is due again
    third = unit(db, "区统计局", short_name="统计局", sort_order=3)
    clerk = cadre(db, third, "孙统计")
    tab = make_tab(ctx, qtbot)
    assert unit_text(tab, office["education"]) == "教育局（1人，1份未更新）"
    assert "5 份档案本年度未更新" in tab.count_label.text()
    resets: list[bool] = []
    tab.tree_model.modelReset.connect(lambda: resets.append(True))

    dossier.mark_file_updated(db, office["teacher"], date(2027, 1, 5))
    assert unit_text(tab, office["education"]) == "教育局（1人）"
    assert "4 份档案本年度未更新" in tab.count_label.text()
    assert not resets and not tab.tree_model.is_unit_read(office["education"])

    # moved between two units not read: both counts follow, still in place
    records.update(db, "cadres", office["teacher"], {"unit_id": third})
    assert unit_text(tab, office["education"]) == "教育局（0人）"
    assert unit_text(tab, third) == "统计局（2人，1份未更新）"
    assert not resets

    # moved into a unit read already: the tree is rebuilt
    records.update(db, "cadres", clerk, {"unit_id": office["finance"]})
    assert resets
    assert tree_texts(tab.tree_model)[0] == ("财政局（4人，4份未更新）", ["赵局长", "张三", "李四", "孙统计"])
    assert tab.tree_model.key(tab.tree.currentIndex()) == ("cadres", office["chief"])


def test_the_filter_reads_only_the_matches(
    ctx: AppContext, qtbot: QtBot, office: dict[str, int], reads: list[list[int]]
) -> None:
    third = unit(ctx.db, "区统计局", short_name="统计局", sort_order=3)
    cadre(ctx.db, third, "孙老师")
    tab = make_tab(ctx, qtbot)
    model = tab.tree_model
    reads.clear()
    tab.filter_edit.setText("老师")
    tab.apply_filter()
    assert tree_texts(model) == [("教育局（1/1人）", ["周老师"]), ("统计局（1/1人）", ["孙老师"])]
    assert reads == [] and not model.is_unit_read(office["education"]) and not model.is_unit_read(third)
    assert tab.tree.isExpanded(model.index_of_unit(third))  # few hits: all shown
    assert tab.count_label.text().startswith("共 5 名干部，筛选出 2 名")

    tab.filter_edit.setText("统计")  # found by its name: all its cadres, read when expanded
    tab.apply_filter()
    found = model.index_of_unit(third)
    assert found.data() == "统计局（1/1人）"
    assert tab.tree.isExpanded(found) and reads == [[third]]  # it was expanded a moment ago

    tab.filter_edit.setText("教育")
    tab.apply_filter()
    found = model.index_of_unit(office["education"])
    assert found.data() == "教育局（1/1人）"
    assert not tab.tree.isExpanded(found) and reads == [[third]]  # folded: not read
    tab.tree.expand(found)  # read when the view lays the unit out
    qtbot.waitUntil(lambda: model.rowCount(found) == 1)
    assert reads == [[third], [office["education"]]]

    # the selected cadre stays selected when the filter is cleared
    tab.filter_edit.clear()
    tab.apply_filter()
    assert model.key(tab.tree.currentIndex()) == ("cadres", office["chief"])
