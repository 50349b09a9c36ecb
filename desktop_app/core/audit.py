"""Hash-chained audit log: every write records who did it, in the same transaction.

Each entry's hash is sha256(previous hash + the entry's canonical JSON), so an
edited, inserted or removed entry breaks the chain at that point and
``verify_chain`` names it. The newest entry's id and hash are also kept in the
``audit.head`` setting (written in the same transaction): deleting the last
entries, or all of them, leaves the head pointing at an entry that is gone, and
a later entry links to the head rather than to whatever row is last — so the
gap stays visible (``verify``).

``record`` is also where rights are enforced (``desktop_app.core.roles``): every write
calls it inside its transaction, so an action the signed-in account may not take
is refused there and the whole write rolls back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.dialect import serialise
from db.models import AuditEntry, ChangeLog, Setting, User
from desktop_app.core.errors import PermissionDeniedError

GENESIS = "0" * 64


HEAD_KEY = "audit.head"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a login and a display name (the CLI acts as 系统/命令行).

    ``rights`` is None for an actor that is not a signed-in account (before accounts exist,
    the demo generator, tests); once this office has accounts such an actor may only do
    what needs no right (sign-in itself). ``account`` marks a signed-in account.
    """

    login: str
    name: str = ""
    rights: frozenset[str] | None = None
    account: bool = False
    #: the sections an approver decides for (None: every section)
    sections: frozenset[str] | None = None

    @property
    def label(self) -> str:
        """How the actor appears in the audit log and on timelines."""
        return self.name or self.login


SYSTEM = Actor("system", "系统")
CLI = Actor("cli", "命令行")


def _digest(prev_hash: str, at: str, actor: str, action: str, table: str, target: str, details: str) -> str:
    payload = json.dumps([prev_hash, at, actor, action, table, target, details], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def accounts_exist(session: Session) -> bool:
    """True once this office has at least one account with a password (sign-in is then required).

    A row of the first schema without a password (the table was unused then) does not count.
    """
    return session.execute(select(User.id).where(User.password_hash != "").limit(1)).first() is not None


def check_right(session: Session, actor: Actor, action: str) -> None:
    """Refuse ``action`` when ``actor`` lacks the right it needs (PermissionDeniedError, in Chinese)."""
    from desktop_app.core import roles

    need = roles.right_for(action)
    if need is None:
        return
    if actor.rights is None:
        if accounts_exist(session):
            raise PermissionDeniedError("本单位已启用账户，请先登录再操作",
                                        "请在登录窗口输入账户和密码；命令行请加 --user 登录名 并设置 FIELDDESK_PASSWORD")
        return
    if need not in actor.rights:
        raise PermissionDeniedError(
            f"账户“{actor.login}”（{actor.label}）没有“{roles.RIGHTS[need]}”权限，不能执行此操作",
            f"请由具有“{roles.RIGHTS[need]}”权限的人员办理，或请系统管理员调整角色")


def read_head(session: Session) -> dict[str, Any] | None:
    """The ``audit.head`` setting: {"id", "hash", "count"} of the newest entry, or None."""
    row = session.get(Setting, HEAD_KEY)
    if row is None or not row.value:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_table: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
    check: bool = True,
) -> AuditEntry:
    """Append one audit entry to the chain (call inside the write's transaction).

    Refuses (PermissionDeniedError) an action the actor has no right to, unless ``check``
    is False (sign-in failures, recorded by the system whoever typed).
    """
    serialise(session)  # a shared server: two clerks' entries never link to the same predecessor
    if check:
        check_right(session, actor, action)
    head = read_head(session)
    if head is not None and isinstance(head.get("hash"), str):
        prev_hash = str(head["hash"])  # the second place: a deleted tail cannot be papered over
        count = int(head.get("count") or 0)
    else:
        prev = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
        prev_hash = prev or GENESIS
        count = session.execute(select(func.count(AuditEntry.id))).scalar() or 0
    at = dt.datetime.now().isoformat(timespec="seconds")
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        at=at,
        actor=actor.label,
        actor_login=actor.login if actor.account else "",
        action=action,
        target_table=target_table,
        target_id=target_id,
        details=body,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, actor.label, action, target_table, target_id, body),
    )
    session.add(entry)
    session.flush()
    _name_changes(session, actor)
    value = json.dumps({"id": entry.id, "hash": entry.hash, "count": count + 1})
    row = session.get(Setting, HEAD_KEY)
    if row is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        row.value = value
    return entry


def _name_changes(session: Session, actor: Actor) -> None:
    """Name ``actor`` on the change-log entries this transaction made (they travel in bundles as "by")."""
    from db.changes import FIRST_SEQ_KEY

    first = session.info.pop(FIRST_SEQ_KEY, None)
    office = session.info.get("office_code")
    if first is None or not office:
        return
    session.execute(update(ChangeLog).where(ChangeLog.origin == office, ChangeLog.seq >= first,
                                            ChangeLog.actor.is_(None)).values(actor=actor.label[:60])
                    .execution_options(synchronize_session=False))


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash or link does not hold; empty when the log is intact."""
    bad: list[int] = []
    prev_hash = GENESIS
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        expected = _digest(prev_hash, e.at, e.actor, e.action, e.target_table, e.target_id, e.details)
        if e.prev_hash != prev_hash or e.hash != expected:
            bad.append(e.id)
        prev_hash = e.hash
    return bad


@dataclass(frozen=True)
class ChainReport:
    """What ``verify`` found: ok, how many entries, and the first broken one (id, kind, Chinese text)."""

    ok: bool
    entries: int
    head_id: int | None
    broken_id: int | None = None
    kind: str = ""  # edited | deleted | reordered | tail_deleted
    message: str = ""


def verify(session: Session) -> ChainReport:
    """Check the whole chain and the head kept apart; name the first broken entry.

    * ``edited`` — the entry's content no longer gives its hash;
    * ``reordered`` — its link points at an entry that comes later;
    * ``deleted`` — its link points at no entry still present (entries before it were removed);
    * ``tail_deleted`` — the chain holds, but the newest entries (or all) are gone: the head
      kept in the settings names an entry that is no longer there or no longer last.
    """
    rows = session.execute(select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
                                  AuditEntry.target_table, AuditEntry.target_id, AuditEntry.details,
                                  AuditEntry.prev_hash, AuditEntry.hash).order_by(AuditEntry.id)).all()
    head = read_head(session)
    head_id = int(head["id"]) if head and head.get("id") is not None else None
    later_hashes: dict[str, int] = {}
    for r in rows:
        later_hashes.setdefault(r.hash, r.id)
    prev_hash, prev_id = GENESIS, None
    for r in rows:
        expected = _digest(r.prev_hash, r.at, r.actor, r.action, r.target_table, r.target_id, r.details)
        if r.hash != expected:
            return ChainReport(False, len(rows), head_id, r.id, "edited",
                               f"第 {r.id} 条审计记录（{r.at} {r.actor} {r.action}）的内容被改动过")
        if r.prev_hash != prev_hash:
            after = later_hashes.get(r.prev_hash)
            if after is not None and after > r.id:
                return ChainReport(False, len(rows), head_id, r.id, "reordered",
                                   f"第 {r.id} 条审计记录的顺序被调换过（它应在第 {after} 条之后）")
            where = f"第 {prev_id} 条与第 {r.id} 条之间" if prev_id is not None else f"第 {r.id} 条之前"
            return ChainReport(False, len(rows), head_id, r.id, "deleted",
                               f"审计记录在{where}有被删除的记录")
        prev_hash, prev_id = r.hash, r.id
    if head is not None:
        if not rows:
            return ChainReport(False, 0, head_id, head_id, "tail_deleted",
                               f"审计记录已被全部删除（原有 {head.get('count', '?')} 条，最后一条为第 {head_id} 条）")
        if head.get("hash") != prev_hash:
            return ChainReport(False, len(rows), head_id, prev_id, "tail_deleted",
                               f"第 {prev_id} 条之后的审计记录被删除（最后一条应为第 {head_id} 条）")
    return ChainReport(True, len(rows), head_id, message=f"审计记录完整，共 {len(rows)} 条")
