"""督办通知单 — the supervision notice for one ledger item (A4 portrait, GB/T 9704 habits).

Title in the title font at 二号, 主送 (the responsible unit) flush left, body in 仿宋 三号 with a
two-character first-line indent, the item as a two-column table, its history (进展、延期、催办、
销号、回访) as a dated table, then room for the issuing office's seal and the date, and a
signature line for whoever receives it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from desktop_app.reports.fonts import FontSet
from desktop_app.reports.layout import (
    PORTRAIT,
    SIZE_2,
    SIZE_3,
    SIZE_5,
    SIZE_S4,
    Column,
    ProgressFn,
    Rendered,
    SealBox,
    SignatureLine,
    TableLook,
    TextBlock,
    build_pdf,
    chinese_date,
    paged_tables,
    spacer,
    story_height,
    used_on_last_page,
)
from desktop_app.reports.ledger import WARNING_MARKS, date_text, deadline_text, progress_text

#: GB/T 9704: 22 lines of 三号 text in the 225 mm text area -> one line every 225/22 mm
GB_LINE = 225 / 22 * 72 / 25.4


@dataclass
class NoticeData:
    """Everything printed on one notice, as plain strings."""

    office: str
    unit: str
    serial: str
    urge_label: str
    fields: list[tuple[str, str]]
    history: list[tuple[str, str, str, str]]  # date, kind, content, by
    reply_by: str = ""
    date: dt.date | None = None
    number: str = ""
    texts_extra: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every string printed (for the glyph check)."""
        out = [self.office, self.unit, self.serial, self.urge_label, self.reply_by, self.number, *self.texts_extra]
        for a, b in self.fields:
            out += [a, b]
        for h in self.history:
            out.extend(h)
        return out


def notice_data(detail: Any, office: str, today: dt.date | None = None, reply_days: int = 5) -> NoticeData:
    """Plain notice data from an IssueDetail-like object (row, urges, timeline)."""
    r = detail.row
    urges = list(detail.urges)
    latest = max(urges, key=lambda u: (u.level, u.date)) if urges else None
    urge_label = latest.level_label if latest else "督办"
    colour = WARNING_MARKS.get(r.colour, "") or getattr(r, "colour_label", "")
    fields = [
        ("问题编号", r.serial),
        ("问题类别", r.category),
        ("问题描述", r.description),
        ("整改措施", r.measures),
        ("整改类型", r.kind_label),
        ("责任单位", "、".join(x for x in (r.responsible_unit, r.co_units) if x)),
        ("责任人", r.responsible_person),
        ("牵头领导", r.lead_leader),
        ("完成时限", deadline_text(r).replace("\n", " ")),
        ("当前状态", f"{r.status_label}{('　' + colour) if colour else ''}"),
        ("最新进展", progress_text(r)),
        ("督办等级", urge_label + (f"（第{len(urges)}次催办）" if urges else "")),
    ]
    # the audit trail repeats the same events in clerk's words; the notice shows the business history
    history = [(date_text(e.at), e.kind_label, "：".join(x for x in (e.title, e.text) if x), e.by)
               for e in detail.timeline if e.kind != "audit"]
    day = today or dt.date.today()
    return NoticeData(office=office, unit=r.responsible_unit or "（责任单位）", serial=r.serial, urge_label=urge_label,
                      fields=fields, history=history, date=day,
                      reply_by=f"{reply_days}个工作日内", number=r.serial)


def render_notice(data: NoticeData, out: Path | Any, fontset: FontSet, record: bool = False,
                  progress: ProgressFn | None = None) -> Rendered:
    """Check glyphs, lay out the notice and write the PDF."""
    fontset.check(data.texts())
    setup = PORTRAIT
    width, height = setup.frame_width, setup.frame_height
    body, size = fontset.body, SIZE_3
    story: list[Flowable] = [
        TextBlock(f"问题整改{data.urge_label}通知单" if data.urge_label != "督办" else "问题整改督办通知单",
                  fontset, fontset.title, SIZE_2, align="center", space_after=SIZE_3 * 0.6),
        TextBlock(f"{data.unit}：", fontset, body, size, leading=GB_LINE),
        TextBlock(f"经核查，你单位负责整改的下列问题尚未按期完成整改（或临近完成时限），现予以{data.urge_label}。"
                  f"请高度重视，逐项落实整改措施，并于收到本通知单后{data.reply_by}将整改进展书面报送"
                  f"{data.office or '督办单位'}。", fontset, body, size, indent_chars=2, space_after=6,
                  leading=GB_LINE),
    ]
    look = TableLook(font_size=SIZE_5, header_size=SIZE_5, pad_v=3, pad_h=4)
    kv = [Column("项目", 26, "CENTER"), Column("内容", 130)]
    head_h = story_height(story, width, height)
    story += paged_tables(kv, [list(f) for f in data.fields if f[1]], fontset, width, height - head_h - 1, height - 1,
                          look=look, show_header=False)
    story.append(spacer(3))
    story.append(TextBlock("办理记录", fontset, fontset.heading, SIZE_S4, space_after=3))
    hist_cols = [Column("日期", 24, "CENTER"), Column("事项", 18, "CENTER"), Column("内容", 92),
                 Column("经办人", 22, "CENTER")]
    rows = [list(h) for h in data.history] or [["", "", "暂无办理记录", ""]]
    used = used_on_last_page(story, width, height)
    story += paged_tables(hist_cols, rows, fontset, width, max(height - used - 1, 60.0), height - 1, look=look)
    story.append(KeepTogether([
        SealBox([f"{data.office}（盖章）" if data.office else "督办单位（盖章）", chinese_date(data.date or dt.date.today())],
                fontset, body, size, height=30 * 2.835),
        SignatureLine(("签收人", "签收日期", "联系电话"), fontset, body, SIZE_S4, space_before=SIZE_S4),
    ]))
    return build_pdf(story, out, fontset, setup, title=f"{data.urge_label}通知单 {data.serial}",
                     record=record, progress=progress)


def fetch_notice(db: Any, issue_id: str, today: dt.date | None = None) -> NoticeData:
    """Notice data for one item (by id or serial) from the ledger service."""
    from desktop_app.ledger.detail import get_issue_detail
    from desktop_app.reports.ledger import office_name

    return notice_data(get_issue_detail(db, resolve_issue_id(db, issue_id), today=today), office_name(db), today)


def resolve_issue_id(db: Any, key: str) -> str:
    """An item's id from its id or its serial (编号, e.g. 2026-037); this office's items first."""
    from sqlalchemy import select

    from db.models import Issue
    from desktop_app.core.errors import NotFoundError

    key = (key or "").strip()
    with db.session() as s:
        found = s.execute(
            select(Issue.id).where((Issue.id == key) | (Issue.serial == key), Issue.deleted.is_(False))
            .order_by((Issue.office_code == db.office_code).desc(), Issue.year.desc())).scalars().first()
    if found is None:
        raise NotFoundError(f"没有找到编号或标识为“{key}”的问题", "请检查 --id，可填写问题编号（如 2026-001）")
    return str(found)
