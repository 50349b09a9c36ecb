"""审计日志 — reading the audit trail (审计员 and 系统管理员): filter by person, action and date; export to Excel.

Every action has a Chinese name here (``ACTION_LABELS``); an action not named reads as its key.
Reading needs the 审计日志 right; the export is itself recorded in the trail.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.engine import Database
from db.models import AuditEntry
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError

#: the actions a clerk would look for, in words
ACTION_LABELS: dict[str, str] = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "lockout": "账户锁定", "change_password": "修改密码",
    "add_account": "添加账户", "set_roles": "设置角色", "disable_account": "停用账户", "enable_account": "启用账户",
    "reset_password": "重置密码", "unlock_account": "解锁账户", "recovery_reset": "恢复码重置密码",
    "recovery_failed": "恢复码错误", "new_recovery_code": "生成恢复码", "refused": "越权操作被拒绝",
    "change_setting": "修改设置", "setup_office": "初始化单位", "update_office": "修改单位信息",
    "export_bundle": "导出数据包", "import_bundle": "导入数据包", "import_bundle_preview": "预览数据包",
    "trust_office": "信任单位", "revoke_office_key": "吊销单位密钥", "resolve_conflict": "处理同步冲突",
    "export": "导出Excel", "print": "打印",
    "create_issues": "登记问题", "edit_issue": "修改问题", "add_progress": "登记进展", "request_extension": "申请延期",
    "decide_extension": "审批延期", "add_urge": "催办", "apply_closure": "申请销号", "verify_closure": "审核销号",
    "add_follow_up": "回访", "void_issue": "作废问题", "assign_issues": "交办问题", "adjust_deadline": "调整期限",
}
MAX_ROWS = 50_000


@dataclass(frozen=True)
class AuditRow:
    """One line of the audit log as the 审计日志 tab shows it."""

    id: int
    at: str
    actor: str
    login: str
    action: str
    action_label: str
    target: str
    details: str
    #: the entry's details exactly as stored (JSON): what the Excel export keeps for the auditor
    raw_details: str = ""


def require_reader(actor: Actor) -> None:
    if actor.rights is not None and "audit" not in actor.rights:
        raise PermissionDeniedError(f"账户“{actor.login}”（{actor.label}）没有“审计日志”权限，不能查看审计日志",
                                    "请由审计员或系统管理员查看")


def list_entries(db: Database, actor: Actor, person: str = "", action: str = "", start: dt.date | None = None,
                 end: dt.date | None = None, limit: int = MAX_ROWS) -> list[AuditRow]:
    """Audit lines, newest first, filtered by person (name or login, substring), action key and date range."""
    require_reader(actor)
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if person.strip():
        like = f"%{person.strip()}%"
        q = q.where(AuditEntry.actor.like(like) | AuditEntry.actor_login.like(like))
    if action:
        q = q.where(AuditEntry.action == action)
    if start is not None:
        q = q.where(AuditEntry.at >= start.isoformat())
    if end is not None:
        q = q.where(AuditEntry.at < (end + dt.timedelta(days=1)).isoformat())
    with db.session() as s:
        return [_row(e) for e in s.execute(q.limit(limit)).scalars()]


#: the details' keys in the clerk's words; keys not here are technical (ids, raw structures) and are
#: summarised on screen, kept whole in the export
DETAIL_LABELS = {
    "approved": "审核通过", "from": "发送单位", "to": "接收单位", "rejected_rows": "拒绝行数", "tables": "数据表",
    "reason": "理由", "verdict": "结论", "office": "单位", "serial": "编号", "count": "数量", "rows": "行数",
    "file": "文件", "kind": "类别", "name": "名称", "login": "登录名", "roles": "角色", "year": "年度",
    "deadline": "完成时限", "percent": "进度", "status": "状态", "unit": "责任单位", "person": "责任人",
    "questions": "试题数", "total": "满分", "seed": "抽题编号", "variants": "套数", "urges": "催办数",
    "imported": "导入条数", "right": "所需权限", "single_user": "本机仅一人使用", "bundle_id": None,
}


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict | list):
        return f"{len(v)} 项"
    return str(v)


def readable_details(d: object) -> str:
    """An entry's details as a clerk reads them: known keys in Chinese, yes/no for flags, collections
    counted; ids and keys without a Chinese name are left to the export (``raw_details``)."""
    if not isinstance(d, dict):
        return str(d)
    shown, hidden = [], 0
    for k, v in d.items():
        label = DETAIL_LABELS.get(k)
        if label is None or k.endswith("_id") or v in (None, "", [], {}):
            hidden += 0 if v in (None, "", [], {}) else 1
            continue
        shown.append(f"{label}：{_value(v)}")
    if hidden:
        shown.append(f"另有 {hidden} 项技术细节（导出 Excel 可见）")
    return "；".join(shown)


def _row(e: AuditEntry) -> AuditRow:
    try:
        details = readable_details(json.loads(e.details))
    except ValueError:
        details = e.details
    target = f"{e.target_table} {e.target_id}".strip()
    login = e.actor_login if e.actor_login is not None else "（启用账户前）"
    return AuditRow(e.id, e.at.replace("T", " "), e.actor, login, e.action, ACTION_LABELS.get(e.action, e.action),
                    target, details, e.details)


def verify(db: Database, actor: Actor) -> audit.ChainReport:
    """The chain check of ``fielddesk audit verify`` (审计日志 right)."""
    require_reader(actor)
    with db.session() as s:
        return audit.verify(s)


def record_output(db: Database, actor: Actor, action: str, what: str, file: str = "") -> None:
    """Record that a list left the building: ``action`` "print" (to a printer or a PDF) or "export" (Excel)."""
    with db.transaction() as s:
        audit.record(s, actor, action, "output", what[:36], {"file": Path(file).name if file else ""})
