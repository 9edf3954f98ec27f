"""The record model: SQLAlchemy 2.0 typed mappings for every record in DOMAIN.md.

Every record carries an integer key, a stable ``uid``, who created and last changed it
and when, and ``deleted_at`` (set when it goes to the recycle bin). Kinds and statuses
are the enums of :mod:`wsjc_desktop.domain.enums`, stored by their English value.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from wsjc_desktop.domain.enums import (
    AlertCheckResult,
    AuditAction,
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
from wsjc_desktop.domain.notice_rules import is_overdue

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uid() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    """Local wall-clock time: the group works in one place and reads times as local."""
    return datetime.now()


def enum_column(enum_cls: type[LabeledEnum]) -> SAEnum:
    return SAEnum(
        enum_cls,
        values_callable=lambda cls: [m.value for m in cls],
        native_enum=False,
        validate_strings=True,
        length=32,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Record(Base):
    """Columns shared by every record."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id}>"


# --- the group and the program ------------------------------------------------------


class Member(Record):
    """组内人员: a member of the group, the program's user, 谈话人/记录人/列席人."""

    __tablename__ = "members"

    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(50))  # 组长 / 副组长 / 组员
    phone: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)


class Setting(Record):
    """One program setting; ``value`` is JSON text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Record):
    """Append-only log of what was done, by whom, to which record.

    Each entry is chained to the one before it by ``chain_hash`` (``storage.health``), set when
    its transaction commits; triggers refuse any other change, and any deletion."""

    __tablename__ = "audit_entries"

    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    #: who did it when no member did: a command run from the command line (命令行（user）)
    actor: Mapped[str | None] = mapped_column(Text)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    table_name: Mapped[str | None] = mapped_column(String(50))
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_uid: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    #: SHA-256 (hex) of the previous entry's hash and this entry's content; set at commit
    chain_hash: Mapped[str | None] = mapped_column(String(64))


class DocSequence(Base):
    """The last 文号 sequence handed out per notice kind and year; never goes down."""

    __tablename__ = "doc_sequences"

    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


# --- units and cadres -----------------------------------------------------------------


class Unit(Record):
    """综合监督单位."""

    __tablename__ = "units"

    full_name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(50))
    unit_type: Mapped[UnitType] = mapped_column(enum_column(UnitType), default=UnitType.AGENCY)
    party_org_name: Mapped[str | None] = mapped_column(String(100))
    head_name: Mapped[str | None] = mapped_column(String(50))
    liaison_name: Mapped[str | None] = mapped_column(String(50))
    liaison_phone: Mapped[str | None] = mapped_column(String(30))
    discipline_committee: Mapped[str | None] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)
    #: 巡视巡察整改期: while it runs, the group supervises the rectification every month
    rectification_from: Mapped[date | None] = mapped_column(Date)
    rectification_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    cadres: Mapped[list[Cadre]] = relationship(back_populates="unit")

    @property
    def display_name(self) -> str:
        return self.short_name or self.full_name


talk_cadres = Table(
    "talk_cadres",
    Base.metadata,
    Column("talk_id", ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True),
    Column("cadre_id", ForeignKey("cadres.id", ondelete="CASCADE"), primary_key=True, index=True),
)

meeting_attendees = Table(
    "meeting_attendees",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
)


class Cadre(Record):
    """监察对象."""

    __tablename__ = "cadres"

    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[date | None] = mapped_column(Date)
    native_place: Mapped[str | None] = mapped_column(String(50))
    political_status: Mapped[str | None] = mapped_column(String(20))
    party_join_date: Mapped[date | None] = mapped_column(Date)
    work_start_date: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str | None] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str | None] = mapped_column(String(100))
    rank: Mapped[CadreRank | None] = mapped_column(enum_column(CadreRank))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_top_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    position_start_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[CadreStatus] = mapped_column(enum_column(CadreStatus), default=CadreStatus.SERVING)
    file_updated_on: Mapped[date | None] = mapped_column(Date)  # 廉政档案 last brought up to date
    note: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship(back_populates="cadres")
    talks: Mapped[list[Talk]] = relationship(secondary=talk_cadres, back_populates="cadres")


# --- the integrity-file sections ------------------------------------------------------


class FamilyMember(Record):
    """家庭成员及主要社会关系."""

    __tablename__ = "family_members"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(20))  # 配偶 / 子女 / 父亲 …
    name: Mapped[str] = mapped_column(String(50))
    birth_date: Mapped[date | None] = mapped_column(Date)
    political_status: Mapped[str | None] = mapped_column(String(20))
    workplace: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(100))
    runs_business: Mapped[bool] = mapped_column(Boolean, default=False)  # 经商办企业
    business_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class PersonalMattersReport(Record):
    """个人有关事项报告, yearly, with its 抽查核实 result."""

    __tablename__ = "personal_matters_reports"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    report_date: Mapped[date | None] = mapped_column(Date)
    check_result: Mapped[PersonalMattersCheck] = mapped_column(
        enum_column(PersonalMattersCheck), default=PersonalMattersCheck.NOT_CHECKED
    )
    check_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class DutyReport(Record):
    """述责述廉, yearly, with its 评议 result."""

    __tablename__ = "duty_reports"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    report_date: Mapped[date | None] = mapped_column(Date)
    rating: Mapped[DutyReportRating | None] = mapped_column(enum_column(DutyReportRating))
    summary: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class IntegrityOpinion(Record):
    """党风廉政意见回复: one row per person named in a request."""

    __tablename__ = "integrity_opinions"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    requesting_unit: Mapped[str] = mapped_column(String(100))  # 来函单位
    reason: Mapped[OpinionReason] = mapped_column(enum_column(OpinionReason))
    request_date: Mapped[date | None] = mapped_column(Date)
    reply_date: Mapped[date | None] = mapped_column(Date, index=True)
    conclusion: Mapped[OpinionConclusion | None] = mapped_column(enum_column(OpinionConclusion))
    doc_number: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)


class DisciplineRecord(Record):
    """处分 / 组织处理 / 第一种形态, with its 影响期."""

    __tablename__ = "discipline_records"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    category: Mapped[DisciplineCategory] = mapped_column(enum_column(DisciplineCategory))
    measure: Mapped[str] = mapped_column(String(50))  # 警告 / 严重警告 / 诫勉 …
    decided_on: Mapped[date] = mapped_column(Date)
    effect_start: Mapped[date | None] = mapped_column(Date)
    effect_end: Mapped[date | None] = mapped_column(Date)
    effect_rule: Mapped[str | None] = mapped_column(String(100))  # 党纪处分·严重警告 18个月
    authority: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class FollowUpVisit(Record):
    """回访: a visit to a sanctioned cadre (seed 004 §10), and when the next one is due."""

    __tablename__ = "follow_up_visits"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitors: Mapped[str | None] = mapped_column(String(100))  # 回访人
    findings: Mapped[str] = mapped_column(Text)  # 回访情况
    next_visit: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Clue(Record):
    """问题线索 / 信访举报: registered, assessed (研判), disposed of and closed (办结), each stage
    within its days (setting ``clues.stage_days``), under one 主办人."""

    __tablename__ = "clues"

    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="SET NULL"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[ClueSource] = mapped_column(enum_column(ClueSource))
    summary: Mapped[str] = mapped_column(Text)
    disposal: Mapped[ClueDisposal] = mapped_column(enum_column(ClueDisposal), default=ClueDisposal.PENDING)
    disposed_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[ClueStage] = mapped_column(enum_column(ClueStage), default=ClueStage.REGISTERED, index=True)
    stage_since: Mapped[date | None] = mapped_column(Date)  # the day the current stage began
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)  # 督办
    closed_on: Mapped[date | None] = mapped_column(Date)  # 办结日期
    form: Mapped[FourForms | None] = mapped_column(enum_column(FourForms))  # 办结: the 形态 it led to
    note: Mapped[str | None] = mapped_column(Text)


class RiskPoint(Record):
    """廉政风险点 tied to a post or process."""

    __tablename__ = "risk_points"

    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    post: Mapped[str | None] = mapped_column(String(100))  # 岗位
    process: Mapped[str | None] = mapped_column(String(100))  # 环节
    description: Mapped[str] = mapped_column(Text)
    level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel), default=RiskLevel.MEDIUM)
    measures: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Attachment(Record):
    """Any file kept in a cadre's dossier, stored in the database."""

    __tablename__ = "attachments"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    note: Mapped[str | None] = mapped_column(Text)


# --- notices, meetings, talks ---------------------------------------------------------


def effective_notice_status(status: NoticeStatus | str, deadline: date | None, today: date) -> NoticeStatus:
    """The status a notice shows: its stored one, or 逾期 (:func:`notice_rules.is_overdue`)."""
    if is_overdue(status, deadline, today):
        return NoticeStatus.OVERDUE
    return NoticeStatus.parse(status)


class AlertNotice(Record):
    """廉情提醒: a numbered notice to a unit (optionally about one cadre)."""

    __tablename__ = "alert_notices"
    __table_args__ = (UniqueConstraint("kind", "doc_year", "doc_seq", name="uq_alert_notices_number"),)

    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), index=True)
    doc_year: Mapped[int | None] = mapped_column(Integer)
    doc_seq: Mapped[int | None] = mapped_column(Integer)
    doc_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    problems: Mapped[str | None] = mapped_column(Text)  # 发现的问题
    requirements: Mapped[str | None] = mapped_column(Text)  # 整改要求
    deadline: Mapped[date | None] = mapped_column(Date)  # 反馈期限
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    signatory: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[NoticeStatus] = mapped_column(enum_column(NoticeStatus), default=NoticeStatus.DRAFT)
    holiday: Mapped[str | None] = mapped_column(String(20))  # for 节前提醒: 春节 / 中秋 …
    note: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()
    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="notice", order_by="Rectification.feedback_date"
    )

    def effective_status(self, today: date) -> NoticeStatus:
        return effective_notice_status(self.status, self.deadline, today)


class Rectification(Record):
    """整改反馈 from the unit."""

    __tablename__ = "rectifications"

    notice_id: Mapped[int] = mapped_column(ForeignKey("alert_notices.id", ondelete="CASCADE"), index=True)
    feedback_date: Mapped[date] = mapped_column(Date)
    measures: Mapped[str] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[RectificationStatus] = mapped_column(
        enum_column(RectificationStatus), default=RectificationStatus.IN_PROGRESS
    )
    note: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[AlertNotice] = relationship(back_populates="rectifications")


class Meeting(Record):
    """列席会议: a meeting of a unit the group attended."""

    __tablename__ = "meetings"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    meeting_type: Mapped[MeetingType] = mapped_column(enum_column(MeetingType))
    title: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[str | None] = mapped_column(Text)  # 议题, one per line
    major_topic_count: Mapped[int] = mapped_column(Integer, default=0)  # 议题 touching “三重一大”
    location: Mapped[str | None] = mapped_column(String(100))
    follow_up: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()
    attendees: Mapped[list[Member]] = relationship(secondary=meeting_attendees)
    opinions: Mapped[list[MeetingOpinion]] = relationship(back_populates="meeting")


class MeetingOpinion(Record):
    """意见建议 raised by the group at a meeting."""

    __tablename__ = "meeting_opinions"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    content: Mapped[str] = mapped_column(Text)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="SET NULL"), index=True)
    follow_up: Mapped[OpinionFollowUp] = mapped_column(
        enum_column(OpinionFollowUp), default=OpinionFollowUp.PENDING
    )
    follow_up_note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="opinions")


class Talk(Record):
    """谈话: a talk with one or more cadres."""

    __tablename__ = "talks"

    kind: Mapped[TalkKind] = mapped_column(enum_column(TalkKind), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(100))
    talker_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)  # 事由
    summary: Mapped[str | None] = mapped_column(Text)  # 谈话内容摘要
    response: Mapped[str | None] = mapped_column(Text)  # 本人表态
    follow_up: Mapped[str | None] = mapped_column(Text)
    handling: Mapped[FirstFormHandling | None] = mapped_column(enum_column(FirstFormHandling))
    note: Mapped[str | None] = mapped_column(Text)

    cadres: Mapped[list[Cadre]] = relationship(secondary=talk_cadres, back_populates="talks")
    talker: Mapped[Member | None] = relationship(foreign_keys=[talker_id])
    recorder: Mapped[Member | None] = relationship(foreign_keys=[recorder_id])


inspection_units = Table(
    "inspection_units",
    Base.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)

inspection_members = Table(
    "inspection_members",
    Base.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
)


class Inspection(Record):
    """监督检查: a check of one or more units (专项, 日常, 明察暗访, 驻点, 巡视巡察整改监督,
    预警核查), by whom, how, of what and what it found."""

    __tablename__ = "inspections"

    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind), index=True)
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))  # 检查事项
    methods: Mapped[str | None] = mapped_column(String(200))  # 查阅资料、实地检查、个别谈话 …
    content: Mapped[str | None] = mapped_column(Text)  # 检查内容
    findings: Mapped[str | None] = mapped_column(Text)  # 发现情况
    alert_source: Mapped[str | None] = mapped_column(String(50))  # 预警核查: 政采云 / 公车监管 …
    alert_result: Mapped[AlertCheckResult | None] = mapped_column(enum_column(AlertCheckResult))
    note: Mapped[str | None] = mapped_column(Text)

    units: Mapped[list[Unit]] = relationship(secondary=inspection_units)
    members: Mapped[list[Member]] = relationship(secondary=inspection_members)


class Problem(Record):
    """问题发现台账: one problem found, wherever it was found, on its way from 交办 through 整改
    to 验收销号."""

    __tablename__ = "problems"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="SET NULL"), index=True)
    found_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[ProblemSource] = mapped_column(enum_column(ProblemSource))
    # the record it was found in (at most one, by ``source``)
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspections.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    talk_id: Mapped[int | None] = mapped_column(ForeignKey("talks.id", ondelete="SET NULL"))
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[ProblemCategory] = mapped_column(enum_column(ProblemCategory))
    severity: Mapped[ProblemSeverity] = mapped_column(
        enum_column(ProblemSeverity), default=ProblemSeverity.MINOR
    )
    # 交办: by a notice, a talk, or passed on as a clue
    handoff: Mapped[ProblemHandoff | None] = mapped_column(enum_column(ProblemHandoff))
    handed_on: Mapped[date | None] = mapped_column(Date)
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_notices.id", ondelete="SET NULL"), index=True
    )
    handoff_talk_id: Mapped[int | None] = mapped_column(ForeignKey("talks.id", ondelete="SET NULL"))
    handoff_clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="SET NULL"))
    deadline: Mapped[date | None] = mapped_column(Date)  # 整改期限
    status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus), default=ProblemStatus.FOUND)
    # 验收销号
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    closing_note: Mapped[str | None] = mapped_column(Text)  # 验收意见
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_cadres_name_birth_unit", Cadre.name, Cadre.birth_date, Cadre.unit_id)
Index("ix_alert_notices_deadline", AlertNotice.status, AlertNotice.deadline)

#: Every soft-deletable record type by table name.
RECORD_TYPES: dict[str, type[Record]] = {
    cls.__tablename__: cls
    for cls in (
        Member,
        Setting,
        AuditEntry,
        Unit,
        Cadre,
        FamilyMember,
        PersonalMattersReport,
        DutyReport,
        IntegrityOpinion,
        DisciplineRecord,
        FollowUpVisit,
        Clue,
        RiskPoint,
        Attachment,
        AlertNotice,
        Rectification,
        Meeting,
        MeetingOpinion,
        Talk,
        Inspection,
        Problem,
    )
}


def column_values(obj: Record) -> dict[str, Any]:
    """The record's column values (no relationships, no blobs), for audit and snapshots."""
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:
        if isinstance(col.type, LargeBinary):
            continue
        out[col.key] = getattr(obj, col.key)
    return out


def configure() -> None:
    """Set up every mapper now (the first query would otherwise do it, on the main thread)."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
