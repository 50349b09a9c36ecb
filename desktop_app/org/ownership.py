"""本单位的数据 — a row another office sent in its bundle may be looked at here, never changed.

A prefecture office holds every county's visits, topics and scores; they belong to the
county that recorded them (it owns the rows and sends the edits). Writes here check the
row's owner with :func:`refuse_foreign` so the clerk is told whose row it is instead of
a bare “不存在”.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Office, PeerState
from desktop_app.core.errors import PermissionDeniedError


def office_name(s: Session, code: str) -> str:
    """The office's name from its setup or synced Office row, else from its trusted card, else the code
    (as 上级单位 532800 when it is this office's parent) when only its rows are here."""
    name = s.execute(select(Office.name).where(Office.code == code, Office.deleted.is_(False))).scalar()
    if name:
        return str(name)
    card = s.execute(select(PeerState.office_name).where(PeerState.peer_code == code)).scalar()
    if card:
        return str(card)
    mine = s.info.get("office_code")
    if mine and s.execute(select(Office.parent_code).where(Office.code == mine)).scalar() == code:
        return f"上级单位 {code}"
    return code


def refuse_foreign(s: Session, own: str, row_office: str | None, what: str) -> None:
    """Refuse a write to a row of another office (``what`` names it, e.g. 调研安排)."""
    if row_office and row_office != own:
        raise PermissionDeniedError(
            f"该{what}属于“{office_name(s, row_office)}”，由该单位录入和修改，本单位只能查看",
            "如需更正，请联系该单位修改后重新发送同步包")
