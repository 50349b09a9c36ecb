"""PDF printing from plain rows: fonts embedded, Chinese text and rare names extracted, header repeated,
page count grows with rows, warning marks printed, missing glyphs refused before printing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.ledger.types import IssueRow, ResponsibilityRow, SupervisionRow, UrgeInfo
from desktop_app.reports import fonts
from desktop_app.reports.ledger import issue_report, responsibility_report, supervision_report
from desktop_app.reports.table_report import render_table_report

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

RARE = ["王赟", "李喆", "张堃", "陈珺", "刘燊"]


def make_row(i: int, colour: str = "green", description: str | None = None, person: str | None = None) -> IssueRow:
    """A plain ledger row as the ledger service would return it."""
    return IssueRow(
        id=f"id{i}", serial=f"2026-{i:03d}", year=2026, source="visit", source_label="调研发现", category="基层党建",
        description=description or f"第{i}号问题：村级组织活动场所管理不规范，部分设施长期闲置，群众意见较大。",
        measures="制定整改方案，明确责任人和完成时限，每月调度。", kind="dated", kind_label="限期整改",
        lead_leader="刘洋", responsible_unit="勐龙镇人民政府", co_units="", responsible_person=person or RARE[i % 5],
        assigned_date=dt.date(2026, 3, 1), deadline=dt.date(2026, 6, 30), original_deadline=dt.date(2026, 6, 30),
        status="in_progress", status_label="推进中", progress_percent=50, latest_progress="已完成场所清理",
        closure_state="", closed_at=None, colour=colour, colour_label="", office_code="532801")


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text in drawing order with all whitespace removed (cells wrap over several lines)."""
    args = ["pdftotext", "-raw"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module")
def fontset() -> fonts.FontSet:
    return fonts.build_fontset()


def test_ledger_pdf_embeds_fonts_and_prints_rare_names(tmp_path: Path, fontset: fonts.FontSet) -> None:
    rows = [make_row(i, colour=("red", "yellow", "green")[i % 3]) for i in range(1, 41)]
    out = tmp_path / "ledger.pdf"
    result = render_table_report(issue_report(rows, office="景洪市乡村振兴局", year=2026), out, fontset)
    assert result.pages == pdf_pages(out) >= 2
    listed = pdf_fonts(out)
    assert listed, "no fonts listed"
    for row in listed:
        # columns: name type encoding emb sub uni id gen; 'yes' in emb for every font
        assert row[-5] == "yes", f"font not embedded: {row}"
    text = pdf_text(out)
    for name in RARE:
        assert name in text
    assert "景洪市乡村振兴局2026年调研发现问题清单" in text
    assert "村级组织活动场所管理不规范" in text
    assert "■逾期" in text and "▲临期" in text  # marks, not only colour
    assert "填表人" in text and "审核人" in text and "联系电话" in text
    assert "—1—" in text and "—2—" in text


def test_header_row_repeats_on_every_page(tmp_path: Path, fontset: fonts.FontSet) -> None:
    rows = [make_row(i) for i in range(1, 60)]
    out = tmp_path / "ledger.pdf"
    pages = render_table_report(issue_report(rows), out, fontset).pages
    assert pages >= 3
    for p in range(2, pages + 1):
        page = pdf_text(out, p, p)
        assert "问题描述" in page and "整改措施" in page and "完成时限" in page, f"no header on page {p}"
    # every row printed exactly once, in order
    full = pdf_text(out)
    for i in range(1, 60):
        assert full.count(f"2026-{i:03d}") == 1


def test_page_count_grows_with_rows(tmp_path: Path, fontset: fonts.FontSet) -> None:
    counts = []
    for n in (5, 50, 200):
        out = tmp_path / f"l{n}.pdf"
        counts.append(render_table_report(issue_report([make_row(i) for i in range(n)]), out, fontset).pages)
    assert counts[0] < counts[1] < counts[2]


def test_row_taller_than_a_page_continues_on_next_page(tmp_path: Path, fontset: fonts.FontSet) -> None:
    long = "".join(f"第{k}段：群众反映村道破损严重，雨季出行困难。" for k in range(120))
    out = tmp_path / "long.pdf"
    pages = render_table_report(issue_report([make_row(1, description=long), make_row(2)]), out, fontset).pages
    assert pages >= 2
    text = pdf_text(out)
    assert "第0段" in text and "第119段" in text and "2026-002" in text


def test_missing_glyph_prints_as_geta_and_is_named(tmp_path: Path) -> None:
    # U+4DAE 䶮 (as in the name 刘䶮) is in CJK Extension A: not in WenQuanYi Micro Hei. Issue 16: never a
    # refused print — it prints as 〓 and the warning names the character and the item (was: refused).
    # Only the shipped font, whatever this computer has (CI installs fonts-hanazono, which holds 䶮)
    fontset = fonts.build_fontset(fonts.default_choice([]), faces=[])
    assert fontset.missing(["䶮"]) == {"䶮"}
    out = tmp_path / "x.pdf"
    report = issue_report([make_row(1), make_row(2, person="刘䶮")])
    render_table_report(report, out, fontset)
    assert "刘〓" in pdf_text(out) and "2026-001" in pdf_text(out)
    warnings = fontset.audit(report.items())
    assert len(warnings) == 1 and "U+4DAE" in warnings[0] and "2026-002" in warnings[0]
    assert "2026-001" not in warnings[0]


def test_missing_character_drawn_from_fallback_font(tmp_path: Path) -> None:
    # a Latin-only role font: every Chinese character must come from the fallback (WenQuanYi)
    dejavu = next((fonts.FontSpec(f.path, f.index, f.label, f.style) for f in fonts.system_faces()
                   if f.label == "DejaVu Sans" and f.path.endswith("DejaVuSans.ttf")), None)
    if dejavu is None:
        pytest.skip("DejaVu Sans not installed")
    fs = fonts.build_fontset({"body": dejavu, "title": dejavu, "heading": dejavu})
    assert fs.runs("AB赟", fs.body) == [(fs.body, "AB"), (fs.fallbacks[0], "赟")]
    out = tmp_path / "mixed.pdf"
    render_table_report(issue_report([make_row(2)], office="Test Ș 景洪"), out, fs)
    text = pdf_text(out)
    assert "TestȘ景洪" in text and "张堃" in text
    names = " ".join(r[0] for r in pdf_fonts(out))
    assert "DejaVu" in names and "WenQuanYi" in names


def test_responsibility_and_supervision_lists(tmp_path: Path, fontset: fonts.FontSet) -> None:
    resp = [ResponsibilityRow("勐龙镇人民政府", "", 10, 4, 6, 2, 1, 0.6),
            ResponsibilityRow("勐龙镇人民政府", "张堃", 3, 1, 2, 0, 1, 2 / 3)]
    out = tmp_path / "resp.pdf"
    render_table_report(responsibility_report(resp, office="景洪市乡村振兴局", year=2026), out, fontset)
    text = pdf_text(out)
    assert "问题整改责任清单" in text and "张堃" in text and "60.0%" in text and "■2" in text
    urges = [UrgeInfo("u1", dt.date(2026, 7, 3), 2, "重点催办", "请于本周内报送进展", "刘燊")]
    sup = [SupervisionRow(make_row(7, colour="red"), urges, -12)]
    out2 = tmp_path / "sup.pdf"
    render_table_report(supervision_report(sup), out2, fontset)
    text2 = pdf_text(out2)
    assert "问题整改督办清单" in text2 and "重点催办" in text2 and "超期12个工作日" in text2
    assert "请于本周内报送进展" in text2 and "■逾期" in text2


def test_empty_list_still_prints_header(tmp_path: Path, fontset: fonts.FontSet) -> None:
    out = tmp_path / "empty.pdf"
    render_table_report(issue_report([]), out, fontset)
    text = pdf_text(out)
    assert "无符合条件的记录" in text and "问题描述" in text


def test_pasted_control_characters_print_cleanly(tmp_path: Path, fontset: fonts.FontSet) -> None:
    out = tmp_path / "ctrl.pdf"
    row = make_row(1, description="台账\t不全\x0b，过期\u200b药品\r\n未清理。")
    render_table_report(issue_report([row]), out, fontset)
    assert "台账不全，过期药品未清理。" in pdf_text(out)
