"""Printing from the ledger service: every view, the supervision notice and ``fielddesk print``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.cli.main import run
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.ledger import lifecycle
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.reports import fonts, jobs
from tests.helpers.common import TEST_ACTOR

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

TODAY = dt.date(2026, 7, 15)


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


@pytest.fixture
def ledger_ctx(ctx: AppContext) -> tuple[AppContext, list[str]]:
    items = [
        IssueInput(description="勐龙镇卫生院药品管理台账不全，过期药品未及时清理。", category="民生保障",
                   measures="建立药品出入库台账，每月盘点。", unit="勐龙镇人民政府", person="王赟",
                   deadline=dt.date(2026, 6, 30), assigned_date=dt.date(2026, 3, 1), year=2026),
        IssueInput(description="嘎洒镇产业园区道路破损，影响企业运输。", category="产业发展", measures="申请专项资金修复。",
                   unit="嘎洒镇", person="张堃", deadline=dt.date(2026, 7, 17), assigned_date=dt.date(2026, 3, 1),
                   year=2026),
        IssueInput(description="村规民约宣传不够深入。", category="乡村治理", kind="ongoing", unit="综合科",
                   person="陈珺", year=2026),
    ]
    ids = create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    lifecycle.add_urge(ctx.db, TEST_ACTOR, ids[0], level=2, note="请于7月20日前报送整改进展", date=dt.date(2026, 7, 3),
                       by="刘燊")
    lifecycle.add_progress(ctx.db, TEST_ACTOR, ids[0], dt.date(2026, 7, 5), "已清理过期药品，台账正在补录", 60,
                           reporter="李喆")
    return ctx, ids


def test_every_ledger_view_prints_from_the_service(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path) -> None:
    ctx, _ids = ledger_ctx
    fs = fonts.build_fontset(db=ctx.db)
    out = tmp_path / "ledger.pdf"
    jobs.render(ctx.db, jobs.PrintJob("ledger", year=2026, today=TODAY), out, fs)
    text = text_of(out)
    assert "景洪市乡村振兴局2026年调研发现问题清单" in text
    assert "勐龙镇卫生院药品管理台账不全" in text and "王赟" in text and "张堃" in text and "陈珺" in text
    assert "■逾期" in text and "▲临期" in text and "长期坚持" in text

    out = tmp_path / "resp.pdf"
    jobs.render(ctx.db, jobs.PrintJob("responsibility", year=2026, today=TODAY), out, fs)
    text = text_of(out)
    assert "问题整改责任清单" in text and "勐龙镇人民政府" in text and "嘎洒镇" in text

    out = tmp_path / "sup.pdf"
    jobs.render(ctx.db, jobs.PrintJob("supervision", year=2026, today=TODAY), out, fs)
    text = text_of(out)
    assert "问题整改督办清单" in text and "重点催办" in text and "请于7月20日前报送整改进展" in text
    assert "村规民约" not in text  # green items are not supervised


def test_notice_for_one_item(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path) -> None:
    ctx, ids = ledger_ctx
    out = tmp_path / "notice.pdf"
    result = jobs.render(ctx.db, jobs.PrintJob("notice", item=ids[0], today=TODAY), out)
    assert result.pages >= 1
    text = text_of(out)
    assert "问题整改重点催办通知单" in text
    assert "勐龙镇人民政府：" in text
    assert "勐龙镇卫生院药品管理台账不全" in text and "2026-06-30" in text
    assert "已清理过期药品，台账正在补录" in text and "李喆" in text and "刘燊" in text  # history
    assert "景洪市乡村振兴局（盖章）" in text and "签收人" in text


def test_notice_by_serial_and_unknown_item(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path) -> None:
    ctx, _ids = ledger_ctx
    from desktop_app.reports.notice import resolve_issue_id

    rows = jobs._report(ctx.db, jobs.PrintJob("ledger", year=2026, today=TODAY))[1].rows
    serial = rows[0][1]
    assert resolve_issue_id(ctx.db, serial)
    with pytest.raises(ValidationError):
        jobs.render(ctx.db, jobs.PrintJob("notice", item=None), tmp_path / "n.pdf")
    from desktop_app.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        resolve_issue_id(ctx.db, "1999-999")


def test_cli_print(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
                   ) -> None:
    ctx, ids = ledger_ctx
    root = str(ctx.data.root)
    ctx.close()
    out = tmp_path / "cli.pdf"
    assert run(["print", str(out), "--kind", "ledger", "--year", "2026", "--data-dir", root, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["file"] == str(out) and payload["pages"] >= 1 and out.exists()
    assert "王赟" in text_of(out)
    assert run(["print", str(tmp_path / "n.pdf"), "--kind", "notice", "--id", ids[1], "--data-dir", root]) == 0
    assert "嘎洒镇产业园区道路破损" in text_of(tmp_path / "n.pdf")
    assert run(["print", str(tmp_path / "bad.txt"), "--kind", "ledger", "--data-dir", root]) != 0
    assert run(["print", str(tmp_path / "n2.pdf"), "--kind", "notice", "--data-dir", root]) != 0
    assert "--id" in capsys.readouterr().err


def test_font_choice_is_kept_in_settings(ctx: AppContext) -> None:
    shipped = fonts.shipped_font()
    fonts.save_choice(ctx.db, {"body": shipped, "title": shipped, "heading": shipped})
    choice = fonts.load_choice(ctx.db)
    assert choice["body"].path == shipped.path
    with pytest.raises(ValidationError):
        fonts.save_choice(ctx.db, {"body": fonts.FontSpec(str(Path(__file__)), 0)})


def test_filtered_print_says_what_was_filtered(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path) -> None:
    from desktop_app.ledger.query import IssueFilter

    ctx, _ids = ledger_ctx
    out = tmp_path / "filtered.pdf"
    jobs.render(ctx.db, jobs.PrintJob("ledger", filter=IssueFilter(year=2026, unit="嘎洒镇"), today=TODAY), out)
    text = text_of(out)
    assert "筛选条件：责任单位=嘎洒镇" in text
    assert "嘎洒镇产业园区道路破损" in text and "勐龙镇卫生院" not in text


def test_ledger_prints_in_screen_order(ledger_ctx: tuple[AppContext, list[str]], tmp_path: Path) -> None:
    ctx, _ids = ledger_ctx
    asc = jobs._report(ctx.db, jobs.PrintJob("ledger", year=2026, today=TODAY))[1].rows
    desc = jobs._report(ctx.db, jobs.PrintJob("ledger", year=2026, today=TODAY, sort=("serial", True)))[1].rows
    assert [r[1] for r in desc] == [r[1] for r in reversed(asc)]
