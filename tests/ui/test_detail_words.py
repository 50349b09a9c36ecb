"""Detail panes say what a clerk can read: no emoji the shipped font lacks, no lines contradicting each other."""

from __future__ import annotations

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_sections
from desktop_app.work import topics
from desktop_app.work.types import OutcomeInput, TopicInput


def test_a_report_recorded_as_an_outcome_is_not_called_missing(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.work.topic_detail import TopicDetail

    sec = list_sections(ctx.db)[0].id
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec, "边境村寨产业发展调研"))
    detail = TopicDetail()
    qtbot.addWidget(detail)
    detail.show_topic(topics.get_topic(ctx.db, t.id), [])
    assert "未上传" in detail.summary.text()
    o = topics.add_outcome(ctx.db, ctx.actor, t.id, OutcomeInput("理论成果", "关于边境村寨产业发展的调研报告"))
    detail.show_topic(topics.get_topic(ctx.db, t.id), topics.outcome_infos(ctx.db, year=2026))
    assert "成果中已登记《关于边境村寨产业发展的调研报告》" in detail.summary.text()
    assert o is not None


def test_every_character_of_a_timeline_with_attachments_is_in_the_shipped_font(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                                 tmp_path) -> None:  # noqa: ANN001
    import datetime as dt
    from pathlib import Path

    from PySide6.QtGui import QRawFont

    from desktop_app.ledger import lifecycle
    from desktop_app.ledger.detail import get_issue_detail
    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from ui.ledger.detail_pane import DetailPane

    evidence = tmp_path / "整改照片.jpg"
    evidence.write_bytes(b"jpeg")
    [issue_id] = create_issues(ctx.db, ctx.actor, [IssueInput("农村户厕改造后使用率不高", measures="逐户回访",
                                                              unit="综合科", person="吴芳", kind="dated",
                                                              deadline=dt.date(2026, 9, 30))])
    lifecycle.add_progress(ctx.db, ctx.actor, issue_id, dt.date(2026, 5, 6), "已完成户厕改造回访", 50,
                           files=[evidence], attachments_dir=ctx.data.attachments)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_detail(get_issue_detail(ctx.db, issue_id))
    text = pane.timeline.toPlainText()
    assert "附件：整改照片.jpg" in text
    shipped = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"
    raw = QRawFont(str(shipped), 12)
    assert raw.supportsCharacter(ord("台")) and not raw.supportsCharacter(ord("📎"))  # (an int: a str is misread)
    missing = {ch for ch in text if not ch.isspace() and not raw.supportsCharacter(ord(ch))}
    assert missing == set()


def test_no_text_of_the_ui_uses_a_character_the_shipped_font_lacks(qtbot) -> None:  # noqa: ANN001
    """The app renders with its own font (no system Chinese font is assumed): an emoji or symbol it lacks
    (📎, ⚠) is a tofu box on a clean Linux desktop. Every string literal under ui/ is checked."""
    import ast
    from pathlib import Path

    from PySide6.QtGui import QRawFont

    root = Path(__file__).resolve().parents[2]
    raw = QRawFont(str(root / "resources" / "fonts" / "wqy-microhei.ttc"), 12)
    missing: dict[str, str] = {}
    for path in sorted((root / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                for ch in node.value:
                    if ord(ch) > 127 and not raw.supportsCharacter(ord(ch)):
                        missing.setdefault(ch, f"{path.relative_to(root)}:{node.lineno}")
    assert missing == {}


def test_the_ledger_card_says_where_voided_items_went(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """The demo made 300 items and the card said 298: 作废 ones are hidden (as in the ledger), now said so."""
    import datetime as dt

    from desktop_app.dashboard import summary as dashboard
    from desktop_app.ledger import lifecycle
    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from ui.dashboard.dashboard_page import DashboardPage

    made = create_issues(ctx.db, ctx.actor, [IssueInput(f"问题{n}", measures="整改", unit="综合科", person="吴芳",
                                                        deadline=dt.date(2026, 9, 30)) for n in range(3)])
    lifecycle.void_issue(ctx.db, ctx.actor, made[0], "重复登记")
    s = dashboard.summary(ctx.db)
    assert (s.issues, s.issues_void) == (2, 1)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert "另有已作废 1 项未计入" in page.cards["issues"].note.text()


def test_the_colour_ring_has_a_legend(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    import datetime as dt

    from desktop_app.ledger.service import create_issues
    from desktop_app.ledger.types import IssueInput
    from ui.ledger.stats_widget import LedgerStatsWidget

    create_issues(ctx.db, ctx.actor, [IssueInput("逾期的问题", measures="整改", unit="综合科", person="吴芳",
                                                 deadline=dt.date(2026, 1, 5), assigned_date=dt.date(2026, 1, 2))])
    w = LedgerStatsWidget(ctx)
    qtbot.addWidget(w)
    w.refresh()
    qtbot.waitUntil(lambda: "逾期 1" in w.legend.text(), timeout=10_000)
    for word in ("临期", "正常", "办结"):
        assert word in w.legend.text()
