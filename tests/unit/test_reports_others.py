"""Score list, paper with key, visits, topics and the yearly summary — from plain rows and from a demo office."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace as Row

import pytest

from desktop_app.cli.main import run
from desktop_app.reports import fonts
from desktop_app.reports.paper import PaperData, PaperQuestion, render_paper
from desktop_app.reports.scores import scores_report
from desktop_app.reports.summary import Bar, SummaryData, render_summary
from desktop_app.reports.table_report import render_table_report
from desktop_app.reports.topics import topics_report
from desktop_app.reports.visits import visits_report
from desktop_app.reports.wrap import wrap_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


@pytest.fixture(scope="module")
def fs() -> fonts.FontSet:
    return fonts.build_fontset()


def test_wrapping_follows_chinese_line_rules(fs: fonts.FontSet) -> None:
    text = "已完成整改，相关佐证材料已收集归档。（100%）编号2026-0001"
    for width in range(45, 160, 5):
        lines = wrap_text(text, width, fs, fs.body, 9)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "，。）%", (width, lines)
        for line in lines[:-1]:
            assert line[-1] != "（", (width, lines)
            assert fs.string_width(line, fs.body, 9) <= width + 0.01
        assert all("100%" not in x or "（100%）" in x or x.startswith("100%") for x in lines)


def test_score_list(tmp_path: Path, fs: fonts.FontSet) -> None:
    rows = [Row(seq=1, name="王赟", section="综合科", score=96.5, rank=1, result="合格", note=""),
            Row(seq=2, name="刘燊", section="规划发展科", score=52.0, rank=2, result="不合格", note="补考"),
            Row(seq=3, name="陈珺", section="综合科", score=None, rank=None, result="缺考", note="")]
    out = tmp_path / "scores.pdf"
    render_table_report(scores_report(rows, "2026年第三季度业务知识测试", "景洪市乡村振兴局", 60), out, fs)
    text = text_of(out)
    assert "2026年第三季度业务知识测试成绩公示" in text
    assert "王赟" in text and "96.5" in text and "▲不合格" in text and "▲缺考" in text and "合格分数线：60分" in text


def test_paper_and_answer_key(tmp_path: Path, fs: fonts.FontSet) -> None:
    qs = [PaperQuestion(1, "单选", "乡村振兴战略的总要求不包括下列哪一项", ["产业兴旺", "生态宜居", "大拆大建"], 2, "C", "大拆大建不属于总要求。"),
          PaperQuestion(2, "判断", "“四不两直”指不发通知、不打招呼。", [], 1, "对"),
          PaperQuestion(3, "简答", "简述问题整改“对账销号”的流程。", [], 10, "申请、审核、销号", "")]
    data = PaperData("2026年第三季度业务知识测试", "A", 60, 13, qs, "景洪市乡村振兴局")
    out = tmp_path / "paper.pdf"
    pages = render_paper(data, out, fs).pages
    assert pages >= 2
    text = text_of(out)
    assert "一、单选题" in text and "C.大拆大建" in text and "二、判断题" in text and "三、简答题" in text
    key_at = text.index("参考答案及评分标准")
    assert "答案：C" in text[key_at:] and "大拆大建不属于总要求" in text[key_at:]
    assert "答案：" not in text[:key_at]  # the questions part does not give answers away


def test_visits_and_topics(tmp_path: Path, fs: fonts.FontSet) -> None:
    visits = [Row(start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 4), days=3, place="勐龙镇曼飞龙村",
                  township="勐龙镇", method="蹲点调研", unannounced=True, lead_name="张堃", participant_names=("李喆",),
                  section_name="综合科", topic_title="产业路径研究", purpose="了解产业", findings="道路破损")]
    out = tmp_path / "visits.pdf"
    render_table_report(visits_report(visits, "景洪市乡村振兴局", 2026), out, fs)
    text = text_of(out)
    assert "2026年调研安排表" in text and "2026-03-02至03-04" in text and "★" in text and "张堃" in text
    assert "合计3天" in text
    topics = [Row(id="t1", title="脱贫地区产业发展路径研究", kind="重点", section_name="规划发展科", lead_name="陈珺",
                  member_names=("王赟", "刘燊"), methods=("座谈访谈",), report_due=dt.date(2026, 10, 31), status="成稿",
                  composite=88.4)]
    outcomes = [Row(topic_id="t1", kind="制度成果", title="产业帮扶资金管理办法", doc_no="景乡振发〔2026〕5号")]
    out2 = tmp_path / "topics.pdf"
    render_table_report(topics_report(topics, outcomes, "景洪市乡村振兴局", 2026), out2, fs)
    text2 = text_of(out2)
    assert "调研课题一览表" in text2 and "●●●○" in text2 and "【制度】产业帮扶资金管理办法" in text2 and "88.4" in text2


def test_summary_with_charts(tmp_path: Path, fs: fonts.FontSet) -> None:
    data = SummaryData("景洪市乡村振兴局", 2026, "全年共排查问题10个，已销号4个。",
                       [Bar("勐龙镇人民政府", 40.0, None, "40.0%（2/5）")], "共2人。",
                       [Bar("王赟（综合科）", 45, 60, "45/60天 稍有滞后")], "", [], date=dt.date(2026, 11, 22))
    out = tmp_path / "summary.pdf"
    result = render_summary(data, out, fs, record=True)
    text = text_of(out)
    assert "2026年大调研工作汇总" in text and "40.0%（2/5）" in text and "45/60天稍有滞后" in text and "暂无测试成绩" in text
    # the preview's display list carries the bars as rectangles
    assert any(op[0] == "rect" for op in result.records[0].ops)


def test_every_kind_prints_from_a_demo_office(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(tmp_path / "demo")
    assert run(["--data-dir", root, "demo", "--items", "30"]) == 0
    monkeypatch.setenv("FIELDDESK_USER", "chakan")  # the demo's 查看 account prints
    monkeypatch.setenv("FIELDDESK_PASSWORD", "demo2026")
    capsys.readouterr()
    for kind in ("ledger", "responsibility", "supervision", "scores", "visits", "topics", "summary"):
        out = tmp_path / f"{kind}.pdf"
        assert run(["print", str(out), "--kind", kind, "--data-dir", root]) == 0, capsys.readouterr().err
        assert out.stat().st_size > 1000 and len(text_of(out)) > 50
    assert "调研安排表" in text_of(tmp_path / "visits.pdf")
    assert "工作汇总" in text_of(tmp_path / "summary.pdf")
    # paper and notice need an exam / an item
    from desktop_app.core.context import open_context
    from desktop_app.quiz.exams import list_exams
    from desktop_app.reports.ledger import fetch_issue_report

    ctx = open_context(Path(root), daily_backup=False)
    try:
        exam = list_exams(ctx.db)[0]
        serial = fetch_issue_report(ctx.db, None).rows[0][1]
    finally:
        ctx.close()
    out = tmp_path / "paper.pdf"
    assert run(["print", str(out), "--kind", "paper", "--id", exam.id, "--data-dir", root]) == 0, capsys.readouterr().err
    assert "参考答案及评分标准" in text_of(out)
    out = tmp_path / "notice.pdf"
    assert run(["print", str(out), "--kind", "notice", "--id", serial, "--data-dir", root]) == 0, capsys.readouterr().err
    assert "通知单" in text_of(out) and serial in text_of(out)


def test_a_two_line_title_breaks_before_its_year(tmp_path: Path, fs: fonts.FontSet) -> None:
    """A portrait 成绩公示 title read 勐海县乡村振兴局2026年第 / 三季度业务知识测试成绩公示."""
    rows = [Row(seq=1, name="王赟", section="综合科", score=96.5, rank=1, result="合格", note="")]
    out = tmp_path / "scores.pdf"
    render_table_report(scores_report(rows, "2026年第三季度业务知识测试", "勐海县乡村振兴局", 60), out, fs)
    lines = subprocess.run(["pdftotext", "-l", "1", "-layout", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    title = [ln.strip() for ln in lines if ln.strip()][:2]
    assert title == ["勐海县乡村振兴局", "2026年第三季度业务知识测试成绩公示"], title
