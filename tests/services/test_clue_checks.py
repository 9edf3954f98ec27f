"""At a clue's registration the program names the other clues about the same person or unit:
open ones whenever received, and any of the last three years (issue 19, point 3)."""

from __future__ import annotations

from datetime import date

from tests.support.builders import cadre, unit
from wsjc_desktop.services import records
from wsjc_desktop.services.clue_checks import earlier_clues
from wsjc_desktop.storage.database import Database


def clue(db: Database, received_on: date, disposal: str, summary: str, **about: int) -> int:
    values = {"received_on": received_on, "source": "petition", "summary": summary, "disposal": disposal}
    return records.create(db, "clues", {**values, **about})


def test_open_and_recent_clues_about_the_person_or_unit(db: Database) -> None:
    finance, education = unit(db, "区财政局"), unit(db, "区教育局")
    zhang = cadre(db, finance, "张三")
    clue(db, date(2019, 5, 1), "pending", "反映违规兼职取酬", cadre_id=zhang)  # open: shown however old
    clue(db, date(2021, 5, 1), "closed", "反映公车私用", cadre_id=zhang)  # closed, over 3 years: not
    clue(db, date(2025, 3, 2), "talk_inquiry", "反映收受礼金", unit_id=finance)  # the same unit
    clue(db, date(2025, 6, 1), "closed", "反映违规发放补贴", unit_id=education)  # another unit: not
    binned = clue(db, date(2026, 1, 5), "pending", "反映违规吃喝", cadre_id=zhang)
    records.delete(db, "clues", binned)  # in the recycle bin: not
    today = date(2026, 6, 15)
    found = earlier_clues(db, zhang, finance, today)
    assert found is not None and found.total == 2 and found.open == 1
    assert found.lines == (
        "2025年3月2日信访举报（谈话函询）反映收受礼金",
        "2019年5月1日信访举报（待处置）反映张三，反映违规兼职取酬",
    )
    assert found.text.startswith("该反映对象或涉及单位另有问题线索2件，其中1件尚待处置：")
    assert earlier_clues(db, None, education, today) is not None
    assert earlier_clues(db, None, None, today) is None
    own = clue(db, today, "pending", "反映新问题", cadre_id=zhang)
    again = earlier_clues(db, zhang, None, today, exclude_id=own)
    assert again is not None and again.total == 1  # the clue being edited is not its own history
