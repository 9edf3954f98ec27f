"""Every kind and status, each with its Chinese label, in one place.

The database stores the English ``value``; the UI, slips and ledgers show ``label``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """A string enum whose members carry a Chinese label: ``Member = ("code", "标签")``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def parse(cls, value: str) -> Self:
        """The member with this stored value (a ValueError if none)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise ValueError(value)
        member = cls._value2member_map_.get(value)
        if member is None:
            raise ValueError(value)
        return member  # type: ignore[return-value]

    @classmethod
    def from_label(cls, label: str) -> Self:
        """The member whose label (or value) is ``label``, ignoring surrounding spaces."""
        text = label.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        raise ValueError(text)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class UnitType(LabeledEnum):
    PARTY_COMMITTEE = ("party_committee", "党委(党组)")
    AGENCY = ("agency", "机关")
    INSTITUTION = ("institution", "事业单位")
    STATE_ENTERPRISE = ("state_enterprise", "国有企业")
    OTHER = ("other", "其他")


class Gender(LabeledEnum):
    MALE = ("male", "男")
    FEMALE = ("female", "女")


class CadreRank(LabeledEnum):
    """职级: ordered from high to low."""

    BUREAU = ("bureau", "厅级")
    DIVISION = ("division", "处级")
    SECTION = ("section", "科级")
    STAFF = ("staff", "一般干部")


class CadreStatus(LabeledEnum):
    SERVING = ("serving", "在职")
    TRANSFERRED = ("transferred", "调离")
    RETIRED = ("retired", "退休")


class NoticeKind(LabeledEnum):
    COPY_NOTICE = ("copy_notice", "廉情抄告单")
    REMINDER_LETTER = ("reminder_letter", "廉政提醒函")
    PROMPT_LETTER = ("prompt_letter", "提示函")
    PROPOSAL = ("proposal", "纪检监察建议书")
    HOLIDAY_REMINDER = ("holiday_reminder", "节前廉政提醒")


class NoticeStatus(LabeledEnum):
    """Stored statuses follow the lifecycle; OVERDUE is derived from the deadline, never stored."""

    DRAFT = ("draft", "草稿")
    ISSUED = ("issued", "已发出")
    FED_BACK = ("fed_back", "已反馈")
    RECTIFIED = ("rectified", "已整改")
    OVERDUE = ("overdue", "逾期")


class RectificationStatus(LabeledEnum):
    IN_PROGRESS = ("in_progress", "整改中")
    DONE = ("done", "已完成")


class MeetingType(LabeledEnum):
    PARTY_COMMITTEE = ("party_committee", "党委(组)会")
    DEMOCRATIC_LIFE = ("democratic_life", "民主生活会")
    ORGANIZATIONAL_LIFE = ("organizational_life", "组织生活会")
    MAJOR_DECISION = ("major_decision", "“三重一大”决策会")
    ADMINISTRATIVE = ("administrative", "行政办公会")
    SPECIAL_TOPIC = ("special_topic", "专题会")
    #: 提前把关议题: the group reviews a unit's 议题 before its meeting (one per line in 议题;
    #: its 意见建议 are the 提出意见)
    AGENDA_REVIEW = ("agenda_review", "议题前置审查")
    LIAISON = ("liaison", "联络员例会")
    OTHER = ("other", "其他会议")


class OpinionFollowUp(LabeledEnum):
    """跟踪落实 of an opinion raised at a meeting."""

    PENDING = ("pending", "待落实")
    ADOPTED = ("adopted", "已采纳")
    IMPLEMENTED = ("implemented", "已落实")
    NOT_ADOPTED = ("not_adopted", "未采纳")


class TalkKind(LabeledEnum):
    INTEGRITY = ("integrity", "廉政谈话")
    PRE_APPOINTMENT = ("pre_appointment", "任前谈话")
    REMINDER = ("reminder", "提醒谈话")
    HEART_TO_HEART = ("heart_to_heart", "谈心谈话")
    ADMONISHMENT = ("admonishment", "诫勉谈话")
    SUMMONS = ("summons", "约谈")
    WRITTEN_INQUIRY = ("written_inquiry", "函询")


class FirstFormHandling(LabeledEnum):
    """第一种形态 handling recorded on a talk."""

    TALK_REMINDER = ("talk_reminder", "谈话提醒")
    CRITICISM = ("criticism", "批评教育")
    ORDERED_REVIEW = ("ordered_review", "责令检查")
    ADMONISHMENT = ("admonishment", "诫勉")


class OpinionReason(LabeledEnum):
    """征求事由 of a 党风廉政意见回复 request."""

    PROMOTION = ("promotion", "提拔")
    RANK_PROMOTION = ("rank_promotion", "晋升职级")
    AWARD = ("award", "评优评先")
    TRANSFER = ("transfer", "调动")
    NOMINATION = ("nomination", "推荐人选")
    OTHER = ("other", "其他")


class OpinionConclusion(LabeledEnum):
    NO_CLUES = ("no_clues", "未收到问题线索")
    CLOSED_NO_OBJECTION = ("closed_no_objection", "已了结、不持异议")
    EXPIRED_NO_OBJECTION = ("expired_no_objection", "已处理且已过影响期、不持异议")
    PENDING_DEFERRED = ("pending_deferred", "尚在处置、暂缓提出意见")
    SUGGEST_DEFER = ("suggest_defer", "建议暂缓使用")
    SUGGEST_NOT_USE = ("suggest_not_use", "建议不宜使用")


class DisciplineCategory(LabeledEnum):
    FIRST_FORM = ("first_form", "第一种形态")
    PARTY_SANCTION = ("party_sanction", "党纪处分")
    GOVERNMENT_SANCTION = ("government_sanction", "政务处分")
    ORGANIZATIONAL = ("organizational", "组织处理")


class ClueSource(LabeledEnum):
    PETITION = ("petition", "信访举报")
    ASSIGNED = ("assigned", "上级交办")
    SUPERVISION = ("supervision", "监督检查发现")
    INSPECTION = ("inspection", "巡视巡察移交")
    AUDIT = ("audit", "审计移交")
    OTHER = ("other", "其他")


class ClueDisposal(LabeledEnum):
    """问题线索 disposal: the four standard ways, plus not yet disposed."""

    PENDING = ("pending", "待处置")
    TALK_INQUIRY = ("talk_inquiry", "谈话函询")
    PRELIMINARY_CHECK = ("preliminary_check", "初步核实")
    SHELVED = ("shelved", "暂存待查")
    CLOSED = ("closed", "予以了结")
    TRANSFERRED = ("transferred", "移送立案审查")


class ClueStage(LabeledEnum):
    """Where a 问题线索 stands (seed 004 §9): each stage has a deadline in days (设置)."""

    REGISTERED = ("registered", "登记")
    ASSESSING = ("assessing", "研判")
    DISPOSING = ("disposing", "处置")
    CLOSED = ("closed", "办结")


class FourForms(LabeledEnum):
    """What a clue or a problem led to: one of the 四种形态, or none."""

    NONE = ("none", "未形成处理")
    FIRST = ("first", "第一种形态")
    SECOND = ("second", "第二种形态")
    THIRD = ("third", "第三种形态")
    FOURTH = ("fourth", "第四种形态")


class InspectionKind(LabeledEnum):
    """监督检查 kinds (seeds 002 and 004)."""

    SPECIAL = ("special", "专项监督检查")
    ROUTINE = ("routine", "日常监督检查")
    UNANNOUNCED = ("unannounced", "明察暗访")
    STATIONED = ("stationed", "驻点监督")
    #: monthly for a unit under 巡视巡察整改 (the unit's 整改期); a month without one is a to-do
    RECTIFICATION = ("rectification", "巡视巡察整改监督")
    #: a check of an alert from a data system (政采云, 公车监管, 低保 …)
    ALERT_CHECK = ("alert_check", "预警核查")


class AlertCheckResult(LabeledEnum):
    """预警核查 result."""

    PENDING = ("pending", "核查中")
    CONFIRMED = ("confirmed", "属实")
    PARTLY = ("partly", "部分属实")
    UNFOUNDED = ("unfounded", "不属实")


class ProblemSource(LabeledEnum):
    """Where a problem was found (问题发现台账)."""

    INSPECTION = ("inspection", "监督检查")
    MEETING = ("meeting", "列席会议")
    TALK = ("talk", "谈话")
    CLUE = ("clue", "问题线索")
    PATROL = ("patrol", "巡视巡察反馈")
    ECOLOGY = ("ecology", "政治生态研判")
    OTHER = ("other", "其他")


class ProblemCategory(LabeledEnum):
    EIGHT_RULES = ("eight_rules", "八项规定精神")
    MAJOR_DECISIONS = ("major_decisions", "“三重一大”")
    APPOINTMENTS = ("appointments", "选人用人")
    FINANCE = ("finance", "财务管理")
    PROJECTS = ("projects", "工程项目")
    CONDUCT = ("conduct", "作风纪律")
    OTHER = ("other", "其他")


class ProblemSeverity(LabeledEnum):
    MINOR = ("minor", "一般")
    SERIOUS = ("serious", "较重")
    GRAVE = ("grave", "严重")


class ProblemHandoff(LabeledEnum):
    """交办: how a problem was passed to whoever puts it right."""

    NOTICE = ("notice", "廉情提醒")
    TALK = ("talk", "谈话提醒")
    CLUE = ("clue", "移送问题线索")


class ProblemStatus(LabeledEnum):
    """Stored statuses follow the loop; OVERDUE is derived from the 整改期限, never stored."""

    FOUND = ("found", "待交办")
    ASSIGNED = ("assigned", "已交办")
    RECTIFYING = ("rectifying", "整改中")
    RECTIFIED = ("rectified", "待验收")
    CLOSED = ("closed", "已销号")
    OVERDUE = ("overdue", "逾期")


class PersonalMattersCheck(LabeledEnum):
    """个人有关事项报告 抽查核实 result."""

    NOT_CHECKED = ("not_checked", "未抽查")
    CONSISTENT = ("consistent", "如实报告")
    OMITTED = ("omitted", "漏报")
    CONCEALED = ("concealed", "瞒报")


class DutyReportRating(LabeledEnum):
    """述责述廉 评议 result."""

    GOOD = ("good", "好")
    FAIRLY_GOOD = ("fairly_good", "较好")
    AVERAGE = ("average", "一般")
    POOR = ("poor", "差")


class RiskLevel(LabeledEnum):
    HIGH = ("high", "高")
    MEDIUM = ("medium", "中")
    LOW = ("low", "低")


class AuditAction(LabeledEnum):
    CREATE = ("create", "新建")
    UPDATE = ("update", "修改")
    DELETE = ("delete", "删除")
    RESTORE = ("restore", "恢复")
    IMPORT = ("import", "导入")
    EXPORT = ("export", "导出")
    PRINT = ("print", "打印")
    LOGIN = ("login", "登录")
    ISSUE = ("issue", "发文")
    VIEW_ID_NUMBER = ("view_id_number", "查看身份证号")
