"""Merging incoming changes row by row into a :class:`Plan` (nothing written yet).

The rules, in order, per change of a row: ownership (``ownership.check``, the closure rule), conflicts
the sender logged (``x``), delete versus edit, then per field — a newer version wins (a concurrent one
is logged as a conflict), an older concurrent one loses and is logged, an older equal one is recorded as
seen. Append-only rows merge as a union; new rows need their required fields and their references.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import Base
from db.changes import encode_fields
from db.models import SYNCED_MODELS, Attachment, ChangeLog, SyncConflict
from desktop_app.org.field_ownership import ISSUE_CHILDREN, reopens_closed_item
from desktop_app.org.field_ownership import check as check_owner
from desktop_app.sync.apply_parse import Change
from desktop_app.sync.apply_report import ImportReport, TableReport
from desktop_app.sync.conflicts import TABLE_LABELS
from desktop_app.sync.history import Stamp, chunks, field_versions, foreign_base_of, latest, load_entries
from desktop_app.sync.values import defaults, jsonable, table_of

# ---------------------------------------------------------------- merging

@dataclass
class Plan:
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    log: list[tuple[Any, ...]] = field(default_factory=list)
    max_hlc: int = 0
    #: (table, row, field, base hlc, origin) of applied edits that were made on top of a known version
    answered: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    #: conflicts logged here already or in this plan: each is logged once per office
    conflict_keys: set[tuple[Any, ...]] = field(default_factory=set)
    #: this office, the office that sent the bundle, and what it held when it did (its acknowledgements)
    me: str = ""
    sender: str = ""
    sender_acks: dict[str, int] = field(default_factory=dict)
    #: (hlc, origin) -> sequence number of the local change-log entries of rows being deleted
    seqs: dict[tuple[int, str], int] = field(default_factory=dict)

    def concurrent_with(self, table: str, row_id: str, f: str, stamp: Stamp) -> set[Stamp]:
        """Versions logged here as concurrent edits that ``stamp`` won over (its writer never saw them)."""
        return {(k[5], k[6]) for k in self.conflict_keys
                if k[0] == table and k[1] == row_id and k[2] == f and (k[3], k[4]) == stamp}

    def add_conflict(self, c: dict[str, Any]) -> bool:
        """Log a conflict unless this office has it already; True when it is new."""
        key = _conflict_key(c)
        if key in self.conflict_keys:
            return False
        self.conflict_keys.add(key)
        self.conflicts.append(c)
        return True


def _conflict_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["table_name"], c["row_id"], c["field"], int(c["winner_hlc"]), c["winner_office"], int(c["loser_hlc"]),
            c["loser_office"])


def _known_conflicts(s: Session, table: str, ids: list[str]) -> set[tuple[Any, ...]]:
    cols = (SyncConflict.table_name, SyncConflict.row_id, SyncConflict.field, SyncConflict.winner_hlc,
            SyncConflict.winner_office, SyncConflict.loser_hlc, SyncConflict.loser_office)
    out: set[tuple[Any, ...]] = set()
    for part in chunks(ids):
        for r in s.execute(select(*cols).where(SyncConflict.table_name == table, SyncConflict.row_id.in_(part))):
            out.add((r[0], r[1], r[2], int(r[3]), r[4], int(r[5]), r[6]))
    return out


def _local_seqs(s: Session, ids: list[str]) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for part in chunks(ids):
        for origin, seq, hlc in s.execute(select(ChangeLog.origin, ChangeLog.seq, ChangeLog.hlc)
                                          .where(ChangeLog.row_id.in_(part))):
            out[(int(hlc), str(origin))] = int(seq)
    return out


def load_rows(s: Session, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    tbl = table_of(SYNCED_MODELS[table])
    out: dict[str, dict[str, Any]] = {}
    if len(ids) > 2000:
        # many incoming rows: find which exist from one scan of the (indexed) ids, then load only those
        have = {r for (r,) in s.execute(select(tbl.c.id))}
        ids = [i for i in ids if i in have]
    for part in chunks(ids):
        for row in s.execute(select(tbl).where(tbl.c.id.in_(part))).mappings():
            out[row["id"]] = dict(row)
    return out


def sorted_tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables if t.name in SYNCED_MODELS]


def merge_changes(s: Session, changes: list[Change], report: ImportReport, bundle_id: str,
           blobs_meta: dict[str, dict[str, Any]], sender: str = "", sender_acks: dict[str, int] | None = None,
           me: str = "") -> Plan:
    plan = Plan(me=me, sender=sender, sender_acks=dict(sender_acks or {}))
    any_conflicts = s.execute(select(SyncConflict.id).limit(1)).first() is not None
    by_table: dict[str, dict[str, list[Change]]] = defaultdict(lambda: defaultdict(list))
    for c in changes:
        by_table[c.table][c.row_id].append(c)
    issues_state: dict[str, dict[str, Any]] = {}
    present: dict[str, set[str]] = defaultdict(set)  # rows that will exist after the import, per table
    now = dt.datetime.now()
    now_text = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores a DateTime in SQLite
    for table in sorted_tables():
        rows = by_table.get(table)
        if not rows:
            continue
        tr = report.tables.setdefault(table, TableReport())
        model = SYNCED_MODELS[table]
        tbl = table_of(model)
        append_only = bool(getattr(model, "__append_only__", False))
        dflt, required = defaults(tbl)
        local = load_rows(s, table, list(rows))
        hist = load_entries(s, list(local)) if local else {}
        if any_conflicts or any(c.relayed for cs in rows.values() for c in cs):
            plan.conflict_keys |= _known_conflicts(s, table, list(rows))
        deleting = [rid for rid, cs in rows.items()
                    if rid in local and (local[rid].get("deleted") or any(c.values.get("deleted") is True for c in cs))]
        if deleting:
            plan.seqs.update(_local_seqs(s, deleting))
        parents = _issues_of(s, table, rows, local, issues_state) if table in ISSUE_CHILDREN else {}
        fks = [(fk.parent.name, fk.column.table.name, fk.column.name) for fk in tbl.foreign_keys]
        for row_id, cs in rows.items():
            cs.sort(key=lambda c: c.stamp)
            before = local.get(row_id)
            outcome = _merge_row(table, row_id, cs, before, hist.get(row_id, []), parents, append_only, plan,
                                 report, bundle_id)
            values, changed, conflicted, rejected = outcome.values, outcome.changed, outcome.conflicted, outcome.rejected
            reason = _refusal(s, values, before, required, fks, present, blobs_meta) if values is not None else None
            if reason:
                report.add_error(f"{TABLE_LABELS.get(table, table)} {row_id[:8]}：{reason}，已拒绝该行")
                values, changed, rejected = None, False, True
                for c in cs:
                    c.applied = []
            if values is not None:
                present[table].add(row_id)
                if table == "issue":
                    issues_state[row_id] = values
                _stage(plan, table, row_id, values, before, dflt, now, now_text)
            elif before is not None:
                present[table].add(row_id)
            _count(tr, rejected=rejected, conflicted=conflicted, created=before is None and values is not None,
                   changed=changed)
            for c in cs:
                plan.log.append((c.origin, c.seq, c.hlc, table, row_id, c.op, encode_fields(table, c.op, c.applied),
                                 c.actor))
                plan.max_hlc = max(plan.max_hlc, c.hlc)
    return plan


def _issues_of(s: Session, table: str, rows: dict[str, list[Change]], local: dict[str, dict[str, Any]],
               issues_state: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The parent items of a child table's incoming rows, as they will stand after this import: loaded into
    ``issues_state`` (which already holds the items merged above) when not there yet; returns it."""
    need = {c.values.get("issue_id") or (local.get(rid) or {}).get("issue_id") for rid, cs in rows.items() for c in cs}
    wanted = sorted(str(x) for x in need if x and x not in issues_state)
    issues_state.update(load_rows(s, "issue", wanted))
    return issues_state


def _refusal(s: Session, values: dict[str, Any], before: dict[str, Any] | None, required: set[str],
             fks: list[tuple[str, str, str]], present: dict[str, set[str]],
             blobs_meta: dict[str, dict[str, Any]]) -> str | None:
    """Why a merged row cannot be written (a new row lacking a required field, a reference to no row), or None."""
    if before is None:
        missing = sorted(f for f in required if f not in values)
        if missing:
            return f"缺少必填字段 {'、'.join(missing)}"
    bad_fk = _missing_reference(s, values, before, fks, present, blobs_meta)
    if bad_fk:
        return f"引用的记录（{bad_fk}）不存在"
    return None


def _stage(plan: Plan, table: str, row_id: str, values: dict[str, Any], before: dict[str, Any] | None,
           dflt: dict[str, Any], now: dt.datetime, now_text: str) -> None:
    """Plan the write of a merged row: an insert (over the table's defaults ``dflt``) when the row is new, else
    an update of the fields that differ."""
    if before is None:
        plan.inserts[table].append({**dflt, **values, "created_at": now_text, "updated_at": now_text})
        return
    diff = {k: v for k, v in values.items() if before.get(k) != v}
    if diff:
        diff["id"] = row_id
        diff["updated_at"] = now
        plan.updates[table].append(diff)


def _count(tr: TableReport, *, rejected: bool, conflicted: bool, created: bool, changed: bool) -> None:
    """One row in the table's report, under the first of: rejected, conflicted, created, updated, unchanged."""
    if rejected:
        tr.rejected += 1
    elif conflicted:
        tr.conflicts += 1
    elif created:
        tr.created += 1
    elif changed:
        tr.updated += 1
    else:
        tr.unchanged += 1


@dataclass
class RowOutcome:
    """What merging one row's incoming changes gives: the row's values (None: no row), and whether
    it changed, took part in a conflict, or had a change refused."""

    values: dict[str, Any] | None
    changed: bool = False
    conflicted: bool = False
    rejected: bool = False


class _RowMerge:
    """One row's merge: its values and per-field versions as each incoming change is weighed.

    Each rule is a method named for what it decides; ``merge`` applies them in order.
    """

    def __init__(self, table: str, row_id: str, before: dict[str, Any] | None, hist: list[tuple[Stamp, list[str]]],
                 parents: dict[str, dict[str, Any]], append_only: bool, plan: Plan, report: ImportReport,
                 bundle_id: str) -> None:
        self.table, self.row_id, self.before, self.hist = table, row_id, before, hist
        self.parents, self.append_only, self.plan, self.report, self.bundle_id = (parents, append_only, plan, report,
                                                                                  bundle_id)
        self.values: dict[str, Any] = dict(before) if before is not None else {}
        self.versions: dict[str, list[Stamp]] = field_versions(hist)
        if before is not None and before.get("hlc"):
            fallback = (int(before["hlc"]), str(before.get("changed_by") or before.get("office_code") or ""))
            for f in self.values:
                self.versions.setdefault(f, [fallback])
        self.exists = before is not None
        self.changed = self.conflicted = self.rejected = False

    def merge(self, cs: list[Change]) -> RowOutcome:
        """Weigh every change of the row, oldest stamp first."""
        for c in cs:
            why = self.refusal(c)
            if why:
                self.rejected = True
                c.applied = []
                self.report.add_error(f"{TABLE_LABELS.get(self.table, self.table)} "
                                      f"{row_label(self.values or c.values, self.row_id)}：{why}，已拒绝该行的这次修改")
                continue
            self.log_relayed_conflicts(c)
            if self.exists and self.values.get("deleted") and c.values and "deleted" not in c.values:
                self.edit_reaching_a_deleted_row(c)
            elif self.exists and c.values.get("deleted") is True and not self.values.get("deleted"):
                self.delete_reaching_unseen_edits(c)
            for f, v in c.values.items():
                cur = latest(self.versions.get(f))
                if cur is None or c.stamp > cur:
                    self.newer_version_wins(c, f, v, cur)
                elif c.stamp < cur and cur[1] != c.origin:
                    if self.values.get(f) != v:
                        self.older_concurrent_version_loses(c, f, v, cur)
                    else:
                        self.older_equal_version_is_seen(c, f)
            if not self.exists and c.values:
                self.exists = True
        return self.outcome()

    def refusal(self, c: Change) -> str | None:
        """Ownership (``ownership.check``) and the closure rule: why ``c`` may not be applied, or None."""
        values = self.values
        parent = (self.parents.get(c.values.get("issue_id") or values.get("issue_id") or "")
                  if self.table in ISSUE_CHILDREN else None)
        why = check_owner(self.table, c.origin, not self.exists, values, c.values, parent, self.append_only)
        if not why and self.table == "issue" and self.exists and "status" in c.values:
            cur = latest(self.versions.get("status"))
            seen = c.seen("status")
            base = c.bases.get("status")
            # the writer saw the closure only if its own view was that version: a base newer than ours is
            # its own edit that won over the closure as a concurrent edit (the closure lost there too)
            saw = cur is not None and seen is not None and seen >= cur and (base is None or base <= cur)
            why = reopens_closed_item(str(values.get("assigned_by_office") or ""), c.origin, values.get("status"),
                                      cur[1] if cur else "", c.values["status"], saw)
        return why

    def log_relayed_conflicts(self, c: Change) -> None:
        """Conflicts the sender logged (``x``): every office that gets both versions logs them."""
        for x in c.relayed:
            if self.plan.add_conflict({**x, "bundle_id": self.bundle_id}):
                self.conflicted = True

    def edit_reaching_a_deleted_row(self, c: Change) -> None:
        """The row stays deleted, the edit is kept and shown on the conflicts page (so someone can
        restore the row if the delete was wrong) when its writer had not seen the delete."""
        deleter = latest(self.versions.get("deleted"))
        if deleter is not None and deleter[1] != c.origin and _edit_unseen_by_deleter(deleter, c, self.plan):
            self.add_conflict(_conflict(self.table, self.row_id, "deleted", True, c.values, deleter, c.stamp,
                                        self.bundle_id))

    def delete_reaching_unseen_edits(self, c: Change) -> None:
        """The same conflict seen from the editor's side (the deleting office logs it when the edit reaches it)."""
        for stamp, edited in _unseen_edits(self.hist, self.versions, c, self.plan):
            self.add_conflict(_conflict(self.table, self.row_id, "deleted", True,
                                        {f: self.values.get(f) for f in edited}, c.stamp, stamp, self.bundle_id))

    def newer_version_wins(self, c: Change, f: str, v: Any, cur: Stamp | None) -> None:
        """The greater stamp wins; a concurrent edit (the writer had not seen our value) is logged."""
        values = self.values
        if cur is not None and values.get(f) != v and cur[1] != c.origin:
            b = c.seen(f)
            if b is None or b < cur:
                self.add_conflict(_conflict(self.table, self.row_id, f, v, values.get(f), c.stamp, cur,
                                            self.bundle_id))
        if values.get(f) != v or not self.exists:
            self.changed = True
        values[f] = v
        if f in c.bases and self.exists:
            self.plan.answered.append((self.table, self.row_id, f, c.bases[f][0], c.origin))
        self.seen(c, f)

    def older_concurrent_version_loses(self, c: Change, f: str, v: Any, cur: Stamp) -> None:
        """An older version with another value loses; when our writer had not seen it, it is a concurrent
        edit: logged, and recorded as seen (a later local edit of the field is made knowing of it, and
        must not be taken elsewhere for a second concurrent edit)."""
        b_local = foreign_base_of(self.versions.get(f), cur, self.plan.concurrent_with(self.table, self.row_id, f, cur))
        if b_local is None or b_local < c.stamp:
            self.add_conflict(_conflict(self.table, self.row_id, f, self.values.get(f), v, cur, c.stamp,
                                        self.bundle_id))
            self.seen(c, f)

    def older_equal_version_is_seen(self, c: Change, f: str) -> None:
        """An older version with the same value: nothing to apply, but this office has now seen it, so its
        next edit of the field is not taken elsewhere as made without knowing it."""
        self.seen(c, f)

    def seen(self, c: Change, f: str) -> None:
        """Record ``c`` as a version of ``f`` here (its change-log entry lists the field)."""
        self.versions.setdefault(f, []).append(c.stamp)
        self.versions[f].sort()
        c.applied.append(f)

    def add_conflict(self, conflict: dict[str, Any]) -> None:
        if self.plan.add_conflict(conflict):
            self.conflicted = True

    def outcome(self) -> RowOutcome:
        """The merged row, stamped with its newest version."""
        values, before = self.values, self.before
        if not values and before is None:
            return RowOutcome(None, False, self.conflicted, self.rejected)
        top = max((st[-1] for st in self.versions.values() if st), default=None)
        if top is not None and (before is None
                                or (int(before.get("hlc") or 0), str(before.get("changed_by") or "")) != top):
            values["hlc"], values["changed_by"] = top
        return RowOutcome(values, self.changed, self.conflicted, self.rejected)


def _merge_row(table: str, row_id: str, cs: list[Change], before: dict[str, Any] | None,
               hist: list[tuple[Stamp, list[str]]], parents: dict[str, dict[str, Any]], append_only: bool, plan: Plan,
               report: ImportReport, bundle_id: str) -> RowOutcome:
    """Merge one row's incoming changes (see :class:`_RowMerge` for the rules)."""
    if before is None and len(cs) == 1:
        fast = _new_row_fast(table, row_id, cs[0], parents, append_only)
        if fast is not None:
            return fast
    return _RowMerge(table, row_id, before, hist, parents, append_only, plan, report, bundle_id).merge(cs)


def _unseen_edits(hist: list[tuple[Stamp, list[str]]], versions: dict[str, list[Stamp]], c: Change,
                  plan: Plan) -> list[tuple[Stamp, list[str]]]:
    """The edits of this row, by other offices, that the delete ``c`` was made without seeing, each
    with the fields whose current value it holds (what its writer would lose)."""
    out: list[tuple[Stamp, list[str]]] = []
    for stamp, fields in hist:
        # only this office's own edits: it knows it made them before the delete reached it; whether
        # a third office's edit was made knowing of the delete cannot be told here (its writer tells,
        # and the conflict then travels with the changes)
        if stamp[1] != plan.me or stamp[1] == c.origin:
            continue
        held = sorted(f for f in fields if f != "deleted" and latest(versions.get(f)) == stamp)
        if not held:
            continue
        # a later stamp cannot have been seen by the deleting office; an earlier one was not if
        # that office, sending this bundle itself, had not yet received it
        seq = plan.seqs.get(stamp)
        unseen = stamp > c.stamp or (plan.sender == c.origin and seq is not None
                                     and seq > plan.sender_acks.get(stamp[1], 0))
        if unseen:
            out.append((stamp, held))
    return out


def _edit_unseen_by_deleter(deleter: Stamp, c: Change, plan: Plan) -> bool:
    """An edit ``c`` reaching a row this office deleted: a conflict when the editing office made
    it without knowing of the delete — its stamp is older, or it sent the edit itself before it
    had received the delete. (Other offices learn of the conflict from the writers' bundles.)"""
    if deleter[1] != plan.me:
        return False
    if c.stamp < deleter:
        return True
    seq = plan.seqs.get(deleter)
    return plan.sender == c.origin and seq is not None and seq > plan.sender_acks.get(plan.me, 0)


def _new_row_fast(table: str, row_id: str, c: Change, parents: dict[str, dict[str, Any]],
                  append_only: bool) -> RowOutcome | None:
    """A row new here with a single change (the bulk of a first full bundle): no versions to weigh."""
    parent = parents.get(c.values.get("issue_id") or "") if table in ISSUE_CHILDREN else None
    why = check_owner(table, c.origin, True, {}, c.values, parent, append_only)
    if why:
        return None  # the general path reports the refusal
    if not c.values:
        return RowOutcome(None)
    values = dict(c.values)
    values["hlc"], values["changed_by"] = c.hlc, c.origin
    c.applied = list(c.values)
    return RowOutcome(values, changed=True)


def row_label(values: dict[str, Any], row_id: str) -> str:
    serial = values.get("serial")
    return f"{serial}（{row_id[:8]}）" if serial else row_id[:8]


def _conflict(table: str, row_id: str, f: str, winner: Any, loser: Any, wst: Stamp, lst: Stamp,
              bundle_id: str) -> dict[str, Any]:
    return {"table_name": table, "row_id": row_id, "field": f,
            "winner_value": orjson.dumps(jsonable(winner), default=str).decode(),
            "loser_value": orjson.dumps(jsonable(loser), default=str).decode(),
            "winner_hlc": wst[0], "loser_hlc": lst[0], "winner_office": wst[1], "loser_office": lst[1],
            "resolved": False, "resolved_by": "", "bundle_id": bundle_id}


def _missing_reference(s: Session, values: dict[str, Any], before: dict[str, Any] | None,
                       fks: list[tuple[str, str, str]], present: dict[str, set[str]],
                       blobs_meta: dict[str, dict[str, Any]]) -> str | None:
    for col, target, target_col in fks:
        v = values.get(col)
        if v is None or (before is not None and before.get(col) == v):
            continue
        if target == "attachment":
            if v in blobs_meta or s.get(Attachment, v) is not None:
                continue
            return f"附件 {str(v)[:12]}"
        if v in present.get(target, ()):
            continue
        tmodel = SYNCED_MODELS.get(target)
        if tmodel is not None:
            ttbl = table_of(tmodel)
            hit = s.execute(select(ttbl.c[target_col]).where(ttbl.c[target_col] == v)).first()
            if hit is not None:
                present[target].add(v)
                continue
        return f"{target} {str(v)[:8]}"
    return None
