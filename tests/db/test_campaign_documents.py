"""The campaign documents (月度工作报告, 季度督查通报, 半年复盘报告, 评比表彰通报, 调研报告初稿) on a small dataset
added through the ORM: each .docx is reopened with python-docx and its numbers compared with the rows."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from desktop_app.core.context import AppContext
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.documents.campaign_data import plan_in_period
from desktop_app.documents.kinds import write_document
from desktop_app.documents.official import DocFonts
from desktop_app.documents.periods import make_period, parse_period
from tests.helpers.campaign_dataset import TODAY, build

FONTS = DocFonts(body="仿宋_GB2312", title="宋体", title_bold=True)


def read_docx(path: Path) -> tuple[str, list[list[list[str]]]]:
    """(the paragraphs' text, one line each; the tables as rows of cell texts), in document order."""
    doc = Document(str(path))
    lines, tables = [], []
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p"):
            lines.append(Paragraph(el, doc).text)
        elif el.tag.endswith("}tbl"):
            tables.append([[c.text for c in r.cells] for r in Table(el, doc).rows])
    # a title longer than a line is broken in two (a line break inside its paragraph): read it as one line
    return "\n".join([lines[0].replace("\n", ""), *lines[1:]]), tables


def write(ctx: AppContext, tmp_path: Path, kind: str, period: str | None = None, item: str | None = None
          ) -> tuple[str, list[list[list[str]]]]:
    out = tmp_path / f"{kind}.docx"
    write_document(ctx.db, kind, out, item=item, today=TODAY, fonts=FONTS, period=period)
    return read_docx(out)


def unit_rows(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[1]: row[2:] for row in table[1:]}


def test_periods_parse_and_default() -> None:
    assert parse_period("2026-02", "month", TODAY).end == dt.date(2026, 2, 28)
    assert parse_period("", "quarter", TODAY).label == "2026年第四季度"
    assert parse_period("2026-h1", "half", TODAY).end == dt.date(2026, 6, 30)
    assert parse_period(None, "half", dt.date(2026, 6, 30)).label == "2026年上半年"
    for bad, grain in (("2026-13", "month"), ("2026-Q5", "quarter"), ("2026-Q4", "month"), ("26-1", "month"),
                       ("2026-H3", "half")):
        with pytest.raises(ValidationError) as e:
            parse_period(bad, grain, TODAY)
        assert bad in str(e.value) and e.value.field == "期间"
    q4 = make_period("quarter", 2026, 4)
    assert plan_in_period("2026-W45", q4) and plan_in_period("2026-11", q4) and plan_in_period("2026-Q4", q4)
    assert not plan_in_period("2026-W39", q4) and not plan_in_period("2026-H2", q4)


def test_monthly_report_counts_the_month(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, tables = write(ctx, tmp_path, "monthly-report", "2026-11")
    assert text.startswith("关于2026年11月大调研工作情况的报告")
    assert "上级主管部门：" in text  # the parent office's card is not here: no name is made up
    assert "年度共立项调研课题2个（调研中1个，立项1个）；本月有1个课题开展了实地调研。" in text
    # 2 done visits in November (the October one and the planned one left out); 陈静 and 黄涛 3 days each at a
    # village, 吴芳's day at a 机关 not counted
    assert "本月完成基层调研2次，参加调研3人，累计到基层调研6人·天" in text
    assert "本月召开各类会议研讨2次（专题研讨1次，组工讲堂1次）。" in text
    assert "未按月举办组工讲堂的科室：规划发展科（11月）；政策法规科（11月）。" in text
    assert "本月新发现问题2个，销号1个；截至2026年11月25日，超过完成时限仍未完成整改的问题1个。" in text
    assert "本月形成调研成果1个，向刊物或网站推介刊发1篇。" in text
    rows = unit_rows(tables[0])
    assert tables[0][0][1] == "科室" and list(rows) == ["综合科", "规划发展科", "政策法规科"]
    # visits, meetings, 组工讲堂 months, plans filed, overdue (the 县财政局 item is 黄涛's: 规划发展科)
    assert rows["综合科"] == ["1", "1", "11月", "1", "0"]
    assert rows["规划发展科"] == ["1", "1", "无", "1", "1"]
    assert rows["政策法规科"] == ["0", "0", "无", "0", "0"]  # its month list is only a draft
    assert text.rstrip().endswith("景洪市乡村振兴局\n2026年11月25日")


def test_monthly_report_of_an_empty_month_says_none(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, _tables = write(ctx, tmp_path, "monthly-report", "2026-03")
    assert "本月无已完成的基层调研。" in text and "本月无会议研讨记录。" in text
    assert "本月无新增调研成果。" in text and "本月新发现问题0个，销号0个" in text


def test_quarter_bulletin_praises_and_criticises_from_the_numbers(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, tables = write(ctx, tmp_path, "quarter-bulletin")  # the current quarter of TODAY
    assert text.startswith("关于2026年第四季度大调研工作督查情况的通报") and "各科室：" in text
    rows = unit_rows(tables[0])
    # the 全办 lecture of 8 October counts for every section; October and November have passed
    assert rows["综合科"] == ["1", "1", "10月、11月", "1", "0"]
    assert rows["规划发展科"] == ["1", "2", "10月", "1", "1"]
    assert rows["政策法规科"] == ["1", "0", "10月", "0", "0"]
    praise = text.split("三、通报表扬")[1].split("四、通报批评")[0]
    blame = text.split("四、通报批评")[1].split("五、工作要求")[0]
    assert "综合科（报送计划清单1份，会议研讨1次，完成调研1次，无逾期问题）" in praise
    # November is still running on the 25th: no section is blamed for its lecture yet
    assert "以下2个科室存在问题" in blame and "组工讲堂" not in blame
    assert "规划发展科：逾期未完成整改问题1个；" in blame
    assert "政策法规科：未报送计划清单。" in blame
    assert "综合科" not in blame


def test_a_month_without_its_lecture_is_blamed_once_it_has_ended(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    out = tmp_path / "q.docx"
    write_document(ctx.db, "quarter-bulletin", out, today=dt.date(2026, 12, 1), fonts=FONTS, period="2026-Q4")
    text, _tables = read_docx(out)
    blame = text.split("四、通报批评")[1]
    assert "规划发展科：逾期未完成整改问题1个，11月未举办组工讲堂" in blame
    assert "政策法规科：11月未举办组工讲堂，未报送计划清单" in blame
    assert "综合科：" not in blame


def test_half_year_review_has_the_sections_summaries(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, _tables = write(ctx, tmp_path, "half-year-review", "2026-H2")
    assert text.startswith("景洪市乡村振兴局2026年下半年大调研工作复盘报告")
    assert "半年内完成基层调研3次，参加调研4人，累计到基层调研8人·天" in text
    assert "应报送半年复盘材料的科室3个，已报送1个，未报送：规划发展科、政策法规科。" in text
    assert "（一）综合科\n下半年开展蹲点调研，推动村道保洁长效管护。" in text
    assert "草稿，尚未报送" not in text
    assert "一是超过完成时限仍未完成整改的问题1个" in text


def test_award_notice_ranks_sections_by_weighted_scores(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, tables = write(ctx, tmp_path, "award-notice", "2026-H2")
    assert "决定对3个先进科室和2名工作能手予以通报表扬" in text
    assert "部领导评50%、科室互评30%、党员干部参评20%" in text
    sections = tables[0]
    assert sections[0] == ["名次", "科室", "部领导评", "科室互评", "党员干部参评", "综合得分"]
    assert sections[1] == ["1", "规划发展科", "80.0", "90.0", "100.0", "87.00"]
    assert sections[2] == ["2", "综合科", "90.0", "75.0", "60.0", "79.50"]
    assert sections[3] == ["3", "政策法规科", "70.0", "无", "无", "70.00"]  # the H1 score is not this half's
    assert tables[1][1:] == [["1", "黄涛", "规划发展科"], ["2", "赵磊", "政策法规科"]]  # unconfirmed 吴芳 left out
    empty, _t = write(ctx, tmp_path, "award-notice", "2026-H1")
    assert "决定对1个先进科室和0名工作能手" in empty and "尚未确定工作能手，无。" in empty


def test_topic_report_is_prefilled_from_the_topic(ctx: AppContext, tmp_path: Path) -> None:
    ids = build(ctx.db)
    text, tables = write(ctx, tmp_path, "topic-report", item=ids["topic"])
    assert text.startswith("关于茶叶产业联农带农机制的调研报告（初稿）")
    assert "课题负责人：陈静；课题组成员：黄涛。" in text
    assert "采取蹲点调研、座谈访谈等方式，共安排调研2次，已完成1次。" in text
    assert tables[0][1] == ["2026-11-03至11-05", "勐海镇曼短村", "蹲点调研", "陈静", "已完成"]
    assert "（一）2026-11-03至11-05在勐海镇曼短村调研发现：茶农合作社分红机制不健全" in text
    assert tables[1][1] == ["2026-001", "合作社分红不透明", "建立分红公示制度", "县财政局", "推进中"]
    assert tables[2][1] == ["制度成果", "茶叶合作社分红公示办法", "勐乡振发〔2026〕12号", "", "云南日报"]
    assert text.rstrip().endswith("景洪市乡村振兴局规划发展科\n2026年11月25日")
    by_title, _t = write(ctx, tmp_path, "topic-report", item="村级集体经济发展")
    assert "尚无调研安排记录，无。" in by_title


def test_bad_requests_are_refused_before_a_file_is_written(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    cases = [("monthly-report", "2026-13", None, ValidationError, "月份 13"),
             ("quarter-bulletin", "2026-11", None, ValidationError, "格式不对"),
             ("topic-report", None, None, ValidationError, "需要指定课题"),
             ("topic-report", None, "no-such-topic", NotFoundError, "没有找到课题"),
             ("topic-report", "2026-11", "x", ValidationError, "不能使用 --period"),
             ("ledger", "2026-11", None, ValidationError, "不能使用 --period")]
    for kind, period, item, error, words in cases:
        out = tmp_path / f"bad-{kind}.docx"
        with pytest.raises(error) as e:
            write_document(ctx.db, kind, out, item=item, today=TODAY, fonts=FONTS, period=period)
        assert words in str(e.value), (kind, str(e.value))
        assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_year_summary_is_the_summary_of_the_period_year(ctx: AppContext, tmp_path: Path) -> None:
    build(ctx.db)
    text, _tables = write(ctx, tmp_path, "year-summary", "2026")
    assert text.startswith("景洪市乡村振兴局2026年大调研工作汇总")
    with pytest.raises(ValidationError):
        write(ctx, tmp_path, "year-summary", "2026-11")


def test_print_writes_the_same_words_as_a_pdf(ctx: AppContext, tmp_path: Path) -> None:
    from desktop_app.reports import jobs

    build(ctx.db)
    out = tmp_path / "m.pdf"
    result = jobs.render(ctx.db, jobs.PrintJob("monthly-report", today=TODAY, period="2026-11"), out)
    assert result.pages >= 1
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    assert "关于2026年11月大调研工作情况的报告" in text
    assert "累计到基层调研6人·天" in text.replace("\n", "")
    assert "特此报告" in text
