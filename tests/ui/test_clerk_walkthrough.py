"""What a clerk clicking through the app noticed: each test pins one fixed annoyance."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from db.models import AuditEntry, Issue
from desktop_app.core.context import AppContext, open_context
from desktop_app.demo import generate as demo
from desktop_app.demo import prefecture as demo_prefecture
from desktop_app.ledger import service
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import SetupInput, initialise_office, list_people, list_sections
from desktop_app.quiz import bank, exams, papers
from desktop_app.quiz.types import ExamInput, QuestionInput, RuleLine, ScoreEntry
from desktop_app.sync import peers
from desktop_app.sync.bundle_writer import export_bundle
from desktop_app.work import topics, visits
from desktop_app.work.types import TopicInput, VisitInput
from tests.helpers.common import SAMPLES
from ui import dialogs, fonts
from ui.app import qt_gaps_translator
from ui.excel.import_dialog import ExcelImportDialog
from ui.ledger.issue_dialog import IssueDialog
from ui.main_window import MainWindow
from ui.navigation import PAGES
from ui.office_scope import OfficeScopeCombo
from ui.quiz.awards_tab import AwardsTab
from ui.quiz.exams_tab import ExamDialog, ExamsTab
from ui.quiz.paper_dialog import PaperBuilderDialog
from ui.quiz.practice_tab import PracticeTab
from ui.quiz.question_dialog import QuestionDialog
from ui.rows_model import RowsTableModel
from ui.settings.people_tab import PeopleTab
from ui.sync.exchange_page import ExchangePage
from ui.work.topic_detail import TopicDetail
from ui.work.topic_dialogs import TopicDialog
from ui.work.visit_dialog import VisitDialog
from ui.work.visits_page import VisitsPage

STYLE = Path(__file__).resolve().parents[2] / "ui" / "style.qss"
PRIMARY_BLUE = QColor("#1f4e8c")


def test_disabled_default_button_does_not_look_clickable(qtbot) -> None:  # noqa: ANN001
    """导入 in the Excel dialog (a default button) was disabled but painted in the primary blue."""
    dlg = QDialog()
    dlg.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    qtbot.addWidget(dlg)
    box = QDialogButtonBox()
    button = box.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
    QVBoxLayout(dlg).addWidget(box)
    button.setDefault(True)
    dlg.show()
    qtbot.waitExposed(dlg)

    def fill() -> QColor:
        img = button.grab().toImage()
        return img.pixelColor(img.width() // 2, 3)  # inside the padding, above the text

    assert fill() == PRIMARY_BLUE  # enabled: the default button is the blue one
    button.setEnabled(False)
    assert fill() != PRIMARY_BLUE



@pytest.fixture
def shipped_font(qapp: QApplication) -> Iterator[None]:  # noqa: ANN001
    """The shipped CJK font as the application font, as ``ui.app.make_app`` sets it (widths depend on it)."""
    before = qapp.font()
    fonts.install(qapp)
    yield
    qapp.setFont(before)


def _clipped_buttons(page: QWidget) -> list[str]:
    """Visible push buttons narrower than their text needs (the label is cut off)."""
    return [f"{b.text()} {b.width()}<{b.sizeHint().width()}" for b in page.findChildren(QPushButton)
            if b.isVisible() and b.width() < b.sizeHint().width() - 1]


def test_topics_toolbar_fits_a_1280_window(qtbot, ctx: AppContext, shipped_font: None) -> None:  # noqa: ANN001
    """推进到“调研中” was drawn as “进到“调研中” in the default 1280×800 window: the bar was too wide."""
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "村规民约修订"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    window.resize(1280, 800)
    window.show()
    page = window.show_page("topics")
    page.year.setValue(2026)
    page._select(t.id)
    QApplication.processEvents()
    assert page.buttons["forward"].text() == "推进到“调研中”"
    assert _clipped_buttons(page) == []


@pytest.mark.parametrize("make", ["issue", "visit", "topic", "question"])
def test_tab_leaves_a_multiline_field(qtbot, ctx: AppContext, make: str) -> None:  # noqa: ANN001
    """Tab in 问题描述 typed a tab character instead of moving on to 整改措施 (same in the other forms)."""
    if make == "issue":
        dlg, first, second = (d := IssueDialog(ctx)), d.description, d.measures
    elif make == "visit":
        dlg, first, second = (d := VisitDialog(ctx, year=2026, start=dt.date(2026, 3, 3))), d.purpose, d.findings
    elif make == "topic":
        dlg = TopicDialog(ctx, 2026)
        first, second = dlg.stages, None
    else:
        dlg, first, second = (d := QuestionDialog(ctx)), d.stem, None
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    first.setFocus()
    first.insertPlainText("村规民约")
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert first.toPlainText() == "村规民约"
    assert dlg.focusWidget() is not first
    if second is not None:
        assert dlg.focusWidget() is second


def test_window_title_names_the_app_once(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """The title bar read “调研工作台 — 景洪市乡村振兴局（532801） · 2026年度 — 调研工作台”: Qt appends the
    application display name itself."""
    app = QApplication.instance()
    before = app.applicationDisplayName()
    app.setApplicationDisplayName("调研工作台")  # as ui.app.make_app sets it
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        title = window.windowTitle()
        shown = title if title.endswith("调研工作台") else f"{title} — 调研工作台"  # what Qt puts in the title bar
        assert shown.count("调研工作台") == 1
        assert "景洪市乡村振兴局（532801）" in shown and "2026年度" in shown
    finally:
        app.setApplicationDisplayName(before)


def test_dates_in_forms_read_yyyy_mm_dd(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """考试日期 showed 2026/11/22 while every other date reads 2026-11-22."""
    forms = [ExamDialog(ctx), IssueDialog(ctx), VisitDialog(ctx, year=2026, start=dt.date(2026, 3, 3)),
             TopicDialog(ctx, 2026)]
    for form in forms:
        qtbot.addWidget(form)
        for edit in form.findChildren(QDateEdit):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", edit.text()), (type(form).__name__, edit.text())


def test_export_tab_drops_the_no_peer_hint_once_a_card_is_trusted(qtbot, dialog_answers, ctx: AppContext,  # noqa: ANN001
                                                                 tmp_path: Path) -> None:
    """导出数据包 kept saying 尚未信任任何单位 next to the office just trusted and chosen as 接收单位."""
    pref = open_context(tmp_path / "pref", daily_backup=False)
    try:
        initialise_office(pref, SetupInput(code="532800", name="西双版纳州乡村振兴局", level="prefecture",
                                           sections=["综合科"], year=2026))
        card = peers.own_card(pref.db, pref.data.keys)
        card_file = tmp_path / "532800.fdcard"
        card_file.write_bytes(card.to_json())
    finally:
        pref.close()
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    assert "尚未信任任何单位" in page.export.result.text()
    dialog_answers.files.append(str(card_file))
    dialog_answers.confirms.append(True)  # 一致，信任该单位
    page.cards.import_btn.click()
    assert page.export.peer.count() == 1
    assert "尚未信任任何单位" not in page.export.result.text()


def test_exchange_tables_right_align_figures_and_hide_row_numbers(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """各县比较 showed 300, 31.3% flush left under a column of meaningless row numbers."""
    model = RowsTableModel([("单位", lambda r: r[0]), ("问题数", lambda r: r[1]), ("销号率", lambda r: r[2]),
                            ("单位代码", lambda r: r[3])])
    model.set_items([("景洪市乡村振兴局", 300, "31.3%", "532801")])
    align = [model.data(model.index(0, c), Qt.ItemDataRole.TextAlignmentRole) for c in range(4)]
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert align == [None, right, right, None]
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    for view in (page.cards.table, page.importer.table, page.conflicts.table):
        assert view.verticalHeader().isHidden()


def test_practice_counts_the_answer_just_given(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """练习: after 提交答案 the line still read 已练 0 题 until 下一题."""
    bank.create_question(ctx.db, ctx.actor, QuestionInput("判断", "“四不两直”调研可以提前通知被调研单位。", [], "错"))
    tab = PracticeTab(ctx)
    qtbot.addWidget(tab)
    assert tab.counts.text().startswith("已练 0 题")
    tab.submit()  # no choice made: a wrong answer still counts as drilled
    assert tab.feedback.text().startswith("回答错误")
    assert tab.counts.text().startswith("已练 1 题")


def _edit_entries(ctx: AppContext, issue_id: str) -> int:
    with ctx.db.session() as s:
        return len(s.execute(select(AuditEntry.id).where(AuditEntry.action == "edit_issue",
                                                         AuditEntry.target_id == issue_id)).all())


def test_saving_an_unchanged_item_adds_nothing_to_its_timeline(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """编辑 → 保存 without a change put “修改问题 完成时限：2026-05-03” on the item's timeline."""
    issue_id = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        "村规民约修订滞后", measures="逐村排查", unit="县民政局", person="吴芳", deadline=dt.date(2026, 5, 3),
        assigned_date=dt.date(2026, 3, 2))])[0]
    dlg = IssueDialog(ctx, issue_id=issue_id)
    qtbot.addWidget(dlg)
    assert dlg.submit()
    assert _edit_entries(ctx, issue_id) == 0
    dlg = IssueDialog(ctx, issue_id=issue_id)
    qtbot.addWidget(dlg)
    dlg.measures.setPlainText("一月内完成修订并公示")
    assert dlg.submit()
    assert _edit_entries(ctx, issue_id) == 1


def test_outcome_buttons_say_what_they_need(qtbot, dialog_answers) -> None:  # noqa: ANN001
    """编辑成果/删除成果 did nothing at all when no outcome was selected: now they are greyed until one is, and
    say so (issue #19: every disabled action gives its reason)."""
    detail = TopicDetail()
    qtbot.addWidget(detail)
    for button in (detail.edit_outcome, detail.remove_outcome):
        assert not button.isEnabled() and "选" in button.toolTip()


def test_empty_card_list_says_how_to_start(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """单位与身份卡: a new county saw an empty table and no word on what to do first."""
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    assert page.cards.model.rowCount() == 0
    assert "导出本单位身份卡" in page.cards.peers_title.text() and "导入对方身份卡" in page.cards.peers_title.text()


def test_awards_tab_says_what_fills_its_empty_tables(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """评先: three empty tables and no word that 生成建议名单 fills them."""
    tab = AwardsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.sections.rowCount() == 0 and "生成建议名单" in tab.availability.text()


def test_build_paper_fits_the_bank_and_is_off_once_answered(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """组卷 asked for 10 判断 from a bank of 8 (refused after filling in), and stayed enabled for an exam already
    answered (refused: 已有人作答)."""
    for i in range(2):
        bank.create_question(ctx.db, ctx.actor, QuestionInput("判断", f"第{i + 1}道判断题。", [], "对"))
    exam = exams.create_exam(ctx.db, ctx.actor, ExamInput("2026年第四季度业务知识测试", 2026, 4, mode="paper"))
    dlg = PaperBuilderDialog(ctx, exam)
    qtbot.addWidget(dlg)
    counts = {t: count.value() for t, count, _points, _tag in dlg.rule_rows}
    assert counts["判断"] == 2 and counts["单选"] == 0
    papers.build_papers(ctx.db, ctx.actor, exam.id, [RuleLine("判断", 2, 5.0)], seed=1)
    tab = ExamsTab(ctx)
    qtbot.addWidget(tab)
    tab.select(exam.id)
    assert tab.buttons["build"].isEnabled()
    people = list_people(ctx.db)
    exams.set_scores(ctx.db, ctx.actor, exam.id, [ScoreEntry(people[0].id, 8.0)])
    tab.refresh()
    tab.select(exam.id)
    assert not tab.buttons["build"].isEnabled() and "新建一场考试" in tab.buttons["build"].toolTip()


# English a clerk should never meet on a page: Qt's own untranslated words and the app's internal codes
ENGLISH = re.compile(r"(?<![A-Za-z])(OK|Cancel|Yes|No|Save|Delete|Edit|Error|Warning|None|True|False|Loading|Close|"
                     r"Apply|Status|Search|in_progress|not_started|pending|approved|rejected|immediate|dated|ongoing|"
                     r"county|prefecture|in-app|nan|null)(?![A-Za-z])")


def _visible_texts(page: QWidget) -> list[str]:
    """What the clerk reads on a page: labels, buttons, group and tab titles, combo items, table headers and cells."""
    out: list[str] = []
    for w in page.findChildren(QWidget):
        if not w.isVisibleTo(page):
            continue
        if isinstance(w, QAbstractButton | QLabel):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            out.extend(w.itemText(i) for i in range(w.count()))
        elif isinstance(w, QTabWidget):
            out.extend(w.tabText(i) for i in range(w.count()))
        elif isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            for c in range(m.columnCount()):
                out.append(str(m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""))
                out.extend(str(m.data(m.index(r, c), Qt.ItemDataRole.DisplayRole) or "") for r in range(min(m.rowCount(), 30)))
    return out


@pytest.mark.parametrize("office", ["county", "prefecture"])
def test_no_english_on_any_page_or_tab(qtbot, tmp_path: Path, office: str) -> None:  # noqa: ANN001
    """Every page and tab of a demo county and of the demo prefecture (looking at 全部单位), as a clerk sees
    them: no English words nor internal codes."""
    if office == "county":
        demo.generate_demo(tmp_path / "demo", items=30, today=dt.date(2026, 11, 22))
    else:
        demo_prefecture.generate_prefecture_demo(tmp_path / "demo", items=5, today=dt.date(2026, 11, 22))
    c = open_context(tmp_path / "demo", daily_backup=False)
    try:
        window = MainWindow(c)
        qtbot.addWidget(window)
        window.show()
        found: list[str] = []
        seen: set[str] = set()
        for spec in PAGES:
            page = window.show_page(spec.key)
            for combo in page.findChildren(OfficeScopeCombo):  # a prefecture looks at every county's rows
                combo.setCurrentIndex(combo.count() - 1)
            tabs = page.findChildren(QTabWidget)
            for t in tabs or [None]:
                for i in range(t.count() if t else 1):
                    if t:
                        t.setCurrentIndex(i)
                    QApplication.processEvents()
                    texts = _visible_texts(page)
                    seen.update(texts)
                    found += [f"{spec.title}: {text[:60]}" for text in texts if ENGLISH.search(text)]
        assert found == []
        # the walk did read the pages' tables (a check that reads nothing would pass for ever)
        assert {"问题清单", "推进中", "调研中", "县乡村振兴局", "单选", "在岗"} <= seen
    finally:
        c.close()


def test_person_form_stays_open_on_a_refusal(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    """添加人员 with no 姓名: the form closed, then 人员姓名不能为空 showed over the list — everything typed was lost."""
    tab = PeopleTab(ctx)
    qtbot.addWidget(tab)
    tab.add_btn.click()
    dlg = tab.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.post.setText("科员")
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog_answers.warnings and "姓名" in dialog_answers.warnings[-1]
    assert dlg.isVisible() and dlg.post.text() == "科员"  # still there to correct
    dlg.name.setText("孙丽")
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dlg.isVisible()
    assert "孙丽" in [p.name for p in list_people(ctx.db)]


def test_finding_to_ledger_asks_in_a_box_wide_enough_to_read(qtbot, ctx: AppContext, monkeypatch,  # noqa: ANN001
                                                              dialog_answers) -> None:
    """发现问题转入台账 showed a long finding in a one-line box about 170 pixels wide."""
    people = {p.name: p.id for p in list_people(ctx.db)}
    finding = "安置点公共服务配套不足，就业岗位与群众技能不匹配，部分群众反映就近务工渠道少。"
    saved = visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 3), dt.date(2026, 3, 4), "勐阿镇纳京村",
                                                               people["刘洋"], findings=finding))
    asked: list[dict] = []

    def ask_text(parent: object, label: str, title: str = "", text: str = "", **k: object) -> str:
        asked.append({"text": text, **k})
        return text

    monkeypatch.setattr(dialogs, "ask_text", ask_text)
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(saved.visit.id)
    page.to_ledger()
    assert asked == [{"text": finding, "multiline": True}]
    # once turned into an item, doing it again asks first; 取消 makes no second copy
    dialog_answers.confirms.append(False)
    page._select(saved.visit.id)
    page.to_ledger()
    assert "已有 1 条问题转入台账" in dialog_answers.questions[-1] and len(asked) == 1
    box = dialogs.text_dialog(page, "转入问题台账的问题描述：", "发现问题转入台账", finding, multiline=True)
    qtbot.addWidget(box)
    assert box.width() >= 500 and box.findChild(QPlainTextEdit) is not None


def test_file_dialog_labels_are_chinese(qtbot) -> None:  # noqa: ANN001
    """导入 Excel → 选择文件: the file dialog said “Look in:”, “Files of type:” and “Folder” (not in Qt's Chinese)."""
    app = QApplication.instance()
    gaps = qt_gaps_translator(app)
    assert gaps is not None
    app.installTranslator(gaps)
    try:
        box = QFileDialog(None, "选择要导入的 Excel 文件", str(Path.home()))
        box.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(box)
        labels = {w.objectName(): w.text() for w in box.findChildren(QLabel)}
        assert labels["lookInLabel"] == "查找范围(&L)：" and labels["fileTypeLabel"] == "文件类型(&T)："
        assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms") == "文件夹"
    finally:
        app.removeTranslator(gaps)


def test_file_boxes_open_where_the_clerk_was_not_in_the_program_folder(monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """选择文件/另存为 opened in the program's own folder (/work/main, C:\\Program Files\\…), every time."""
    monkeypatch.setattr(dialogs, "_last_dir", "")
    first = Path(dialogs.start_dir("问题台账.xlsx"))
    assert first.is_absolute() and first.name == "问题台账.xlsx" and first.parent != Path.cwd()
    dialogs._remember(str(tmp_path / "U盘" / "ledger.xlsx"))
    assert dialogs.start_dir("问题台账.xlsx") == str(tmp_path / "U盘" / "问题台账.xlsx")
    assert dialogs.start_dir() == str(tmp_path / "U盘")
    assert dialogs.start_dir(str(tmp_path / "backups")) == str(tmp_path / "backups")  # a folder given is kept


def test_importing_the_same_ledger_sheet_again_warns_and_asks(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    """导入 Excel twice with the same 问题清单 made every item twice, without a word."""
    def dialog() -> ExcelImportDialog:
        dlg = ExcelImportDialog(ctx, "ledger")
        qtbot.addWidget(dlg)
        dlg.load(str(SAMPLES / "ledger.xlsx"))
        assert dlg.task.wait(20_000)
        return dlg

    first = dialog()
    assert "可能已导入过" not in first.status.text()
    first.import_button.click()
    assert first.task.wait(20_000)
    assert len(_issue_ids(ctx)) == 5
    again = dialog()
    assert "其中 5 条" in again.status.text() and "可能已导入过" in again.status.text()
    dialog_answers.confirms.append(False)  # 取消: nothing more is written
    again.import_button.click()
    assert "可能已导入过" in dialog_answers.questions[-1] and len(_issue_ids(ctx)) == 5
    dialog_answers.confirms.append(True)  # 仍然导入: the clerk meant it
    again.import_button.click()
    assert again.task.wait(20_000)
    assert len(_issue_ids(ctx)) == 10


def _issue_ids(ctx: AppContext) -> list[str]:
    with ctx.db.session() as s:
        return list(s.execute(select(Issue.id).where(Issue.deleted.is_(False))).scalars())


def test_bundle_preview_names_the_sending_office(qtbot, dialog_answers, ctx: AppContext, tmp_path: Path) -> None:  # noqa: ANN001
    """导入数据包: the line above the table said （来自单位 532801） while the table said 景洪市乡村振兴局（532801）."""
    pref = open_context(tmp_path / "pref", daily_backup=False)
    try:
        initialise_office(pref, SetupInput(code="532800", name="西双版纳州乡村振兴局", level="prefecture",
                                           sections=["综合科"], year=2026))
        county_card, pref_card = peers.own_card(ctx.db, ctx.data.keys), peers.own_card(pref.db, pref.data.keys)
        peers.trust_card(ctx.db, ctx.actor, pref_card, pref_card.fingerprint)
        peers.trust_card(pref.db, pref.actor, county_card, county_card.fingerprint)
        target = tmp_path / "county.fdbundle"
        export_bundle(ctx.db, ctx.data, ctx.actor, "532800", target)
        page = ExchangePage(pref)
        qtbot.addWidget(page)
        dialog_answers.files.append(str(target))
        page.importer.pick.click()
        assert page.importer.task.wait(30_000)
        assert "来自 景洪市乡村振兴局（532801）" in page.importer.status.text()
    finally:
        pref.close()
