"""成果转化运用清单 in Excel: export, read back into another office's list unchanged; a bad row imports nothing;
and the printed list carries every outcome."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop_app.campaign import outcomes
from desktop_app.campaign.outcomes import OutcomeFields, OutcomeFilter
from desktop_app.excel.lists import export_kind
from desktop_app.excel.service import import_file
from desktop_app.org.organisation import list_sections
from desktop_app.reports.jobs import PrintJob, render
from desktop_app.work import topics
from desktop_app.work.types import TopicInput
from tests.helpers.common import TEST_ACTOR


def _fill(ctx) -> None:
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    tid = topics.create_topic(ctx.db, TEST_ACTOR, TopicInput(
        year=2026, section_id=sec["规划发展科"], title="防返贫监测机制运行情况", kind="重点", lead_id=None,
        member_ids=[], methods=[], stages=[], report_due=None)).id
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("制度成果", "防返贫监测实施办法", topic_id=tid,
                                                           doc_no="景乡振发〔2026〕3号", date=dt.date(2026, 4, 2),
                                                           adopted_by="市委办", published_in="《组工通讯》",
                                                           published_on=dt.date(2026, 5, 8)))
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("理论成果", "=关于产业振兴的思考", year=2026,
                                                           section_id=sec["综合科"], published_in="云南网"))


def _view(rows) -> list[tuple]:
    return sorted((r.section_name, r.kind, r.title, r.doc_no, r.date, r.adopted_by, r.source_text, r.published_in,
                   r.published_on) for r in rows)


def test_round_trip(ctx, tmp_path: Path) -> None:
    _fill(ctx)
    out = tmp_path / "成果.xlsx"
    assert export_kind(ctx.db, out, "outcomes", year=2026).rows == 2
    ws = openpyxl.load_workbook(out).active
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "2026年调研成果转化运用清单" in str(texts[0]) and "课题：防返贫监测机制运行情况" in texts
    before = _view(outcomes.list_outcomes(ctx.db, OutcomeFilter(year=2026)))
    for r in outcomes.list_outcomes(ctx.db, OutcomeFilter(year=2026)):
        outcomes.remove_outcome(ctx.db, TEST_ACTOR, r.id)
    result = import_file(ctx.db, TEST_ACTOR, out, "outcomes")
    assert not result.preview.errors and result.imported == 2
    assert _view(outcomes.list_outcomes(ctx.db, OutcomeFilter(year=2026))) == before


def test_bad_row_imports_nothing(ctx, tmp_path: Path) -> None:
    _fill(ctx)
    out = tmp_path / "成果.xlsx"
    export_kind(ctx.db, out, "outcomes", year=2026)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    for row in ws.iter_rows():
        for c in row:
            if c.value == "课题：防返贫监测机制运行情况":
                c.value = "课题：没有这个课题"
    wb.save(out)
    n = len(outcomes.list_outcomes(ctx.db))
    result = import_file(ctx.db, TEST_ACTOR, out, "outcomes")
    assert result.imported == 0 and any("来源" in e.message for e in result.preview.errors)
    assert len(outcomes.list_outcomes(ctx.db)) == n


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_printed_list(ctx, tmp_path: Path) -> None:
    _fill(ctx)
    pdf = tmp_path / "成果.pdf"
    render(ctx.db, PrintJob("outcomes", year=2026, today=dt.date(2026, 6, 1)), pdf)
    text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "调研成果转化运用清单" in text and "防返贫监测实施办法" in text and "《组工通讯》" in text
