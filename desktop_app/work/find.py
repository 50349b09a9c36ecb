"""查找 on the 调研安排 and 调研课题 lists: which visits and topics hold every word a clerk typed.

A word matches anywhere in what the row shows (place, township, people, section, topic, purpose,
findings, method, state, …), case-insensitively; several words narrow the list (AND), as the ledger's
search does.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.work.types import TopicInfo, VisitInfo


def _words(text: str) -> list[str]:
    return [w.lower() for w in (text or "").split()]


def _holds_all(fields: Iterable[object], words: list[str]) -> bool:
    haystack = "\n".join(" ".join(f) if isinstance(f, tuple) else str(f or "") for f in fields).lower()
    return all(w in haystack for w in words)


def visit_matches(v: VisitInfo, text: str) -> bool:
    """Whether a visit holds every word of ``text`` (an empty text matches every visit)."""
    words = _words(text)
    return not words or _holds_all((v.place, v.township, v.place_type, v.method, v.lead_name, v.participant_names,
                                    v.section_name, v.topic_title, v.purpose, v.findings, v.state_label,
                                    "四不两直" if v.unannounced else "", f"{v.start_date:%Y-%m-%d}",
                                    f"{v.start_date.month}月"), words)


def topic_matches(t: TopicInfo, text: str) -> bool:
    """Whether a topic holds every word of ``text`` (an empty text matches every topic)."""
    words = _words(text)
    return not words or _holds_all((t.title, t.kind, t.section_name, t.lead_name, t.member_names, t.methods,
                                    t.status), words)
