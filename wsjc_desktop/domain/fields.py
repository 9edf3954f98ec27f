"""Each record type described once: its fields, their Chinese labels and kinds.

One field list per type drives validation in the services, the columns of its table and
the inputs of its form in the window, the columns of its Excel ledger, the labels on its
printed slip (``on_slip``), what the search box finds it by (``searchable``) and what the
form of a new one starts with (``default``). What differs per type in the lists (how a
unit, cadre or member filter reaches it, a status derived from more than its stored value)
is declared on its :class:`RecordSpec`, never tested by table name in the services or
the window. A new field is one line here.

No Qt here: the window reads these specs, and so do the services and the slips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules, problem_rules
from wsjc_desktop.domain.enums import (
    AlertCheckResult,
    CadreRank,
    CadreStatus,
    ClueDisposal,
    ClueSource,
    ClueStage,
    DisciplineCategory,
    DutyReportRating,
    FirstFormHandling,
    FourForms,
    Gender,
    InspectionKind,
    LabeledEnum,
    MeetingType,
    NoticeKind,
    NoticeStatus,
    OpinionConclusion,
    OpinionFollowUp,
    OpinionReason,
    PersonalMattersCheck,
    ProblemCategory,
    ProblemHandoff,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
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
class NewRecordValue:
    """A default known only when a form opens: today, this year, the member logged in."""

    name: str

    def resolve(self, fld: Field, today: date | None, member_id: int | None) -> object:
        """The value for ``fld``; None when what it needs was not given (a service creating a
        record fills in no such value)."""
        if self is TODAY:
            return today
        if self is THIS_YEAR:
            return today.year if today is not None else None
        if self is CURRENT_MEMBER:
            if member_id is None:
                return None
            return [member_id] if fld.kind is FieldKind.REFS else member_id
        raise AssertionError(self.name)


TODAY = NewRecordValue("today")
THIS_YEAR = NewRecordValue("this_year")
CURRENT_MEMBER = NewRecordValue("current_member")  # a REFS field: a list of that one member


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
    #: What the form of a new record starts with (None: the input's own blank); TODAY,
    #: THIS_YEAR and CURRENT_MEMBER are filled in when the form opens.
    default: object = None
    #: Printed on the record's slip (谈话记录, 列席会议记录 …) under :attr:`print_label`, with
    #: its value. Letters (廉情提醒, 党风廉政意见回复) write most fields into their sentences
    #: (printing/wording.py); there only the fields printed under a label are marked.
    on_slip: bool = False
    #: The slip's label where the screen's does not suit the printed form: a narrow label
    #: column wants a line break, a cell holds more than the field. Fields sharing one slip
    #: label print in one cell (谈话记录: the date and the times under 时间).
    slip_label: str = ""
    #: The search box finds the record by this field: its text; an ENUM by its label; a REF or
    #: REFS by the name of the record(s) it names; an ID_NUMBER by 4 or more of its digits.
    searchable: bool = False
    #: REFS: the association table holding the links (its foreign keys name both tables).
    through: str | None = None

    @property
    def print_label(self) -> str:
        """The label a printed slip shows."""
        return self.slip_label or self.label


class Tone(StrEnum):
    """How a row stands out in a list, by its status (the window picks the colour)."""

    ALERT = "alert"  # needs attention: a notice past its 反馈期限
    MUTED = "muted"  # not in force yet: a draft


#: A status filter value for notices: issued and not yet rectified (with or without feedback).
OPEN_NOTICES = "open"

#: SQL of a status condition: (the table's name or alias, a day as an SQL literal) → condition.
StatusSQL = Callable[[str, str], str]


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
    # --- how the lists reach it (the unit, cadre and member filters also follow REFS fields
    # naming cadres or members: a talk is about its 谈话对象, a meeting had its 列席人)
    #: Child types whose cadre is this record's too: a meeting concerns the cadres its 意见建议 name.
    cadres_from: tuple[str, ...] = ()
    # --- a status that is more than its stored value
    #: The status a row shows on a day, where it is derived (逾期 from the 反馈期限); None: the
    #: stored value of ``status_field``.
    shown_status: Callable[[Mapping[str, Any], date], LabeledEnum] | None = None
    #: Status filter values answered by a condition rather than by the stored value.
    status_sql: Mapping[str, StatusSQL] = field(default_factory=dict)
    #: The condition of “due within N days”: (table, today, last day) → SQL; None: no such filter.
    due_sql: Callable[[str, str, str], str] | None = None
    #: Rows of these (shown) statuses stand out in a list.
    status_tones: Mapping[str, Tone] = field(default_factory=dict)
    # --- other differences
    purgeable: bool = True  # 彻底删除 allowed from the recycle bin
    holds_files: bool = False  # each record is a file kept in the database (附件)
    _by_name: dict[str, Field] = field(default_factory=dict, init=False, compare=False, repr=False)

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

    @property
    def slip_fields(self) -> tuple[Field, ...]:
        """The fields its printed slip shows, in field order."""
        return tuple(f for f in self.fields if f.on_slip)

    @property
    def search_fields(self) -> tuple[Field, ...]:
        """The fields the search box finds it by."""
        return tuple(f for f in self.fields if f.searchable)

    def refs_to(self, table: str) -> tuple[Field, ...]:
        """Its many-to-many fields naming records of ``table`` (a talk's 谈话对象: cadres)."""
        return tuple(f for f in self.fields if f.kind is FieldKind.REFS and f.ref == table)

    def row_status(self, row: Mapping[str, Any], today: date) -> LabeledEnum | None:
        """The status a row shows on ``today`` (None: the type has no status, or none is set)."""
        if self.shown_status is not None:
            return self.shown_status(row, today)
        if self.status_field is None:
            return None
        fld = self.field(self.status_field)
        value = row.get(self.status_field)
        if value is None or fld.enum is None:
            return None
        try:
            return fld.enum.parse(value)
        except ValueError:
            return None

    def row_tone(self, row: Mapping[str, Any], today: date) -> Tone | None:
        """How the row stands out in a list, if it does."""
        if not self.status_tones:
            return None
        status = self.row_status(row, today)
        return self.status_tones.get(status) if status is not None else None

    def new_record_values(
        self, *, today: date | None = None, member_id: int | None = None
    ) -> dict[str, object]:
        """The values the form of a new record starts with: each field's ``default``. Those
        known only when the form opens (TODAY, THIS_YEAR, CURRENT_MEMBER) are filled in from
        ``today`` and ``member_id``, and left out when these are not given."""
        out: dict[str, object] = {}
        for f in self.fields:
            value = f.default
            if isinstance(value, NewRecordValue):
                value = value.resolve(f, today, member_id)
            if value is not None:
                out[f.name] = value
        return out


F = Field
K = FieldKind

MEMBER = RecordSpec(
    table="members",
    label="组内人员",
    model=m.Member,
    title_field="name",
    default_order=("sort_order", "id"),
    purgeable=False,  # a member's name stays in the audit log and on every record they wrote
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
    unit_field="id",  # a unit filter picks the unit itself
    kind_field="unit_type",
    default_order=("sort_order", "id"),
    fields=(
        F("full_name", "单位全称", required=True, width=14, searchable=True),
        F("short_name", "简称", width=7, searchable=True),
        F("unit_type", "单位类型", K.ENUM, required=True, enum=UnitType, width=6),
        F("party_org_name", "党组织名称", width=20),
        F("head_name", "主要负责人", width=6),
        F("liaison_name", "联络员", width=5),
        F("liaison_phone", "联络员电话", K.PHONE, width=8),
        F("discipline_committee", "机关纪委", width=14, in_table=False),
        F("sort_order", "排序", K.INT, width=5),
        F("in_scope", "在监督范围", K.BOOL, width=5, default=True),
        # 巡视巡察整改期: the group supervises the rectification monthly while it runs
        F("rectification_from", "巡视巡察整改起", K.DATE, width=6, in_table=False),
        F("rectification_to", "巡视巡察整改止", K.DATE, width=6, in_table=False),
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
        F("name", "姓名", required=True, width=8, searchable=True),  # also by its pinyin
        F("gender", "性别", K.ENUM, enum=Gender, width=4),
        F("ethnicity", "民族", width=6),
        F("birth_date", "出生年月", K.MONTH, width=5),
        F("native_place", "籍贯", width=10, in_table=False),
        F("political_status", "政治面貌", width=8, placeholder="中共党员"),
        F("party_join_date", "入党时间", K.MONTH, width=9, in_table=False),
        F("work_start_date", "参加工作时间", K.MONTH, width=9, in_table=False),
        F("education", "学历", width=8, in_table=False),
        F("unit_id", "单位", K.REF, required=True, ref="units", width=7, searchable=True),
        F("position", "职务", width=12, searchable=True),
        F("rank", "职级", K.ENUM, enum=CadreRank, width=8),
        F("is_leader", "班子成员", K.BOOL, width=6),
        F("is_top_leader", "一把手", K.BOOL, width=5),
        F("position_start_date", "任现职时间", K.MONTH, width=9, in_table=False),
        F("id_number", "身份证号", K.ID_NUMBER, width=19, in_table=False, searchable=True),
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
        F("year", "年度", K.YEAR, required=True, width=6, default=THIS_YEAR),
        F("report_date", "报告日期", K.DATE, width=6),
        F(
            "check_result",
            "抽查核实结果",
            K.ENUM,
            required=True,
            enum=PersonalMattersCheck,
            width=8,
            default=PersonalMattersCheck.NOT_CHECKED,
        ),
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
        F("year", "年度", K.YEAR, required=True, width=6, default=THIS_YEAR),
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
        F("request_date", "来函日期", K.DATE, width=6, default=TODAY),
        F("reply_date", "回复日期", K.DATE, width=6),
        F(
            "conclusion",
            "回复结论",
            K.ENUM,
            enum=OpinionConclusion,
            width=18,
            on_slip=True,
            slip_label="党风廉政意见",
        ),
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
        # filled with the rule when the 影响期 is computed (domain.sanctions); a period entered
        # by hand keeps what the user writes here
        F(
            "effect_rule",
            "影响期依据",
            width=12,
            in_table=False,
            placeholder="留空则按处分种类自动计算影响期",
        ),
        F("authority", "决定机关", width=14),
        F("reason", "事由", K.LONG_TEXT, width=18),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

FOLLOW_UP_VISIT = RecordSpec(
    table="follow_up_visits",
    label="回访",
    model=m.FollowUpVisit,
    title_field="findings",
    date_field="visited_on",
    cadre_field="cadre_id",
    parent=("cadres", "cadre_id"),
    default_order=("-visited_on", "-id"),
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("visited_on", "回访日期", K.DATE, required=True, width=6, default=TODAY),
        F("visitors", "回访人", width=10, placeholder="如：陈武林、戴桂瑾"),
        F("findings", "回访情况", K.LONG_TEXT, required=True, width=24),
        F("next_visit", "下次回访", K.DATE, width=6),
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
    status_field="stage",
    member_fields=("handler_id",),
    default_order=("-received_on", "-id"),
    status_tones={ClueStage.CLOSED: Tone.MUTED},
    fields=(
        F("received_on", "受理日期", K.DATE, required=True, width=6, default=TODAY),
        F("source", "线索来源", K.ENUM, required=True, enum=ClueSource, width=10),
        F("unit_id", "涉及单位", K.REF, ref="units", width=7),
        F("cadre_id", "反映对象", K.REF, ref="cadres", width=8),
        F("summary", "反映问题", K.LONG_TEXT, required=True, width=18),
        F(
            "disposal",
            "处置方式",
            K.ENUM,
            required=True,
            enum=ClueDisposal,
            width=8,
            default=ClueDisposal.PENDING,
        ),
        F("disposed_on", "处置日期", K.DATE, width=6),
        F("result", "处置结果", K.LONG_TEXT, width=18),
        # the register (seed 004 §9): the stage, since when, under which 主办人
        F(
            "stage",
            "办理阶段",
            K.ENUM,
            enum=ClueStage,
            width=5,
            default=ClueStage.REGISTERED,
        ),
        F("stage_since", "本阶段起", K.DATE, width=6),
        F("handler_id", "主办人", K.REF, ref="members", width=6, default=CURRENT_MEMBER),
        F("supervised", "督办", K.BOOL, width=4),
        F("closed_on", "办结日期", K.DATE, width=6),
        F("form", "处理形态", K.ENUM, enum=FourForms, width=8),
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
        F("level", "风险等级", K.ENUM, required=True, enum=RiskLevel, width=6, default=RiskLevel.MEDIUM),
        F("measures", "防控措施", K.LONG_TEXT, width=18),
        F("year", "年度", K.YEAR, width=6, default=THIS_YEAR),
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
    holds_files=True,
    fields=(
        F("cadre_id", "干部", K.REF, required=True, ref="cadres", in_table=False, editable=False),
        F("filename", "文件名", required=True, width=30),
        F("mime_type", "类型", width=12, editable=False),
        F("size", "大小(字节)", K.INT, width=10, editable=False),
        F("note", "说明", K.LONG_TEXT, width=18),
    ),
)


def _notice_status(row: Mapping[str, Any], today: date) -> NoticeStatus:
    """逾期 is derived from the 反馈期限 (:func:`notice_rules.is_overdue`)."""
    return m.effective_notice_status(row["status"], row.get("deadline"), today)


#: The notice statuses a list filters by a rule, not by the stored value (notice_rules).
_NOTICE_STATUS_SQL: dict[str, StatusSQL] = {
    NoticeStatus.OVERDUE: lambda n, today: notice_rules.overdue_sql(n, today),
    NoticeStatus.ISSUED: lambda n, today: notice_rules.issued_not_overdue_sql(n, today),  # not 逾期
    OPEN_NOTICES: lambda n, _today: notice_rules.open_sql(n),
}

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
    shown_status=_notice_status,
    status_sql=_NOTICE_STATUS_SQL,
    due_sql=lambda n, today, due_by: notice_rules.due_within_sql(n, today, due_by),
    status_tones={NoticeStatus.OVERDUE: Tone.ALERT, NoticeStatus.DRAFT: Tone.MUTED},
    fields=(
        F(
            "kind",
            "类别",
            K.ENUM,
            required=True,
            enum=NoticeKind,
            width=7,
            searchable=True,
            default=NoticeKind.COPY_NOTICE,
        ),
        F("doc_number", "文号", width=10, editable=False, searchable=True),
        F("unit_id", "主送单位", K.REF, required=True, ref="units", width=6, searchable=True),
        F("cadre_id", "涉及干部", K.REF, ref="cadres", width=5, searchable=True, on_slip=True),
        F("title", "标题", required=True, width=22, searchable=True),
        F("problems", "发现的问题", K.LONG_TEXT, in_table=False, searchable=True),
        F("requirements", "整改要求", K.LONG_TEXT, in_table=False),
        F("deadline", "反馈期限", K.DATE, width=6),
        F("issued_on", "发出日期", K.DATE, width=6, editable=False),
        # 签发人 is kept on record, not printed: it belongs to 上行文 only (GB/T 9704 7.2.5)
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
        F("feedback_date", "反馈日期", K.DATE, required=True, width=6, default=TODAY),
        F("measures", "整改措施", K.LONG_TEXT, required=True, width=18),
        F("handled_by", "反馈人", width=8),
        F(
            "status",
            "整改状态",
            K.ENUM,
            required=True,
            enum=RectificationStatus,
            width=8,
            default=RectificationStatus.IN_PROGRESS,
        ),
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
    cadres_from=("meeting_opinions",),
    fields=(
        F(
            "held_on",
            "会议日期",
            K.DATE,
            required=True,
            width=6,
            default=TODAY,
            on_slip=True,
            slip_label="会议时间",
        ),
        F(
            "unit_id",
            "单位",
            K.REF,
            required=True,
            ref="units",
            width=7,
            searchable=True,
            on_slip=True,
            slip_label="会议单位",
        ),
        F(
            "meeting_type",
            "会议类型",
            K.ENUM,
            required=True,
            enum=MeetingType,
            width=12,
            searchable=True,
            on_slip=True,
        ),
        F("title", "会议名称", width=24, searchable=True, on_slip=True),
        F("topics", "议题", K.LONG_TEXT, width=18, searchable=True, on_slip=True, slip_label="会议议题"),
        F(
            "major_topic_count",
            "“三重一大”议题数",
            K.INT,
            width=8,
            on_slip=True,
            slip_label="“三重一大”\n议题数",
        ),
        F("location", "地点", width=12, in_table=False, on_slip=True, slip_label="会议地点"),
        F(
            "attendee_ids",
            "列席人",
            K.REFS,
            ref="members",
            through="meeting_attendees",
            width=10,
            default=CURRENT_MEMBER,
            on_slip=True,
        ),
        F("follow_up", "跟踪落实", K.LONG_TEXT, in_table=False, on_slip=True),
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
        F(
            "content",
            "意见建议",
            K.LONG_TEXT,
            required=True,
            width=18,
            on_slip=True,
            slip_label="意见建议内容",
        ),
        F("cadre_id", "涉及干部", K.REF, ref="cadres", width=5, on_slip=True),
        F(
            "follow_up",
            "落实情况",
            K.ENUM,
            required=True,
            enum=OpinionFollowUp,
            width=8,
            default=OpinionFollowUp.PENDING,
            on_slip=True,
        ),
        F("follow_up_note", "跟踪说明", K.LONG_TEXT, width=18, on_slip=True, slip_label="备注"),
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
        # the date and the times print in one cell, under 时间
        F(
            "held_on",
            "谈话日期",
            K.DATE,
            required=True,
            width=6,
            default=TODAY,
            on_slip=True,
            slip_label="时间",
        ),
        F(
            "kind",
            "谈话类型",
            K.ENUM,
            required=True,
            enum=TalkKind,
            width=8,
            default=TalkKind.INTEGRITY,
            searchable=True,
            on_slip=True,
        ),
        F(
            "cadre_ids",
            "谈话对象",
            K.REFS,
            required=True,
            ref="cadres",
            through="talk_cadres",
            width=16,
            searchable=True,
            on_slip=True,
        ),
        F("start_time", "开始时间", K.TIME, width=6, in_table=False, on_slip=True, slip_label="时间"),
        F("end_time", "结束时间", K.TIME, width=6, in_table=False, on_slip=True, slip_label="时间"),
        F("location", "地点", width=12, searchable=True, on_slip=True),
        F("talker_id", "谈话人", K.REF, ref="members", width=8, default=CURRENT_MEMBER, on_slip=True),
        F("recorder_id", "记录人", K.REF, ref="members", width=8, on_slip=True),
        F("reason", "事由", K.LONG_TEXT, width=18, searchable=True, on_slip=True),
        F("summary", "谈话内容摘要", K.LONG_TEXT, in_table=False, on_slip=True, slip_label="谈话内容"),
        F("response", "本人表态", K.LONG_TEXT, in_table=False, on_slip=True),
        F("follow_up", "后续跟踪", K.LONG_TEXT, in_table=False, on_slip=True),
        F(
            "handling",
            "第一种形态处理",
            K.ENUM,
            enum=FirstFormHandling,
            width=8,
            on_slip=True,
            slip_label="处理\n（第一种形态）",  # the label column is narrow
        ),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)


def _problem_status(row: Mapping[str, Any], today: date) -> ProblemStatus:
    """逾期 is derived: not 销号 by its 整改期限 (:func:`problem_rules.is_overdue`)."""
    status = ProblemStatus.parse(row["status"])
    if problem_rules.is_overdue(status, row.get("deadline"), today):
        return ProblemStatus.OVERDUE
    return status


INSPECTION = RecordSpec(
    table="inspections",
    label="监督检查",
    model=m.Inspection,
    title_field="title",
    date_field="started_on",
    kind_field="kind",
    default_order=("-started_on", "-id"),
    fields=(
        F(
            "kind",
            "检查类型",
            K.ENUM,
            required=True,
            enum=InspectionKind,
            width=8,
            searchable=True,
            default=InspectionKind.ROUTINE,
        ),
        F("started_on", "检查日期", K.DATE, required=True, width=6, default=TODAY),
        F("ended_on", "结束日期", K.DATE, width=6, in_table=False),
        F(
            "unit_ids",
            "检查单位",
            K.REFS,
            required=True,
            ref="units",
            through="inspection_units",
            width=10,
            searchable=True,
        ),
        F("title", "检查事项", required=True, width=20, searchable=True),
        F(
            "member_ids",
            "检查人员",
            K.REFS,
            ref="members",
            through="inspection_members",
            width=8,
            default=CURRENT_MEMBER,
        ),
        F("methods", "检查方式", width=12, placeholder="查阅资料、实地检查、个别谈话、电话核实"),
        F("content", "检查内容", K.LONG_TEXT, in_table=False, searchable=True),
        F("findings", "发现情况", K.LONG_TEXT, width=18, searchable=True),
        F(
            "alert_source",
            "预警来源",
            width=8,
            in_table=False,
            searchable=True,
            placeholder="政采云 / 公车监管 / 低保",
        ),
        F("alert_result", "核查结果", K.ENUM, enum=AlertCheckResult, width=6, in_table=False),
        F("note", "备注", K.LONG_TEXT, in_table=False),
    ),
)

PROBLEM = RecordSpec(
    table="problems",
    label="问题发现台账",
    model=m.Problem,
    title_field="description",
    date_field="found_on",
    unit_field="unit_id",
    cadre_field="cadre_id",
    kind_field="category",
    status_field="status",
    default_order=("-found_on", "-id"),
    shown_status=_problem_status,
    status_sql={
        ProblemStatus.OVERDUE: lambda p, today: problem_rules.overdue_sql(p, today),
        ProblemStatus.RECTIFYING: lambda p, today: (
            f"{p}.status = 'rectifying' AND NOT ({problem_rules.overdue_sql(p, today)})"
        ),
        ProblemStatus.ASSIGNED: lambda p, today: (
            f"{p}.status = 'assigned' AND NOT ({problem_rules.overdue_sql(p, today)})"
        ),
        ProblemStatus.FOUND: lambda p, today: (
            f"{p}.status = 'found' AND NOT ({problem_rules.overdue_sql(p, today)})"
        ),
        ProblemStatus.RECTIFIED: lambda p, today: (
            f"{p}.status = 'rectified' AND NOT ({problem_rules.overdue_sql(p, today)})"
        ),
    },
    status_tones={ProblemStatus.OVERDUE: Tone.ALERT, ProblemStatus.CLOSED: Tone.MUTED},
    fields=(
        F("found_on", "发现日期", K.DATE, required=True, width=6, default=TODAY),
        F("unit_id", "单位", K.REF, required=True, ref="units", width=7, searchable=True),
        F("cadre_id", "涉及干部", K.REF, ref="cadres", width=5, searchable=True),
        F("description", "问题描述", K.LONG_TEXT, required=True, width=24, searchable=True),
        F("category", "问题类别", K.ENUM, required=True, enum=ProblemCategory, width=8, searchable=True),
        F(
            "severity",
            "严重程度",
            K.ENUM,
            required=True,
            enum=ProblemSeverity,
            width=4,
            default=ProblemSeverity.MINOR,
        ),
        F(
            "source",
            "发现来源",
            K.ENUM,
            required=True,
            enum=ProblemSource,
            width=7,
            default=ProblemSource.INSPECTION,
        ),
        # the record it was found in: one of these, by 发现来源
        F("inspection_id", "来源·监督检查", K.REF, ref="inspections", in_table=False),
        F("meeting_id", "来源·列席会议", K.REF, ref="meetings", in_table=False),
        F("talk_id", "来源·谈话", K.REF, ref="talks", in_table=False),
        F("clue_id", "来源·问题线索", K.REF, ref="clues", in_table=False),
        # 交办
        F("handoff", "交办方式", K.ENUM, enum=ProblemHandoff, width=7),
        F("handed_on", "交办日期", K.DATE, width=6, in_table=False),
        F("notice_id", "交办·廉情提醒", K.REF, ref="alert_notices", in_table=False),
        F("handoff_talk_id", "交办·谈话提醒", K.REF, ref="talks", in_table=False),
        F("handoff_clue_id", "交办·问题线索", K.REF, ref="clues", in_table=False),
        F("deadline", "整改期限", K.DATE, width=6),
        F("status", "状态", K.ENUM, enum=ProblemStatus, width=5, editable=False, default=ProblemStatus.FOUND),
        # 验收销号
        F("closed_on", "销号日期", K.DATE, width=6, editable=False),
        F("closed_by_id", "验收人", K.REF, ref="members", in_table=False, editable=False),
        F("closing_note", "验收意见", K.LONG_TEXT, in_table=False, editable=False),
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
        FOLLOW_UP_VISIT,
        CLUE,
        RISK_POINT,
        ATTACHMENT,
        ALERT_NOTICE,
        RECTIFICATION,
        MEETING,
        MEETING_OPINION,
        TALK,
        INSPECTION,
        PROBLEM,
    )
}

#: The sections of a cadre's 廉政档案, in the order the dossier shows them.
DOSSIER_SECTIONS: tuple[RecordSpec, ...] = (
    FAMILY_MEMBER,
    PERSONAL_MATTERS_REPORT,
    DUTY_REPORT,
    INTEGRITY_OPINION,
    DISCIPLINE_RECORD,
    FOLLOW_UP_VISIT,
    CLUE,
    RISK_POINT,
    ATTACHMENT,
)


#: The record types the search box finds, in the order hits of equal rank are listed.
SEARCHABLE: tuple[RecordSpec, ...] = (UNIT, CADRE, ALERT_NOTICE, MEETING, TALK, INSPECTION, PROBLEM)


def spec_for(table: str) -> RecordSpec:
    try:
        return SPECS[table]
    except KeyError:
        raise KeyError(f"no record type {table!r}") from None


def children_of(table: str) -> tuple[RecordSpec, ...]:
    """Record types that belong to a record of ``table`` and go to the recycle bin with it."""
    return tuple(s for s in SPECS.values() if s.parent is not None and s.parent[0] == table)
