"""docs/screenshots/inspections_tab.png and problems_tab.png: the 监督检查 and 问题台账 tabs at
1366×768 on the demo data plus a few inspections and the problems they found, each at another
point of its loop (待交办, 已交办, 整改中, 逾期, 已销号).

QT_QPA_PLATFORM=offscreen python scripts/make_loop_screenshots.py
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 6, 15)


def add_loop(db: object) -> tuple[int, int]:
    """The world of the shots; returns the problems to show in the 问题台账 (one closed, one
    overdue)."""
    from wsjc_desktop.domain.enums import InspectionKind, ProblemHandoff
    from wsjc_desktop.services import notices, problems, records
    from wsjc_desktop.storage.database import Database

    assert isinstance(db, Database)
    units = [int(u["id"]) for u in records.list_records(db, "units")][:4]
    members = [int(mb["id"]) for mb in records.list_records(db, "members")]

    def inspection(kind: InspectionKind, day: date, unit_ids: list[int], title: str, **more: object) -> int:
        return records.create(
            db,
            "inspections",
            {
                "kind": kind,
                "started_on": day,
                "unit_ids": unit_ids,
                "title": title,
                "member_ids": members[:2],
                **more,
            },
        )

    def problem(unit_id: int, found: date, text: str, category: str, source: int, **more: object) -> int:
        return records.create(
            db,
            "problems",
            {
                "found_on": found,
                "unit_id": unit_id,
                "description": text,
                "category": category,
                "severity": more.pop("severity", "minor"),
                "source": "inspection",
                "inspection_id": source,
                **more,
            },
        )

    reception = inspection(
        InspectionKind.SPECIAL,
        date(2026, 4, 8),
        [units[0]],
        "公务接待和会议费管理专项检查",
        methods="查阅资料、个别谈话",
        findings="抽查2025年以来公务接待报销凭证126份，发现无公函接待、超标准接待等问题3个。",
    )
    drinking = inspection(
        InspectionKind.UNANNOUNCED,
        date(2026, 5, 12),
        [units[1], units[2]],
        "工作日午间饮酒明察暗访",
        methods="实地检查",
        findings="对机关周边餐馆开展暗访，发现1名干部工作日午间饮酒。",
    )
    cars = inspection(
        InspectionKind.ALERT_CHECK,
        date(2026, 5, 20),
        [units[3]],
        "公车监管平台非工作时间用车预警核查",
        methods="电话核实、查阅资料",
        alert_source="公车监管",
        alert_result="partly",
        findings="预警5条，经核查2条属实：节假日公车停放在干部住所。",
    )
    inspection(
        InspectionKind.RECTIFICATION,
        date(2026, 6, 3),
        [units[0]],
        "区委巡察反馈问题整改月度监督（6月）",
        methods="查阅资料、个别谈话",
        findings="巡察反馈问题12个，已完成整改9个，其余3个按期推进。",
    )
    inspection(
        InspectionKind.STATIONED,
        date(2026, 6, 9),
        [units[1]],
        "政府采购项目驻点监督",
        methods="实地检查、列席会议",
    )

    closed = problem(units[0], date(2026, 4, 8), "公务接待无公函、超标准接待", "eight_rules", reception)
    notice = problems.notice_for(db, closed, today=date(2026, 4, 10))
    notices.issue(db, notice, issued_on=date(2026, 4, 10))
    notices.record_feedback(
        db,
        notice,
        {"feedback_date": date(2026, 4, 24), "measures": "已责令退还超标准费用", "status": "in_progress"},
    )
    notices.record_feedback(
        db,
        notice,
        {"feedback_date": date(2026, 5, 6), "measures": "修订公务接待管理办法并组织学习", "status": "done"},
    )
    problems.close(
        db,
        closed,
        closed_on=date(2026, 5, 12),
        member_id=members[0],
        note="经查阅凭证和制度文件，整改到位，同意销号。",
    )

    rectifying = problem(units[0], date(2026, 4, 8), "会议费列支培训费用、无会议通知", "finance", reception)
    notice = problems.notice_for(db, rectifying, today=date(2026, 6, 1))
    notices.issue(db, notice, issued_on=date(2026, 6, 1))
    notices.record_feedback(
        db,
        notice,
        {
            "feedback_date": date(2026, 6, 10),
            "measures": "正在逐笔清理会议费报销凭证",
            "status": "in_progress",
        },
    )
    problem(units[0], date(2026, 4, 8), "接待清单填写不完整", "eight_rules", reception)

    drinker = problem(
        units[1], date(2026, 5, 12), "一名干部工作日午间饮酒", "conduct", drinking, severity="serious"
    )
    talk = records.create(
        db,
        "talks",
        {
            "held_on": date(2026, 5, 14),
            "kind": "reminder",
            "cadre_ids": [int(c["id"]) for c in records.list_records(db, "cadres")][:1],
            "reason": "工作日午间饮酒提醒谈话",
        },
    )
    problems.hand_off(db, drinker, ProblemHandoff.TALK, talk, handed_on=date(2026, 5, 14))

    late = problem(units[3], date(2026, 5, 20), "节假日公车停放在干部住所", "conduct", cars)
    notice = problems.notice_for(db, late, today=date(2026, 5, 22), deadline=date(2026, 6, 5))
    notices.issue(db, notice, issued_on=date(2026, 5, 22))
    problem(units[3], date(2026, 5, 20), "公车使用登记不规范", "conduct", cars)
    return closed, late


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.app import setup_application
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow
    from wsjc_desktop.ui.tabs.inspections import InspectionsTab
    from wsjc_desktop.ui.tabs.problems import ProblemsTab

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WSJC_DATA_DIR"] = str(Path(tmp) / "data")
        db = open_database(Path(tmp) / "demo.db")
        generate_demo(db, seed=7, today=TODAY)
        shown, overdue = add_loop(db)
        app = setup_application()
        assert isinstance(app, QApplication)
        ctx = AppContext.create(db)
        ctx.today_override = TODAY
        window = MainWindow(ctx)
        window.resize(1366, 768)
        window.show()

        def settle() -> None:
            for _ in range(10):
                app.processEvents()

        page = window.show_tab(InspectionsTab.tab_title)
        assert isinstance(page, InspectionsTab)
        settle()
        page.select_id(page.model.ids[-1])  # the 专项监督检查 with its three problems
        settle()
        window.grab().save(str(OUT / "inspections_tab.png"))
        problems_page = window.show_tab(ProblemsTab.tab_title)
        assert isinstance(problems_page, ProblemsTab)
        settle()
        problems_page.select_id(shown)
        settle()
        window.grab().save(str(OUT / "problems_tab.png"))
        problems_page.select_id(overdue)
        settle()
        window.grab().save(str(OUT / "problems_tab_overdue.png"))
        print("docs/screenshots/: inspections_tab.png, problems_tab.png, problems_tab_overdue.png")
        window.close()
        ctx.hub.close()
        db.dispose()


if __name__ == "__main__":
    main()
