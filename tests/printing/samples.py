"""Sample values for every slip kind: used by the tests and to render docs/slips/.

Run ``python -m tests.printing.samples`` to (re)render the PNGs in docs/slips/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, time
from pathlib import Path

from wsjc_desktop.printing.values import (
    DossierSection,
    DossierValues,
    MeetingOpinionLine,
    MeetingValues,
    NoticeValues,
    OpinionPerson,
    OpinionReplyValues,
    TalkPerson,
    TalkValues,
)

GROUP = "区纪委监委派驻第一纪检监察组"

PROBLEMS = (
    "一、“三重一大”事项决策程序不规范。2025年第四季度，你单位2项合同金额超过50万元的采购事项"
    "未经党组会集体研究，由分管领导签批后即组织实施。\n"
    "二、公务接待管理不严格。抽查2025年公务接待台账发现，3批次接待无公函，1批次陪餐人数超过规定标准。\n"
    "（一）接待清单填写不完整，未注明接待对象单位及人数。\n"
    "（二）部分报销凭证缺少审批签字，财务审核把关不严。"
)
REQUIREMENTS = (
    "一、对照问题逐项制定整改措施，明确责任领导、责任科室和完成时限。\n"
    "二、修订完善“三重一大”决策制度实施细则，严格执行集体决策程序。\n"
    "三、举一反三，对2025年以来的公务接待开展全面自查，建立健全长效机制。"
)


def notice(**changes: object) -> NoticeValues:
    values: dict[str, object] = {
        "kind": "copy_notice",
        "kind_label": "廉情抄告单",
        "group_name": GROUP,
        "doc_number": "驻一纪抄〔2026〕3号",
        "unit_name": "区财政局党组",
        "title": "关于区财政局公务接待和“三重一大”决策有关问题的廉情抄告单",
        "problems": PROBLEMS,
        "requirements": REQUIREMENTS,
        "deadline": date(2026, 3, 20),
        "issued_on": date(2026, 3, 5),
        "cadre_name": None,
    }
    values.update(changes)
    return NoticeValues(**values)  # type: ignore[arg-type]


def proposal() -> NoticeValues:
    return notice(
        kind="proposal",
        kind_label="纪检监察建议书",
        doc_number="驻一纪建〔2026〕1号",
        title="关于加强政府采购内部控制的纪检监察建议书",
        with_receipt=False,
        deadline=date(2026, 4, 30),
    )


UNITS = (
    "区财政局党组",
    "区教育局党委",
    "区卫生健康局党组",
    "区住房和城乡建设局党组",
    "区审计局党组",
    "区统计局党组",
)


def holiday(seq: int = 1, unit: str = "区财政局党组") -> NoticeValues:
    return NoticeValues(
        kind="holiday_reminder",
        kind_label="节前廉政提醒",
        group_name=GROUP,
        doc_number=f"驻一纪节〔2026〕{seq}号",
        unit_name=unit,
        title="",
        holiday="春节",
        deadline=date(2026, 2, 10),
        issued_on=date(2026, 2, 2),
        with_receipt=False,
    )


def talk(summary_paragraphs: int = 3) -> TalkValues:
    summary = "\n".join(
        f"谈话人指出：王堃同志任区财政局副局长以来，分管政府采购和国库支付工作，岗位廉政风险较高。"
        f"要求其严格执行中央八项规定精神，带头落实“一岗双责”，管好身边工作人员。（第{i}段）"
        for i in range(1, summary_paragraphs + 1)
    )
    return TalkValues(
        group_name=GROUP,
        kind_label="任前谈话",
        held_on=date(2026, 3, 5),
        start_time=time(9, 30),
        end_time=time(10, 20),
        location="区财政局三楼小会议室",
        talker="张建国",
        recorder="李喆",
        persons=(TalkPerson("王堃", "区财政局", "副局长"), TalkPerson("陈珺", "区财政局", "采购科科长")),
        reason="王堃同志新任区财政局副局长，按规定开展任前廉政谈话。",
        summary=summary,
        response="本人表示完全接受组织的提醒，将严格遵守廉洁自律各项规定，管好自己、管好家人、管好身边人。",
        follow_up="三个月后回访，了解分管领域廉政风险防控措施落实情况。",
        handling="谈话提醒",
    )


def meeting() -> MeetingValues:
    return MeetingValues(
        group_name=GROUP,
        unit_name="区财政局党组",
        held_on=date(2026, 3, 12),
        type_label="“三重一大”决策会",
        title="区财政局2026年第3次党组会",
        topics=(
            "1. 研究2026年度政府采购计划。\n2. 研究局机关办公楼维修改造项目。\n3. 研究干部选拔任用有关事项。"
        ),
        major_topic_count=2,
        location="区财政局党组会议室",
        attendees=("张建国", "李喆"),
        opinions=(
            MeetingOpinionLine("维修改造项目应严格执行招投标程序，防止化整为零规避招标。", "王堃", "已落实"),
            MeetingOpinionLine(
                "干部选拔任用要严格执行动议、民主推荐、考察等程序，做好廉政意见征求。",
                "",
                "落实中",
                "下次会议跟踪",
            ),
        ),
        follow_up="会后一周内向局办公室调阅会议纪要，核实意见建议采纳情况。",
    )


def opinion() -> OpinionReplyValues:
    return OpinionReplyValues(
        group_name=GROUP,
        requesting_unit="区委组织部",
        reason_label="提拔",
        persons=(
            OpinionPerson("王堃", "区财政局", "副局长", "未收到问题线索"),
            OpinionPerson("陈珺", "区财政局", "采购科科长", "已了结、不持异议"),
            OpinionPerson("赵立新", "区审计局", "办公室主任", "尚在处置、暂缓提出意见"),
        ),
        doc_number="驻一纪廉〔2026〕5号",
        request_date=date(2026, 3, 1),
        reply_date=date(2026, 3, 6),
    )


def dossier(extra_rows: int = 0) -> DossierValues:
    basics = (
        ("姓名", "王堃"),
        ("性别", "男"),
        ("民族", "汉族"),
        ("出生年月", "1978年6月"),
        ("籍贯", "浙江宁波"),
        ("政治面貌", "中共党员"),
        ("入党时间", "2001年7月"),
        ("参加工作时间", "2000年8月"),
        ("学历", "研究生"),
        ("单位", "区财政局"),
        ("职务", "副局长"),
        ("职级", "处级"),
        ("任现职时间", "2025年12月"),
        ("状态", "在职"),
        ("备注", "2025年12月由区审计局调任，分管政府采购、国库支付和内部审计工作。"),
    )
    family = DossierSection(
        "家庭成员及主要社会关系",
        ("称谓", "姓名", "工作单位及职务", "经商办企业"),
        (
            ("妻子", "刘珺", "区第一中学教师", "否"),
            ("儿子", "王子喆", "学生", "否"),
            ("弟弟", "王垚", "宁波市某贸易有限公司总经理", "是"),
            *((f"亲属{i}", f"某{i}", "某单位职员", "否") for i in range(extra_rows)),
        ),
    )
    reports = DossierSection(
        "个人有关事项报告",
        ("年度", "报告日期", "是否抽查核实", "核实结果"),
        (("2025", "2026年1月20日", "是", "一致"), ("2024", "2025年1月18日", "否", "")),
    )
    duty = DossierSection("述责述廉", ("年度", "评议结果", "备注"), (("2025", "好", ""),))
    opinions = DossierSection(
        "党风廉政意见回复",
        ("回复日期", "来函单位", "事由", "结论"),
        (("2025年11月28日", "区委组织部", "提拔", "未收到问题线索"),),
    )
    discipline = DossierSection("处分及组织处理", ("日期", "类别", "事由", "影响期至"), ())
    clues = DossierSection("问题线索及信访举报", ("受理日期", "来源", "反映问题", "处置方式", "办结情况"), ())
    risks = DossierSection(
        "廉政风险点",
        ("岗位/环节", "风险描述", "防控措施", "等级"),
        (
            (
                "政府采购",
                "采购需求设定倾向特定供应商；化整为零规避公开招标",
                "采购需求集体审定；大额采购提交党组会研究",
                "高",
            ),
        ),
    )
    timeline = tuple(
        (f"2026年{m}月{d}日", k, t)
        for m, d, k, t in (
            (3, 5, "谈话", "任前谈话（张建国、李喆）"),
            (
                3,
                5,
                "廉情提醒",
                "驻一纪抄〔2026〕3号 关于区财政局公务接待和“三重一大”决策有关问题的廉情抄告单",
            ),
            (3, 12, "列席会议", "区财政局2026年第3次党组会：意见建议2条"),
        )
    )
    return DossierValues(
        group_name=GROUP,
        name="王堃",
        unit_name="区财政局",
        basics=basics,
        sections=(family, reports, duty, opinions, discipline, clues, risks),
        timeline=timeline,
        last_updated=date(2026, 3, 12),
        printed_on=date(2026, 3, 15),
    )


def render_all(folder: Path) -> list[Path]:
    """Render every slip kind and write the first page of each (and some further pages) as PNG."""
    from wsjc_desktop.printing import slips

    folder.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, object, tuple[int, ...]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = Path(tmp)
        slips.render_notice(notice(), pdfs / "notice.pdf")
        jobs.append(("notice", pdfs / "notice.pdf", (1,)))
        jobs.append(("receipt", pdfs / "notice.pdf", (2,)))
        short = notice(
            title="关于公务用车使用管理有关问题的廉情抄告单",
            problems="抽查发现，你单位2026年1月至2月公务用车使用登记不完整，5车次未填写用车事由。",
            requirements="",
        )
        slips.render_notice(short, pdfs / "short.pdf")
        jobs.append(("notice-short", pdfs / "short.pdf", (1,)))
        slips.render_notice(proposal(), pdfs / "proposal.pdf")
        jobs.append(("proposal", pdfs / "proposal.pdf", (1,)))
        slips.render_notices([holiday(i, u) for i, u in enumerate(UNITS[:3], 1)], pdfs / "holiday.pdf")
        jobs.append(("holiday", pdfs / "holiday.pdf", (1,)))
        slips.render_talk(talk(6), pdfs / "talk.pdf")
        jobs.append(("talk", pdfs / "talk.pdf", (1, 2)))
        slips.render_meeting(meeting(), pdfs / "meeting.pdf")
        jobs.append(("meeting", pdfs / "meeting.pdf", (1,)))
        slips.render_opinion_reply(opinion(), pdfs / "opinion.pdf")
        jobs.append(("opinion", pdfs / "opinion.pdf", (1,)))
        slips.render_dossier(dossier(), pdfs / "dossier.pdf")
        jobs.append(("dossier", pdfs / "dossier.pdf", (1, 2)))
        long_body = "\n".join([PROBLEMS] * 4)
        slips.render_notice(notice(problems=long_body), pdfs / "long.pdf")
        jobs.append(("notice-long", pdfs / "long.pdf", (2,)))
        written = []
        for name, pdf, pages in jobs:
            for page in pages:
                stem = name if page == 1 or name == "receipt" else f"{name}-page{page}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-singlefile",
                        str(pdf),
                        str(folder / stem),
                    ],
                    check=True,
                )
                written.append(folder / f"{stem}.png")
    return written


if __name__ == "__main__":
    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs" / "slips"
    )
    for path in render_all(target):
        print(path)
