"""来源会议 — how a ledger item or a topic names the meeting it was raised at (the link's other way).

Kept apart from ``meetings`` (which calls the ledger and topic services) so that those services can
read the text without importing it back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models_campaign import Meeting

#: the label in front of the text on the item's and the topic's detail
SOURCE_MEETING_LABEL = "来源会议"


def source_meeting_text(s: Session, meeting_id: str | None) -> str:
    """2026-04-16 组工讲堂“调研报告怎么写” — or "" when there is no meeting; a removed one says so."""
    m = s.get(Meeting, meeting_id) if meeting_id else None
    if m is None:
        return ""
    return f"{m.date.isoformat()} {m.kind}“{m.theme}”" + ("（会议记录已删除）" if m.deleted else "")
