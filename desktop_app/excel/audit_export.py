"""The audit trail (审计日志) written to an .xlsx as filtered on screen — reading it is the core's (``audit_log``)."""

from __future__ import annotations

from pathlib import Path

from db.engine import Database
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.audit_log import AuditRow, require_reader
from desktop_app.excel.lists import export_dicts
from desktop_app.org import organisation


def export_entries(db: Database, actor: Actor, path: Path, rows: list[AuditRow]) -> int:
    """Write ``rows`` (as filtered on screen) to an .xlsx; the export itself is audited. Returns the row count."""
    require_reader(actor)
    office = organisation.get_office(db).name if db.office_code else ""
    headers = ["编号", "时间", "操作人", "登录名", "操作", "对象", "详情"]
    result = export_dicts(path, f"{office}审计日志", office, "审计日志", headers,
                          [dict(zip(headers, (r.id, r.at, r.actor, r.login, r.action_label, r.target,
                                              r.raw_details or r.details),
                                    strict=True)) for r in rows])
    with db.transaction() as s:
        audit.record(s, actor, "audit_export", "audit_entry", "", {"file": path.name, "rows": len(rows)})
    return result.rows
