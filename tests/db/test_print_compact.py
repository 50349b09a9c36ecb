"""The ledger printed as a clerk prints it: the demo's 问题清单 in the 紧凑版 (default), the 完整版 and on A3,
through ``fielddesk print``; read back with pdftotext/pdfinfo."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from desktop_app.cli.main import run as cli_main
from desktop_app.demo import generate as demo
from desktop_app.reports import fonts
from desktop_app.reports.layout import Column, TableLook, fit_columns, paged_tables, token_min_widths
from tests.helpers import pg_plugin

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.generate_demo(root, items=300, today=dt.date(2026, 11, 22))
    return root


def run_print(root: Path, out: Path, *extra: str) -> dict:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli_main(["--data-dir", str(root), "print", str(out), "--json", *extra])
    assert code == 0
    return json.loads(buf.getvalue())


def raw_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert m
    return float(m.group(1)), float(m.group(2))


def ledger_facts(root: Path) -> tuple[int, list[str], list[str]]:
    if pg_plugin.ACTIVE:  # the folder's database is on the test server
        n = pg_plugin.count_rows(root, "issue where status != 'void'")
        serials = [str(r) for r in pg_plugin.column(root, "select serial from issue where status != 'void'")]
        dates = [d.isoformat() for d in pg_plugin.column(
            root, "select deadline from issue where deadline is not null and status != 'void'")]
        return n, serials, dates
    con = sqlite3.connect(root / "fielddesk.db")
    try:
        n = con.execute("select count(*) from issue where status != 'void'").fetchone()[0]
        serials = [r[0] for r in con.execute("select serial from issue where status != 'void'")]
        dates = [r[0] for r in con.execute("select deadline from issue where deadline is not null and status != 'void'")]
    finally:
        con.close()
    return n, serials, dates


def test_compact_is_the_default_and_fits_eight_items_a_page(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ledger.pdf"
    result = run_print(demo_dir, out, "--kind", "ledger")
    assert result["layout"] == "compact" and result["paper"] == "A4"
    items, serials, dates = ledger_facts(demo_dir)
    assert items >= 290
    assert items / result["pages"] >= 8, f"{items} items on {result['pages']} pages"
    w, h = page_size(out)
    assert (round(w), round(h)) == (842, 595)  # A4 landscape
    text = raw_text(out)
    # 紧凑版 columns: no 整改措施 column, 状态 and 预警 share one
    assert "整改措施" not in text and "问题描述" in text
    # dates, serials never broken across lines: each is found whole, and no date stub ends a line
    flat = text.replace("\n", " ")
    assert all(s in flat for s in serials)
    assert all(d[:10] in flat for d in dates)
    assert not re.search(r"20\d\d-\d\d-\d?\n", text), "a date is split across lines"
    assert not re.search(r"20\d\d-\d{0,2}\n", text), "a serial or date is split across lines"


def test_full_layout_keeps_every_column_and_whole_dates(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "full.pdf"
    result = run_print(demo_dir, out, "--kind", "ledger", "--layout", "full")
    text = raw_text(out)
    assert result["layout"] == "full" and "整改措施" in text and "整改进展" in text
    compact = run_print(demo_dir, tmp_path / "compact.pdf", "--kind", "ledger")
    assert result["pages"] > compact["pages"] * 2
    # the bug reported: “2026-12-1 / 4）” in the 完成时限 column of the 完整版
    assert not re.search(r"20\d\d-\d\d-\d?\n", text), "a date is split across lines"


def test_a3_landscape(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "a3.pdf"
    result = run_print(demo_dir, out, "--kind", "ledger", "--paper", "A3")
    a4 = run_print(demo_dir, tmp_path / "a4.pdf", "--kind", "ledger")
    w, h = page_size(out)
    assert (round(w), round(h)) == (1191, 842)
    assert result["pages"] < a4["pages"]
    sup = run_print(demo_dir, tmp_path / "sup.pdf", "--kind", "supervision", "--paper", "A3", "--layout", "full")
    assert round(page_size(tmp_path / "sup.pdf")[0]) == 1191 and sup["pages"] >= 1


def test_unknown_paper_is_refused(demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main(["--data-dir", str(demo_dir), "print", str(tmp_path / "x.pdf"), "--kind", "ledger", "--paper", "B5"])
    assert "B5" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# --- the layout rules on made-up rows --------------------------------------------------------------


def test_min_widths_keep_tokens_whole() -> None:
    fs = fonts.build_fontset()
    cols = [Column("问题描述", 200), Column("完成时限", 10, "CENTER")]
    rows = [["描述", "2026-12-14"], ["描述", "（原2026-12-14）"]]
    mins = token_min_widths(rows, 2, fs, fs.body, 10.5, 2.5)
    token = fs.string_width("2026-12-14）", fs.body, 10.5)
    assert mins[1] >= token + 5
    widths = fit_columns(cols, 700, mins)
    assert widths[1] >= mins[1] - 0.01 and abs(sum(widths) - 700) < 0.01
    # without minimums the narrow column is too small for the date: that was the bug
    assert fit_columns(cols, 700)[1] < mins[1]


def test_rows_are_not_split_unless_taller_than_a_page() -> None:
    fs = fonts.build_fontset()
    cols = [Column("序号", 10, "CENTER"), Column("问题描述", 100)]
    look = TableLook(font_size=10.5, header_size=10.5)
    rows = [[str(i), "村级活动场所设施闲置，群众意见较大。" * (3 + i % 5)] for i in range(40)]
    rows.insert(20, ["99", "很长的问题描述，" * 400])  # far taller than a page
    tables = [f for f in paged_tables(cols, rows, fs, 400, 300, 400, look=look) if hasattr(f, "rows")]
    seen: list[str] = []
    for page in tables:
        assert page.height <= 400 + 0.01
        seen.extend(r[0][0] if r[0] else "" for r in page.rows)
    numbers = [s for s in seen if s]
    # every ordinary row appears exactly once (whole); only the tall one continues ("" in its 序号 cell)
    assert sorted(numbers, key=int) == sorted([str(i) for i in range(40)] + ["99"], key=int)
    assert seen.count("") >= 1


# --- rare names: never a refused print ------------------------------------------------------------


RARE_NAMES = "㛃䶮鿏𠮷𫖯𬌗"


def test_rare_names_print_with_geta_and_a_warning_naming_the_items(ctx, tmp_path: Path) -> None:
    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from desktop_app.reports import jobs
    from tests.helpers.common import TEST_ACTOR

    people = ["王芳", "刘䶮", "吉𠮷", "赵㛃"]
    items = [IssueInput(description=f"第{i}号：村级活动场所设施闲置。", category="基层党建", measures="盘活。",
                        unit="勐龙镇人民政府", person=people[i], deadline=dt.date(2026, 6, 1),
                        assigned_date=dt.date(2026, 3, 1), year=2026) for i in range(4)]
    create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    # only the shipped font (WenQuanYi has none of 䶮 𠮷 㛃): the print is made, with 〓 and a warning
    fs = fonts.build_fontset(fonts.default_choice([]), faces=[])
    out = tmp_path / "rare.pdf"
    result = jobs.render(ctx.db, jobs.PrintJob("ledger", year=2026), out, fontset=fs)
    text = raw_text(out)
    assert result.pages >= 1 and "王芳" in text and "刘〓" in text and "吉〓" in text
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert all(ch in warning for ch in "䶮𠮷㛃") and "〓" in warning
    serials = re.findall(r"2026-\d{3}", text)
    assert serials[1] in warning and serials[0] not in warning  # the items, by their 编号; 王芳's is not named

    # a TrueType font holding them anywhere on the computer: found by its coverage, no 〓, no warning
    from desktop_app.reports import font_scan
    from tests.helpers.fontmaker import make_font

    make_font(tmp_path / "fonts" / "ext.ttf", "HanaMinA", RARE_NAMES)
    fs2 = fonts.build_fontset(fonts.default_choice([]),
                              faces=font_scan.scan([tmp_path / "fonts"], tmp_path / "cache.json"))
    result2 = jobs.render(ctx.db, jobs.PrintJob("ledger", year=2026), tmp_path / "rare2.pdf", fontset=fs2)
    text2 = raw_text(tmp_path / "rare2.pdf")
    assert result2.warnings == [] and "刘䶮" in text2 and "吉𠮷" in text2 and "〓" not in text2


def test_the_fonts_the_app_ships_or_finds_print_every_rare_name(ctx, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Default discovery (the app's resources/fonts/extra, then the system's folders): with Hanazono Mincho
    there (the package ships it; CI installs Debian's fonts-hanazono) the whole rare-name set prints as
    itself — no 〓, no warning. Without such a font this computer cannot show it: skipped, saying so."""
    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from desktop_app.reports import font_scan, jobs
    from tests.helpers.common import TEST_ACTOR

    monkeypatch.setenv("FIELDDESK_FONT_CACHE", str(tmp_path / "fonts.json"))
    faces = font_scan.scan()
    if not all(any(f.has(ch) for f in faces if f.truetype) for ch in RARE_NAMES):
        pytest.skip("no TrueType font here covers 㛃䶮鿏𠮷𫖯𬌗: apt-get install fonts-hanazono (CI installs it)")
    people = [f"刘{ch}" for ch in RARE_NAMES]
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(description=f"第{i}号：村级活动场所设施闲置。", category="基层党建",
                                                  measures="盘活。", unit="勐龙镇人民政府", person=p,
                                                  deadline=dt.date(2026, 6, 1), assigned_date=dt.date(2026, 3, 1),
                                                  year=2026) for i, p in enumerate(people)], today=dt.date(2026, 3, 1))
    fs = fonts.build_fontset(fonts.default_choice([]), faces=faces)
    result = jobs.render(ctx.db, jobs.PrintJob("ledger", year=2026), tmp_path / "rare.pdf", fontset=fs)
    text = raw_text(tmp_path / "rare.pdf")
    assert result.warnings == [] and "〓" not in text
    assert all(p in text for p in people)


def test_cli_print_names_the_rare_characters(ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from tests.helpers.common import TEST_ACTOR

    create_issues(ctx.db, TEST_ACTOR, [IssueInput(description="村道破损", unit="综合科", person="刘䶮", year=2026,
                                                  deadline=dt.date(2026, 6, 1))], today=dt.date(2026, 3, 1))
    root = ctx.data.root
    monkeypatch.setattr(fonts, "system_faces", lambda: ())  # this computer: only the shipped font, no 䶮
    out = tmp_path / "rare.pdf"
    code = cli_main(["--data-dir", str(root), "print", str(out), "--kind", "ledger", "--year", "2026", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and out.is_file()
    result = json.loads(captured.out)
    assert len(result["warnings"]) == 1 and "䶮" in result["warnings"][0] and "2026-001" in result["warnings"][0]
    assert "注意" in captured.err and "䶮" in captured.err
    assert "刘〓" in raw_text(out)


def test_supervision_compact_and_numbers_whole(demo_dir: Path, tmp_path: Path) -> None:
    compact = run_print(demo_dir, tmp_path / "sup.pdf", "--kind", "supervision")
    full = run_print(demo_dir, tmp_path / "supf.pdf", "--kind", "supervision", "--layout", "full")
    assert compact["pages"] < full["pages"]
    for name in ("sup.pdf", "supf.pdf"):
        text = raw_text(tmp_path / name)
        assert "超期" in text
        # 超期110个工作日 was printed 超期1 / 10个 / 工作日 (a centred cell split evenly through the number)
        assert not re.search(r"\d\n\d", text), "a number is split across lines"
