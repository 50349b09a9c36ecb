"""A ledger sheet laid out as offices make it, and the one-pass reading the streamed parse must equal
(shared by the streamed-parse and worker-row-kinds tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.excel import header as hdr
from desktop_app.excel import importer
from desktop_app.excel.kinds import get_kind
from desktop_app.excel.sheet import SheetData

TITLES = ["序号", "问题描述", "整改措施", "责任单位", "责任人", "完成时限", "整改状态", "备注", "联系人"]


def ledger_sheet() -> SheetData:
    """A ledger as offices make it: title, 填报日期, header, sections, a unit merged down 5 rows, blanks, totals."""
    rows: list[list[Any]] = [
        ["2026年问题整改台账"] + [""] * 8,
        ["填报单位：勐龙镇", "", "", "", "", "填报日期：2026年3月1日"],
        list(TITLES),
    ]
    merged = [(0, 0, 0, 8)]
    n = 0
    for section in ("一、基层党建方面", "二、产业发展方面"):
        merged.append((len(rows), 0, len(rows), 8))
        rows.append([section] + [""] * 8)
        top = len(rows)
        for k in range(23):
            n += 1
            status = ("推进中", "已完成", "待研究", "")[k % 4]
            deadline: Any = (dt.date(2026, 6, 30), "2026年底前", "7个工作日内", "立行立改", "长期坚持", "六月底")[k % 6]
            rows.append([n, f"问题{n}：会议记录不规范", f"措施{n}", "" if k % 5 else "勐龙镇人民政府", "岩温", deadline,
                         status, "四不两直" if k % 7 == 0 else "", "" if k % 3 else f"电话{n}"])
            if k in (9, 17):
                rows.append([])  # an empty row (a chunk's gap)
            if k == 12:
                rows.append(["", "", "", "", "", "", "", "", "只有联系人"])
        merged.append((top, 3, top + 4, 3))  # a unit merged down five rows
        merged.append((top + 29, 3, top + 35, 3))  # overlapping the next one: a damaged file; still as one pass
    rows.append(["合计", "", "", "46项"])
    rows.append(["填表人：王赟", "", "审核人：李喆"])
    rows.extend([[] for _ in range(40)])
    rows.append(["", "远处的一行", "", "", "", "2026-13-40"])
    return SheetData("问题台账", rows, merged)


def one_pass(data: SheetData, values: dict[str, dict[str, str]]) -> importer.ImportPreview:
    spec = get_kind("ledger")
    hdr.fill_merged(data)
    found = hdr.find_header(data, spec.fields)
    assert found is not None
    col_field = importer.resolve_mapping(found.titles, spec, None)
    out = importer.ImportPreview(kind="ledger", file="x.xlsx", sheet=data.name, sheets=[], header_row=found.top_row + 1,
                                 titles=found.titles, mapping={t: col_field.get(c) for c, t in enumerate(found.titles)},
                                 rows=[], year=found.year or 2025, data=data, values=values)
    importer.read_rows(data, found, spec, col_field, out)
    return out


def facts(pv: importer.ImportPreview) -> tuple[Any, ...]:
    return (pv.sheet, pv.header_row, pv.titles, pv.mapping, pv.year, pv.rows, [e.to_json() for e in pv.errors],
            list(pv.skipped.items()), pv.unknown, pv.kept, pv.not_imported, pv.kept_in, pv.values, pv.data.rows)
