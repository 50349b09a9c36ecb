"""A trusted office turned hostile: changes signed by one office in another's name, and items
planted in another county's ledger. Each is refused row by row, named in the report, audited,
and never blocks the genuine office's later bundles."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEntry, ChangeLog, Issue
from desktop_app.sync.apply import import_bundle
from desktop_app.sync.pending import pending_counts
from tests.helpers.sync_forge import Lines, forge, read_lines
from tests.helpers.sync_support import (
    add_issue,
    add_progress,
    counties_reported,
    edit,
    export,
    make_office,
    rows,
    send,
    trust_both,
)

A, B, P = "532801", "532822", "532800"


@pytest.fixture
def trio(tmp_path: Path):
    with counties_reported(tmp_path) as offices:
        yield offices


def _max_seq(ctx, origin: str) -> int:
    with ctx.db.session() as s:
        return int(max(s.execute(select(ChangeLog.seq).where(ChangeLog.origin == origin)).scalars(), default=0))


def _audit(ctx, action: str) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        return [json.loads(e.details) for e in s.execute(select(AuditEntry).where(AuditEntry.action == action)
                                                          .order_by(AuditEntry.id)).scalars()]


def _issue_line(lines: Lines, **values: Any) -> dict[str, Any]:
    """A new-item change line like the bundle's first issue insert, with ``values`` changed."""
    template = next(x for x in lines["issue"] if x["op"] == "insert")
    v = dict(template["v"])
    row_id = str(uuid.uuid4())
    v.update(values, id=row_id)
    return {"o": template["o"], "s": template["s"], "h": template["h"] + 1, "id": row_id, "op": "insert", "v": v}


def test_a_county_cannot_edit_another_county_s_item_in_its_name(trio, tmp_path: Path) -> None:
    a, b, p = trio
    b_item = add_issue(b, serial="2026-001", description="勐海县的问题", measures="原定措施")
    send(b, p, tmp_path / "b1")
    send(p, a, tmp_path / "p1")  # A now holds B's item, relayed by the prefecture
    add_issue(a, serial="2026-009", description="景洪市自己的问题")
    genuine = export(a, p, tmp_path / "a1").file
    next_b = _max_seq(p, B) + 1

    def in_b_s_name(lines: Lines) -> None:
        h = lines["issue"][0]["h"] + 5
        lines["issue"].append({"o": B, "s": next_b, "h": h, "id": b_item, "op": "update",
                               "v": {"measures": "伪造的整改措施", "status": "done"}})

    forged = forge(genuine, tmp_path / "forged.fdbundle", a.data.keys, in_b_s_name)
    rep = import_bundle(p.db, p.data, p.actor, forged)
    assert rep.status == "applied", rep.errors
    issue = rep.as_json()["tables"]["issue"]
    assert (issue["created"], issue["rejected"]) == (1, 1), issue
    [err] = rep.errors
    assert "2026-001" in err and "532801" in err and "532822" in err and "伪造" in err
    assert rows(p, "issue")[b_item]["measures"] == "原定措施"
    assert _max_seq(p, B) == next_b - 1  # the forged line took none of B's numbers
    # B's genuine next change still goes through, at the prefecture and on to A
    edit(b, Issue, b_item, measures="真实的整改措施")
    send(b, p, tmp_path / "b2")
    send(p, a, tmp_path / "p2")
    for ctx in (a, p):
        assert rows(ctx, "issue")[b_item] == rows(b, "issue")[b_item]
    [entry] = _audit(p, "import_bundle_rows_refused")
    assert entry["forged_origins"] == {B: 1} and entry["from"] == A and "伪造" in entry["reasons"][0]


def test_a_county_cannot_insert_an_item_as_another_county(trio, tmp_path: Path) -> None:
    a, b, p = trio
    add_issue(a, serial="2026-001")
    genuine = export(a, p, tmp_path / "a1").file
    next_b = _max_seq(p, B) + 1
    planted: list[str] = []

    def as_b(lines: Lines) -> None:
        line = _issue_line(lines, office_code=B, serial="伪-2026-001", description="以勐海县名义伪造的问题")
        line.update(o=B, s=next_b)
        planted.append(line["id"])
        lines["issue"].append(line)

    rep = import_bundle(p.db, p.data, p.actor, forge(genuine, tmp_path / "f.fdbundle", a.data.keys, as_b))
    assert rep.status == "applied" and rep.tables["issue"].rejected == 1, rep.as_json()
    assert "伪-2026-001" in rep.errors[0]
    assert planted[0] not in rows(p, "issue")
    add_issue(b, serial="2026-002")  # B's genuine change with the number the forged line claimed
    rep = send(b, p, tmp_path / "b1")
    assert rep.tables["issue"].created == 1 and not rep.errors


def test_a_forged_line_far_ahead_does_not_refuse_the_genuine_part(trio, tmp_path: Path) -> None:
    a, _b, p = trio
    own = add_issue(a, serial="2026-001")
    genuine = export(a, p, tmp_path / "a1").file

    def gap(lines: Lines) -> None:
        line = _issue_line(lines, office_code=B, serial="伪-2026-002")
        line.update(o=B, s=1168)
        lines["issue"].append(line)

    rep = import_bundle(p.db, p.data, p.actor, forge(genuine, tmp_path / "f.fdbundle", a.data.keys, gap))
    assert rep.status == "applied" and rep.tables["issue"].rejected == 1, rep.as_json()
    assert own in rows(p, "issue")


def test_a_prefecture_relays_only_its_own_counties(trio, tmp_path: Path) -> None:
    a, _b, p = trio
    add_issue(p, serial="州-2026-001", office_code=A, assigned_by_office=P)
    genuine = export(p, a, tmp_path / "p1").file
    made: list[str] = []

    def foreign(lines: Lines) -> None:
        for origin in ("532501", "532300"):  # a county of another prefecture; another prefecture
            line = _issue_line(lines, office_code=origin, serial=f"{origin}-001", assigned_by_office="")
            line.update(o=origin, s=1)
            made.append(line["id"])
            lines["issue"].append(line)

    rep = import_bundle(a.db, a.data, a.actor, forge(genuine, tmp_path / "f.fdbundle", p.data.keys, foreign))
    assert rep.status == "applied" and rep.tables["issue"].rejected == 2, rep.errors
    assert "只能转发本单位和所辖县（区）的变更" in rep.errors[0]
    assert not set(made) & set(rows(a, "issue"))
    with a.db.session() as s:
        assert not s.execute(select(ChangeLog).where(ChangeLog.origin.in_(["532501", "532300"]))).first()


def test_an_echo_of_a_known_change_is_no_forgery(trio, tmp_path: Path) -> None:
    a, b, p = trio
    b_item = add_issue(b, serial="2026-001")
    send(b, p, tmp_path / "b1")
    send(p, a, tmp_path / "p1")
    # a county's full bundle carries only its own changes now: nothing for the prefecture to refuse
    res = export(a, p, tmp_path / "full", full=True)
    assert set(res.ranges) == {A}
    rep = import_bundle(p.db, p.data, p.actor, res.file)
    assert rep.status == "applied" and not rep.errors
    # an older version's full bundle repeated B's changes exactly: skipped quietly, nothing refused
    _m, lines, _blobs = read_lines(export(p, a, tmp_path / "relay", full=True).file)
    b_lines = [x for x in lines["issue"] if x["o"] == B]
    assert b_lines and b_lines[0]["id"] == b_item
    add_issue(a, serial="2026-003")

    def echo(ls: Lines) -> None:
        ls["issue"].extend(b_lines)

    rep = import_bundle(p.db, p.data, p.actor,
                        forge(export(a, p, tmp_path / "a2").file, tmp_path / "e.fdbundle", a.data.keys, echo))
    assert rep.status == "applied" and not rep.errors, rep.errors
    assert rep.tables["issue"].created == 1 and rep.tables["issue"].rejected == 0


def test_a_county_cannot_plant_an_item_in_another_county_s_ledger(trio, tmp_path: Path) -> None:
    a, b, p = trio
    plant = add_issue(a, serial="伪交2026-001", office_code=B, assigned_by_office=A, description="景洪市伪造的交办问题")
    rep = send(a, p, tmp_path / "a1")
    assert rep.tables["issue"].rejected == 1 and "只有市（州）级单位可以交办问题" in rep.errors[0], rep.errors
    assert plant not in rows(p, "issue")
    send(p, b, tmp_path / "p1")
    assert plant not in rows(b, "issue")
    assert not any(r["serial"] == "伪交2026-001" for r in rows(b, "issue").values())
    # A's later genuine work still arrives (the refused change kept its number, with no fields)
    own = add_issue(a, serial="2026-001")
    send(a, p, tmp_path / "a2")
    assert own in rows(p, "issue")
    assert _audit(p, "import_bundle_rows_refused")[0]["refused"] == 1


def test_the_prefecture_does_not_relay_a_plant(trio, tmp_path: Path) -> None:
    # a prefecture running an older version took the plant in; its relay must still be refused at B
    a, b, p = trio
    add_issue(p, serial="州-2026-001", office_code=B, assigned_by_office=P)
    genuine = export(p, b, tmp_path / "p1").file
    planted: list[str] = []

    def relay_plant(lines: Lines) -> None:
        line = _issue_line(lines, office_code=B, assigned_by_office=A, serial="伪交2026-001")
        line.update(o=A, s=_max_seq(p, A) + 1)
        planted.append(line["id"])
        lines["issue"].append(line)

    rep = import_bundle(b.db, b.data, b.actor, forge(genuine, tmp_path / "f.fdbundle", p.data.keys, relay_plant))
    assert rep.status == "applied" and rep.tables["issue"].rejected == 1, rep.as_json()
    assert planted[0] not in rows(b, "issue")


@pytest.mark.parametrize("case", ["assigner-county", "foreign-prefecture-assigns", "moved", "progress"])
def test_owner_and_assigner_must_fit_the_sender(trio, tmp_path: Path, case: str) -> None:
    a, b, p = trio
    b_item = add_issue(b, serial="2026-001")
    send(b, p, tmp_path / "b0")
    send(p, a, tmp_path / "p0")
    sender, target = a, p
    if case == "assigner-county":  # A's own item "assigned by" county B: B would own its closure
        row = add_issue(a, serial="2026-002", assigned_by_office=B)
        words, table = "只能由本单位或其上级市（州）交办", "issue"
    elif case == "foreign-prefecture-assigns":  # P assigning to a county of another prefecture
        row = add_issue(p, serial="州交2026-001", office_code="532501", assigned_by_office=P)
        sender, target = p, a
        words, table = "只能向本市（州）所辖县（区）交办", "issue"
    elif case == "moved":  # A moves its own item into B's ledger by an edit
        row = add_issue(a, serial="2026-003")
        send(a, p, tmp_path / "a0")
        edit(a, Issue, row, office_code=B)
        words, table = "所属单位不能更改", "issue"
    else:  # a progress entry in B's name under B's item
        with a.db.transaction() as s:
            from db.models import Progress

            pr = Progress(issue_id=b_item, date=dt.date(2026, 5, 1), text="伪造的进展", office_code=B)
            s.add(pr)
            s.flush()
            row = pr.id
        words, table = "不能创建属于单位 532822 的记录", "progress"
    rep = send(sender, target, tmp_path / "x")
    assert rep.tables[table].rejected == 1 and words in " ".join(rep.errors), rep.as_json()
    if case == "moved":
        assert rows(p, "issue")[row]["office_code"] == A
    else:
        assert row not in rows(target, table)


def test_a_county_s_genuine_progress_under_another_office_s_item_still_merges(trio, tmp_path: Path) -> None:
    a, _b, p = trio
    item = add_issue(p, serial="州交2026-001", office_code=A, assigned_by_office=P)
    send(p, a, tmp_path / "p1")
    note = add_progress(p, item, "州督查组已现场核实")
    send(p, a, tmp_path / "p2")
    mine = add_progress(a, item, "已完成整改")
    rep = send(a, p, tmp_path / "a1")
    assert not rep.errors and {note, mine} <= set(rows(p, "progress"))


def test_a_refused_bundle_is_audited(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", A, "景洪市")
    p = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    c = make_office(tmp_path / "c", "532823", "勐腊县")
    try:
        trust_both(a, p)
        trust_both(c, p)
        add_issue(a)
        wrong = export(p, c, tmp_path / "to-c").file  # meant for 勐腊县, imported at 景洪市
        trust_both(a, c)
        rep = import_bundle(a.db, a.data, a.actor, wrong)
        assert rep.status == "rejected"
        [entry] = _audit(a, "import_bundle_refused")
        assert entry["from"] == P and entry["file"] == wrong.name and "不是本单位" in entry["reasons"][0]
        import_bundle(a.db, a.data, a.actor, wrong, dry_run=True)  # a preview is not audited as a refusal
        assert len(_audit(a, "import_bundle_refused")) == 1
    finally:
        for ctx in (a, p, c):
            ctx.close()


def test_a_county_trusting_another_county_sends_it_only_its_own_changes(trio, tmp_path: Path) -> None:
    a, b, p = trio
    trust_both(a, b)  # two counties exchanging directly: neither relays the prefecture's or the other's
    add_issue(p, serial="州-2026-001", office_code=A, assigned_by_office=P)
    send(p, a, tmp_path / "p1")
    mine = add_issue(a, serial="2026-001")
    res = export(a, b, tmp_path / "a-b")
    assert set(res.ranges) == {A}
    assert pending_counts(a.db)[B] == sum(res.tables.values())
    rep = import_bundle(b.db, b.data, b.actor, res.file)
    assert rep.status == "applied" and not rep.errors and mine in rows(b, "issue")
    assert pending_counts(a.db)[B] == sum(res.tables.values())  # sent, not yet confirmed
