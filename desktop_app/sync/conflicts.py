"""同步冲突 — values that lost a concurrent edit, listed with both versions, and their resolution.

Resolving is an ordinary local edit of the field (so it gets a new stamp and travels
to every office like any other change); offices that receive it mark their own copy
of the conflict resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from db.changes import HybridClock
from db.engine import Database
from db.models import SYNCED_MODELS, SyncConflict
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from desktop_app.core.ledger_codes import (
    CLOSURE_STATE_LABELS,
    EXTENSION_STATE_LABELS,
    ISSUE_KIND_LABELS,
    ISSUE_STATUS_LABELS,
)
from desktop_app.org import field_ownership as ownership
from desktop_app.org.field_ownership import ISSUE_CHILDREN
from desktop_app.sync.values import BadValueError, decoders, table_of

TABLE_LABELS = {"issue": "问题台账", "progress": "整改进展", "extension": "延期申请", "urge": "催办", "closure": "销号",
                "follow_up": "回访", "visit": "调研安排", "topic": "调研课题", "person": "人员", "section": "科室",
                "question": "试题", "attempt": "成绩", "holiday": "节假日", "office": "单位", "campaign": "年度调研活动",
                "topic_member": "课题组成员", "outcome": "调研成果", "visit_participant": "随行人员", "exam": "考试",
                "paper": "试卷", "award": "评先", "practice_card": "练习卡片", "attachment_link": "附件",
                "meeting": "会议研讨", "meeting_attendee": "参会人员", "period_plan": "计划清单", "plan_item": "计划事项",
                "section_score": "科室评价", "contact_point": "挂钩联系点"}


FIELD_LABELS = {"status": "状态", "deadline": "整改时限", "measures": "整改措施", "responsible_person": "责任人",
                "responsible_unit": "责任单位", "description": "问题描述", "category": "类别", "kind": "整改类型",
                "progress_percent": "完成进度", "latest_progress": "最新进展", "closure_state": "销号状态",
                "deleted": "删除/作废", "state": "审核状态", "name": "名称", "title": "标题"}
_VALUE_LABELS = {"status": ISSUE_STATUS_LABELS, "kind": ISSUE_KIND_LABELS, "closure_state": CLOSURE_STATE_LABELS}


def display_value(field: str, value: Any) -> str:
    """A conflict value as a clerk reads it (status codes as 推进中 etc., dates as text)."""
    labels = _VALUE_LABELS.get(field)
    if labels and isinstance(value, str):
        return labels.get(value, value)
    if field == "state" and isinstance(value, str):
        return CLOSURE_STATE_LABELS.get(value) or EXTENSION_STATE_LABELS.get(value, value)
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dict):
        return "；".join(f"{FIELD_LABELS.get(k, k)}={display_value(k, v)}" for k, v in value.items())
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ConflictInfo:
    """One conflict as the conflicts page shows it."""

    id: int
    table: str
    table_label: str
    row_id: str
    row_label: str
    field: str
    winner_value: Any
    loser_value: Any
    winner_office: str
    loser_office: str
    winner_time: dt.datetime
    loser_time: dt.datetime
    resolved: bool
    resolved_by: str

    @property
    def field_label(self) -> str:
        """The field's Chinese name."""
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def winner_text(self) -> str:
        """The current value as shown."""
        return display_value(self.field, self.winner_value)

    @property
    def loser_text(self) -> str:
        """The other version as shown."""
        return display_value(self.field, self.loser_value)


def _time(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(HybridClock.wall_ms(stamp) / 1000)


def _row_label(s: Session, table: str, row_id: str) -> str:
    model = SYNCED_MODELS.get(table)
    if model is None:
        return row_id[:8]
    tbl = table_of(model)
    for col in ("serial", "title", "name", "stem", "place", "text"):
        if col in tbl.c:
            v = s.execute(select(tbl.c[col]).where(tbl.c.id == row_id)).scalar()
            if v:
                return str(v)[:40]
    return row_id[:8]


def count_open(db: Database) -> int:
    """How many conflicts wait for someone (the navigation badge)."""
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(SyncConflict)
                             .where(SyncConflict.resolved.is_(False))).scalar() or 0)


def list_conflicts(db: Database, include_resolved: bool = False, limit: int = 500) -> list[ConflictInfo]:
    """Conflicts, newest first."""
    with db.session() as s:
        q = select(SyncConflict).order_by(SyncConflict.id.desc()).limit(limit)
        if not include_resolved:
            q = q.where(SyncConflict.resolved.is_(False))
        out = []
        for c in s.execute(q).scalars():
            out.append(ConflictInfo(
                id=c.id, table=c.table_name, table_label=TABLE_LABELS.get(c.table_name, c.table_name),
                row_id=c.row_id, row_label=_row_label(s, c.table_name, c.row_id), field=c.field,
                winner_value=orjson.loads(c.winner_value), loser_value=orjson.loads(c.loser_value),
                winner_office=c.winner_office, loser_office=c.loser_office, winner_time=_time(c.winner_hlc),
                loser_time=_time(c.loser_hlc), resolved=bool(c.resolved), resolved_by=c.resolved_by))
        return out


def _check_may_write(s: Session, me: str, table: str, model: type, row: Any, field: str, value: Any) -> None:
    """Refuse a resolution this office may not write: the other offices would refuse the edit
    (``ownership.check``), and the conflict would stay open there while closed here."""
    before = {col.name: getattr(row, col.key) for col in table_of(model).columns}
    parent = None
    if table in ISSUE_CHILDREN and before.get("issue_id"):
        issue = s.get(SYNCED_MODELS["issue"], before["issue_id"])
        if issue is not None:
            parent = {col.name: getattr(issue, col.key) for col in table_of(SYNCED_MODELS["issue"]).columns}
    why = ownership.check(table, me, False, before, {field: value}, parent,
                          bool(getattr(model, "__append_only__", False)))
    if why:
        raise PermissionDeniedError(f"本单位不能处理这个冲突：{why}",
                                    "请由有权修改该项的单位处理；其处理结果会随数据包传到本单位，冲突随之关闭")


def resolve(db: Database, actor: Actor, conflict_id: int, keep: str) -> ConflictInfo:
    """Resolve a conflict by keeping the ``"winner"`` (current) or the ``"loser"`` value.

    Either way a new edit of the field is written, so every office converges on the choice.
    """
    if keep not in ("winner", "loser"):
        raise ValidationError("请选择保留哪一个版本", "保留当前值或采用另一方的值")
    with db.transaction() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFoundError(f"未找到编号为 {conflict_id} 的冲突", "请刷新冲突列表")
        if c.resolved:
            raise StateError("该冲突已处理", "请刷新冲突列表")
        model = SYNCED_MODELS.get(c.table_name)
        if model is None:
            raise NotFoundError(f"数据表 {c.table_name} 不存在", "请升级调研工作台")
        row = s.get(model, c.row_id)
        if row is None:
            raise NotFoundError("冲突所属的记录不存在", "请刷新冲突列表")
        chosen = orjson.loads(c.winner_value if keep == "winner" else c.loser_value)
        if c.field == "deleted" and keep == "loser":
            value: Any = False  # keep the edit: restore the row
        elif c.field == "deleted":
            value = True
        else:
            try:
                value = decoders(table_of(model))[c.field](chosen)
            except (KeyError, BadValueError) as exc:
                raise ValidationError("冲突中的值无法写回该字段", "请在对应页面手工修改") from exc
        _check_may_write(s, db.office_code, c.table_name, model, row, c.field, value)
        # write it as a new edit even when unchanged, so the choice travels with a fresh stamp
        setattr(row, c.field, value)
        flag_modified(row, c.field)
        c.resolved = True
        c.resolved_by = actor.label
        c.resolved_at = dt.datetime.now()
        s.execute(update(SyncConflict).where(SyncConflict.table_name == c.table_name,
                                             SyncConflict.row_id == c.row_id, SyncConflict.field == c.field,
                                             SyncConflict.resolved.is_(False))
                  .values(resolved=True, resolved_by=actor.label, resolved_at=dt.datetime.now()))
        audit.record(s, actor, "resolve_conflict", c.table_name, c.row_id,
                     {"field": c.field, "kept": keep, "value": str(value)[:200]})
        s.flush()
        cid = c.id
    return next(x for x in list_conflicts(db, include_resolved=True) if x.id == cid)

