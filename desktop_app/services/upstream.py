"""上级下发 — which offices' sent-down tables count in this office (question bank, holiday table).

A prefecture sends its question bank and its holiday table down in bundles; the rows
keep the prefecture's ``office_code``. An office counts the rows of the offices above
it: the chain of ``parent_code`` from its own Office row (its parent, that one's parent
when known, …). A county whose parent is not filled in counts every prefecture-level
office whose card or setup (Office row) is here, so a bank sent before the parent was
set is not lost.

Rows of other counties never count: a prefecture relays one county's bundle to another
(bundle relay), so county B's database may hold county A's questions and holidays, but
A is neither B nor above B. A prefecture's own parent chain is normally empty, so its
bank is its own; it looks at a county's questions only through 查看范围 (scope).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Office
from desktop_app.services.ownership import office_name

#: a parent chain longer than this is a data error (or a loop); stop there
_MAX_DEPTH = 6


def upstream_codes(s: Session, me: str) -> list[str]:
    """The offices above ``me`` whose sent-down rows count here, nearest first."""
    offices = {code: (level, parent) for code, level, parent in s.execute(
        select(Office.code, Office.level, Office.parent_code).where(Office.deleted.is_(False)))}
    mine = offices.get(me)
    if mine is None:
        return []
    level, parent = mine
    if not parent:
        if level == "prefecture":
            return []
        return sorted(c for c, (lvl, _p) in offices.items() if lvl == "prefecture" and c != me)
    out: list[str] = []
    while parent and parent != me and parent not in out and len(out) < _MAX_DEPTH:
        out.append(parent)
        parent = offices.get(parent, ("", None))[1]
    return out


def counted_codes(s: Session, me: str) -> list[str]:
    """This office first, then the offices above it (see :func:`upstream_codes`)."""
    return [me, *upstream_codes(s, me)]


def origin_labels(s: Session, me: str, codes: set[str]) -> dict[str, str]:
    """How a list names where rows came from: 本单位, “<上级单位>下发” for an office above this
    one, or the office's name (a county's rows looked at in a prefecture)."""
    above = set(upstream_codes(s, me)) if codes - {me} else set()
    out = {}
    for code in codes:
        if not code or code == me:
            out[code] = "本单位"
        else:
            out[code] = f"{office_name(s, code)}下发" if code in above else office_name(s, code)
    return out


def origin_label(s: Session, me: str, code: str) -> str:
    """One row's 来源 (see :func:`origin_labels`)."""
    return origin_labels(s, me, {code})[code]
