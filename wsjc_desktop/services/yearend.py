"""Year-end output: the figures of :mod:`wsjc_desktop.services.stats` as a workbook, a PDF
工作统计表 and plain text to paste into the year's summary.

- :func:`export_xlsx`: sheets 汇总 (every figure), 分单位 (a row per unit under supervision),
  分人员 (a row per member) and 文字材料 (the ready sentences), written by
  :mod:`wsjc_desktop.excel.writer` (formula-safe, moved into place only when complete);
- :func:`export_pdf`: the 工作统计表 through :mod:`wsjc_desktop.printing.stats_table`;
- :func:`sentences_text`: the sentences as paragraphs.

Both exports refuse a read-only target with a message in Chinese and leave nothing half
written; each is noted in the audit log. No Qt here.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.writer import ColumnKind, LedgerColumn, LedgerSheet, Progress, write_ledgers
from wsjc_desktop.printing.stats_table import StatsItem, StatsSection, StatsValues, render_stats
from wsjc_desktop.services import stats
from wsjc_desktop.services.ledgers import note_export
from wsjc_desktop.services.printing import _atomic_file, _font_overrides, _fonts, _group_name, _note_print
from wsjc_desktop.storage.database import Database

__all__ = [
    "MEMBER_FIGURES",
    "UNIT_FIGURES",
    "export_pdf",
    "export_xlsx",
    "file_name",
    "period_title",
    "sentences_text",
    "stats_values",
    "workbook_sheets",
]

#: The audit log's name for what these exports read (not one table: all of them).
AUDIT_TABLE = "stats"

#: The figures of the 分单位 sheet, one column each: what a unit's year is judged by.
UNIT_FIGURES: tuple[str, ...] = (
    "talks.count",
    "talks.person_times",
    "talks.kind.integrity",
    "talks.kind.pre_appointment",
    "talks.kind.reminder",
    "talks.kind.heart_to_heart",
    "talks.kind.admonishment",
    "talks.leaders",
    "meetings.count",
    "meetings.major_topics",
    "opinions.count",
    "opinions.adopted",
    "meetings.agenda_review.topics",
    "inspections.count",
    "inspections.unannounced",
    "notices.issued",
    "notices.fed_back",
    "notices.rectified",
    "notices.overdue",
    "problems.found",
    "problems.closed",
    "problems.closing_rate",
    "problems.overdue",
    "replies.person_times",
    "clues.received",
    "clues.overdue",
    "discipline.count",
    "four_forms.count",
    "files.built_or_updated",
    "cadres.count",
    "cadres.leaders",
)

#: The figures of the 分人员 sheet: those of the 分单位 sheet that split per member.
MEMBER_FIGURES: tuple[str, ...] = tuple(k for k in UNIT_FIGURES if stats.figure(k).per_member)


def period_title(period: stats.Period) -> str:
    """“2026年度” for a calendar year, else the period's dates."""
    return f"{period.start.year}年度" if period.is_year else period.label


def file_name(report: stats.Report, suffix: str) -> str:
    """A default file name: 2026年度工作统计.xlsx, 2026年度工作统计表.pdf."""
    stem = f"{period_title(report.period)}工作统计"
    return f"{stem}表.pdf" if suffix.lstrip(".").lower() == "pdf" else f"{stem}.{suffix.lstrip('.')}"


def sentences_text(report: stats.Report) -> str:
    """The ready sentences, one paragraph a line, to paste into the year's summary."""
    return "\n".join(stats.sentences(report))


# --- the workbook ---------------------------------------------------------------------------


def _split_sheet(
    name: str,
    title: str,
    who: str,
    entries: dict[int, str],
    keys: Sequence[str],
    values_of: Callable[[int], dict[str, int]],
) -> LedgerSheet:
    """One row per unit (or member): 序号, the name, then the chosen figures."""
    rows: list[list[Any]] = []
    for number, (entry_id, entry_name) in enumerate(entries.items(), start=1):
        values = values_of(entry_id)
        rows.append([number, entry_name, *(values[k] for k in keys)])
    return LedgerSheet(
        name=name,
        title=title,
        columns=(LedgerColumn("序号", ColumnKind.NUMBER), LedgerColumn(who), *_figure_columns(keys)),
        rows=rows,
    )


def _figure_columns(keys: Sequence[str]) -> list[LedgerColumn]:
    return [LedgerColumn(stats.figure(k).label, ColumnKind.NUMBER) for k in keys]


def workbook_sheets(report: stats.Report) -> list[LedgerSheet]:
    """汇总, 分单位, 分人员 and 文字材料, as the writer takes them."""
    title = period_title(report.period)
    summary = LedgerSheet(
        name="汇总",
        title=f"{title}工作统计汇总",
        columns=(
            LedgerColumn("分类"),
            LedgerColumn("统计项"),
            LedgerColumn("数量", ColumnKind.NUMBER),
            LedgerColumn("单位"),
        ),
        rows=[[f.section, f.label, f.value, f.measure_unit] for f in report.figures()],
    )
    by_unit = _split_sheet(
        "分单位",
        f"{title}分单位统计",
        "单位",
        report.units,
        UNIT_FIGURES,
        lambda unit_id: report.values(unit_id=unit_id),
    )
    by_member = _split_sheet(
        "分人员",
        f"{title}分人员统计",
        "姓名",
        report.members,
        MEMBER_FIGURES,
        lambda member_id: report.values(member_id=member_id),
    )
    texts = LedgerSheet(
        name="文字材料",
        title=f"{title}工作统计文字材料",
        columns=(LedgerColumn("文字材料", ColumnKind.LONG_TEXT, 80),),
        rows=[[s] for s in stats.sentences(report)],
    )
    return [summary, by_unit, by_member, texts]


def _refuse_read_only(out: Path | str) -> Path:
    """A target that exists as a read-only file is refused before anything is written (the
    rename would otherwise replace it on Linux, and fail late on Windows)."""
    target = Path(out).expanduser()
    try:
        mode = target.stat().st_mode
    except OSError:
        return target
    if stat.S_ISREG(mode) and not mode & stat.S_IWUSR:
        raise UserError(f"文件“{target}”是只读的，不能覆盖。请另选文件名，或去掉该文件的只读属性后重试。")
    return target


def export_xlsx(db: Database, report: stats.Report, out: Path | str, progress: Progress | None = None) -> int:
    """Write the report's workbook to ``out`` (.xlsx); returns the data rows written."""
    target = _refuse_read_only(out)
    written = write_ledgers(target, workbook_sheets(report), progress)
    note_export(db, f"导出{period_title(report.period)}工作统计：{target.name}", AUDIT_TABLE)
    return written


# --- the PDF --------------------------------------------------------------------------------


def stats_values(report: stats.Report, group_name: str) -> StatsValues:
    """The group's figures, section by section, with the sentences (what the PDF prints)."""
    figures = report.figures()
    sections = tuple(
        StatsSection(
            section,
            tuple(
                StatsItem(f.label, f.value, f"{f.value}%" if f.measure_unit == "%" else "")
                for f in figures
                if f.section == section
            ),
        )
        for section in stats.SECTIONS
    )
    period = report.period
    asof = min(period.end, report.today)
    judged = f"注：逾期情况按{stats.cn_date(report.today)}判断"
    if asof != report.today:  # problems, clues and 影响期 are judged at the period's end
        judged = (
            f"注：廉情提醒逾期按{stats.cn_date(report.today)}判断，问题整改逾期、问题线索超期和"
            f"影响期按{stats.cn_date(asof)}判断"
        )
    return StatsValues(
        group_name=group_name,
        period_label=period.label,
        sections=tuple(s for s in sections if s.items),
        sentences=tuple(stats.sentences(report)),
        subtitle=f"统计时段：{stats.cn_date(period.start)}至{stats.cn_date(period.end)}",
        note=f"{judged}；删除到回收站的记录不计入。",
    )


def export_pdf(db: Database, report: stats.Report, out: Path | str) -> None:
    """Print the report's 工作统计表 to ``out`` (.pdf)."""
    with db.read() as uow:
        group_name = _group_name(uow.session)
        overrides = _font_overrides(uow.session)
    values = stats_values(report, group_name)
    target = _refuse_read_only(out)
    with _atomic_file(target) as temp:
        render_stats(values, temp, fonts=_fonts(overrides))
    _note_print(db, f"打印{values.title}：{target.name}", AUDIT_TABLE, None)
