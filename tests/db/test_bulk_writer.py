"""The one bulk writer of synced rows (db/bulk.py) stamps and logs rows as the ORM flush hook does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, text

from db.base import new_id
from db.bulk import SyncedRows
from db.dialect import is_sqlite
from db.models import ChangeLog, Progress, Section
from tests.helpers.sync_support import make_office


def test_bulk_rows_get_stamps_and_log_entries_numbered_after_the_orm_ones(tmp_path: Path) -> None:
    ctx = make_office(tmp_path / "a", "532801", "景洪市")
    try:
        with ctx.db.transaction() as s:
            s.add(Section(name="新科室"))  # an ORM change first: the bulk entries continue its numbering
            s.flush()
            orm_seq = s.execute(select(ChangeLog.seq).order_by(ChangeLog.seq.desc())).scalar()
            rows = SyncedRows(ctx.office_code, ctx.db.clock.tick)
            issue_id = new_id()
            cols = SyncedRows.own_columns("issue")
            values = dict.fromkeys(cols)
            values.update(serial="2026-001", year=2026, source="visit", category="", description="说明",
                          measures="", kind="dated", lead_leader="", responsible_unit="", co_units="",
                          responsible_person="", deadline=dt.date(2026, 3, 1), deadline_basis="date",
                          status="not_started", progress_percent=0, latest_progress="", closure_state="",
                          closure_evidence="", closed_by="", assigned_by_office="")
            first = rows.add("issue", issue_id, [values[c] for c in cols])
            # a child queued in SQLite's stored form (the demo's way): stored alike
            second = rows.add("progress", new_id(), (issue_id, "2026-02-01", "开始", 10, "张三"), owner="532822")
            assert rows.write(s) == {"issue": 1, "progress": 1}
            assert len(rows) == 0
        with ctx.db.session() as s:
            log = s.execute(select(ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name, ChangeLog.op,
                                   ChangeLog.fields, ChangeLog.origin)
                            .where(ChangeLog.seq > orm_seq).order_by(ChangeLog.seq)).all()
            assert [tuple(r) for r in log] == [(orm_seq + 1, first, "issue", "insert", "*", "532801"),
                                              (orm_seq + 2, second, "progress", "insert", "*", "532801")]
            assert first < second
            stored = s.execute(text("SELECT deadline, hlc, changed_by, deleted, office_code FROM issue")).one()
            if is_sqlite(s):  # as SQLAlchemy stores them there: the date as ISO text, the flag as 0/1
                assert tuple(stored) == ("2026-03-01", first, "532801", 0, "532801")
            else:  # typed columns on PostgreSQL
                assert tuple(stored) == (dt.date(2026, 3, 1), first, "532801", False, "532801")
            p = s.execute(select(Progress)).scalar_one()
            assert (p.date, p.office_code, p.changed_by, p.deleted) == (dt.date(2026, 2, 1), "532822", "532801", False)
    finally:
        ctx.close()
