"""The year's records of the demo: :class:`_Demo`, for :mod:`wsjc_desktop.services.demo`.

:class:`_Demo` adds to :class:`~.demo_people._DemoBase` (the generator's state, helpers and
people) everything a group records in a year, one method per phase of ``generate_demo``: the
dossier sections (个人有关事项报告, 述责述廉, sanctions and clues, 党风廉政意见回复, 廉政风险点),
talks (with the 第一种形态 they lead to), meetings with their attendees and opinions, and the
notices (廉情抄告单, 提醒函, 提示函, 建议书, 节前提醒) with their feedback, numbered once all
are made (``number_notices``). The texts come from :mod:`.demo_data`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from wsjc_desktop.domain import problem_rules, sanctions
from wsjc_desktop.domain.docnumber import DEFAULT_TEMPLATE, format_doc_number
from wsjc_desktop.domain.enums import (
    AlertCheckResult,
    CadreRank,
    ClueDisposal,
    ClueSource,
    ClueStage,
    DisciplineCategory,
    DutyReportRating,
    FirstFormHandling,
    FourForms,
    InspectionKind,
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
)
from wsjc_desktop.services.demo_data import (
    _ADMIN_TOPICS,
    _AGENDA_OPINIONS,
    _AGENDA_TOPICS,
    _ALERT_RESULT_WEIGHTS,
    _ALERTS,
    _CADRE_OPINIONS,
    _CHECK_NOTES,
    _CLOSING_NOTES,
    _CLUE_RESULTS,
    _CLUE_SOURCE_WEIGHTS,
    _CLUE_SUMMARIES,
    _CONCLUSION_WEIGHTS,
    _COPY_ISSUES,
    _FEEDBACK_MEASURES,
    _HOLIDAY_REQUIREMENTS,
    _INSPECTION_COUNTS,
    _INSPECTION_TEXT,
    _LIFE_TOPICS,
    _MAJOR_TOPICS,
    _MEETING_FOLLOW_UPS,
    _MEETING_WEIGHTS,
    _OPINION_NOTES,
    _OPINION_REQUESTERS,
    _OPINIONS,
    _PARTY_TOPICS,
    _PATROL_PROBLEMS,
    _PROBLEMS,
    _PROJECTS,
    _PROMPT_TOPICS,
    _PROPOSAL_AREAS,
    _REASON_WEIGHTS,
    _REMINDER_REQUIREMENTS,
    _REMINDER_TOPICS,
    _RISKS,
    _ROOMS,
    _SPECIAL_TOPICS,
    _TALK_FOLLOW_UPS,
    _TALK_TEXT,
    _TALK_WEIGHTS,
)
from wsjc_desktop.services.demo_people import (
    Row,
    _Cadre,
    _DemoBase,
    _Group,
    _month_add,
    _party_word,
    _Unit,
)

#: What a 回访 found (seed 004 §10: 受处分干部跟踪回访).
_VISIT_FINDINGS = (
    "本人能正确对待组织处理，思想稳定，工作状态良好，已按要求整改。",
    "认识到位，主动汇报思想和工作情况，所在单位反映表现良好。",
    "思想有所波动，已进行谈心谈话，帮助其放下包袱、积极工作。",
    "整改措施落实到位，未发现新的问题，将继续跟踪了解。",
)


def _clue_stage(disposal: ClueDisposal, received: date, disposed: date | None, today: date) -> dict[str, Any]:
    """Where a demo clue stands in the register (limits: ``problem_rules.DEFAULT_STAGE_DAYS``).

    Waiting ones are 登记 for their first days, then 研判 from a few days after receipt, so the
    older ones run yellow and red; 暂存待查 stays 处置, and so does a 初步核实 begun less than
    75 days ago (past 30 days yellow, past 60 red); the others are 办结 on their disposal's
    day: 谈话函询 with the 第一种形态, 初步核实 with the second, 予以了结 with none."""
    if disposed is None:
        age = (today - received).days
        if age < 5:
            return {"stage": ClueStage.REGISTERED, "stage_since": received, "closed_on": None, "form": None}
        return {
            "stage": ClueStage.ASSESSING,
            "stage_since": received + timedelta(days=2 + received.toordinal() % 3),
            "closed_on": None,
            "form": None,
        }
    if disposal is ClueDisposal.SHELVED or (
        disposal is ClueDisposal.PRELIMINARY_CHECK and (today - disposed).days < 75
    ):
        return {"stage": ClueStage.DISPOSING, "stage_since": disposed, "closed_on": None, "form": None}
    form = {
        ClueDisposal.TALK_INQUIRY: FourForms.FIRST,
        ClueDisposal.PRELIMINARY_CHECK: FourForms.SECOND,
        ClueDisposal.TRANSFERRED: FourForms.THIRD,
    }.get(disposal, FourForms.NONE)
    return {"stage": ClueStage.CLOSED, "stage_since": disposed, "closed_on": disposed, "form": form}


class _Demo(_DemoBase):
    """The whole generator: the people of :class:`_DemoBase` and the year's records."""

    # --- dossier sections --------------------------------------------------------------------

    def reports_and_risks(self, group: _Group) -> None:
        self.reports(group)
        self.risks(group)

    def cases_and_opinions(self, group: _Group) -> None:
        self.opinions(group, *self.discipline_and_clues(group))

    def reports(self, group: _Group) -> None:
        """个人有关事项报告 and 述责述廉 for the year, for leaders and 中层正职."""
        rng = self.rng
        for unit in group.units:
            for c in unit.cadres:
                if not c.serving:
                    continue
                senior = c.rank in (CadreRank.BUREAU, CadreRank.DIVISION)
                if senior or c.is_head:
                    d = self._workday(
                        min(date(self.year, 1, 15), self.today), min(date(self.year, 3, 31), self.today)
                    )
                    check = PersonalMattersCheck.NOT_CHECKED
                    check_note = None
                    if rng.random() < 0.25:
                        check = self._pick(
                            (
                                (PersonalMattersCheck.CONSISTENT, 90),
                                (PersonalMattersCheck.OMITTED, 9),
                                (PersonalMattersCheck.CONCEALED, 1),
                            )
                        )
                        check_note = _CHECK_NOTES.get(check)
                    row = self._record("personal_matters_reports", self._ts(d), group.staff_id)
                    row.update(
                        cadre_id=c.id,
                        year=self.year,
                        report_date=d,
                        check_result=check,
                        check_note=check_note,
                        note=None,
                    )
                if c.is_leader or c.is_head:
                    d = self._workday(
                        min(date(self.year, 1, 10), self.today), min(date(self.year, 2, 28), self.today)
                    )
                    rating = self._pick(
                        (
                            (DutyReportRating.GOOD, 70),
                            (DutyReportRating.FAIRLY_GOOD, 25),
                            (DutyReportRating.AVERAGE, 4),
                            (DutyReportRating.POOR, 1),
                        )
                    )
                    summary = (
                        f"围绕落实全面从严治党主体责任、履行“一岗双责”、廉洁自律等方面进行述责述廉，"
                        f"查摆问题{rng.randint(2, 6)}个，明确整改措施{rng.randint(3, 9)}条。"
                    )
                    row = self._record("duty_reports", self._ts(d), group.staff_id)
                    row.update(
                        cadre_id=c.id,
                        year=self.year,
                        report_date=d,
                        rating=rating,
                        summary=summary,
                        note="书面述责述廉" if not c.is_leader else None,
                    )

    def _visits(self, c: _Cadre, decided: date, end: date | None, group: _Group) -> None:
        """回访 of a sanctioned cadre: about every three months of the 影响期, up to today."""
        rng = self.rng
        day = decided + timedelta(days=rng.randint(30, 60))
        while day <= self.today and (end is None or day <= end):
            following = day + timedelta(days=rng.randint(85, 95))
            row = self._record("follow_up_visits", self._ts(day), group.chief_id)
            row.update(
                cadre_id=c.id,
                visited_on=day,
                visitors=f"{group.chief_name}、{group.staff_name}",
                findings=rng.choice(_VISIT_FINDINGS),
                next_visit=following if end is None or following <= end else None,
                note=None,
            )
            day = following

    def discipline_and_clues(self, group: _Group) -> tuple[list[_Cadre], list[_Cadre], list[_Cadre]]:
        """Sanctions (some from earlier years) and clues; returns (sanctioned long ago, recent, pending)."""
        rng = self.rng
        old: list[_Cadre] = []
        recent: list[_Cadre] = []
        pending: list[_Cadre] = []
        cadres = [c for u in group.units for c in u.cadres if c.serving]
        for i in range(rng.randint(2, 4)):
            c = rng.choice(cadres)
            category, measure, months, authority = rng.choice(
                (
                    (DisciplineCategory.PARTY_SANCTION, "警告", 6, "区纪委监委"),
                    (DisciplineCategory.PARTY_SANCTION, "严重警告", 12, "区纪委监委"),
                    (DisciplineCategory.GOVERNMENT_SANCTION, "警告", 6, "区监委"),
                    (DisciplineCategory.GOVERNMENT_SANCTION, "记过", 12, "区监委"),
                    (DisciplineCategory.ORGANIZATIONAL, "调离岗位", 0, "区委组织部"),
                )
            )
            if i == 0:
                decided = self._day(date(self.year - 3, 1, 1), date(self.year - 2, 6, 30))
            else:
                decided = self._day(date(self.year - 1, 1, 1), self.today)
            rule = sanctions.months_for(category.value, measure)  # the regulations' 影响期
            months = rule[0] if rule is not None else months
            end = _month_add(decided, months) - timedelta(days=1) if months else None
            (old if end is not None and end < self.today else recent).append(c)
            row = self._record("discipline_records", self._ts(decided), group.chief_id)
            row.update(
                cadre_id=c.id,
                category=category,
                measure=measure,
                decided_on=decided,
                effect_start=decided if months else None,
                effect_end=end,
                authority=authority,
                reason=rng.choice(
                    (
                        "违反中央八项规定精神，违规收受礼品礼金",
                        "违反工作纪律，履行监管职责不力",
                        "违反廉洁纪律，违规接受管理服务对象宴请",
                    )
                ),
                note=None,
            )
            if months:
                self._visits(c, decided, end, group)
        for _ in range(rng.randint(22, 30)):
            unit = rng.choice(group.units)
            target = rng.choice(unit.cadres) if rng.random() < 0.8 else None
            received = self._in_year()
            source = self._pick(_CLUE_SOURCE_WEIGHTS)
            text = rng.choice(_CLUE_SUMMARIES).format(
                post=target.position if target else "某工作人员", proj=rng.choice(_PROJECTS)
            )
            age = (self.today - received).days
            if age < 15 or rng.random() < 0.1:
                disposal, disposed, result = ClueDisposal.PENDING, None, None
                if target is not None:
                    pending.append(target)
            else:
                disposal = self._pick(
                    (
                        (ClueDisposal.TALK_INQUIRY, 35),
                        (ClueDisposal.PRELIMINARY_CHECK, 25),
                        (ClueDisposal.SHELVED, 10),
                        (ClueDisposal.CLOSED, 30),
                    )
                )
                disposed = received + timedelta(days=rng.randint(10, min(60, age)))
                result = rng.choice(_CLUE_RESULTS[disposal])
            row = self._record("clues", self._ts(received), group.chief_id)
            row.update(
                cadre_id=target.id if target else None,
                unit_id=unit.id,
                received_on=received,
                source=source,
                summary=text,
                disposal=disposal,
                disposed_on=disposed,
                result=result,
                note="上级交办，按期报送处置结果" if source == ClueSource.ASSIGNED else None,
                # 主办人: mostly the 组长 (no draw of its own: the opinions after stay as they were)
                handler_id=group.staff_id if row["id"] % 3 == 0 else group.chief_id,
                supervised=source == ClueSource.ASSIGNED,
                **_clue_stage(disposal, received, disposed, self.today),
            )
            self._ref(
                group, "clues", row["id"], received, unit.id, target.id if target else None, row["stage"]
            )
        return old, recent, pending

    def opinions(self, group: _Group, old: list[_Cadre], recent: list[_Cadre], pending: list[_Cadre]) -> None:
        """党风廉政意见回复, in requests of one to four people."""
        rng = self.rng
        eligible = [c for u in group.units for c in u.cadres if c.serving and c.rank != CadreRank.STAFF]
        forced = list(OpinionConclusion) if group.index == 0 else []
        made = 0
        target = rng.randint(90, 110)
        while made < target:
            unit = rng.choice(group.units)
            reason = self._pick(_REASON_WEIGHTS)
            requester = rng.choice(_OPINION_REQUESTERS[reason]).format(
                unit=unit.full_name + _party_word(unit)
            )
            request = self._in_year()
            reply: date | None = min(self.today, request + timedelta(days=rng.randint(2, 7)))
            if (self.today - request).days < 3 and rng.random() < 0.5:
                reply = None
            self.opinion_batches += 1
            number = format_doc_number(
                DEFAULT_TEMPLATE, self.agency_code + "复", self.year, self.opinion_batches
            )
            pool = [c for c in eligible if c.unit is unit] or eligible
            for c in rng.sample(pool, min(len(pool), rng.choice((1, 1, 1, 2, 2, 3, 4)))):
                conclusion: OpinionConclusion | None = None
                who = c
                if reply is not None:
                    if forced:
                        conclusion = forced.pop(0)
                        source = {
                            OpinionConclusion.EXPIRED_NO_OBJECTION: old,
                            OpinionConclusion.CLOSED_NO_OBJECTION: old,
                            OpinionConclusion.PENDING_DEFERRED: pending,
                            OpinionConclusion.SUGGEST_DEFER: pending or recent,
                            OpinionConclusion.SUGGEST_NOT_USE: recent,
                        }.get(conclusion, [])
                        if source:
                            who = rng.choice(source)
                    else:
                        conclusion = self._pick(_CONCLUSION_WEIGHTS)
                row = self._record("integrity_opinions", self._ts(reply or request), group.chief_id)
                row.update(
                    cadre_id=who.id,
                    requesting_unit=requester,
                    reason=reason,
                    request_date=request,
                    reply_date=reply,
                    conclusion=conclusion,
                    doc_number=number if reply else None,
                    note=f"拟{reason.label}"
                    if reason in (OpinionReason.PROMOTION, OpinionReason.RANK_PROMOTION)
                    else None,
                )
                made += 1

    def risks(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            heads = [c for c in unit.cadres if c.is_head]
            processes = [
                (
                    p,
                    f"{p}环节存在廉政风险，可能出现违规操作、利益输送等问题",
                    "建立健全内控制度，关键环节集体研究、全程留痕，纪检监察组定期抽查",
                )
                for p in unit.tpl.processes
            ]
            for process, description, measures in processes + rng.choices(_RISKS, k=rng.randint(12, 18)):
                head = rng.choice(heads) if heads and rng.random() < 0.4 else None
                row = self._record(
                    "risk_points",
                    self._ts(self._day(self.jan1, min(self.today, date(self.year, 3, 31)))),
                    group.staff_id,
                )
                row.update(
                    cadre_id=head.id if head else None,
                    unit_id=unit.id,
                    post=head.position if head else rng.choice(unit.tpl.depts),
                    process=process,
                    description=description,
                    level=self._pick(((RiskLevel.HIGH, 25), (RiskLevel.MEDIUM, 50), (RiskLevel.LOW, 25))),
                    measures=measures,
                    year=self.year,
                    note=None,
                )

    # --- talks and meetings --------------------------------------------------------------------

    def talks(self, group: _Group) -> None:
        rng = self.rng
        handled: list[tuple[_Cadre, date, FirstFormHandling]] = []
        for i in range(rng.randint(380, 440)):
            kind = self._pick(_TALK_WEIGHTS)
            if group.index == 0 and i < len(_TALK_WEIGHTS):
                kind = _TALK_WEIGHTS[i][0]
            unit = rng.choice(group.units)
            serving = [c for c in unit.cadres if c.serving]
            leaders = [c for c in serving if c.is_leader or c.is_head]
            if kind == TalkKind.SUMMONS:
                chosen = [next(c for c in serving if c.is_top)]
            elif kind == TalkKind.INTEGRITY:
                chosen = rng.sample(leaders if rng.random() < 0.7 else serving, rng.choice((1, 1, 2, 3, 3)))
            elif kind == TalkKind.PRE_APPOINTMENT:
                pool = [c for c in serving if c.rank != CadreRank.STAFF and not c.is_top]
                chosen = rng.sample(pool, rng.choice((1, 1, 2)))
            elif kind == TalkKind.HEART_TO_HEART:
                chosen = rng.sample(serving, rng.choice((1, 1, 1, 2)))
            else:
                chosen = [rng.choice(serving)]
            if group.index == 0 and i == 0:
                chosen = rng.sample(leaders, 3)
            day = self._in_year()
            senior = any(c.is_leader for c in chosen)
            talker, recorder = group.members if senior or rng.random() < 0.5 else group.members[::-1]
            start_h = rng.choice((9, 9, 10, 10, 11, 14, 15, 15, 16))
            start_m = rng.choice((0, 0, 15, 30, 30, 45))
            length = rng.choice((30, 40, 45, 60, 60, 90))
            reasons, summaries, responses = _TALK_TEXT[kind]
            handling: FirstFormHandling | None = None
            if kind == TalkKind.ADMONISHMENT:
                handling = FirstFormHandling.ADMONISHMENT
            elif kind == TalkKind.REMINDER and rng.random() < 0.25:
                handling = rng.choice(
                    (
                        FirstFormHandling.TALK_REMINDER,
                        FirstFormHandling.TALK_REMINDER,
                        FirstFormHandling.CRITICISM,
                    )
                )
            elif kind == TalkKind.WRITTEN_INQUIRY and rng.random() < 0.3:
                handling = FirstFormHandling.ORDERED_REVIEW
            location = rng.choice(
                ("纪检监察组谈话室", f"{unit.short}{rng.choice(_ROOMS)}", "区纪委监委谈话室")
            )
            row = self._record("talks", self._ts(day), talker)
            row.update(
                kind=kind,
                held_on=day,
                start_time=None,
                end_time=None,
                location=location,
                talker_id=talker,
                recorder_id=recorder,
                reason=rng.choice(reasons),
                summary=rng.choice(summaries),
                response=rng.choice(responses),
                follow_up=rng.choice(_TALK_FOLLOW_UPS),
                handling=handling,
                note=None,
            )
            self._ref(group, "talks", row["id"], day, unit.id, kind, chosen[0].id)
            start = datetime(2000, 1, 1, start_h, start_m)
            row["start_time"] = start.time()
            row["end_time"] = (start + timedelta(minutes=length)).time()
            for c in chosen:
                self.rows["talk_cadres"].append({"talk_id": row["id"], "cadre_id": c.id})
                if handling in (
                    FirstFormHandling.CRITICISM,
                    FirstFormHandling.ORDERED_REVIEW,
                    FirstFormHandling.ADMONISHMENT,
                ):
                    handled.append((c, day, handling))
        for c, day, handling in handled:
            end = _month_add(day, 6) if handling == FirstFormHandling.ADMONISHMENT else None
            row = self._record("discipline_records", self._ts(day), group.chief_id)
            row.update(
                cadre_id=c.id,
                category=DisciplineCategory.FIRST_FORM,
                measure=handling.label,
                decided_on=day,
                effect_start=day if end else None,
                effect_end=end,
                authority="派驻纪检监察组",
                reason="运用监督执纪“第一种形态”处理",
                note=None,
            )

    def meetings(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            counters: dict[MeetingType, int] = {}
            plan: list[tuple[MeetingType, date]] = []
            plan.append(
                (
                    MeetingType.DEMOCRATIC_LIFE,
                    self._workday(
                        min(date(self.year, 1, 10), self.today), min(date(self.year, 2, 28), self.today)
                    ),
                )
            )
            for _ in range(rng.randint(1, 2)):
                plan.append((MeetingType.ORGANIZATIONAL_LIFE, self._in_year()))
            for _ in range(rng.randint(24, 32)):
                plan.append((self._pick(_MEETING_WEIGHTS), self._in_year()))
            plan.sort(key=lambda p: p[1])
            leaders = [c for c in unit.cadres if c.serving and (c.is_leader or c.is_head)]
            for mtype, day in plan:
                counters[mtype] = n = counters.get(mtype, 0) + 1
                topics, major, title = self._agenda(unit, mtype, day, n)
                attendees = (
                    [group.chief_id, group.staff_id] if rng.random() < 0.3 else [rng.choice(group.members)]
                )
                row = self._record("meetings", self._ts(day), attendees[0])
                row.update(
                    unit_id=unit.id,
                    held_on=day,
                    meeting_type=mtype,
                    title=title,
                    topics="\n".join(topics),
                    major_topic_count=major,
                    location=unit.short + rng.choice(_ROOMS),
                    follow_up=rng.choice(_MEETING_FOLLOW_UPS),
                    note=None,
                )
                for member in attendees:
                    self.rows["meeting_attendees"].append({"meeting_id": row["id"], "member_id": member})
                self._ref(group, "meetings", row["id"], day, unit.id, mtype)
                for _ in range(rng.choice((1, 1, 2, 2, 3))):
                    cadre = rng.choice(leaders) if leaders and rng.random() < 0.3 else None
                    if mtype == MeetingType.AGENDA_REVIEW:  # 提前把关: opinions on the 议题
                        cadre = None
                        content = rng.choice(_AGENDA_OPINIONS)
                    elif cadre is not None:
                        content = rng.choice(_CADRE_OPINIONS).format(post=cadre.position)
                    else:
                        content = rng.choice(_OPINIONS)
                    age = (self.today - day).days
                    follow = (
                        OpinionFollowUp.PENDING
                        if age < 14
                        else self._pick(
                            (
                                (OpinionFollowUp.PENDING, 10),
                                (OpinionFollowUp.ADOPTED, 35),
                                (OpinionFollowUp.IMPLEMENTED, 50),
                                (OpinionFollowUp.NOT_ADOPTED, 5),
                            )
                        )
                    )
                    op = self._record("meeting_opinions", row["created_at"], attendees[0])
                    op.update(
                        meeting_id=row["id"],
                        content=content,
                        cadre_id=cadre.id if cadre else None,
                        follow_up=follow,
                        follow_up_note=rng.choice(_OPINION_NOTES[follow]),
                    )

    def _agenda(self, unit: _Unit, mtype: MeetingType, day: date, n: int) -> tuple[list[str], int, str]:
        rng = self.rng
        proj = rng.choice(_PROJECTS)
        major_topics = [t.format(proj=proj) for t in rng.sample(_MAJOR_TOPICS, 2)]
        if mtype == MeetingType.DEMOCRATIC_LIFE:
            return list(_LIFE_TOPICS), 0, f"{unit.short}领导班子{self.year - 1}年度民主生活会"
        if mtype == MeetingType.ORGANIZATIONAL_LIFE:
            return list(_LIFE_TOPICS[1:3]), 0, f"{unit.short}机关党支部组织生活会"
        if mtype == MeetingType.MAJOR_DECISION:
            topics = major_topics[: rng.randint(1, 2)]
            return topics, len(topics), f"{self.year}年第{n}次“三重一大”事项集体决策会议"
        if mtype == MeetingType.ADMINISTRATIVE:
            topics = [t.format(m=day.month) for t in rng.sample(_ADMIN_TOPICS, 2)]
            if rng.random() < 0.3:
                topics.append(major_topics[0])
            return topics, len(topics) - 2, f"{day.month}月份行政办公会"
        if mtype == MeetingType.SPECIAL_TOPIC:
            title, topic = rng.choice(_SPECIAL_TOPICS)
            return [topic], 0, title
        if mtype == MeetingType.AGENDA_REVIEW:
            topics = [t.format(proj=proj) for t in rng.sample(_AGENDA_TOPICS, rng.randint(1, 3))]
            major = sum(1 for t in topics if "预算" in t or "采购" in t)
            return topics, major, f"{unit.short}党组会议题前置审查（{day.month}月）"
        if mtype == MeetingType.LIAISON:
            topics = ["通报近期廉情和问题整改情况", "部署党风廉政建设近期重点工作"]
            return topics, 0, f"{self.year}年第{n}次党风廉政建设联络员例会"
        if mtype == MeetingType.OTHER:
            return ["观看警示教育片，通报典型案例"], 0, "警示教育大会"
        party = _party_word(unit)
        topics = [_PARTY_TOPICS[0], *rng.sample(_PARTY_TOPICS[1:], rng.randint(1, 2))]
        major = 0
        if rng.random() < 0.5:
            topics.append(major_topics[0])
            major = 1
        return topics, major, f"{unit.short}{party}{self.year}年第{n}次会议"

    # --- notices ----------------------------------------------------------------------------

    def notices(self, group: _Group) -> None:
        rng = self.rng
        per_kind = {
            NoticeKind.COPY_NOTICE: (24, 30),
            NoticeKind.REMINDER_LETTER: (16, 22),
            NoticeKind.PROMPT_LETTER: (12, 18),
            NoticeKind.PROPOSAL: (6, 9),
        }
        forced_scenarios = ["draft", "overdue", "due_soon", "fed_back", "rectified_late", "rectified"]
        for kind, (lo, hi) in per_kind.items():
            for i in range(rng.randint(lo, hi)):
                scenario = forced_scenarios[i] if group.index == 0 and i < len(forced_scenarios) else None
                self._notice(group, kind, scenario)
        self._holiday_notices(group)

    def _notice(self, group: _Group, kind: NoticeKind, scenario: str | None) -> None:
        rng = self.rng
        unit = rng.choice(group.units)
        serving = [c for c in unit.cadres if c.serving]
        cadre: _Cadre | None = None
        n = rng.randint(2, 12)
        proj = rng.choice(_PROJECTS)
        if kind == NoticeKind.COPY_NOTICE:
            short_issue, problems, requirements = rng.choice(_COPY_ISSUES)
            problems = problems.format(n=n, proj=proj, amount=rng.randint(20, 480))
            title = f"关于{unit.short}{short_issue}问题的廉情抄告单"
        elif kind == NoticeKind.REMINDER_LETTER:
            cadre = rng.choice([c for c in serving if c.is_leader or c.is_head] or serving)
            topic = rng.choice(_REMINDER_TOPICS)
            title = f"关于{topic}的廉政提醒函"
            problems = f"日常监督中发现，{cadre.position}分管领域在{topic}方面存在薄弱环节。"
            requirements = _REMINDER_REQUIREMENTS
        elif kind == NoticeKind.PROMPT_LETTER:
            topic, problems = rng.choice(_PROMPT_TOPICS)
            problems = problems.format(n=n)
            title = f"关于{topic}的提示函"
            requirements = (
                "请对照提示内容开展自查自纠，完善相关制度措施，并将自查整改情况按期反馈纪检监察组。"
            )
        else:
            area, problems, requirements = rng.choice(_PROPOSAL_AREAS)
            title = f"关于{unit.short}加强{area}的纪检监察建议书"
            requirements = f"建议：{requirements}请于收到本建议书之日起30日内将落实情况书面反馈。"
        days = 30 if kind == NoticeKind.PROPOSAL else rng.choice((15, 15, 20, 30))
        today = self.today
        issued: date | None
        deadline: date | None
        late = False
        if scenario is None:
            scenario = "draft" if rng.random() < 0.07 else "random"
        if scenario == "draft":
            issued, deadline, status = None, None, NoticeStatus.DRAFT
        elif scenario == "overdue":
            issued = self._workday(self.jan1, max(self.jan1, today - timedelta(days=days + 5)))
            deadline = issued + timedelta(days=days)
            if deadline >= today:
                deadline = issued + timedelta(days=max(1, (today - issued).days - 1))
            status = NoticeStatus.ISSUED
        elif scenario == "due_soon":
            deadline = today + timedelta(days=rng.randint(0, 6))
            issued = max(self.jan1, min(today, deadline - timedelta(days=days)))
            status = NoticeStatus.ISSUED
        else:
            if scenario == "random":
                issued = self._in_year()
            else:
                issued = self._workday(self.jan1, max(self.jan1, today - timedelta(days=days + 10)))
            deadline = issued + timedelta(days=days)
            if scenario == "fed_back":
                status = NoticeStatus.FED_BACK
            elif scenario in ("rectified", "rectified_late"):
                status = NoticeStatus.RECTIFIED
                late = scenario == "rectified_late"
            elif deadline < today:
                status = self._pick(
                    ((NoticeStatus.RECTIFIED, 60), (NoticeStatus.FED_BACK, 28), (NoticeStatus.ISSUED, 12))
                )
                late = rng.random() < 0.2
            else:
                status = self._pick(((NoticeStatus.ISSUED, 65), (NoticeStatus.FED_BACK, 35)))
        created = self._ts(issued or self._day(today - timedelta(days=10), today))
        row = self._record("alert_notices", created, group.chief_id)
        row.update(
            kind=kind,
            doc_year=None,
            doc_seq=None,
            doc_number=None,
            unit_id=unit.id,
            cadre_id=cadre.id if cadre else None,
            title=title,
            problems=problems,
            requirements=requirements,
            deadline=deadline,
            issued_on=issued,
            signatory=group.chief_name if issued else None,
            status=status,
            holiday=None,
            note=None,
        )
        fed_back = self._feedback(row, unit, late=late)
        if issued is not None:
            self._ref(group, "notices", row["id"], unit.id, issued, deadline, status, fed_back)

    def _feedback(self, row: Row, unit: _Unit, *, late: bool) -> date | None:
        """Rectification rows for a notice that was fed back or rectified; the last one's date."""
        rng = self.rng
        status: NoticeStatus = row["status"]
        issued: date | None = row["issued_on"]
        deadline: date | None = row["deadline"]
        if status not in (NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED) or issued is None:
            return None
        first = issued + timedelta(days=1)
        if deadline is not None and late and deadline < self.today:
            lo, hi = deadline + timedelta(days=1), self.today
        else:
            hi = min(self.today, deadline) if deadline is not None else self.today
            lo = min(first, hi)
        steps = [RectificationStatus.IN_PROGRESS]
        if status == NoticeStatus.RECTIFIED:
            steps = (
                [RectificationStatus.DONE]
                if rng.random() < 0.6
                else [RectificationStatus.IN_PROGRESS, RectificationStatus.DONE]
            )
        day = self._day(lo, hi)
        last = day
        for i, step in enumerate(steps):
            if i:
                day = self._day(day, max(day, self.today))
            measures = rng.choice(_FEEDBACK_MEASURES[:-1]).format(n=rng.randint(2, 8))
            if row["holiday"]:
                measures = _FEEDBACK_MEASURES[-1]
            rect = self._record("rectifications", self._ts(day), row["created_by_id"])
            rect.update(
                notice_id=row["id"],
                feedback_date=day,
                measures=measures,
                handled_by=unit.liaison,
                status=step,
                note=None if step == RectificationStatus.IN_PROGRESS else "经核查，整改到位",
            )
            last = day
        row["updated_at"] = max(row["updated_at"], self._ts(last))
        return last

    def _holidays(self) -> list[tuple[str, date]]:
        y = self.year
        spring = {
            2024: (2, 10),
            2025: (1, 29),
            2026: (2, 17),
            2027: (2, 6),
            2028: (1, 26),
            2029: (2, 13),
            2030: (2, 3),
            2031: (1, 23),
            2032: (2, 11),
        }.get(y, (2, 5))
        dragon = {
            2024: (6, 10),
            2025: (5, 31),
            2026: (6, 19),
            2027: (6, 9),
            2028: (5, 28),
            2029: (6, 16),
            2030: (6, 5),
            2031: (6, 24),
            2032: (6, 12),
        }.get(y, (6, 10))
        autumn = {
            2024: (9, 17),
            2025: (10, 6),
            2026: (9, 25),
            2027: (9, 15),
            2028: (10, 3),
            2029: (9, 22),
            2030: (9, 12),
            2031: (10, 1),
            2032: (9, 19),
        }.get(y, (9, 20))
        return [
            ("春节", date(y, *spring)),
            ("清明", date(y, 4, 4)),
            ("五一", date(y, 5, 1)),
            ("端午", date(y, *dragon)),
            ("中秋国庆", min(date(y, *autumn), date(y, 10, 1))),
            ("元旦", date(y + 1, 1, 1)),
            (
                "春节",
                date(
                    y + 1,
                    *{
                        2025: (1, 29),
                        2026: (2, 17),
                        2027: (2, 6),
                        2028: (1, 26),
                        2029: (2, 13),
                        2030: (2, 3),
                        2031: (1, 23),
                        2032: (2, 11),
                        2033: (1, 31),
                    }.get(y + 1, (2, 5)),
                ),
            ),
        ]

    def _holiday_notices(self, group: _Group) -> None:
        """节前廉政提醒: one per unit per holiday; the next holiday's are still drafts."""
        rng = self.rng
        forced = (
            [NoticeStatus.ISSUED, NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED] if group.index == 0 else []
        )
        upcoming_done = False
        for holiday, when in self._holidays():
            send = max(self.jan1, when - timedelta(days=7))
            while send.weekday() >= 5 and send > self.jan1:
                send -= timedelta(days=1)
            if send > self.today and upcoming_done:
                break
            draft = send > self.today
            upcoming_done = upcoming_done or draft
            year_label = when.year
            for unit in group.units:
                deadline = when + timedelta(days=10) if not draft else None
                status = NoticeStatus.DRAFT
                if not draft:
                    assert deadline is not None
                    if deadline < self.today:
                        status = (
                            forced.pop(0)
                            if forced
                            else self._pick(
                                (
                                    (NoticeStatus.FED_BACK, 60),
                                    (NoticeStatus.RECTIFIED, 25),
                                    (NoticeStatus.ISSUED, 15),
                                )
                            )
                        )
                    else:
                        status = self._pick(((NoticeStatus.ISSUED, 70), (NoticeStatus.FED_BACK, 30)))
                created = self._ts(
                    send if not draft else self._day(self.today - timedelta(days=5), self.today)
                )
                row = self._record("alert_notices", created, group.chief_id)
                row.update(
                    kind=NoticeKind.HOLIDAY_REMINDER,
                    doc_year=None,
                    doc_seq=None,
                    doc_number=None,
                    unit_id=unit.id,
                    cadre_id=None,
                    title=f"关于{year_label}年{holiday}期间严守廉洁纪律的提醒",
                    problems=None,
                    requirements=_HOLIDAY_REQUIREMENTS,
                    deadline=deadline,
                    issued_on=None if draft else send,
                    signatory=None if draft else group.chief_name,
                    status=status,
                    holiday=holiday,
                    note=None,
                )
                self._feedback(row, unit, late=rng.random() < 0.1)

    def number_notices(self) -> None:
        """Give every issued notice its 文号: per kind and year, in order of issue, no gaps."""
        by_kind: dict[NoticeKind, list[Row]] = {k: [] for k in NoticeKind if k != NoticeKind.HOLIDAY_REMINDER}
        by_kind[NoticeKind.HOLIDAY_REMINDER] = []
        for row in self.rows["alert_notices"]:
            if row["issued_on"] is not None:
                by_kind[row["kind"]].append(row)
        for kind, rows in by_kind.items():
            if not rows:
                continue
            rows.sort(key=lambda r: (r["issued_on"], r["id"]))
            planned = self.next_numbers[kind]
            seq = planned.seq - 1
            for row in rows:
                seq += 1
                row["doc_year"] = self.year
                row["doc_seq"] = seq
                row["doc_number"] = replace(planned, seq=seq).text(self.agency_code)
            self.doc_sequences[kind] = seq

    # --- the supervision loop: inspections and the problems they find ------------------------

    def supervision(self, group: _Group) -> None:
        """The year's 监督检查 of every kind and the 问题发现台账.

        Problems come from inspections that found something, from meetings, talks and clues,
        and from the 巡察 feedback of the unit under rectification. Most are handed on by a
        notice of the same unit issued after they were found (their 整改期限 and status follow
        that notice: a rectified one is mostly 销号 days after its feedback) or by a 谈话提醒 (a
        month to put it right); the rest wait to be handed on. Those past their 整改期限 and
        not rectified are 逾期."""
        rng = self.rng
        refs = self.refs.get(group.index, {})
        units = {u.id: u for u in group.units}
        notices: dict[int, list[tuple[Any, ...]]] = {}
        for nid, unit_id, issued, deadline, status, fed_back in refs.get("notices", []):
            notices.setdefault(unit_id, []).append((nid, issued, deadline, status, fed_back))
        reminders: dict[int, list[tuple[Any, ...]]] = {}
        talks = []
        for tid, day, unit_id, kind, cadre_id in refs.get("talks", []):
            if kind in (TalkKind.REMINDER, TalkKind.INTEGRITY):
                reminders.setdefault(unit_id, []).append((tid, day, cadre_id))
                talks.append((tid, day, unit_id))
        found: list[tuple[ProblemSource, str | None, int | None, date, _Unit]] = []
        for kind, (lo, hi) in _INSPECTION_COUNTS.items():
            for n in range(rng.randint(lo, hi)):
                # the first group checks an alert of each data system at least once
                alert = n if kind is InspectionKind.ALERT_CHECK and group.index == 0 and n < 3 else None
                self._inspection(group, kind, found, alert=alert)
        for unit in group.units:
            if unit.rectification is not None:
                self._rectification_checks(group, unit, found)
                # the 巡察 feedback, each problem once, on the day the 整改期 began
                for n in range(rng.randint(2, 3)):
                    found.append(
                        (ProblemSource.PATROL, None, n, min(self.today, unit.rectification[0]), unit)
                    )
        meetings = [r for r in refs.get("meetings", []) if r[3] != MeetingType.LIAISON]
        for mid, day, unit_id, _type in rng.sample(meetings, min(len(meetings), rng.randint(3, 5))):
            found.append((ProblemSource.MEETING, "meeting_id", mid, day, units[unit_id]))
        for tid, day, unit_id in rng.sample(talks, min(len(talks), rng.randint(2, 3))):
            found.append((ProblemSource.TALK, "talk_id", tid, day, units[unit_id]))
        clues = refs.get("clues", [])
        for cid, received, unit_id, _cadre, _stage in rng.sample(clues, min(len(clues), rng.randint(1, 2))):
            day = min(self.today, received + timedelta(days=rng.randint(5, 20)))
            found.append((ProblemSource.CLUE, "clue_id", cid, day, units[unit_id]))
        found.sort(key=lambda f: f[3])
        for source, link, record_id, day, unit in found:
            self._problem(group, source, link, record_id, day, unit, notices, reminders, clues)

    def _inspection(
        self,
        group: _Group,
        kind: InspectionKind,
        found: list[tuple[ProblemSource, str | None, int | None, date, _Unit]],
        *,
        unit: _Unit | None = None,
        day: date | None = None,
        alert: int | None = None,
    ) -> None:
        rng = self.rng
        alert_source: str | None = None
        if kind is InspectionKind.ALERT_CHECK:
            alert_source, title, content, finding = (
                _ALERTS[alert] if alert is not None else rng.choice(_ALERTS)
            )
            methods = "数据比对、查阅资料、电话核实"
        else:
            title, methods, content, finding = rng.choice(_INSPECTION_TEXT[kind])
        day = day or self._in_year()
        if unit is not None:
            checked = [unit]
        elif kind in (InspectionKind.SPECIAL, InspectionKind.UNANNOUNCED) and rng.random() < 0.5:
            checked = rng.sample(group.units, rng.randint(2, 3))
        else:
            checked = [rng.choice(group.units)]
        ended: date | None = None
        if kind is InspectionKind.STATIONED:
            ended = min(self.today, day + timedelta(days=rng.randint(5, 20)))
            title = f"{checked[0].short}{title}"
        elif kind is InspectionKind.SPECIAL:
            ended = min(self.today, day + timedelta(days=rng.randint(1, 4)))
        result: AlertCheckResult | None = None
        if kind is InspectionKind.ALERT_CHECK:
            result = (
                AlertCheckResult.PENDING
                if (self.today - day).days < 10
                else self._pick(_ALERT_RESULT_WEIGHTS)
            )
            finds = result in (AlertCheckResult.CONFIRMED, AlertCheckResult.PARTLY)
        else:
            finds = rng.random() < (0.4 if kind is InspectionKind.RECTIFICATION else 0.55)
        if finds:
            findings = f"{'、'.join(u.short for u in checked)}{finding}。"
        elif result is AlertCheckResult.PENDING:
            findings = "正在核查。"
        else:
            findings = "未发现明显问题。" if result is None else "经核查，预警事项不属实。"
        members = list(group.members) if rng.random() < 0.6 else [rng.choice(group.members)]
        row = self._record("inspections", self._ts(day), members[0])
        row.update(
            kind=kind,
            started_on=day,
            ended_on=ended,
            title=title,
            methods=methods,
            content=content,
            findings=findings,
            alert_source=alert_source,
            alert_result=result,
            note=None,
        )
        for u in checked:
            self.rows["inspection_units"].append({"inspection_id": row["id"], "unit_id": u.id})
        for member in members:
            self.rows["inspection_members"].append({"inspection_id": row["id"], "member_id": member})
        if finds:
            for u in checked[: rng.randint(1, 2)]:
                found.append((ProblemSource.INSPECTION, "inspection_id", row["id"], ended or day, u))

    def _rectification_checks(
        self,
        group: _Group,
        unit: _Unit,
        found: list[tuple[ProblemSource, str | None, int | None, date, _Unit]],
    ) -> None:
        """巡视巡察整改监督 once a month of the unit's 整改期 up to today, but for last month: that
        one is missing, so the 工作台 shows it as a to-do."""
        assert unit.rectification is not None
        begin, end = unit.rectification
        month = begin.replace(day=1)
        skipped = _month_add(self.today.replace(day=1), -1)
        while month <= min(end, self.today):
            after = _month_add(month, 1)
            lo, hi = max(begin, month), min(end, self.today, after - timedelta(days=1))
            if month != skipped and lo <= hi:
                self._inspection(
                    group, InspectionKind.RECTIFICATION, found, unit=unit, day=self._workday(lo, hi)
                )
            month = after

    def _problem(
        self,
        group: _Group,
        source: ProblemSource,
        link: str | None,
        record_id: int | None,
        day: date,
        unit: _Unit,
        notices: dict[int, list[tuple[Any, ...]]],
        reminders: dict[int, list[tuple[Any, ...]]],
        clues: list[tuple[Any, ...]],
    ) -> None:
        rng = self.rng
        category = rng.choice(list(_PROBLEMS))
        if source is ProblemSource.PATROL:  # ``record_id``: which of the 巡察's findings
            text = _PATROL_PROBLEMS[(record_id or 0) % len(_PATROL_PROBLEMS)]
            category = rng.choice(
                (ProblemCategory.MAJOR_DECISIONS, ProblemCategory.FINANCE, ProblemCategory.OTHER)
            )
        else:
            text = rng.choice(_PROBLEMS[category])
        heads = [c for c in unit.cadres if c.serving and c.is_head]
        cadre = rng.choice(heads) if heads and rng.random() < 0.3 else None
        found_on = min(day, self.today)
        row = self._record("problems", self._ts(found_on), group.chief_id)
        row.update(
            unit_id=unit.id,
            cadre_id=cadre.id if cadre else None,
            found_on=found_on,
            source=source,
            description=text.format(unit=unit.short),
            category=category,
            severity=self._pick(
                ((ProblemSeverity.MINOR, 60), (ProblemSeverity.SERIOUS, 30), (ProblemSeverity.GRAVE, 10))
            ),
            handoff=None,
            handed_on=None,
            deadline=None,
            status=ProblemStatus.FOUND,
            closed_on=None,
            closed_by_id=None,
            closing_note=None,
            note=None,
        )
        if link is not None:
            row[link] = record_id
        window = found_on + timedelta(days=45)
        by_notice = [n for n in notices.get(unit.id, []) if found_on <= n[1] <= window]
        by_talk = [t for t in reminders.get(unit.id, []) if found_on <= t[1] <= window]
        by_clue = [c for c in clues if c[2] == unit.id and found_on <= c[1] <= window and c[0] != record_id]
        roll = rng.random()
        closed: date | None = None
        passed_on = self.refs.setdefault(group.index, {}).setdefault("passed_on", [])
        first = group.index == 0 and not passed_on  # the first group shows one at least
        if by_clue and (row["severity"] is ProblemSeverity.GRAVE or first):  # 移送问题线索
            cid, received, _unit, _cadre, stage = rng.choice(by_clue)
            passed_on.append((row["id"],))
            row.update(handoff=ProblemHandoff.CLUE, handed_on=received, handoff_clue_id=cid)
            row["status"] = problem_rules.derive_status(
                closed_on=None, handoff=ProblemHandoff.CLUE, clue_stage=stage
            )
        elif by_notice and roll < 0.7:
            nid, issued, deadline, status, fed_back = rng.choice(by_notice)
            row.update(handoff=ProblemHandoff.NOTICE, handed_on=issued, notice_id=nid, deadline=deadline)
            row["status"] = problem_rules.derive_status(
                closed_on=None, handoff=ProblemHandoff.NOTICE, notice_status=status
            )
            if row["status"] is ProblemStatus.RECTIFIED and fed_back is not None and rng.random() < 0.75:
                closed = min(self.today, fed_back + timedelta(days=rng.randint(3, 15)))
        elif by_talk and roll < 0.9:
            tid, talked, _cadre = rng.choice(by_talk)
            deadline = talked + timedelta(days=30)
            row.update(
                handoff=ProblemHandoff.TALK,
                handed_on=talked,
                handoff_talk_id=tid,
                deadline=deadline,
                status=ProblemStatus.RECTIFYING,
            )
            if deadline < self.today and rng.random() < 0.6:
                closed = min(self.today, talked + timedelta(days=rng.randint(10, 40)))
        if closed is not None:
            row.update(
                status=ProblemStatus.CLOSED,
                closed_on=closed,
                closed_by_id=group.chief_id,
                closing_note=rng.choice(_CLOSING_NOTES),
            )
            row["updated_at"] = max(row["updated_at"], self._ts(closed))
