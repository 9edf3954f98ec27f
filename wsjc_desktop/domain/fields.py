"""Each record type described once: its fields, their Chinese labels and kinds.

One field list per type drives validation in the services, the columns of its table and
the inputs of its form in the window, the columns of its Excel ledger and the labels on
its printed slip. A new field is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import (
    CadreRank,
    CadreStatus,
    ClueDisposal,
    ClueSource,
    DisciplineCategory,
    DutyReportRating,
    FirstFormHandling,
    Gender,
    LabeledEnum,
    MeetingType,
    NoticeKind,
    NoticeStatus,
    OpinionConclusion,
    OpinionFollowUp,
    OpinionReason,
    PersonalMattersCheck,
    RectificationStatus,
    RiskLevel,
    TalkKind,
    UnitType,
)


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    MONTH = "month"  # year-month precision, stored as the 1st
    TIME = "time"
    INT = "int"
    YEAR = "year"
    BOOL = "bool"
    ENUM = "enum"
    REF = "ref"  # foreign key to another record (``ref`` names its table)
    REFS = "refs"  # many-to-many: a list of ids
    ID_NUMBER = "id_number"
    PHONE = "phone"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    enum: type[LabeledEnum] | None = None
    ref: str | None = None
    in_table: bool = True  # a column in the record's table view and ledger
    width: int = 10  # column width in characters
    editable: bool = True  # False: set by the program (文号, 状态)
    placeholder: str = ""
    default: object = None  # what the form of a new record starts with (None: the input's own blank)


@dataclass(frozen=True)
class RecordSpec:
    table: str
    label: str
    model: type[m.Record]
    fields: tuple[Field, ...]
    title_field: str
    date_field: str | None = None  # the date a year filter looks at
    unit_field: str | None = None  # direct unit foreign key
    cadre_field: str | None = None  # direct cadre foreign key
    kind_field: str | None = None
    status_field: str | None = None
    member_fields: tuple[str, ...] = ()  # member foreign keys (谈话人, 记录人 …)
    parent: tuple[str, str] | None = None  # (parent table, foreign key) for sections and feedback
    default_order: tuple[str, ...] = ("id",)  # "-name": descending
    _by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        return self._by_name[name]

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def table_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_table)

    @property
    def editable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.editable)

    def new_record_values(self) -> dict[str, object]:
        """The values the form of a new record starts with: each field's ``default``."""
        return {f.name: f.default for f in self.fields if f.default is not None}


F = Field
K = FieldKind

MEMBER = RecordSpec(
    table="members",
    label="组内人员",
    model=m.Member,
    title_field="name",
    default_order=("sort_order", "id"),
    fields=(
        F("name", "姓名", required=True, width=8),
        F("title", "职务", width=10, placeholder="组长 / 副组长 / 组员"),
        F("phone", "联系电话", K.PHONE, width=14),
        F("is_active", "在组", K.BOOL, width=5, default=True),
        F("sort_order", "排序", K.INT, width=5),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

UNIT = RecordSpec(
    table="units",
    label="监督单位",
    model=m.Unit,
    title_field="full_name",
    kind_field="unit_type",
    default_order=("sort_order", "id"),
    fields=(
        F("full_name", "单位全称", required=True, width=14),
        F("short_name", "简称", width=7),
        F("unit_type", "单位类型", K.ENUM, required=True, enum=UnitType, width=6),
        F("party_org_name", "党组织名称", width=20),
        F("head_name", "主要负责人", width=6),
        F("liaison_name", "联络员", width=5),
        F("liaison_phone", "联络员电话", K.PHONE, width=8),
        F("discipline_committee", "机关纪委", width=14, in_table=False),
        F("sort_order", "排序", K.INT, width=5),
        F("in_scope", "在监督范围", K.BOOL, width=5, default=True),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

CADRE = RecordSpec(
    table="cadres",
    label="监察对象",
    model=m.Cadre,
    title_field="name",
    unit_field="unit_id",
    status_field="status",
    default_order=("unit_id", "id"),
    fields=(
        F("name", "姓名", required=True, width=8),
        F("gender", "性别", K.ENUM, enum=Gender, width=4),
        F("ethnicity", "民族", width=6),
        F("birth_date", "出生年月", K.MONTH, width=5),
        F("native_place", "籍贯", width=10, in_table=False),
        F("political_status", "政治面貌", width=8, placeholder="中共党员"),
        F("party_join_date", "入党时间", K.MONTH, width=9, in_table=False),
        F("work_start_date", "参加工作时间", K.MONTH, width=9, in_table=False),
        F("education", "学历", width=8, in_table=False),
        F("unit_id", "单位", K.REF, required=True, ref="units", width=7),
        F("position", "职务", width=12),
        F("rank", "职级", K.ENUM, enum=CadreRank, width=8),
        F("is_leader", "班子成员", K.BOOL, width=6),
        F("is_top_leader", "一把手", K.BOOL, width=5),
        F("position_start_date", "任现职时间", K.MONTH, width=9, in_table=False),
        F("id_number", "身份证号", K.ID_NUMBER, width=19, in_table=False),
        F("phone", "联系电话", K.PHONE, width=13, in_table=False),
        F("status", "状态", K.ENUM, enum=CadreStatus, width=6, default=CadreStatus.SERVING),
        F("file_updated_on", "档案更新", K.DATE, width=6),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

FAMILY_MEMBER = RecordSpec(
    table="family_members",
    label="家庭成员及主要社会关系",
    model=m.FamilyMember,
    title_field="name",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("relation", "称谓", required=True, width=6, placeholder="配偶 / 子女 / 父亲"),
        F("name", "姓名", required=True, width=8),
        F("birth_date", "出生年月", K.MONTH, width=5),
        F("political_status", "政治面貌", width=8),
        F("workplace", "工作单位", width=18),
        F("position", "职务", width=10),
        F("runs_business", "经商办企业", K.BOOL, width=6),
        F("business_note", "经商办企业情况", K.LONG_TEXT, width=20),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

PERSONAL_MATTERS_REPORT = RecordSpec(
    table="personal_matters_reports",
    label="个人有关事项报告",
    model=m.PersonalMattersReport,
    title_field="year",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    default_order=("-year", "-id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("year", "年度", K.YEAR, required=True, width=6),
        F("report_date", "报告日期", K.DATE, width=6),
        F("check_result", "抽查核实结果", K.ENUM, required=True, enum=PersonalMattersCheck, width=8),
        F("check_note", "核实情况", K.LONG_TEXT, width=18),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

DUTY_REPORT = RecordSpec(
    table="duty_reports",
    label="述责述廉",
    model=m.DutyReport,
    title_field="year",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    default_order=("-year", "-id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("year", "年度", K.YEAR, required=True, width=6),
        F("report_date", "述责述廉日期", K.DATE, width=6),
        F("rating", "评议结果", K.ENUM, enum=DutyReportRating, width=6),
        F("summary", "主要内容", K.LONG_TEXT, width=18),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

INTEGRITY_OPINION = RecordSpec(
    table="integrity_opinions",
    label="党风廉政意见回复",
    model=m.IntegrityOpinion,
    title_field="requesting_unit",
    date_field="reply_date",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    default_order=("-reply_date", "-id"),
    fields=(
        F("cadre_id", "涉及人员", K.REF, required=True, ref="cadres", width=8),
        F("requesting_unit", "来函单位", required=True, width=16),
        F("reason", "征求事由", K.ENUM, required=True, enum=OpinionReason, width=8),
        F("request_date", "来函日期", K.DATE, width=6),
        F("reply_date", "回复日期", K.DATE, width=6),
        F("conclusion", "回复结论", K.ENUM, enum=OpinionConclusion, width=18),
        F("doc_number", "回复文号", width=14),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

DISCIPLINE_RECORD = RecordSpec(
    table="discipline_records",
    label="处分及组织处理",
    model=m.DisciplineRecord,
    title_field="measure",
    date_field="decided_on",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    kind_field="category",
    default_order=("-decided_on", "-id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("category", "类别", K.ENUM, required=True, enum=DisciplineCategory, width=8),
        F("measure", "处理方式", required=True, width=10, placeholder="警告 / 诫勉 / 调整职务"),
        F("decided_on", "决定日期", K.DATE, required=True, width=6),
        F("effect_start", "影响期起", K.DATE, width=6),
        F("effect_end", "影响期止", K.DATE, width=6),
        F("authority", "决定机关", width=14),
        F("reason", "事由", K.LONG_TEXT, width=18),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

CLUE = RecordSpec(
    table="clues",
    label="问题线索",
    model=m.Clue,
    title_field="summary",
    date_field="received_on",
    unit_field="unit_id",
    cadre_field="cadre_id",
    kind_field="source",
    status_field="disposal",
    default_order=("-received_on", "-id"),
    fields=(
        F("received_on", "受理日期", K.DATE, required=True, width=6),
        F("source", "线索来源", K.ENUM, required=True, enum=ClueSource, width=10),
        F("unit_id", "涉及单位", K.REF, ref="units", width=7),
        F("cadre_id", "反映对象", K.REF, ref="cadres", width=8),
        F("summary", "反映问题", K.LONG_TEXT, required=True, width=18),
        F("disposal", "处置方式", K.ENUM, required=True, enum=ClueDisposal, width=8),
        F("disposed_on", "处置日期", K.DATE, width=6),
        F("result", "处置结果", K.LONG_TEXT, width=18),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

RISK_POINT = RecordSpec(
    table="risk_points",
    label="廉政风险点",
    model=m.RiskPoint,
    title_field="description",
    unit_field="unit_id",
    cadre_field="cadre_id",
    fields=(
        F("unit_id", "单位", K.REF, ref="units", width=7),
        F("cadre_id", "干部", K.REF, ref="cadres", width=8),
        F("post", "岗位", width=12),
        F("process", "环节", width=12),
        F("description", "风险点描述", K.LONG_TEXT, required=True, width=18),
        F("level", "风险等级", K.ENUM, required=True, enum=RiskLevel, width=6),
        F("measures", "防控措施", K.LONG_TEXT, width=18),
        F("year", "年度", K.YEAR, width=6),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

ATTACHMENT = RecordSpec(
    table="attachments",
    label="附件",
    model=m.Attachment,
    title_field="filename",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("filename", "文件名", required=True, width=30),
        F("mime_type", "类型", width=12, editable=False),
        F("size", "大小(字节)", K.INT, width=10, editable=False),
        F("note", "说明", K.LONG_TEXT, width=18),
    ),
)

ALERT_NOTICE = RecordSpec(
    table="alert_notices",
    label="廉情提醒",
    model=m.AlertNotice,
    title_field="title",
    date_field="issued_on",
    unit_field="unit_id",
    cadre_field="cadre_id",
    kind_field="kind",
    status_field="status",
    default_order=("-issued_on", "-id"),
    fields=(
        F("kind", "类别", K.ENUM, required=True, enum=NoticeKind, width=7),
        F("doc_number", "文号", width=10, editable=False),
        F("unit_id", "主送单位", K.REF, required=True, ref="units", width=6),
        F("cadre_id", "涉及干部", K.REF, ref="cadres", width=5),
        F("title", "标题", required=True, width=22),
        F("problems", "发现的问题", K.LONG_TEXT, in_table=False),
        F("requirements", "整改要求", K.LONG_TEXT, in_table=False),
        F("deadline", "反馈期限", K.DATE, width=6),
        F("issued_on", "发出日期", K.DATE, width=6, editable=False),
        F("signatory", "签发人", width=4),
        F("status", "状态", K.ENUM, enum=NoticeStatus, width=4, editable=False),
        F("holiday", "节日", width=6, in_table=False),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

RECTIFICATION = RecordSpec(
    table="rectifications",
    label="整改反馈",
    model=m.Rectification,
    title_field="measures",
    date_field="feedback_date",
    status_field="status",
    parent=("alert_notices", "notice_id"),
    default_order=("feedback_date", "id"),
    fields=(
        F("notice_id", "廉情提醒", K.REF, required=True, ref="alert_notices", in_table=False, editable=False),
        F("feedback_date", "反馈日期", K.DATE, required=True, width=6),
        F("measures", "整改措施", K.LONG_TEXT, required=True, width=18),
        F("handled_by", "反馈人", width=8),
        F("status", "整改状态", K.ENUM, required=True, enum=RectificationStatus, width=8),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

MEETING = RecordSpec(
    table="meetings",
    label="列席会议",
    model=m.Meeting,
    title_field="title",
    date_field="held_on",
    unit_field="unit_id",
    kind_field="meeting_type",
    default_order=("-held_on", "-id"),
    fields=(
        F("held_on", "会议日期", K.DATE, required=True, width=6),
        F("unit_id", "单位", K.REF, required=True, ref="units", width=7),
        F("meeting_type", "会议类型", K.ENUM, required=True, enum=MeetingType, width=12),
        F("title", "会议名称", width=24),
        F("topics", "议题", K.LONG_TEXT, width=18),
        F("major_topic_count", "“三重一大”议题数", K.INT, width=8),
        F("location", "地点", width=12, in_table=False),
        F("attendee_ids", "列席人", K.REFS, ref="members", width=10),
        F("follow_up", "跟踪落实", K.LONG_TEXT, in_table=False),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

MEETING_OPINION = RecordSpec(
    table="meeting_opinions",
    label="意见建议",
    model=m.MeetingOpinion,
    title_field="content",
    cadre_field="cadre_id",
    parent=("meetings", "meeting_id"),
    status_field="follow_up",
    fields=(
        F("meeting_id", "会议", K.REF, required=True, ref="meetings", in_table=False, editable=False),
        F("content", "意见建议", K.LONG_TEXT, required=True, width=18),
        F("cadre_id", "涉及干部", K.REF, ref="cadres", width=5),
        F("follow_up", "落实情况", K.ENUM, required=True, enum=OpinionFollowUp, width=8),
        F("follow_up_note", "跟踪说明", K.LONG_TEXT, width=18),
    ),
)

TALK = RecordSpec(
    table="talks",
    label="谈话记录",
    model=m.Talk,
    title_field="reason",
    date_field="held_on",
    kind_field="kind",
    member_fields=("talker_id", "recorder_id"),
    default_order=("-held_on", "-id"),
    fields=(
        F("held_on", "谈话日期", K.DATE, required=True, width=6),
        F("kind", "谈话类型", K.ENUM, required=True, enum=TalkKind, width=8),
        F("cadre_ids", "谈话对象", K.REFS, required=True, ref="cadres", width=16),
        F("start_time", "开始时间", K.TIME, width=6, in_table=False),
        F("end_time", "结束时间", K.TIME, width=6, in_table=False),
        F("location", "地点", width=12),
        F("talker_id", "谈话人", K.REF, ref="members", width=8),
        F("recorder_id", "记录人", K.REF, ref="members", width=8),
        F("reason", "事由", K.LONG_TEXT, width=18),
        F("summary", "谈话内容摘要", K.LONG_TEXT, in_table=False),
        F("response", "本人表态", K.LONG_TEXT, in_table=False),
        F("follow_up", "后续跟踪", K.LONG_TEXT, in_table=False),
        F("handling", "第一种形态处理", K.ENUM, enum=FirstFormHandling, width=8),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

SPECS: dict[str, RecordSpec] = {
    s.table: s
    for s in (
        MEMBER,
        UNIT,
        CADRE,
        FAMILY_MEMBER,
        PERSONAL_MATTERS_REPORT,
        DUTY_REPORT,
        INTEGRITY_OPINION,
        DISCIPLINE_RECORD,
        CLUE,
        RISK_POINT,
        ATTACHMENT,
        ALERT_NOTICE,
        RECTIFICATION,
        MEETING,
        MEETING_OPINION,
        TALK,
    )
}

#: The sections of a cadre's 廉政档案, in the order the dossier shows them.
DOSSIER_SECTIONS: tuple[RecordSpec, ...] = (
    FAMILY_MEMBER,
    PERSONAL_MATTERS_REPORT,
    DUTY_REPORT,
    INTEGRITY_OPINION,
    DISCIPLINE_RECORD,
    CLUE,
    RISK_POINT,
    ATTACHMENT,
)


def spec_for(table: str) -> RecordSpec:
    try:
        return SPECS[table]
    except KeyError:
        raise KeyError(f"no record type {table!r}") from None


def children_of(table: str) -> tuple[RecordSpec, ...]:
    """Record types that belong to a record of ``table`` and go to the recycle bin with it."""
    return tuple(s for s in SPECS.values() if s.parent is not None and s.parent[0] == table)
