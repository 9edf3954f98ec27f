"""A window opened read-only (a file held elsewhere, read-only media, a network share) offers no
write in its record panels: 添加 and 删除 are off with the reason as a tooltip, 编辑 becomes 查看,
and the Delete key deletes nothing. Before, the dossier's section buttons stayed on and a click
was refused only when it reached the database (issue 15's leftover)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from wsjc_desktop.domain.fields import CADRE, spec_for
from wsjc_desktop.services import records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import READ_ONLY_TIP, RecordListPanel
from wsjc_desktop.ui.tabs.dossier.sections import AttachmentsPanel, SectionPanel


@pytest.fixture
def read_only(ctx: AppContext) -> Iterator[tuple[AppContext, int, int]]:
    unit_id = unit(ctx.db, "区财政局")
    cadre_id = cadre(ctx.db, unit_id, "张三")
    records.create(ctx.db, "family_members", {"cadre_id": cadre_id, "relation": "配偶", "name": "李丽"})
    ctx.db.readonly = True
    yield ctx, unit_id, cadre_id
    ctx.db.readonly = False


def test_a_read_only_panel_only_shows(read_only: tuple[AppContext, int, int], qtbot: QtBot) -> None:
    ctx, unit_id, _cadre_id = read_only
    panel = RecordListPanel(ctx, CADRE, title="本单位干部")
    qtbot.addWidget(panel)
    panel.set_parent_values({"unit_id": unit_id})
    assert panel.model.rowCount() == 1
    assert not panel.add_button.isEnabled() and not panel.delete_button.isEnabled()
    assert panel.add_button.toolTip() == READ_ONLY_TIP
    assert panel.edit_button.isEnabled() and panel.edit_button.text() == "查看"
    panel.view.selectRow(0)
    panel.delete()  # what the Delete key calls: no question, nothing moved to the bin
    assert records.count(ctx.db, "cadres") == 1


def test_the_dossier_sections_of_a_read_only_file(
    read_only: tuple[AppContext, int, int], qtbot: QtBot
) -> None:
    ctx, unit_id, cadre_id = read_only
    family = SectionPanel(ctx, spec_for("family_members"))
    files = AttachmentsPanel(ctx)
    for panel in (family, files):
        qtbot.addWidget(panel)
        panel.show_cadre(cadre_id, unit_id)
        assert not panel.add_button.isEnabled() and not panel.delete_button.isEnabled()
        assert panel.edit_button.isEnabled()
    assert family.model.rowCount() == 1 and family.edit_button.text() == "查看"
    assert files.edit_button.text() == "打开" and files.save_button.isEnabled()  # reading is fine
    files.add()  # no file chooser: nothing can be added
    assert records.count(ctx.db, "attachments") == 0


def test_a_writable_panel_is_as_before(ctx: AppContext, qtbot: QtBot) -> None:
    unit_id = unit(ctx.db, "区财政局")
    panel = RecordListPanel(ctx, CADRE)
    qtbot.addWidget(panel)
    panel.set_parent_values({"unit_id": unit_id})
    assert panel.add_button.isEnabled() and panel.delete_button.isEnabled()
    assert panel.edit_button.text() == "编辑" and panel.add_button.toolTip() == ""
