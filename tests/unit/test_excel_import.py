"""Importing the sheets offices keep: the shared samples, headers, section rows, synonyms, errors, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from desktop_app.excel import mappings
from desktop_app.excel.importer import preview
from desktop_app.excel.service import import_file, preview_file
from tests.helpers.common import SAMPLES
from tests.helpers.excel_sheets import counts, make_sheet

EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["ledger.xlsx", "ledger.xls"])
def test_ledger_samples_match_expected(name: str) -> None:
    pv = preview(SAMPLES / name, "ledger", year=2026)
    assert pv.errors == []
    assert pv.header_row == (3 if name.endswith("xlsx") else 2)
    assert len(pv.rows) == len(EXPECTED["ledger"])
    for want, got in zip(EXPECTED["ledger"], pv.rows, strict=True):
        for key, value in want.items():
            assert (got[key] or None) == (value or None), (key, got)
    assert [r["kind"] for r in pv.rows] == ["dated", "dated", "dated", "dated", "ongoing"]
    assert [r["status_code"] for r in pv.rows] == ["done", "in_progress", "in_progress", "in_progress", "in_progress"]
    assert pv.skipped["section"] == 2


def test_visits_sample_matches_expected() -> None:
    pv = preview(SAMPLES / "visits.xlsx", "visits")
    assert pv.errors == []
    for want, got in zip(EXPECTED["visits"], pv.rows, strict=True):
        for key, value in want.items():
            assert got[key] == value, key
    assert [r["unannounced"] for r in pv.rows] == [False, False, True]


def test_scores_and_questions_samples() -> None:
    scores = preview(SAMPLES / "scores.xlsx", "scores")
    assert len(scores.rows) == EXPECTED["scores"]["rows"]
    assert [r["name"] for r in scores.rows if r["absent"]] == EXPECTED["scores"]["absent"]
    assert scores.rows[1]["score"] == 85.5 and scores.rows[2]["score"] is None
    questions = preview(SAMPLES / "questions.xlsx", "questions")
    assert len(questions.rows) == EXPECTED["questions"] and questions.errors == []
    assert questions.rows[0]["options"][1] == "B.每季度一次" and questions.rows[2]["answer"] == "对"


def test_contract_json_shape() -> None:
    d = preview(SAMPLES / "ledger.xlsx", "ledger", year=2026).to_json(0)
    assert set(d) == {"kind", "file", "sheet", "header_row", "mapping", "rows", "errors", "imported"}
    assert d["mapping"]["问题描述"] == "description" and d["mapping"]["序号"] is None
    assert d["rows"][0]["row"] == 5  # 1-based sheet row of the first item
    json.dumps(d, ensure_ascii=False)


def test_two_level_header_sections_signature_and_merged_units(tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "two.xlsx", [
        ["2026年县委组织部调研问题整改台账"],
        ["填报单位：组织科", None, None, None, None, None, "填报日期：2027年1月5日"],
        ["序号", "问题表现", "整改举措", "责任主体", None, None, "时限要求", "整改状态"],
        [None, None, None, "牵头单位", "协同单位", "责任人", None, None],
        ["一、基层党建方面"],
        [1, "部分村党组织“三会一课”记录不规范", "开展专项检查", "组织科", "各乡镇", "张三", "6月底前", "正在推进"],
        [2, "发展党员程序不严格", "逐一核查", None, "", "李四", "2027年第三季度", "未启动"],
        ["二、干部队伍方面"],
        [3, "年轻干部储备不足", "建立储备库", "干部科", "", "王五", "长期坚持", "长期坚持"],
        [None],
        ["填表人：张三", None, None, "审核人：李四"],
    ], merges=("A1:H1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4", "H3:H4", "A5:H5", "A8:H8", "D6:D7"))
    pv = preview(path, "ledger")
    assert pv.errors == []
    assert pv.header_row == 3
    assert pv.mapping["牵头单位"] == "unit" and pv.mapping["协同单位"] == "co_units" and pv.mapping["时限要求"] == "deadline"
    assert [r["row"] for r in pv.rows] == [6, 7, 9]
    assert [r["category"] for r in pv.rows] == ["基层党建", "基层党建", "干部队伍"]
    assert pv.rows[1]["unit"] == "组织科"  # merged over two items: belongs to both
    # 6月底前 takes its year from the 填报日期 line, not from the title
    assert pv.rows[0]["deadline"] == "2027-06-30"
    assert pv.rows[1]["deadline"] == "2027-09-30"
    assert pv.rows[2]["kind"] == "ongoing" and pv.rows[2]["deadline"] is None


def test_synonyms_and_title_year(tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "syn.xlsx", [
        ["2025年调研问题清单"],
        ["编号", "存在问题", "工作措施", "责任单位", "配合单位", "完成时间", "完成情况"],
        [1, "问题一", "措施一", "办公室", "", "年底前", "已完成"],
        [2, "问题二", "措施二", "办公室", "", dt.date(2025, 8, 1), ""],
        [3, "问题三", "措施三", "办公室", "", "上半年", "推进中"],
        [4, "问题四", "措施四", "办公室", "", "立行立改", "已完成"],
    ])
    pv = preview(path, "ledger", year=2030)
    assert pv.errors == []
    assert [r["deadline"] for r in pv.rows] == ["2025-12-31", "2025-08-01", "2025-06-30", None]
    assert [r["kind"] for r in pv.rows] == ["dated", "dated", "dated", "immediate"]
    # a 完成情况 column holding only status words gives the status
    assert [r["status_code"] for r in pv.rows] == ["done", "not_started", "in_progress", "done"]


def test_formula_text_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    make_sheet(path, [["问题描述", "整改措施", "完成时限"],
                      ["x", "y", "2026-01-01"], ["+86 电话", "-减少", "2026-01-01"], ["@某人", "z", "2026-01-01"]])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["A2"] = "=SUM(1,2)"
    ws["A2"].data_type = "s"  # typed as text in the cell, not a formula
    ws["B2"] = "=1+1"  # a real formula with no cached value
    wb.save(path)
    pv = preview(path, "ledger", year=2026)
    assert [r["description"] for r in pv.rows] == ["=SUM(1,2)", "+86 电话", "@某人"]
    assert pv.rows[0]["measures"] == ""  # the formula itself never comes in
    assert pv.rows[1]["measures"] == "-减少"


def test_unreadable_date_is_a_row_error_and_nothing_is_imported(ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "bad.xlsx", [
        ["问题描述", "整改措施", "完成时限", "整改状态", "责任单位", "责任人"],
        ["问题一", "措施一", "2026年6月30日", "正在推进", "办公室", "吴芳"],
        ["问题二", "措施二", "下个月", "正在推进", "办公室", "吴芳"],
        ["问题三", "措施三", "2026年2月30日", "差不多了", "办公室", "吴芳"],
    ])
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, path, "ledger")
    assert out.imported == 0
    errs = [(e.row, e.column) for e in out.preview.errors]
    assert errs == [(3, "完成时限"), (4, "完成时限"), (4, "整改状态")]
    assert "下个月" in out.preview.errors[0].message
    assert counts(ctx.db) == before


def test_real_ledger_import_writes_every_row_and_remembers_mapping(ctx, tmp_path: Path) -> None:
    out = import_file(ctx.db, ctx.actor, SAMPLES / "ledger.xlsx", "ledger")
    assert out.ok and out.imported == 5
    assert counts(ctx.db)[0] == 5
    assert mappings.load(ctx.db, "ledger", out.preview.titles) == out.preview.mapping
    dry = import_file(ctx.db, ctx.actor, SAMPLES / "ledger.xls", "ledger", dry_run=True)
    assert dry.ok and dry.imported == 0 and counts(ctx.db)[0] == 5


def test_user_mapping_is_used_and_remembered(ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "odd.xlsx", [
        ["事项", "怎么改", "哪个部门"],
        ["事项一", "改法一", "办公室"],
    ])
    with pytest.raises(Exception) as exc:  # nothing names the description: the header is not found
        preview(path, "ledger")
    assert "表头" in str(exc.value)
    path = make_sheet(tmp_path / "odd2.xlsx", [
        ["事项", "整改措施", "责任单位", "具体负责"],
        ["事项一", "改法一", "办公室", "吴芳"],
    ])
    pv = preview_file(ctx.db, path, "ledger")
    assert pv.errors and "问题描述" in pv.errors[0].message  # a required column is missing
    mapping = {"事项": "description", "整改措施": "measures", "责任单位": "unit", "具体负责": "person"}
    out = import_file(ctx.db, ctx.actor, path, "ledger", mapping=mapping)
    assert out.ok and out.imported == 1
    again = preview_file(ctx.db, path, "ledger")  # next time: the office's own mapping
    assert again.errors == [] and again.rows[0]["description"] == "事项一"


def test_picks_the_sheet_with_data_and_honours_a_chosen_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表由综合科汇总"])
    data = wb.create_sheet("台账")
    data.append(["问题描述", "整改措施", "责任单位", "完成时限"])
    data.append(["问题一", "措施一", "办公室", "2026-06-30"])
    other = wb.create_sheet("旧表")
    other.append(["问题描述", "完成时限"])
    other.append(["旧问题", "2025-06-30"])
    wb.save(tmp_path / "multi.xlsx")
    pv = preview(tmp_path / "multi.xlsx", "ledger")
    assert pv.sheet == "台账" and pv.sheets == ["说明", "台账", "旧表"]
    pv = preview(tmp_path / "multi.xlsx", "ledger", sheet="旧表")
    assert [r["description"] for r in pv.rows] == ["旧问题"]


def test_visits_real_import_and_unknown_person(ctx, tmp_path: Path) -> None:
    out = import_file(ctx.db, ctx.actor, SAMPLES / "visits.xlsx", "visits")
    assert out.ok and out.imported == 3
    path = make_sheet(tmp_path / "v.xlsx", [["调研内容", "带队领导", "时间", "地点"],
                                            ["课题", "不存在的人", "2026年5月1日", "某村"]])
    out = import_file(ctx.db, ctx.actor, path, "visits")
    assert out.imported == 0 and out.preview.errors and out.preview.errors[0].row == 2


def test_scores_dry_run_reports_service_errors(ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "s.xlsx", [["姓名", "科室", "得分"], ["刘洋", "综合科", 90], ["查无此人", "综合科", 80]])
    out = import_file(ctx.db, ctx.actor, path, "scores", dry_run=True)
    assert [e.row for e in out.preview.errors] == [3]
    ok = make_sheet(tmp_path / "s2.xlsx", [["姓名", "科室", "得分"], ["刘洋", "综合科", 90], ["黄涛", "规划发展科", "缺考"]])
    assert import_file(ctx.db, ctx.actor, ok, "scores").imported == 2


def test_topics_sheet(ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "topics.xlsx", [
        ["2026年度调研课题安排表"],
        ["序号", "课题名称", "承担科室", "课题类别", "领题领导", "课题组成员", "完成时限", "进度"],
        [1, "防返贫监测机制研究", "综合科", "重点", "刘洋", "吴芳、黄涛", "9月底前", "调研中"],
        [2, "村级集体经济发展路径", "规划发展科", "一般", "陈静", "黄涛", "2026年第四季度", ""],
        [3, "坏数据", "综合科", "特别", "刘洋", "", "随时", "差不多"],
    ], merges=("A1:H1",))
    pv = preview(path, "topics")
    assert [r["report_due"] for r in pv.rows[:2]] == ["2026-09-30", "2026-12-31"]
    assert pv.rows[0]["members"] == ["吴芳", "黄涛"] and pv.rows[1]["status"] == "立项"
    assert sorted(e.column for e in pv.errors) == ["完成时限", "课题类别", "进度"]
    good = make_sheet(tmp_path / "topics_ok.xlsx", [
        ["课题名称", "承担科室", "课题类别", "领题领导", "课题组成员", "完成时限", "进度"],
        ["防返贫监测机制研究", "综合科", "重点", "刘洋", "吴芳、黄涛", "2026年9月30日", "调研中"],
    ])
    out = import_file(ctx.db, ctx.actor, good, "topics")
    assert out.ok and out.imported == 1


def test_a_stale_remembered_mapping_is_ignored(ctx) -> None:
    titles = preview(SAMPLES / "ledger.xlsx", "ledger", year=2026).titles
    mappings.save(ctx.db, "ledger", titles, {"问题描述": "no_such_field"})
    pv = preview_file(ctx.db, SAMPLES / "ledger.xlsx", "ledger")
    assert pv.errors == [] and pv.mapping["问题描述"] == "description"
