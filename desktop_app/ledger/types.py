"""Plain data the ledger service takes and returns (no ORM objects leave the service)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class IssueInput:
    """What a clerk (or an Excel row) gives for one ledger item.

    ``kind`` is immediate|dated|ongoing; ``status`` a code of ISSUE_STATUS_LABELS.
    ``deadline_workdays`` (with ``assigned_date``) instead of ``deadline`` means
    "N working days from assignment", counted on China's official calendar.
    """

    description: str
    category: str = ""
    measures: str = ""
    kind: str = "dated"
    unit: str = ""
    co_units: str = ""
    leader: str = ""
    person: str = ""
    deadline: dt.date | None = None
    deadline_workdays: int | None = None
    assigned_date: dt.date | None = None
    source: str = "self"
    source_visit_id: str | None = None
    source_topic_id: str | None = None
    status: str = "not_started"
    progress_text: str = ""
    serial: str | None = None
    year: int | None = None
