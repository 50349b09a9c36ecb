"""``fielddesk document`` and ``fielddesk print`` with the campaign kinds, the way a clerk's script calls them:
the files they write are reopened (python-docx, pdftotext); bad requests give a Chinese message, a non-zero
exit and no file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from docx import Document

from desktop_app.core.context import AppContext
from tests.helpers.campaign_dataset import build
from tests.helpers.cli import run_cli


def office(ctx: AppContext) -> tuple[Path, dict[str, str]]:
    ids = build(ctx.db)
    ctx.close()  # the command opens the folder itself, as a second program would
    return ctx.data.root, ids


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_document_and_print_every_campaign_kind(ctx: AppContext, tmp_path: Path) -> None:
    root, ids = office(ctx)
    for kind, extra, words in (
        ("monthly-report", ["--period", "2026-11"], "本月完成基层调研2次，参加调研3人，累计到基层调研6人·天"),
        ("quarter-bulletin", ["--period", "2026-Q4"], "规划发展科：逾期未完成整改问题1个"),
        ("half-year-review", ["--period", "2026-H2"], "应报送半年复盘材料的科室3个，已报送1个"),
        ("award-notice", ["--period", "2026-H2"], "决定对3个先进科室和2名工作能手予以通报表扬"),
        ("topic-report", ["--id", ids["topic"]], "茶农合作社分红机制不健全"),
        ("year-summary", ["--period", "2026"], "2026年大调研工作汇总"),
    ):
        out = tmp_path / f"{kind}.docx"
        code, payload, err = run_cli(root, "document", str(out), "--json", "--kind", kind, *extra)
        assert code == 0, err
        assert payload is not None and payload["file"] == str(out)
        assert words in docx_text(out).replace("\n", ""), kind
        pdf = tmp_path / f"{kind}.pdf"
        code, payload, err = run_cli(root, "print", str(pdf), "--json", "--kind", kind, *extra)
        assert code == 0, err
        assert payload is not None and payload["pages"] >= 1
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert words.replace("，", "")[:8] in text.replace("\n", "").replace(" ", "").replace("，", ""), kind


def test_bad_requests_exit_non_zero_with_a_chinese_message(ctx: AppContext, tmp_path: Path) -> None:
    root, _ids = office(ctx)
    cases = [
        (["document", "m.docx", "--kind", "monthly-report", "--period", "2026-13"], 1, "月份 13 不存在"),
        (["print", "m.pdf", "--kind", "monthly-report", "--period", "2026-13"], 1, "月份 13 不存在"),
        (["document", "q.docx", "--kind", "quarter-bulletin", "--period", "2026-11"], 1, "YYYY-Qn"),
        (["document", "t.docx", "--kind", "topic-report"], 1, "需要指定课题"),
        (["print", "t.pdf", "--kind", "topic-report"], 1, "需要指定课题"),
        (["document", "t.docx", "--kind", "topic-report", "--id", "没有这个课题"], 1, "没有找到课题"),
        (["document", "x.docx", "--kind", "weekly-report"], 2, "无效的取值"),
    ]
    for args, want, words in cases:
        args = [a if not a.endswith((".docx", ".pdf")) else str(tmp_path / a) for a in args]
        code, _payload, err = run_cli(root, *args)
        assert code == want and words in err, (args, code, err)
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.pdf"))


def test_prefecture_documents_compare_the_counties(tmp_path: Path) -> None:
    import datetime as dt

    from desktop_app.demo.prefecture import generate_prefecture_demo

    root = tmp_path / "pref"
    generate_prefecture_demo(root, items=60, today=dt.date(2026, 11, 22))
    out = tmp_path / "q.docx"
    code, _payload, err = run_cli(root, "document", str(out), "--kind", "quarter-bulletin", "--period", "2026-Q4",
                                  "--office", "all")
    assert code == 0, err
    doc = Document(str(out))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0][1] == "单位"
    counties = [r[1] for r in rows[1:]]
    assert len(counties) == 3 and all(c.endswith("乡村振兴局") for c in counties)
    assert "西双版纳州乡村振兴局" not in counties  # the prefecture compares its counties, not itself
    text = "".join(p.text for p in doc.paragraphs)
    assert "各县（市、区）：" in text
    overdue = int(text.split("超过完成时限仍未完成整改的问题")[1].split("个")[0])
    assert overdue == sum(int(r[-1]) for r in rows[1:])  # every overdue item is some county's
    code, _payload, err = run_cli(root, "document", str(tmp_path / "m.docx"), "--kind", "monthly-report",
                                  "--office", "999999")
    assert code == 1 and "没有单位" in err
