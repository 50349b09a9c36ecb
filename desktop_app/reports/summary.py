"""年度工作汇总 — the year in three charts: closure rate by unit, grassroots days against quota,
quiz averages by section (A4 portrait).

A prefecture's summary of every office (``scope.ALL``) charts county against county: closure
rate, days against each county's own quota, and quiz averages with participation.

Charts are drawn as plain bars with outlines and printed values, so they read in black and
white; the quota is an outlined bar behind the filled one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from desktop_app.reports.fonts import FontSet
from desktop_app.reports.layout import (
    PORTRAIT,
    SIZE_2,
    SIZE_3,
    SIZE_5,
    SIZE_S5,
    ProgressFn,
    Rendered,
    TextBlock,
    build_pdf,
    chinese_date,
    spacer,
)

BAR_FILL = colors.Color(0.45, 0.45, 0.45)
QUOTA_FILL = colors.Color(0.92, 0.92, 0.92)


@dataclass
class Bar:
    """One bar: its label, value, an optional target (quota) and the text printed after it."""

    label: str
    value: float
    target: float | None = None
    text: str = ""


class BarChart(Flowable):
    """Horizontal bars, one per row: label | bar (target outlined behind) | value text."""

    ROW = 15.0

    def __init__(self, bars: list[Bar], fontset: FontSet, scale_max: float | None = None, label_mm: float = 34,
                 text_mm: float = 30) -> None:
        super().__init__()
        self.bars, self.fontset = bars, fontset
        self.scale_max = scale_max or max([b.value for b in bars] + [b.target or 0 for b in bars] + [1e-9])
        self.label_w, self.text_w = label_mm * mm, text_mm * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """One row per bar."""
        self.width, self.height = avail_width, max(1, len(self.bars)) * self.ROW + 4
        return self.width, self.height

    def draw(self) -> None:
        """Bars from the top down; an axis line at zero."""
        c = self.canv
        font, fs = self.fontset.body, SIZE_S5
        x0 = self.label_w
        span = self.width - self.label_w - self.text_w
        c.setFont(font, fs)
        c.setLineWidth(0.5)
        y = self.height - self.ROW
        for bar in self.bars:
            label = bar.label
            while label and self.fontset.string_width(label, font, fs) > self.label_w - 4:
                label = label[:-1]
            if label != bar.label:
                label = label[:-1] + "…"
            c.setFillColor(colors.black)
            c.drawRightString(x0 - 4, y + 4, label)
            if bar.target:
                c.setFillColor(QUOTA_FILL)
                c.setStrokeColor(colors.black)
                c.rect(x0, y + 2, span * min(bar.target / self.scale_max, 1.0), self.ROW - 5, stroke=1, fill=1)
            w = span * max(0.0, min(bar.value / self.scale_max, 1.0))
            if w > 0:
                c.setFillColor(BAR_FILL)
                c.rect(x0, y + 3.5, w, self.ROW - 8, stroke=0, fill=1)
            c.setFillColor(colors.black)
            end = max(w, span * min((bar.target or 0) / self.scale_max, 1.0))
            c.drawString(x0 + end + 4, y + 4, bar.text or f"{bar.value:g}")
            y -= self.ROW
        c.setStrokeColor(colors.black)
        c.line(x0, 2, x0, self.height)


@dataclass
class SummaryData:
    """Plain figures of the year."""

    office: str
    year: int
    ledger_line: str
    unit_rates: list[Bar]
    days_line: str
    days: list[Bar]
    quiz_line: str
    quiz: list[Bar]
    date: dt.date | None = None
    notes: list[str] = field(default_factory=list)
    #: days and quiz charted per office (a prefecture's summary of every county), not per person/section
    by_office: bool = False
    #: who compiled a summary of several offices (the prefecture), printed under the title
    compiler: str = ""

    def texts(self) -> list[str]:
        """Every string printed (for the glyph check)."""
        out = [self.office, self.compiler, self.ledger_line, self.days_line, self.quiz_line, *self.notes]
        for b in self.unit_rates + self.days + self.quiz:
            out += [b.label, b.text]
        return out

    def render(self, out: Path | Any, fontset: FontSet, record: bool = False,
               progress: ProgressFn | None = None) -> Rendered:
        """Write the summary PDF."""
        return render_summary(self, out, fontset,
                              record=record, progress=progress)


def _section(title: str, line: str, chart: list[Bar], fontset: FontSet, empty: str, scale_max: float | None = None,
             label_mm: float = 34, text_mm: float = 30) -> list[Flowable]:
    head = [TextBlock(title, fontset, fontset.heading, SIZE_3, space_after=4),
            TextBlock(line, fontset, fontset.body, SIZE_5, indent_chars=2, space_after=4)]
    if not chart:
        return [*head, TextBlock(empty, fontset, fontset.body, SIZE_5, indent_chars=2, space_after=8)]
    # keep the heading with the first bars; long charts continue on the next page in pieces
    pieces = [chart[i:i + 30] for i in range(0, len(chart), 30)]
    out: list[Flowable] = [KeepTogether([*head, BarChart(pieces[0], fontset, scale_max, label_mm, text_mm)])]
    out += [BarChart(p, fontset, scale_max, label_mm, text_mm) for p in pieces[1:]]
    out.append(spacer(6))
    return out


def render_summary(data: SummaryData, out: Path | Any, fontset: FontSet, record: bool = False,
                   progress: ProgressFn | None = None) -> Rendered:
    """Check glyphs, lay out the three sections, write the PDF."""
    fontset.check(data.texts())
    story: list[Flowable] = [
        TextBlock(f"{data.office}{data.year}年大调研工作汇总", fontset, fontset.title, SIZE_2, align="center",
                  space_after=4),
        TextBlock(f"（{data.compiler + '汇总，' if data.compiler else ''}截至{chinese_date(data.date or dt.date.today())}）",
                  fontset, fontset.body, SIZE_5,
                  align="center", space_after=10),
    ]
    story += _section("一、问题整改销号率（按责任单位）", data.ledger_line, data.unit_rates, fontset, "暂无问题台账数据。",
                      scale_max=100.0)
    if data.by_office:  # county against county: office names are longer than people's
        story += _section("二、各单位基层调研天数（深色为已完成，浅框为全年任务）", data.days_line, data.days,
                          fontset, "暂无调研天数数据。", label_mm=44, text_mm=52)
        story += _section("三、各单位业务知识测试平均成绩（占满分百分比）", data.quiz_line, data.quiz, fontset,
                          "暂无测试成绩。", scale_max=100.0, label_mm=44, text_mm=52)
    else:
        story += _section("二、基层调研天数（深色为已完成天数，浅色框为全年任务）", data.days_line, data.days, fontset,
                          "暂无调研天数数据。")
        story += _section("三、业务知识测试平均成绩（按科室，占满分百分比）", data.quiz_line, data.quiz, fontset,
                          "暂无测试成绩。", scale_max=100.0)
    for note in data.notes:
        story.append(TextBlock(note, fontset, fontset.body, SIZE_S5))
    return build_pdf(story, out, fontset, PORTRAIT, title=f"{data.year}年大调研工作汇总",
                     record=record, progress=progress)


def fetch_summary_report(db: Any, job: Any) -> SummaryData:
    """The year's figures from the ledger, work and quiz services (a part whose service is missing is left empty)."""
    from desktop_app.org import scope
    from desktop_app.org.organisation import current_year
    from desktop_app.reports.ledger import office_name

    year = job.year or current_year(db)
    office = getattr(job, "office", "") or ""  # the scope: "" this office, a county's code, or scope.ALL
    from desktop_app.ledger.summaries import ledger_stats

    st = ledger_stats(db, year, today=job.today, office=office)
    rate = st.closed / st.total * 100 if st.total else 0.0
    whose = "各单位合计：" if office == scope.ALL else ""  # a prefecture's summary of its counties
    ledger_line = (f"{whose}全年共排查问题{st.total}个，已销号{st.closed}个，销号率{rate:.1f}%；"
                   f"逾期{st.overdue}个，临期{st.due_soon}个。")
    unit_rates = [Bar(u.unit, u.rate * 100, None, f"{u.rate * 100:.1f}%（{u.closed}/{u.total}）")
                  for u in st.by_unit]
    if office == scope.ALL:
        days_line, days = _days_by_office(db, year, job.today)
        quiz_line, quiz = _quiz_by_office(db, year)
    else:
        days_line, days = _days_by_person(db, year, job.today, office)
        quiz_line, quiz = _quiz_by_section(db, year, office)
    # the title names whose figures these are (全市各单位, or the county chosen), as the ledger's lists do
    whose = scope.scope_label(db, office) if office else office_name(db)
    return SummaryData(whose, year, ledger_line, unit_rates, days_line, days, quiz_line, quiz, date=job.today,
                       by_office=office == scope.ALL, compiler=office_name(db) if office else "")


def _days_by_person(db: Any, year: int, today: dt.date | None, office: str) -> tuple[str, list[Bar]]:
    """Each person of one office against their quota."""
    from desktop_app.work.days import days_table

    rows = days_table(db, year, today=today, office=office)
    done = sum(1 for r in rows if r.days >= r.quota)
    line = f"共{len(rows)}人，已完成全年任务{done}人；“明显滞后”{sum(r.status == '明显滞后' for r in rows)}人。"
    return line, [Bar(f"{r.name}（{r.section_name}）", r.days, r.quota, f"{r.days}/{r.quota}天 {r.status}")
                  for r in rows]


def _days_by_office(db: Any, year: int, today: dt.date | None) -> tuple[str, list[Bar]]:
    """Each office with people: its days against its people's quotas (each office's own campaign)."""
    from desktop_app.dashboard import summary as dashboard
    from desktop_app.org import scope

    offices = [o for o in dashboard.work_overview(db, year, scope.ALL, today).offices if o.people]
    people = sum(o.people for o in offices)
    line = (f"各单位合计：共{people}人，已完成全年任务{sum(o.completed for o in offices)}人，"
            f"“明显滞后”{sum(o.behind for o in offices)}人；名次按完成率。")
    return line, [Bar(o.office_name, o.days, o.quota,
                      f"{o.days}/{o.quota}天 {o.days_rate * 100:.1f}%" + (f" 第{o.days_rank}名" if o.days_rank else "")
                      + f"（{o.people}人）") for o in offices]


def _quiz_by_section(db: Any, year: int, office: str) -> tuple[str, list[Bar]]:
    """One office's average per section, with each exam's figure."""
    from desktop_app.dashboard import summary as dashboard

    overview = dashboard.quiz_overview(db, year, office)
    quiz = []
    for name, values in overview.groups:
        got = [(label, v) for label, v in zip(overview.series, values, strict=True) if v is not None]
        if got:
            avg = sum(v for _l, v in got) / len(got)
            detail = "，".join(f"{label}{v:g}" for label, v in got)
            quiz.append(Bar(name, avg, None, f"{avg:.1f}（{detail}）"))
    return (f"全年共{len(quiz)}个科室参加测试。" if quiz else ""), quiz


def _quiz_by_office(db: Any, year: int) -> tuple[str, list[Bar]]:
    """Each office that held exams: its average, participation and rank."""
    from desktop_app.dashboard import summary as dashboard
    from desktop_app.org import scope

    offices = [o for o in dashboard.quiz_overview(db, year, scope.ALL).offices if o.exams]
    quiz = [Bar(o.office_name, o.average or 0.0, None,
                (f"{o.average:.1f} 第{o.rank}名" if o.average is not None else "尚无成绩")
                + f"（{o.exams}场，参考率{o.participation * 100:.0f}%）") for o in offices]
    return (f"各单位合计：{len(offices)}个单位共举行测试{sum(o.exams for o in offices)}场。" if quiz else ""), quiz
