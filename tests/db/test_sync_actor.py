"""Each change in a bundle carries who made it ("by"): a county clerk signed in records an item and its progress,
the county's sealed key signs the bundle, and the prefecture's change log and timeline name the person."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import orjson
from sqlalchemy import select

from db.models import ChangeLog
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import accounts
from desktop_app.sync.apply import import_bundle
from tests.helpers.sync_support import export, prefecture_and_counties

PW = "Jinghong2026"


def test_a_bundles_changes_carry_their_person_and_the_prefecture_shows_it(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        accounts.first_admin(a.db, a.actor, "admin", PW, None, also_clerk=False, keys_dir=a.data.keys)
        admin = accounts.sign_in(a.db, "admin", PW).actor
        accounts.add_account(a.db, admin, "wufang", PW, ["clerk"], name="吴芳", must_change=False)
        clerk = accounts.sign_in(a.db, "wufang", PW).actor
        a.actor = clerk
        [item] = create_issues(a.db, clerk, [IssueInput("村级活动场所管理不规范", unit="综合科",
                                                        assigned_date=dt.date(2026, 3, 2))])
        progress = lc.add_progress(a.db, clerk, item, dt.date(2026, 3, 9), "已制定管理制度", 40, reporter="岩温")
        with a.db.session() as s:
            assert set(s.execute(select(ChangeLog.actor).where(ChangeLog.row_id.in_([item, progress]))).scalars()) \
                == {"吴芳"}
        sent = export(a, p, tmp_path / "out")  # signed with the county's sealed key, unlocked by the clerk
        with zipfile.ZipFile(sent.file) as zf:
            lines = [orjson.loads(x) for x in zf.read("changes/issue.jsonl").splitlines()]
        assert {ln["by"] for ln in lines if ln["id"] == item} == {"吴芳"}
        rep = import_bundle(p.db, p.data, p.actor, sent.file)
        assert rep.status == "applied", rep.errors
        with p.db.session() as s:
            assert s.execute(select(ChangeLog.actor).where(ChangeLog.row_id == item)).scalar() == "吴芳"
        timeline = get_issue_detail(p.db, item).timeline
        made = next(t for t in timeline if t.title == "登记问题")
        assert made.by == "景洪市：吴芳"
        entry = next(t for t in timeline if t.kind == "progress")
        assert entry.by == "岩温（景洪市 吴芳 录入）"  # the typed 报送人, and who recorded it at the county
    finally:
        for c in (a, b, p):
            c.close()


def test_a_county_whose_audit_log_shrank_is_noticed_by_the_prefecture(tmp_path: Path) -> None:
    """The county deletes its newest audit entries and rewrites the head kept beside them (so its own
    `audit verify` passes): its next bundle carries the smaller head and the prefecture's import says so."""
    import json

    from sqlalchemy import text

    from desktop_app.core import audit
    from desktop_app.org import organisation as org
    from desktop_app.sync.audit_heads import seen_heads
    from tests.helpers.sync_support import add_issue, send

    a, b, p = prefecture_and_counties(tmp_path)
    try:
        for name in ("组织科", "宣传科", "督查科"):
            org.add_section(a.db, a.actor, name)
        first = send(a, p, tmp_path / "1")
        assert first.warnings == [] or all("审计" not in w for w in first.warnings)
        with p.db.session() as s:
            seen = seen_heads(s)["532801"]
        with a.db.session() as s:
            head = audit.read_head(s)
        # the head as it stood when the manifest was signed (the export's own entry comes after it)
        assert head is not None and seen["count"] == head["count"] - 1
        # the tampering at the county: the last three entries go, the head is rewritten to match
        with a.db.transaction() as s:
            keep = s.execute(text("SELECT max(id) - 3 FROM audit_entry")).scalar()
            s.execute(text("DELETE FROM audit_entry WHERE id > :k"), {"k": keep})
            last = s.execute(text("SELECT id, hash FROM audit_entry WHERE id = :k"), {"k": keep}).one()
            count = s.execute(text("SELECT count(*) FROM audit_entry")).scalar()
            s.execute(text("UPDATE setting SET value = :v WHERE key = 'audit.head'"),
                      {"v": json.dumps({"id": last[0], "hash": last[1], "count": count})})
        with a.db.session() as s:
            assert audit.verify(s).ok  # the county's own check cannot see it
        add_issue(a, serial="2026-009", description="新登记的问题")
        second = send(a, p, tmp_path / "2")
        assert any("审计日志比上次报送时少" in w for w in second.warnings), second.warnings
    finally:
        for c in (a, b, p):
            c.close()
