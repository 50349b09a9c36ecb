"""Checks of incoming changes against this office's change log: who may carry whose changes, gaps,
numbers already used for something else, echoes of what is here already."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SYNCED_MODELS, ChangeLog
from desktop_app.core.errors import SyncError
from desktop_app.org.field_ownership import is_prefecture_code, may_relay
from desktop_app.sync.apply_merge import load_rows, row_label
from desktop_app.sync.apply_parse import CAP_COUNTER, Change
from desktop_app.sync.apply_report import ImportReport, TableReport
from desktop_app.sync.conflicts import TABLE_LABELS
from desktop_app.sync.peers import have_seqs


def check_against_log(s: Session, me: str, changes: list[Change], m: dict[str, Any],
                       report: ImportReport) -> list[Change]:
    """Refuse gaps and rewritten history; return only the changes this office does not have yet."""
    have = have_seqs(s)
    gaps: list[str] = []
    for origin, (lo, hi) in sorted(m["ranges"].items()):
        mine = have.get(origin, 0)
        if origin == me and hi > mine:
            raise SyncError(f"数据包中含有本单位第 {mine + 1}–{hi} 号变更，但本单位没有这些记录（本机数据可能从旧备份恢复过）",
                            "请联系技术人员处理；本次未做任何改动")
        if lo > mine + 1:
            gaps.append(f"单位 {origin} 的第 {mine + 1}–{lo - 1} 号变更")
            report.gap[origin] = [mine + 1, lo - 1]
    if gaps:
        raise SyncError(f"数据包不连续：缺少{'、'.join(gaps)}",
                        "请先导入更早的数据包（或请对方导出完整数据包 --full）后再导入本包；本次未做任何改动")
    known = [c for c in changes if c.seq <= have.get(c.origin, 0)]
    by_origin: dict[str, list[Change]] = defaultdict(list)
    for c in known:
        by_origin[c.origin].append(c)
    for origin, cs in by_origin.items():
        local = _local_log(s, origin, [c.seq for c in cs])
        for c in cs:
            if c.seq in local and not _same_change(c, local[c.seq]):
                raise SyncError(f"单位 {origin} 的第 {c.seq} 号变更与本单位已有的同号变更内容不同（对方数据可能从旧备份恢复后重新编号）",
                                "请联系发送单位核实，不要导入本包；本次未做任何改动")
    return [c for c in changes if c.seq > have.get(c.origin, 0)]


def _local_log(s: Session, origin: str, seqs: list[int]) -> dict[int, tuple[int, str, str, str]]:
    """This office's change-log entries of ``origin`` with these sequence numbers: seq -> (hlc, table, row, op)."""
    seqs = sorted(seqs)
    local: dict[int, tuple[int, str, str, str]] = {}
    for lo in range(0, len(seqs), 20000):
        part = seqs[lo:lo + 20000]
        rows = s.execute(select(ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name, ChangeLog.row_id, ChangeLog.op)
                         .where(ChangeLog.origin == origin, ChangeLog.seq >= part[0], ChangeLog.seq <= part[-1]))
        for seq, hlc, table, row_id, op in rows:
            local[int(seq)] = (int(hlc), table, row_id, op)
    return local


def _same_change(c: Change, mine: tuple[int, str, str, str]) -> bool:
    """Whether an incoming change is the one this office holds under the same number (a capped
    stamp, recognisable by its counter, stands for any later one)."""
    hlc, table, row_id, op = mine
    same_stamp = c.sent_hlc == hlc or (hlc & CAP_COUNTER == CAP_COUNTER and c.sent_hlc > hlc)
    return table == c.table and row_id == c.row_id and op == c.op and same_stamp


def refuse_foreign_origins(s: Session, sender: str, changes: list[Change], ranges: dict[str, list[int]],
                            report: ImportReport) -> tuple[list[Change], dict[str, list[int]], dict[str, int]]:
    """Keep the changes ``sender`` may carry (``ownership.may_relay``); refuse the others row by row.

    A change signed by one office but made in another's name is never applied nor logged, so it
    takes none of that office's sequence numbers: the genuine office's bundles still fit after it.
    A line that only repeats a change already here under the same number (an echo) is skipped
    quietly. Returns the changes kept, their ranges, and per refused origin the number of lines.
    """
    barred = [c for c in changes if not may_relay(sender, c.origin)]
    if not barred:
        return changes, ranges, {}
    have = have_seqs(s)
    by_origin: dict[str, list[Change]] = defaultdict(list)
    for c in barred:
        by_origin[c.origin].append(c)
    refused: dict[str, int] = {}
    rows: dict[tuple[str, str], Change] = {}
    echoed: set[tuple[str, str]] = set()
    for origin, cs in sorted(by_origin.items()):
        known = [c for c in cs if c.seq <= have.get(origin, 0)]
        local = _local_log(s, origin, [c.seq for c in known]) if known else {}
        for c in cs:
            if c.seq in local and _same_change(c, local[c.seq]):
                echoed.add((c.table, c.row_id))
                continue
            refused[origin] = refused.get(origin, 0) + 1
            rows.setdefault((c.table, c.row_id), c)
    why_sender = ("县级单位只能发送本单位的变更" if not is_prefecture_code(sender)
                  else "市（州）级单位只能转发本单位和所辖县（区）的变更")
    here: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # the rows as they stand here, to name them
    for table in {t for t, _r in rows}:
        if table in SYNCED_MODELS:
            here[table] = load_rows(s, table, sorted(r for t, r in rows if t == table))
    for (table, row_id), c in sorted(rows.items()):
        report.tables.setdefault(table, TableReport()).rejected += 1
        known_row = here[table].get(row_id) or c.values
        report.add_error(f"{TABLE_LABELS.get(table, table)} {row_label(known_row, row_id)}：数据包由单位 {sender} 签发，"
                         f"却含有署名单位 {c.origin} 的变更（第 {c.seq} 号），{why_sender}，已拒绝（可能是伪造）")
    for table, _row in echoed - set(rows):
        report.tables.setdefault(table, TableReport()).unchanged += 1
    kept = [c for c in changes if may_relay(sender, c.origin)]
    return kept, {o: r for o, r in ranges.items() if may_relay(sender, o)}, refused
