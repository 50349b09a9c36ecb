"""导入报告 — what an import did or would do, per table (the ``import-bundle --json`` contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_ERRORS = 200


@dataclass
class TableReport:
    """Per table: what the import did (or would do) to its rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0

    def as_json(self) -> dict[str, int]:
        """The contract's per-table object."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts": self.conflicts, "rejected": self.rejected}


@dataclass
class ImportReport:
    """The outcome of one import (the ``import-bundle --json`` contract)."""

    file: str
    bundle_id: str = ""
    from_office: str = ""
    status: str = "rejected"  # applied|already-imported|rejected|dry-run
    tables: dict[str, TableReport] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gap: dict[str, list[int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON object."""
        return {"bundle_id": self.bundle_id, "from_office": self.from_office, "status": self.status,
                "tables": {k: v.as_json() for k, v in sorted(self.tables.items())}, "errors": list(self.errors),
                "warnings": list(self.warnings), "file": self.file}

    def add_error(self, text: str) -> None:
        """Record a refusal (the list is capped so a hostile bundle cannot flood the report)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("……更多被拒绝的记录未逐条列出")
