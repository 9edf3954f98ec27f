"""The plain values each slip is printed from. Built by the services, read by the layouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class NoticeValues:
    """廉情抄告单 / 廉政提醒函 / 提示函 / 纪检监察建议书 / 节前廉政提醒."""

    kind: str  # NoticeKind value: copy_notice, reminder_letter, prompt_letter, proposal, holiday_reminder
    kind_label: str  # 廉情抄告单 …
    group_name: str  # the masthead and the signature: 区纪委监委派驻…纪检监察组
    doc_number: str | None  # 驻X纪抄〔2026〕3号; None for a draft (printed as “（草稿）”)
    unit_name: str  # 主送单位 (full name)
    title: str
    problems: str = ""  # 发现的问题 / facts (paragraphs separated by blank lines or newlines)
    requirements: str = ""  # 整改要求 / recommendations
    deadline: date | None = None  # 反馈期限
    issued_on: date | None = None  # 发出日期 (printed as 2026年3月5日)
    signatory: str | None = None
    cadre_name: str | None = None  # 涉及干部, when the notice concerns one person
    holiday: str | None = None  # 节前提醒: 春节 / 中秋 …
    with_receipt: bool = True  # a tear-off 回执 below a cut line
    copy_to: str = ""  # 抄送: the 版记 at the foot of the last page names them (GB/T 9704 §7.4)
    sealed: bool = True  # the 落款 leaves room for the seal (§7.3.5.1); False: 不加盖印章 (§7.3.5.2)


@dataclass(frozen=True)
class TalkPerson:
    name: str
    unit: str = ""
    position: str = ""


@dataclass(frozen=True)
class TalkValues:
    """谈话记录: a ruled form. An attribute holding one field's value is named as the field
    (a field marked for the slip that the form does not place yet is read from here by name)."""

    group_name: str
    kind_label: str  # 廉政谈话 …
    held_on: date
    start_time: time | None = None
    end_time: time | None = None
    location: str = ""
    talker: str = ""
    recorder: str = ""
    persons: tuple[TalkPerson, ...] = ()
    reason: str = ""
    summary: str = ""
    response: str = ""  # 本人表态
    follow_up: str = ""
    handling: str = ""  # 第一种形态处理 label, if any
    #: slip fields without an attribute of their own (a field just marked for the slip), by name
    others: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingOpinionLine:
    content: str
    cadre: str = ""
    follow_up: str = ""  # 落实情况 label
    note: str = ""


@dataclass(frozen=True)
class MeetingValues:
    """列席会议记录 (attributes named as the meeting's fields, as for :class:`TalkValues`)."""

    group_name: str
    unit_name: str
    held_on: date
    type_label: str
    title: str = ""
    topics: str = ""
    major_topic_count: int = 0
    location: str = ""
    attendees: tuple[str, ...] = ()
    opinions: tuple[MeetingOpinionLine, ...] = ()
    follow_up: str = ""
    others: dict[str, object] = field(default_factory=dict)  # as TalkValues.others


@dataclass(frozen=True)
class OpinionPerson:
    name: str
    unit: str
    position: str
    conclusion: str  # OpinionConclusion label


@dataclass(frozen=True)
class OpinionReplyValues:
    """党风廉政意见回复 (one letter, one or more persons)."""

    group_name: str
    requesting_unit: str
    reason_label: str  # 提拔 …
    persons: tuple[OpinionPerson, ...]
    doc_number: str | None = None
    request_date: date | None = None
    reply_date: date | None = None
    copy_to: str = ""
    sealed: bool = True


@dataclass(frozen=True)
class DossierSection:
    title: str  # 家庭成员及主要社会关系 …
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DossierValues:
    """A cadre's 廉政档案 printout."""

    group_name: str
    name: str
    unit_name: str
    basics: tuple[tuple[str, str], ...]  # (label, value) in field-spec order
    sections: tuple[DossierSection, ...] = ()
    timeline: tuple[tuple[str, str, str], ...] = ()  # (date, kind, title)
    last_updated: date | None = None
    printed_on: date = field(default_factory=date.today)
