"""At a clue's registration the program names the other clues about the same person or unit:
open ones (not yet 办结, at whatever stage) whenever received, and any of the last three years
(issue 19, point 3)."""

from __future__ import annotations

from datetime import date

from tests.support.builders import cadre, unit
from wsjc_desktop.services import records
from wsjc_desktop.services.clue_checks import earlier_clues
from wsjc_desktop.storage.database import Database


def clue(
    db: Database, received_on: date, stage: str, summary: str, disposal: str = "pending", **about: int
) -> int:
    values = {
        "received_on": received_on,
        "source": "petition",
        "summary": summary,
        "disposal": disposal,
        "stage": stage,
    }
    if stage == "closed":
        values.update(form="none", result="经核实，反映问题不属实。")
    return records.create(db, "clues", {**values, **about})


def test_open_and_recent_clues_about_the_person_or_unit(db: Database) -> None:
    finance, education = unit(db, "区财政局"), unit(db, "区教育局")
    zhang = cadre(db, finance, "张三")
    clue(db, date(2019, 5, 1), "registered", "反映违规兼职取酬", cadre_id=zhang)  # open: shown however old
    # disposed of but not 办结: still open, shown however old (it used to count as closed)
    clue(db, date(2020, 4, 1), "disposing", "反映违规操办婚宴", "preliminary_check", cadre_id=zhang)
    clue(db, date(2021, 5, 1), "closed", "反映公车私用", "closed", cadre_id=zhang)  # 办结, over 3 years: not
    clue(db, date(2025, 3, 2), "closed", "反映收受礼金", "talk_inquiry", unit_id=finance)  # the same unit
    clue(db, date(2025, 6, 1), "closed", "反映违规发放补贴", "closed", unit_id=education)  # another unit: not
    binned = clue(db, date(2026, 1, 5), "registered", "反映违规吃喝", cadre_id=zhang)
    records.delete(db, "clues", binned)  # in the recycle bin: not
    today = date(2026, 6, 15)
    found = earlier_clues(db, zhang, finance, today)
    assert found is not None and found.total == 3 and found.open == 2
    assert found.lines == (
        "2025年3月2日信访举报（谈话函询，已办结）反映收受礼金",
        "2020年4月1日信访举报（初步核实）反映张三，反映违规操办婚宴",
        "2019年5月1日信访举报（待处置）反映张三，反映违规兼职取酬",
    )
    assert found.text.startswith("该反映对象或涉及单位另有问题线索3件，其中2件尚未办结：")
    assert earlier_clues(db, None, education, today) is not None
    assert earlier_clues(db, None, None, today) is None
    own = clue(db, today, "registered", "反映新问题", cadre_id=zhang)
    again = earlier_clues(db, zhang, None, today, exclude_id=own)
    assert again is not None and again.total == 2  # the clue being edited is not its own history


def test_a_clue_closed_over_three_years_ago_is_history_no_longer(db: Database) -> None:
    finance = unit(db, "区财政局")
    clue(db, date(2022, 6, 1), "closed", "反映违规发放津补贴", "closed", unit_id=finance)
    assert earlier_clues(db, None, finance, date(2026, 6, 15)) is None
    again = earlier_clues(db, None, finance, date(2025, 5, 31))
    assert again is not None and again.open == 0 and "尚未办结" not in again.text
