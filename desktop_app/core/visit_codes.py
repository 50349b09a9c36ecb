"""调研活动的代码 — a visit's stored state as an enum, with its Chinese words beside it.

``StrEnum``: a member *is* its string, so rows and bundles keep the same text. Code compares against the
members; the UI reads the words through ``desktop_app.work.types``.
"""

from __future__ import annotations

from enum import StrEnum


class VisitState(StrEnum):
    """调研状态: 计划 → 已完成 (with the actual dates) or 已取消; only done days count."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


VISIT_STATES: dict[str, str] = {VisitState.PLANNED: "计划", VisitState.DONE: "已完成", VisitState.CANCELLED: "已取消"}
#: the states whose visits occupy their days (a cancelled one frees them)
COUNTED_STATES = (VisitState.PLANNED, VisitState.DONE)
