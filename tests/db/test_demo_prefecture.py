"""The prefecture demo: three counties' data arrives through real signed bundles; the prefecture assigns and decides."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Closure, ImportedBundle, Issue, Office, Person, Urge
from desktop_app.cli import main as cli
from desktop_app.core.audit import verify_chain
from desktop_app.core.context import open_context
from desktop_app.core.errors import ValidationError
from desktop_app.demo.prefecture import ASSIGNED_PER_COUNTY, VERIFIER, generate_prefecture_demo
from desktop_app.sync import peers
from desktop_app.sync.apply import import_bundle
from desktop_app.sync.bundle_writer import export_bundle
from desktop_app.sync.prefecture import county_comparison
from tests.helpers import pg_plugin

TODAY = dt.date(2026, 11, 22)
COUNTIES = {"532801": "景洪市乡村振兴局", "532822": "勐海县乡村振兴局", "532823": "勐腊县乡村振兴局"}


def test_the_prefecture_holds_three_counties_that_came_by_bundle(tmp_path: Path) -> None:
    summary = generate_prefecture_demo(tmp_path / "p", today=TODAY)  # the default size
    # on PostgreSQL (tests/helpers/pg_plugin.py) the three scratch counties are server databases too, not files
    assert summary["seconds"] < (40 if pg_plugin.ACTIVE else 20)
    assert {c["code"]: c["name"] for c in summary["counties"]} == COUNTIES
    assert all(c["issues"] == 300 and c["rejected"] == 0 and c["rows"] > 1000 for c in summary["counties"])
    ctx = open_context(tmp_path / "p", daily_backup=False)
    try:
        assert ctx.office_code == "532800"
        with ctx.db.session() as s:
            me = s.execute(select(Office.level, Office.name).where(Office.code == "532800")).one()
            assert tuple(me) == ("prefecture", "西双版纳州乡村振兴局")
            per_county = Counter(s.execute(select(Issue.office_code)).scalars())
            bundles = s.execute(select(ImportedBundle.from_office)).scalars().all()
            names = {code: set(s.execute(select(Person.name).where(Person.office_code == code)).scalars())
                     for code in COUNTIES}
            mine = s.execute(select(Issue.office_code, Issue.changed_by, Issue.source, Issue.status)
                             .where(Issue.serial.like("州交%"))).all()
            serials = s.execute(select(Issue.serial).where(Issue.assigned_by_office == "532800",
                                                           Issue.changed_by == "532800", Issue.source == "assigned",
                                                           Issue.serial.like("州交%"))).scalars().all()
            decided = s.execute(select(Closure.state, Closure.verifier, Closure.changed_by)
                                .where(Closure.state.in_(("approved", "returned")))
                                .join(Issue, Issue.id == Closure.issue_id)
                                .where(Issue.assigned_by_office == "532800")).all()
            county_verdicts = s.execute(select(func.count()).select_from(Closure).join(Issue, Issue.id == Closure.issue_id)
                                        .where(Issue.assigned_by_office == "532800", Closure.changed_by != "532800",
                                               Closure.state != "applied")).scalar()
            urged = s.execute(select(func.count()).where(Urge.changed_by == "532800")).scalar()
            assert verify_chain(s) == []
            actions = set(s.execute(select(AuditEntry.action)).scalars())
        # every county row arrived through one signed bundle per county, from a trusted office
        assert sorted(bundles) == sorted(COUNTIES)
        assert {p.code for p in peers.list_peers(ctx.db)} >= set(COUNTIES)
        assert per_county == {code: 300 + ASSIGNED_PER_COUNTY for code in COUNTIES}
        assert all(len(n) == 30 for n in names.values())
        assert not names["532801"] & names["532822"] and not names["532823"] & names["532822"]
        # the prefecture's own part: items it assigned, closures it decided, urges it sent
        assert len(mine) == 3 * ASSIGNED_PER_COUNTY == summary["assigned_by_prefecture"]
        assert all(m.changed_by == "532800" and m.source == "assigned" and m.office_code in COUNTIES for m in mine)
        assert sorted(serials) == [f"州交2026-{n:03d}" for n in range(1, len(mine) + 1)]  # one series, all counties
        assert Counter(d.state for d in decided) == {"approved": summary["closures_approved"],
                                                     "returned": summary["closures_returned"]}
        assert summary["closures_approved"] >= 10 and summary["closures_returned"] >= 1
        assert all(d.verifier == VERIFIER and d.changed_by == "532800" for d in decided)
        assert county_verdicts == 0
        assert urged == summary["urges"] > 0
        assert {"assign_issues", "demo_urge", "verify_closure"} <= actions
        stats = county_comparison(ctx.db, 2026, today=TODAY)
        assert {c.code: c.name for c in stats} == COUNTIES
        assert all(c.items > 250 and c.closed and c.quiz_attempts == 28 and c.person_days for c in stats)
    finally:
        ctx.close()


def test_the_command_line_option_and_a_used_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "cli"
    assert cli.run(["--data-dir", str(root), "demo", "--prefecture", "--items", "20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["office_code"] == "532800" and [c["issues"] for c in out["counties"]] == [20, 20, 20]
    assert {a["login"]: a["roles"] for a in out["accounts"]} == {
        "admin": ["admin"], "luru": ["clerk"], "shenhe": ["approver"], "chakan": ["viewer"], "shenji": ["auditor"]}
    with pytest.raises(ValidationError, match="已有单位数据"):
        generate_prefecture_demo(root, items=5)
    assert cli.run(["--data-dir", str(root), "demo", "--prefecture"]) != 0


def test_a_county_accepts_what_the_prefecture_sends_back(tmp_path: Path) -> None:
    """The prefecture's 交办 items, closure verdicts and urges are its own to write: the county refuses none."""
    summary = generate_prefecture_demo(tmp_path / "p", items=60, seed=5, today=TODAY, counties_dir=tmp_path / "c")
    assert summary["closures_approved"] + summary["closures_returned"] > 0
    pref = open_context(tmp_path / "p", daily_backup=False)
    county = open_context(tmp_path / "c" / "532822", daily_backup=False)
    try:
        res = export_bundle(pref.db, pref.data, pref.actor, "532822", tmp_path / "back")
        rep = import_bundle(county.db, county.data, county.actor, res.file)
        assert rep.status == "applied" and rep.errors == []
        assert {t: r.rejected for t, r in rep.tables.items() if r.rejected} == {}
        with county.db.session() as s:
            assigned = s.execute(select(func.count()).where(Issue.serial.like("州交%"),
                                                            Issue.office_code == "532822")).scalar()
            judged = s.execute(select(func.count()).select_from(Closure)
                               .where(Closure.changed_by == "532800", Closure.verifier == VERIFIER)).scalar()
            closed_here = s.execute(select(func.count()).where(Issue.assigned_by_office == "532800",
                                                               Issue.status == "closed")).scalar()
        assert assigned == ASSIGNED_PER_COUNTY
        assert judged and closed_here  # the county now sees the prefecture's verdicts on its items
    finally:
        pref.close()
        county.close()
