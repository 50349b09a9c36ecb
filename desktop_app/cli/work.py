"""Work commands of the command line: ``fielddesk days --year Y [--as-of DATE] [--json]`` (基层天数)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from desktop_app.cli.support import data_root
from desktop_app.core.errors import ValidationError


def cmd_days(args: argparse.Namespace) -> int:
    """Each person's grassroots days: counted (done, at grassroots places), planned, not counted by reason,
    quota and where they should be by the date.

    ``--json`` prints ``{"year", "as_of", "people": [{"name", "section", "quota", "counted", "planned",
    "not_counted": [{"reason", "days"}], "expected_by_date", "status", "research_share"}]}``.
    """
    from desktop_app.core.context import open_context
    from desktop_app.work.days import days_table

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        raise ValidationError(f"日期“{args.as_of}”无效", "请按 2026-06-30 的格式填写 --as-of") from None
    ctx = open_context(data_root(args), daily_backup=False)
    try:
        rows = days_table(ctx.db, args.year, as_of)
    finally:
        ctx.close()
    people = [{"name": r.name, "section": r.section_name, "quota": r.quota, "counted": r.days, "planned": r.planned,
               "not_counted": [{"reason": reason, "days": n} for reason, n in r.not_counted],
               "expected_by_date": r.expected, "status": r.status, "research_share": r.research_share,
               "leader": r.is_leader} for r in rows]
    if args.json:
        print(json.dumps({"year": args.year, "as_of": as_of.isoformat(), "people": people}, ensure_ascii=False,
                         indent=1))
        return 0
    lines = [f"{args.year}年基层调研天数（截至 {as_of:%Y-%m-%d}；只计已完成的基层调研）"]
    for p in people:
        extra = "；".join(f"{x['reason']} {x['days']} 天不计入" for x in p["not_counted"])  # type: ignore[attr-defined]
        lines.append(f"  {p['section']} {p['name']}：已计 {p['counted']}/{p['quota']} 天，应达 {p['expected_by_date']} 天，"
                     f"计划 {p['planned']} 天" + (f"；{extra}" if extra else ""))
    print("\n".join(lines))
    return 0
