"""计划清单 from a spreadsheet (import-excel --kind plans) and to one (export-excel --kind plans).

An import makes one draft plan per 科室 + 类型 + 期间 found on the sheet, all in one transaction;
a section that already has that plan (filed or a draft) is refused by name, and so is an unknown
section or 责任人, naming the sheet row and column. Nothing is written unless every row is good.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.base import new_id
from db.engine import Database
from db.models import Person, Section
from db.models_campaign import PLAN_KIND_LABELS, PeriodPlan
from desktop_app.campaign.plans import (
    PLAN_HEADERS,
    PlanItemInput,
    _already,
    _find_plan,
    _write_items,
    check_items,
    period_for,
    plan_rows,
)
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.org.lookups import require_office


def _row_no(row: dict[str, Any], index: int) -> int:
    n = row.get("_row")
    return int(n) if isinstance(n, int) else index + 1


def import_plans(db: Database, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Write the plans of an imported sheet as drafts in one transaction; returns how many items were added."""
    office = require_office(db)
    with db.transaction() as s:
        sections = {n.strip(): i for i, n in s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)))}
        people: dict[str, list[str]] = {}
        for pid, name in s.execute(select(Person.id, Person.name).where(Person.office_code == office,
                                                                        Person.deleted.is_(False))):
            people.setdefault(name.strip(), []).append(pid)
        groups: dict[tuple[str, str, str], list[tuple[int, PlanItemInput]]] = {}
        for i, row in enumerate(rows):
            n = _row_no(row, i)
            sec_name = str(row.get("section") or "").strip()
            if sec_name not in sections:
                raise ValidationError(f"第 {n} 行：科室“{sec_name}”不是本单位的科室", "请填写本单位科室的全称",
                                      field="section", row=n)
            owner = str(row.get("owner") or "").strip()
            owner_id = None
            if owner:
                found = people.get(owner, [])
                if len(found) != 1:
                    raise ValidationError(
                        f"第 {n} 行：责任人“{owner}”{'不是本单位人员' if not found else '有重名'}",
                        "请填写本单位人员的姓名", field="owner", row=n)
                owner_id = found[0]
            due = dt.date.fromisoformat(row["due"]) if row.get("due") else None
            key = (sections[sec_name], str(row["kind_code"]), str(row["period"]))
            groups.setdefault(key, []).append((n, PlanItemInput(str(row.get("text") or ""), owner_id, due,
                                                                str(row.get("state_code") or "open"))))
        added = 0
        for (section_id, kind, period), lines in groups.items():
            first = lines[0][0]
            name = next(k for k, v in sections.items() if v == section_id)
            per = period_for(kind, period)
            existing = _find_plan(s, office, section_id, kind, per.text)
            if existing is not None:
                exc = _already(existing, name)
                raise ValidationError(f"第 {first} 行：{exc.message}", exc.action, field="period", row=first)
            try:
                check_items(s, office, per, [it for _, it in lines])
            except ValidationError as exc:
                n = lines[(exc.row or 1) - 1][0]
                message = exc.message.split("：", 1)[-1]
                raise ValidationError(f"第 {n} 行：{message}", exc.action, field=exc.field, row=n) from exc
            plan = PeriodPlan(id=new_id(), year=per.year, section_id=section_id, kind=kind, period=per.text)
            s.add(plan)
            _write_items(s, plan, [it for _, it in lines])
            added += len(lines)
        s.flush()
        audit.record(s, actor, "import_plans", "period_plan", "", {"rows": len(rows), "plans": len(groups)})
    return added


def export_plans(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> Any:
    """计划清单 of a year as a hand-made-looking sheet (this office's plans)."""
    from desktop_app.excel.exporter import Column, SheetSpec, write_sheet
    from desktop_app.excel.lists import ExportResult, _office_name, _year

    y = _year(db, year)
    name = _office_name(db)
    widths = {"科室": ("center", 12), "类型": ("center", 14), "期间": ("center", 10), "序号": ("center", 6),
              "事项": ("text", 44), "责任人": ("center", 9), "完成时限": ("date", 15), "状态": ("center", 9)}
    spec = SheetSpec(title=f"{name}{y}年计划清单", columns=[Column(h, *widths[h]) for h in PLAN_HEADERS], office=name,
                     sheet_name="计划清单", paper=kw.get("paper", "A4"))
    rows = plan_rows(db, y)
    cells = (tuple(r[h] for h in PLAN_HEADERS) for r in rows)
    return ExportResult(path, write_sheet(path, spec, cells, kw.get("progress"), row_count=len(rows)))


__all__ = ["import_plans", "export_plans", "PLAN_KIND_LABELS"]
