"""Sync commands: office-card, trust, revoke, export-bundle, import-bundle (DESIGN.md §6)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from db import killpoints
from desktop_app.cli.support import data_root, emit
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import SetupRequiredError, SyncError, ValidationError
from desktop_app.org.keys import parse_card
from desktop_app.sync import peers
from desktop_app.sync.batch import bundle_files, import_batch, report_text
from desktop_app.sync.bundle_format import OFFICE_CODE
from desktop_app.sync.bundle_writer import export_bundle

CARD_SUFFIX = ".fdcard"


def _open(args: argparse.Namespace) -> AppContext:
    ctx = open_context(data_root(args))
    if not ctx.office_code:
        ctx.close()
        raise SetupRequiredError()
    return ctx


def cmd_office_card(args: argparse.Namespace) -> int:
    """fielddesk office-card OUT: write this office's public identity."""
    ctx = _open(args)
    try:
        card = peers.own_card(ctx.db, ctx.data.keys)
    finally:
        ctx.close()
    out = Path(args.out)
    if out.is_dir():
        out = out / f"{card.office_code}{CARD_SUFFIX}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(card.to_json())
    emit(args, {"office_code": card.office_code, "office_name": card.office_name, "file": str(out),
                "fingerprint": card.fingerprint},
         f"已导出 {card.office_name}（{card.office_code}）的身份卡：{out}\n指纹：{card.fingerprint}\n"
         "请把身份卡交给对方，并通过电话向对方读出指纹以便核对。")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    """fielddesk trust CARD [--fingerprint FP]: show a card's fingerprint, or trust it once confirmed."""
    try:
        data = Path(args.card).read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取身份卡 {args.card}（{exc.strerror or exc}）", "请确认文件路径") from exc
    card = parse_card(data)
    if not args.fingerprint:
        emit(args, {"office_code": card.office_code, "office_name": card.office_name,
                    "fingerprint": card.fingerprint, "trusted": False},
             f"身份卡：{card.office_name}（{card.office_code}）\n指纹：{card.fingerprint}\n"
             "请电话联系对方核对指纹，一致后运行：fielddesk trust 身份卡文件 --fingerprint \"指纹\"")
        return 0
    ctx = _open(args)
    try:
        info = peers.trust_card(ctx.db, ctx.actor, card, args.fingerprint)
    finally:
        ctx.close()
    emit(args, {"office_code": info.code, "office_name": info.name, "fingerprint": info.fingerprint,
                "trusted": True},
         f"已信任 {info.name}（{info.code}），指纹 {info.fingerprint}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """fielddesk revoke CODE: revoke a peer's key; its bundles are refused until a new card is trusted."""
    ctx = _open(args)
    try:
        info = peers.revoke_peer(ctx.db, ctx.actor, args.code)
    finally:
        ctx.close()
    emit(args, {"office_code": info.code, "office_name": info.name, "fingerprint": info.fingerprint,
                "trusted": info.trusted, "revoked": info.revoked},
         f"已吊销 {info.name}（{info.code}）的密钥（指纹 {info.fingerprint}）。\n"
         "此后该单位用这把密钥签名的数据包都会被拒绝；对方换用新密钥后，需重新导入并核对其身份卡。")
    return 0


def cmd_export_bundle(args: argparse.Namespace) -> int:
    """fielddesk export-bundle OUT --to CODE [--full] [--encrypt] [--only-own | --origin CODE …]."""
    ctx = _open(args)
    try:
        chosen = set(getattr(args, "origin", None) or [])
        if getattr(args, "only_own", False):
            chosen.add(ctx.office_code)
        for code in sorted(chosen):
            if not OFFICE_CODE.match(code):
                raise ValidationError(f"单位代码“{code}”格式不正确", "请填写6位行政区划代码", field="origin")
        result = export_bundle(ctx.db, ctx.data, ctx.actor, args.to, Path(args.out), full=args.full,
                               encrypt=getattr(args, "encrypt", False), origins=chosen or None)
    finally:
        ctx.close()
    rows = sum(result.tables.values())
    notes = ""
    if result.added:
        notes += f"\n另附带了单位 {'、'.join(result.added)} 的变更：所选变更涉及这些单位新建、对方尚未收到的记录。"
    if result.left:
        notes += f"\n未发送单位 {'、'.join(result.left)} 的变更，之后导出完整的增量数据包时会补上。"
    emit(args, result.as_json(),
         f"已导出数据包 {result.file}（发往 {result.to_office}，{rows} 条变更，{result.bytes} 字节"
         f"{'，已加密' if result.encrypted else ''}）{notes}")
    return 0


def cmd_import_bundle(args: argparse.Namespace) -> int:
    """fielddesk import-bundle FILE|FOLDER… [--dry-run]: one object per bundle (a list for several, in the
    order they were applied: by sender and time, see ``batch.order_bundles``)."""
    files = bundle_files(args.file)
    ctx = _open(args)
    try:
        killpoints.pause("bundle-import-opened")  # crash tests start a second process here
        reports = import_batch(ctx.db, ctx.data, ctx.actor, files, dry_run=args.dry_run).reports
    finally:
        ctx.close()
    payload = reports[0].as_json() if len(reports) == 1 else [r.as_json() for r in reports]
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print("\n".join(report_text(r) for r in reports))
    rejected = [r for r in reports if r.status == "rejected"]
    for r in rejected:
        print(f"错误：数据包 {Path(r.file).name} 被拒绝：{'；'.join(r.errors)}", file=sys.stderr)
    return SyncError("").exit_code if rejected else 0
