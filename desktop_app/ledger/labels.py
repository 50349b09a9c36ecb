"""问题台账的中文标签 — the Chinese words for the ledger's stored codes (kinds, statuses, sources,
closure and extension states, urge levels), as the core offers them to the UI.

The codes and their words are defined once with their enums (``desktop_app.core.ledger_codes``).
"""

from __future__ import annotations

from desktop_app.core.ledger_codes import (
    CLOSURE_STATE_LABELS,
    EXTENSION_STATE_LABELS,
    ISSUE_KIND_LABELS,
    ISSUE_SOURCE_LABELS,
    ISSUE_STATUS_LABELS,
    URGE_LEVEL_LABELS,
)

__all__ = [
    "CLOSURE_STATE_LABELS",
    "EXTENSION_STATE_LABELS",
    "ISSUE_KIND_LABELS",
    "ISSUE_SOURCE_LABELS",
    "ISSUE_STATUS_LABELS",
    "URGE_LEVEL_LABELS",
]
