"""批量交办 sheets as a prefecture keeps them, and counting the ledger items they made."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from db.models import Issue
from desktop_app.core.context import AppContext

A, B, P = "532801", "532822", "532800"  # 景洪市, 勐海县, 西双版纳州
ASSIGNED = dt.date(2026, 5, 6)  # a Wednesday, just after the 劳动节 holiday

HEADER = ["序号", "县（市、区）", "问题类别", "存在问题", "整改要求", "完成时限", "责任人", "备注"]
ROWS: list[list[Any]] = [
    [1, "勐海县", "基层党建", "村级活动场所管理不规范", "建立活动场所管理制度", "2026年6月30日", "岩温", ""],
    [2, A, "产业发展", "茶叶合作社带动农户作用弱", "完善利益联结机制", "10个工作日内", "", ""],
    [3, "西双版纳州景洪市", "易地搬迁", "搬迁安置点就业帮扶不到位", "开发公益性岗位", dt.datetime(2026, 9, 30), "", ""],
    [4, "勐腊县", "产业发展", "橡胶产业链条短", "延伸产业链", "2026.9.30", "", ""],
    [5, "勐海", "乡村治理", "村规民约执行不严", "修订村规民约", "2026年13月5日", "", ""],
    [6, "勐海县", "基层党建", "村级活动场所管理不规范", "再次强调", "2026年6月30日", "", "重复行"],
    [7, "景洪", "乡村治理", "矛盾纠纷调处不及时", "建立台账", "2026年4月1日", "", ""],
    [8, "勐海县", "乡村治理", "", "补充问题描述", "2026年8月1日", "", ""],
]


def make_sheet(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    """A prefecture's 交办 list as offices keep it: merged title, a 填报日期 line, then the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交办清单"
    ws.append(["西双版纳州2026年乡村振兴调研发现问题交办清单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(["填报单位：西双版纳州乡村振兴局", "", "", "", "", "填报日期：2026年5月6日"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def issue_count(ctx: AppContext) -> int:
    """Every ledger item in ``ctx`` (voided ones too)."""
    with ctx.db.session() as s:
        return int(s.execute(select(func.count(Issue.id))).scalar() or 0)
