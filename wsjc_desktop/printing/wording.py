"""Every fixed text printed on a slip, in one place per slip kind.

Edit the wording here; the layouts never spell out a sentence themselves. Placeholders in
braces are filled in when printing: {deadline}, {holiday}, {year}, {cadre}, {doc_number},
{names}, {reason}, {date}, {count}, {start}, {end}, and {label}: a field's label.

The labels of a record's fields (谈话人, 会议地点 …) are not here: they come from the field
spec (:mod:`wsjc_desktop.domain.fields`, ``Field.print_label``), like the table's columns and
the form's inputs, so a label is written once.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT_NUMBER = "（草稿）"  # printed where a draft has no 文号 yet


@dataclass(frozen=True)
class NoticeWording:
    """廉情抄告单 / 廉政提醒函 / 提示函 / 纪检监察建议书."""

    lead: str  # before the problems found
    requirements_lead: str  # before the requirements
    deadline: str  # {deadline}
    closing: str = ""
    cadre_line: str = "{label}：{cadre}同志。"  # {label}: the notice's cadre field
    #: Level-1 section headings (黑体); empty: the body runs on without them.
    problems_heading: str = ""
    requirements_heading: str = ""
    deadline_heading: str = ""


NOTICE_WORDING: dict[str, NoticeWording] = {
    "copy_notice": NoticeWording(
        lead="经监督检查发现，你单位存在以下问题：",
        requirements_lead="针对上述问题，请你单位认真研究，切实抓好整改：",
        deadline="请于{deadline}前将整改情况书面反馈我组。",
        closing="特此抄告。",
    ),
    "reminder_letter": NoticeWording(
        lead="我组在日常监督中了解到以下情况，现予以提醒：",
        requirements_lead="请你单位高度重视，认真落实以下要求：",
        deadline="请于{deadline}前将落实情况书面反馈我组。",
        closing="特此提醒。",
    ),
    "prompt_letter": NoticeWording(
        lead="经日常监督，我组发现以下需要引起重视的情况：",
        requirements_lead="请你单位对照检查，做好以下工作：",
        deadline="请于{deadline}前将有关情况书面反馈我组。",
        closing="特此函告。",
    ),
    "proposal": NoticeWording(
        lead="我组在监督检查中发现，你单位存在以下问题：",
        requirements_lead="为堵塞漏洞、健全制度、规范管理，根据有关规定，现提出如下纪检监察建议：",
        deadline="请于{deadline}前将建议落实情况书面反馈我组。",
        closing="",
        problems_heading="一、基本情况及存在的问题",
        requirements_heading="二、纪检监察建议",
        deadline_heading="三、有关要求",
    ),
}


@dataclass(frozen=True)
class HolidayWording:
    """节前廉政提醒: {holiday} (春节, 中秋 …) and {year} are filled in."""

    title: str = "关于{year}年{holiday}期间严守廉洁纪律的提醒"  # when the notice has no title
    lead: str = (
        "{holiday}将至，为深入贯彻落实中央八项规定及其实施细则精神，持续纠治“四风”，"
        "确保{holiday}期间风清气正，现就有关事项提醒如下："
    )
    items: tuple[str, ...] = (
        "一、严守政治纪律和政治规矩。坚决执行党的路线方针政策和上级决策部署，做好节日期间值班值守和应急处置工作。",
        "二、严防“四风”问题反弹回潮。严禁违规收送礼品礼金、消费卡券和土特产，严禁违规公款吃喝、"
        "违规发放津贴补贴，严禁公车私用、私车公养，严禁借操办婚丧喜庆事宜敛财。",
        "三、严格执行廉洁自律各项规定。不得接受可能影响公正执行公务的宴请和娱乐活动，"
        "不得出入私人会所，不得参与赌博。",
        "四、压实管党治党政治责任。主要负责同志要切实履行第一责任人职责，班子成员落实“一岗双责”，"
        "在节前对本单位党员干部开展一次廉政提醒。",
    )  # printed when the notice carries no requirements of its own
    closing: str = (
        "我组将通过明察暗访、受理举报等方式加强节日期间监督检查，对顶风违纪问题从严查处、点名道姓通报曝光。"
    )
    deadline: str = "请于{deadline}前将节前廉政教育开展情况书面反馈我组。"


HOLIDAY_WORDING = HolidayWording()


@dataclass(frozen=True)
class ReceiptWording:
    """The tear-off 回执 below a notice."""

    cut_line: str = "✂ 沿此线剪下"
    title: str = "回　执"
    doc_line: str = "文号：{doc_number}"
    unit: str = "签收单位"
    person: str = "签收人"
    date: str = "签收日期"
    date_blank: str = "年　　月　　日"
    rectification: str = "整改情况"
    rectification_note: str = "（可另附页）"
    seal: str = "（盖章）"  # on the 签收单位 line: the unit seals what it signs for


RECEIPT_WORDING = ReceiptWording()


@dataclass(frozen=True)
class SignatureWording:
    """The group's signature below a letter (name, then the date)."""


SIGNATURE_WORDING = SignatureWording()


@dataclass(frozen=True)
class RecordWording:
    """The 版记 at the foot of a letter's last page (GB/T 9704 §7.4)."""

    copy_to: str = "抄送：{names}。"
    printed: str = "{date}印发"


RECORD_WORDING = RecordWording()


@dataclass(frozen=True)
class TalkWording:
    """谈话记录 (a ruled form)."""

    title: str = "谈话记录"
    time_range: str = "{start}至{end}"
    signature: str = "{label}签字"  # {label}: 谈话人, 谈话对象, 记录人 (the talk's fields)
    sign_date: str = "签字日期"
    date_blank: str = "年　　月　　日"
    none: str = "无"


TALK_WORDING = TalkWording()


@dataclass(frozen=True)
class MeetingWording:
    """列席会议记录."""

    title: str = "列席会议记录"
    major_count_value: str = "{count}项"
    opinion_number: str = "序号"
    none: str = "无"


MEETING_WORDING = MeetingWording()


@dataclass(frozen=True)
class OpinionWording:
    """党风廉政意见回复 (a letter with a table of persons)."""

    masthead: str = "党风廉政意见回复"
    title: str = "关于{names}同志党风廉政意见的回复"
    names_many: str = "{names}等{count}名"  # more than three persons
    lead: str = (
        "你单位因{reason}事宜征求{names}同志党风廉政意见的函{date}收悉。经查阅廉政档案，"
        "核查信访举报、问题线索处置及党纪政务处分等情况，现将有关意见回复如下："
    )
    request_date: str = "（{date}）"
    number: str = "序号"
    note: str = "本意见仅反映截至回复之日我组掌握的情况，如发现新的问题线索，我组将按规定处置。"
    closing: str = "特此函复。"


OPINION_WORDING = OpinionWording()


@dataclass(frozen=True)
class DossierWording:
    """A cadre's 廉政档案 printout."""

    title: str = "廉政档案"
    basics: str = "基本情况"
    timeline: str = "工作记录"
    timeline_headers: tuple[str, str, str] = ("日期", "类别", "事项")
    empty: str = "无"
    last_updated: str = "最近更新：{date}"
    printed_on: str = "打印日期：{date}"


DOSSIER_WORDING = DossierWording()
