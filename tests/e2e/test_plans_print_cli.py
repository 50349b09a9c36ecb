"""``fielddesk print OUT.pdf --kind plans [--period P]``: a period's plans per section with their items, owners,
due dates and states, and the sections that have not filed; the PDF is read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from desktop_app.campaign import plans
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.cli import run_cli


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace("\n", "").replace(" ", "")


def _seed(ctx: AppContext) -> None:
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    filed = plans.create_plan(ctx.db, ctx.actor, secs["综合科"], "week", "2026-W20", [
        PlanItemInput("走访曼弄村", people["吴芳"], dt.date(2026, 5, 15)),
        PlanItemInput("整理台账", people["刘洋"], dt.date(2026, 5, 14), "done")])
    plans.file_plan(ctx.db, ctx.actor, filed.id, people["刘洋"], on=dt.date(2026, 5, 11))
    plans.create_plan(ctx.db, ctx.actor, secs["规划发展科"], "week", "2026-W20", [
        PlanItemInput("起草调研方案", people["黄涛"], dt.date(2026, 5, 16))])  # a draft: not filed
    plans.create_plan(ctx.db, ctx.actor, secs["综合科"], "month_key", "2026-05", [
        PlanItemInput("防返贫监测攻坚", people["陈静"], dt.date(2026, 5, 31))])


def test_print_plans_of_a_week_and_of_a_month(ctx: AppContext, tmp_path: Path) -> None:
    _seed(ctx)
    ctx.close()
    root = ctx.data.root
    week = tmp_path / "week.pdf"
    code, payload, err = run_cli(root, "print", str(week), "--json", "--kind", "plans", "--period", "2026-W20")
    assert code == 0, err
    assert payload is not None and payload["pages"] >= 1
    text = _text(week)
    assert "2026年第20周" in text and "计划清单" in text
    for words in ("走访曼弄村", "吴芳", "2026-05-15", "未完成", "整理台账", "已完成", "2026-05-11报送刘洋",
                  "起草调研方案", "草稿（未报送）"):
        assert words in text, words
    assert "防返贫监测攻坚" not in text  # another grain's plan
    assert "应报送3份，已报送1份" in text
    assert "周工作计划：规划发展科、政策法规科" in text

    month = tmp_path / "month.pdf"
    code, _payload, err = run_cli(root, "print", str(month), "--kind", "plans", "--period", "2026-05")
    assert code == 0, err
    text = _text(month)
    assert "防返贫监测攻坚" in text and "走访曼弄村" not in text
    assert "工作亮点：综合科、规划发展科、政策法规科" in text  # the month's other kind: nobody filed


def test_a_malformed_period_is_refused_and_writes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    ctx.close()
    out = tmp_path / "bad.pdf"
    code, _payload, err = run_cli(ctx.data.root, "print", str(out), "--kind", "plans", "--period", "2026-W60")
    assert code != 0 and "2026-W60" in err
    assert not out.exists()
    code, _payload, err = run_cli(ctx.data.root, "print", str(out), "--kind", "plans", "--period", "本周")
    assert code != 0 and "格式不对" in err and not out.exists()
