"""待发送 — how many changes each trusted office has not yet confirmed receiving (what the next bundle
to it would carry), for the 数据交换 page's “N 条更改待发送”."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import Database
from db.models import PeerState
from desktop_app.org.field_ownership import may_relay
from desktop_app.sync.peers import have_seqs, load_json


def unacknowledged(have: dict[str, int], acked: dict[str, int], to_code: str,
                   carry: set[str] | None = None) -> int:
    """How many of the changes held (origin → last sequence number) ``to_code`` has not acknowledged:
    never its own, and only the origins in ``carry`` when given (what a bundle to it would hold)."""
    return sum(max(0, n - acked.get(o, 0)) for o, n in have.items()
               if o != to_code and (carry is None or o in carry))


def pending_counts(db: Database) -> dict[str, int]:
    """Trusted office code → the number of changes it lacks (every origin but its own that this office
    may carry, ``ownership.may_relay``: a county only its own), one read."""
    with db.session() as s:
        have = {o: n for o, n in have_seqs(s).items() if may_relay(db.office_code, o)}
        out: dict[str, int] = {}
        for peer in s.execute(select(PeerState).where(PeerState.trusted.is_(True),
                                                      PeerState.revoked.is_(False))).scalars():
            acked = load_json(peer.acked)
            out[peer.peer_code] = unacknowledged(have, acked, peer.peer_code)
        return out
