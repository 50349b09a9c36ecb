"""对方单位 — peer offices: trusted keys, revocation and what each peer has acknowledged."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import ChangeLog, Office, PeerState
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, SetupRequiredError, SyncError, ValidationError
from desktop_app.org.keys import (
    OfficeCard,
    create_enc_key,
    fingerprint,
    load_private_key,
    normalise_fingerprint,
    public_key_b64,
)


@dataclass(frozen=True)
class PeerInfo:
    """One peer office as this office sees it."""

    code: str
    name: str
    level: str
    fingerprint: str
    trusted: bool
    revoked: bool
    can_encrypt: bool
    acked: dict[str, int]
    last_export: dt.datetime | None
    last_import: dt.datetime | None


def _info(p: PeerState) -> PeerInfo:
    return PeerInfo(code=p.peer_code, name=p.office_name, level=p.level, fingerprint=p.fingerprint,
                    trusted=bool(p.trusted), revoked=bool(p.revoked), can_encrypt=bool(p.enc_key),
                    acked=load_json(p.acked), last_export=p.last_export, last_import=p.last_import)


def load_json(text: str | None) -> dict[str, int]:
    """A JSON ``{origin: seq}`` column as a dict (empty when unset)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def list_peers(db: Database) -> list[PeerInfo]:
    """Every peer office this office knows, by code."""
    with db.session() as s:
        return [_info(p) for p in s.execute(select(PeerState).order_by(PeerState.peer_code)).scalars()]


def get_peer(db: Database, code: str) -> PeerInfo | None:
    """One peer, or None."""
    with db.session() as s:
        p = s.get(PeerState, code)
        return _info(p) if p else None


def trust_card(db: Database, actor: Actor, card: OfficeCard, confirmed_fingerprint: str) -> PeerInfo:
    """Trust a peer's card once its fingerprint has been confirmed (read out over the phone).

    A new key for a known peer replaces the old one (the old one can no longer sign);
    a revoked key is never trusted again.
    """
    if not db.office_code:
        raise SetupRequiredError()
    if card.office_code == db.office_code:
        raise ValidationError("这是本单位自己的身份卡", "请导入对方单位的身份卡")
    if normalise_fingerprint(confirmed_fingerprint) != normalise_fingerprint(card.fingerprint):
        raise ValidationError(f"指纹不符：身份卡的指纹是 {card.fingerprint}",
                              "请与对方电话逐组核对指纹；不一致时切勿信任，请让对方重新发送身份卡", field="fingerprint")
    with db.transaction() as s:
        p = s.get(PeerState, card.office_code)
        if p is None:
            p = PeerState(peer_code=card.office_code, acked="{}", received="{}", revoked_keys="[]")
            s.add(p)
        revoked = json.loads(p.revoked_keys or "[]")
        if card.public_key in revoked:
            raise SyncError(f"该身份卡的密钥（{card.fingerprint}）已被吊销，不能再次信任", "请让对方生成新密钥并发送新的身份卡")
        p.public_key = card.public_key
        p.fingerprint = card.fingerprint
        p.enc_key = card.enc_key
        p.office_name = card.office_name
        p.level = card.level
        p.trusted = True
        p.revoked = False
        p.trusted_at = dt.datetime.now()
        audit.record(s, actor, "trust_office", "peer_state", card.office_code,
                     {"name": card.office_name, "fingerprint": card.fingerprint})
        s.flush()
        return _info(p)


def revoke_peer(db: Database, actor: Actor, code: str) -> PeerInfo:
    """Revoke a peer's current key: its bundles are refused until a new card is trusted."""
    with db.transaction() as s:
        p = s.get(PeerState, code)
        if p is None or not p.public_key:
            raise NotFoundError(f"未找到单位 {code} 的身份卡", "请核对单位代码")
        revoked = json.loads(p.revoked_keys or "[]")
        if p.public_key not in revoked:
            revoked.append(p.public_key)
        p.revoked_keys = json.dumps(revoked)
        p.revoked = True
        p.trusted = False
        audit.record(s, actor, "revoke_office_key", "peer_state", code, {"fingerprint": fingerprint(p.public_key)})
        s.flush()
        return _info(p)


def have_seqs(session: Session) -> dict[str, int]:
    """What this office holds: the highest sequence number per origin (contiguous: gaps are refused)."""
    rows = session.execute(select(ChangeLog.origin, func.max(ChangeLog.seq)).group_by(ChangeLog.origin))
    return {str(o): int(m) for o, m in rows}


def merge_acks(p: PeerState, acks: dict[str, int]) -> None:
    """Raise a peer's acknowledgements (never lower them: an old bundle may arrive late)."""
    current = load_json(p.acked)
    for origin, seq in acks.items():
        if seq > current.get(origin, 0):
            current[origin] = seq
    p.acked = json.dumps(current, sort_keys=True)


def own_card(db: Database, keys_dir: Path) -> OfficeCard:
    """This office's card (its public identity), making the encryption key on first need."""
    if not db.office_code:
        raise SetupRequiredError()
    with db.session() as s:
        office = s.execute(select(Office).where(Office.code == db.office_code)).scalar_one_or_none()
        if office is None:
            raise SetupRequiredError()
        name, level, parent, recorded = office.name, office.level, office.parent_code, office.public_key
    # the public half recorded at set-up: a card needs no unlocking of the (sealed) private key
    public = recorded or public_key_b64(load_private_key(keys_dir))
    return OfficeCard(office_code=db.office_code, office_name=name, level=level, parent_code=parent,
                      public_key=public, enc_key=create_enc_key(keys_dir))
