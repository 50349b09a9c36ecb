"""Support tables: holidays, attachments, audit, change log, sync state, local settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin


class Holiday(SyncMixin, Base):
    """节假日 — an official rest day or a 调休 make-up working day."""

    __tablename__ = "holiday"
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(8))  # rest|workday
    name: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class Attachment(Base):
    """附件 — file content stored once, by sha256 (travels in bundles as blobs/<sha256>)."""

    __tablename__ = "attachment"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class AuditEntry(Base):
    """审计日志 — who did what; each entry's hash covers the previous one (tamper-evident)."""

    __tablename__ = "audit_entry"
    #: an item's timeline reads its audit entries; without this it scans the whole log
    __table_args__ = (Index("ix_audit_entry_target", "target_table", "target_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))  # ISO timestamp, part of the hash
    actor: Mapped[str] = mapped_column(String(60))
    #: the signed-in account's login; '' when no account was signed in, NULL for entries
    #: recorded before accounts existed (the upgrade to revision 0009). Not part of the hash.
    actor_login: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    target_table: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(36), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChangeLog(Base):
    """变更记录 — one change of one synced row, numbered per origin office."""

    __tablename__ = "change_log"
    origin: Mapped[str] = mapped_column(String(12), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hlc: Mapped[int] = mapped_column(BigInteger, index=True)  # max(hlc) at every open
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(8))  # insert|update|delete
    #: JSON list of changed column names; "*" for an insert of every column (read through db.changes.decode_fields)
    fields: Mapped[str] = mapped_column(Text, default="[]")
    #: who made the change, as the audit log names them (the signed-in person's name); travels in bundles
    #: so the prefecture sees who recorded what at the county. NULL: not known (before accounts, 0009)
    actor: Mapped[str | None] = mapped_column(String(60), nullable=True)


class PeerState(Base):
    """对方单位同步状态 — what a peer office has acknowledged and what we have from it."""

    __tablename__ = "peer_state"
    peer_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    acked: Mapped[str] = mapped_column(Text, default="{}")  # JSON {origin: highest seq the peer has}
    received: Mapped[str] = mapped_column(Text, default="{}")  # JSON {origin: highest seq we have}
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    public_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(80), default="")
    last_export: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_import: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: from the office card: name and level of the peer, its X25519 key for encrypted bundles
    office_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    level: Mapped[str] = mapped_column(String(16), default="", server_default="")
    enc_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: JSON list of revoked public keys (base64): a revoked key is never trusted again
    revoked_keys: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    trusted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ImportedBundle(Base):
    """已导入数据包 — so a second import of the same bundle is a reported no-op."""

    __tablename__ = "imported_bundle"
    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    from_office: Mapped[str] = mapped_column(String(12))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    manifest_sha256: Mapped[str] = mapped_column(String(64), default="")
    report: Mapped[str] = mapped_column(Text, default="{}")


class SyncConflict(Base):
    """同步冲突 — a value that lost a concurrent edit, kept until someone resolves it."""

    __tablename__ = "sync_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(40))
    winner_value: Mapped[str] = mapped_column(Text, default="null")
    loser_value: Mapped[str] = mapped_column(Text, default="null")
    winner_hlc: Mapped[int] = mapped_column(BigInteger, default=0)
    loser_hlc: Mapped[int] = mapped_column(BigInteger, default=0)
    winner_office: Mapped[str] = mapped_column(String(12), default="")
    loser_office: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    resolved_by: Mapped[str] = mapped_column(String(40), default="")
    #: the bundle that brought the other version ('' for a local resolution)
    bundle_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(Base):
    """本地设置 — key/value settings of this PC (office code, clock state, saved filters …)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
