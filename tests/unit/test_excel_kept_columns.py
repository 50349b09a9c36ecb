"""Nothing a clerk typed is lost: unmapped columns of ledger, topic and score sheets are kept (issue #20)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
from sqlalchemy import select

from db.models import Attempt, Issue, Topic
from desktop_app.excel.extras import write_extra_sheet
from desktop_app.excel.service import import_file
from tests.helpers.excel_sheets import counts, make_sheet
from tests.helpers.kept_columns import LEDGER, TOPICS


def test_ledger_keeps_unmapped_columns_in_the_description(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    out = import_file(ctx.db, ctx.actor, p, "ledger")
    pv = out.preview
    assert pv.errors == [] and out.imported == 3
    assert pv.not_imported == {}  # nothing left behind any more
    assert pv.kept == {"备注": 1, "联系人": 2} and pv.kept_in.startswith("问题描述")
    assert "“备注”、“联系人”列" in pv.kept_note() and "问题描述" in pv.kept_note()
    assert out.to_json()["kept_columns"] == {"columns": {"备注": 1, "联系人": 2}, "kept_in": pv.kept_in}
    with ctx.db.session() as s:
        saved = {i.responsible_unit: i.description for i in s.scalars(select(Issue))}
    # in the sheet's column order, 序号 aside, as a paragraph of its own under the problem
    assert saved["县委组织部"] == "村级活动场所利用率不高\n原表其他列：备注：四不两直发现；联系人：岩温"
    assert saved["县水务局"] == "农村饮水工程管护不到位\n原表其他列：联系人：玉香"
    assert saved["县农业农村局"] == "集体经济收入来源单一"  # a row with nothing there is untouched


def test_ledger_kept_text_too_long_is_an_error_on_the_row_and_nothing_is_written(ctx, tmp_path: Path) -> None:
    rows = [r[:] for r in LEDGER]
    rows[2][7] = "很长的说明" * 900  # 4,500 characters: the description would pass the ledger's 4,000
    p = make_sheet(tmp_path / "长.xlsx", rows)
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, p, "ledger")
    assert out.imported == 0 and counts(ctx.db) == before
    assert [(e.row, e.column) for e in out.preview.errors] == [(3, "问题描述")]


def test_scores_keep_unmapped_columns_in_the_note(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "成绩.xlsx", [
        ["序号", "姓名", "科室", "得分", "备注", "联系电话"],
        [1, "刘洋", "综合科", 90, "", "13800000001"],
        [2, "黄涛", "规划发展科", "缺考", "出差", "13800000002"],
    ])
    out = import_file(ctx.db, ctx.actor, p, "scores")
    assert out.preview.errors == [] and out.imported == 2
    assert out.preview.kept == {"联系电话": 2} and out.preview.kept_in == "备注"
    with ctx.db.session() as s:
        notes = sorted(a.note for a in s.scalars(select(Attempt)))
    assert notes == ["出差\n原表其他列：联系电话：13800000002", "原表其他列：联系电话：13800000001"]


def test_topics_keep_unmapped_columns_in_the_report_and_the_extra_sheet(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "课题.xlsx", TOPICS)
    out = import_file(ctx.db, ctx.actor, p, "topics")
    pv = out.preview
    assert pv.errors == [] and out.imported == 2
    assert pv.kept == {"预期成果": 1, "经费（万元）": 1} and pv.kept_in == ""
    assert "导入报告" in pv.kept_note() and "原表其他列" in pv.kept_note()
    report = out.to_json()
    assert report["rows"][0]["other_columns"] == {"预期成果": "调研报告1篇", "经费（万元）": "2"}
    assert "other_columns" not in report["rows"][1]
    assert report["kept_columns"]["kept_in"] == "导入报告"
    with ctx.db.session() as s:
        assert sorted(t.title for t in s.scalars(select(Topic))) == ["村级集体经济发展路径", "防返贫监测机制研究"]

    side = tmp_path / "其他列.xlsx"
    assert write_extra_sheet(side, pv) == 1
    ws = openpyxl.load_workbook(side).active
    values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert ["原表行号", "课题名称", "预期成果", "经费（万元）"] in values
    assert [2, "防返贫监测机制研究", "调研报告1篇", "2"] in values


def test_cli_extra_out_writes_the_sheet(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "课题.xlsx", TOPICS)
    side = tmp_path / "side.xlsx"
    ctx.close()  # the office is set up; the command opens the folder itself
    env = {**os.environ, "FIELDDESK_DATA_DIR": str(tmp_path / "data")}  # the ctx fixture's data folder
    done = subprocess.run([sys.executable, "-m", "desktop_app", "import-excel", str(p), "--kind", "topics",
                           "--extra-out", str(side), "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] == 2
    assert "原表其他列" in done.stderr and side.exists()
    assert openpyxl.load_workbook(side).active.max_row >= 4


def test_the_ledger_exports_warning_column_is_named_not_kept(ctx, tmp_path: Path) -> None:
    """预警 (逾期/临期/正常) is computed from the deadline by our own export: it is not copied into descriptions."""
    p = make_sheet(tmp_path / "导出台账.xlsx", [
        ["序号", "问题类别", "问题描述", "整改措施", "责任单位", "责任人", "完成时限", "整改类型", "预警"],
        [1, "基层党建", "村级活动场所利用率不高", "盘活闲置场所", "县委组织部", "刘洋", "2026-06-30", "限期整改", "临期"],
    ])
    pv = import_file(ctx.db, ctx.actor, p, "ledger", dry_run=True).preview
    assert pv.errors == [] and pv.not_imported == {"预警": 1} and pv.kept == {}
    assert pv.mapping["整改类型"] == "kind_word" and pv.mapping["问题类别"] == "category"
    assert pv.rows[0]["description"] == "村级活动场所利用率不高"


def test_the_ledger_reads_its_kind_words_and_keeps_other_ones(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "类型.xlsx", [
        ["问题类别", "问题描述", "整改措施", "责任单位", "责任人", "完成时限", "整改类型"],
        ["基层党建", "会议记录不规范", "规范记录", "县委组织部", "刘洋", "", "立行立改"],
        ["产业发展", "产业单一", "发展特色产业", "县农业农村局", "黄涛", "", "长期坚持"],
        ["乡村治理", "村规民约宣传不够", "加强宣传", "县民政局", "陈静", "2026-09-30", "制度类"],
    ])
    pv = import_file(ctx.db, ctx.actor, p, "ledger", dry_run=True).preview
    assert pv.errors == []
    assert [r["kind"] for r in pv.rows] == ["immediate", "ongoing", "dated"]
    assert [r["description"] for r in pv.rows] == ["会议记录不规范", "产业单一",
                                                   "村规民约宣传不够\n原表其他列：整改类型：制度类"]
