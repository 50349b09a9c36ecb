"""扎堆调研清单 — the year's crowding (扎堆、多头、重复调研 and 基层减负) as a list (A4 landscape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from desktop_app.reports.layout import Column
from desktop_app.reports.table_report import TableReport

CROWDING_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("类型", 16, "CENTER"),
    Column("地点", 36),
    Column("乡镇", 18),
    Column("日期", 44),
    Column("涉及科室/单位", 50),
    Column("说明", 56),
]


def crowding_report(rows: Sequence[dict[str, Any]], office: str = "", year: int | None = None,
                    today: dt.date | None = None, whose: str = "", note: str = "") -> TableReport:
    """扎堆调研清单 from ``work.crowding.crowding_report`` rows, in the order given."""
    cells = [[str(n), str(r["类型"]), str(r["地点"]), str(r["乡镇"]), str(r["日期"]).replace("；", "\n"),
              str(r["涉及科室/单位"]).replace("、", "\n"), str(r["说明"])] for n, r in enumerate(rows, start=1)]
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}扎堆调研清单" if whose else "扎堆调研清单"
    return TableReport(title, CROWDING_COLUMNS, cells or [["", "", "暂无扎堆、多头、重复调研", "", "", "", ""]],
                       office=office, date=today, note=note)


def fetch_crowding_report(db: Any, job: Any) -> TableReport:
    """The crowding of ``job.year`` (default: the current campaign year) for the scope ``job.office``."""
    from desktop_app.org.organisation import current_year
    from desktop_app.reports.visits import reporter, scope_title
    from desktop_app.work import crowding
    from desktop_app.work.clashes import clash_window

    office = getattr(job, "office", "") or ""
    year = job.year or current_year(db)
    rows = crowding.crowding_report(db, year, office=office)
    counts = "，".join(f"{k} {n} 处" for k, n in crowding.crowding_counts(rows).items())
    note = (f"{counts}。多头调研：不同科室±{clash_window(db)}天内到同一地点或乡镇；扎堆调研：不同单位同一周到同一地点；"
            f"重复调研：同一科室{crowding.repeat_days(db)}天内再到同一地点；基层减负：同一地点每月接待超过"
            f"{crowding.monthly_limit(db)}次。已取消的调研不计。")
    return crowding_report(rows, reporter(db, office), year, job.today, whose=scope_title(db, office), note=note)
