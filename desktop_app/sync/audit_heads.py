"""Other offices' audit-log heads, as their signed bundles carried them (the second place of issue 12 item 9).

Each bundle's manifest carries the sender's audit head (id, hash, count of its hash-chained log). The
receiver keeps the newest it saw per office in the local ``peers.audit_heads`` setting. A later bundle
whose log holds fewer entries than one seen before means entries were deleted at the sender: the import
says so (it is still applied — the data is the sender's to give; the trail is the inspector's to follow).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop_app.org import settings

KEY = "peers.audit_heads"


def remember(s: Session, office: str, head: Any, warnings: list[str]) -> None:
    """Keep ``office``'s audit head from a bundle; warn (in ``warnings``) when its log shrank since the last one."""
    if not isinstance(head, dict) or not isinstance(head.get("count"), int) or not isinstance(head.get("hash"), str):
        return  # an older FieldDesk, or a sender without an audit log yet
    heads = settings.read(s, KEY, {})
    heads = heads if isinstance(heads, dict) else {}
    seen = heads.get(office)
    if isinstance(seen, dict) and isinstance(seen.get("count"), int) and head["count"] < seen["count"]:
        warnings.append(f"单位 {office} 的审计日志比上次报送时少（上次 {seen['count']} 条，本次 {head['count']} 条），"
                        "对方的审计记录可能被删除；请告知对方单位负责人核查")
        heads[f"{office}.shrunk"] = {"before": seen, "after": head}
    if not isinstance(seen, dict) or head["count"] >= int(seen.get("count") or 0):
        heads[office] = {"id": head.get("id"), "hash": head["hash"], "count": head["count"]}
    settings.write(s, KEY, heads)


def seen_heads(s: Session) -> dict[str, Any]:
    """Office code → the newest audit head its bundles carried."""
    heads = settings.read(s, KEY, {})
    return heads if isinstance(heads, dict) else {}
