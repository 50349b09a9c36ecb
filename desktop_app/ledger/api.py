"""The ledger's public surface for the other capabilities (问题台账对外接口).

Work, campaign, quiz and sync reach the ledger only through the names here: an item raised at a visit or a
meeting is recorded by ``create_issues`` (judged as every item is), the warning colours and their
threshold are the ledger's own rule, and a new year's holiday table moves the estimated deadlines.
import-linter refuses any other import of the ledger's modules from another capability
(``pyproject.toml``; docs/ARCHITECTURE.md, "Capabilities are siblings").
"""

from __future__ import annotations

from desktop_app.ledger.estimates import moved_summary, recompute_after
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.ledger.warnings import colour_of, warning_clock

__all__ = [
    "IssueInput",
    "colour_of",
    "create_issues",
    "moved_summary",
    "recompute_after",
    "warning_clock",
]
