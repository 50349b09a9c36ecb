"""数据交换 page: cards with fingerprint confirmation, export, preview then import, conflicts, county view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Issue
from desktop_app.core.context import AppContext, open_context
from desktop_app.org.organisation import SetupInput, initialise_office
from desktop_app.sync import peers
from ui.sync.exchange_page import ExchangePage


@pytest.fixture
def pref(tmp_path: Path):
    c = open_context(tmp_path / "pref", daily_backup=False)
    initialise_office(c, SetupInput(code="532800", name="西双版纳州乡村振兴局", level="prefecture", sections=["综合科"],
                                    year=2026))
    yield c
    c.close()


def _card_file(ctx: AppContext, folder: Path) -> Path:
    card = peers.own_card(ctx.db, ctx.data.keys)
    path = folder / f"{card.office_code}.fdcard"
    path.write_bytes(card.to_json())
    return path


def _issues(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return int(s.execute(select(func.count()).select_from(Issue)).scalar() or 0)


def test_cards_export_preview_import_and_conflicts(qtbot, qtmodeltester, dialog_answers, ctx, pref,
                                                   tmp_path: Path, monkeypatch) -> None:
    county_page = ExchangePage(ctx)
    qtbot.addWidget(county_page)
    assert county_page.prefecture is None
    assert peers.own_card(ctx.db, ctx.data.keys).fingerprint in county_page.cards.own.text()
    # import the prefecture's card: the fingerprint is shown and must be confirmed
    dialog_answers.files.append(str(_card_file(pref, tmp_path)))
    dialog_answers.confirms.append(False)
    county_page.cards.import_btn.click()
    assert peers.own_card(pref.db, pref.data.keys).fingerprint in dialog_answers.questions[-1]
    assert county_page.cards.model.rowCount() == 0  # not confirmed: not trusted
    dialog_answers.files.append(str(_card_file(pref, tmp_path)))
    county_page.cards.import_btn.click()
    assert county_page.cards.model.rowCount() == 1
    qtmodeltester.check(county_page.cards.model)
    peers.trust_card(pref.db, pref.actor, peers.own_card(ctx.db, ctx.data.keys),
                     peers.own_card(ctx.db, ctx.data.keys).fingerprint)
    with ctx.db.transaction() as s:
        s.add(Issue(serial="2026-001", year=2026, description="村级活动场所管理不规范", deadline=dt.date(2026, 9, 30)))
    # export for the prefecture
    county_page.export.refresh()
    assert county_page.export.peer.count() == 1
    target = tmp_path / "out.fdbundle"
    dialog_answers.files.append(str(target))
    assert county_page.export.open_folder.isHidden()  # nothing written yet
    county_page.export.go.click()
    assert county_page.export.task.wait(30000)
    assert target.exists() and county_page.export.last is not None
    # 打开所在文件夹: to copy the bundle onto the USB stick
    from ui import dialogs

    opened: list[Path] = []
    monkeypatch.setattr(dialogs, "open_path", lambda p: opened.append(Path(p)) or True)
    assert not county_page.export.open_folder.isHidden()
    county_page.export.open_folder.click()
    assert opened == [tmp_path]
    # the prefecture previews: nothing is written; then applies
    pref_page = ExchangePage(pref)
    qtbot.addWidget(pref_page)
    assert pref_page.prefecture is not None
    dialog_answers.files.append(str(target))
    pref_page.importer.pick.click()
    assert pref_page.importer.task.wait(30000)
    assert [r.status for r in pref_page.importer.preview.reports] == ["dry-run"]
    assert pref_page.importer.apply_btn.isEnabled()
    qtmodeltester.check(pref_page.importer.model)
    tables = {r.table: r.counts for r in pref_page.importer.model.rows}
    assert tables["issue"].created == 1
    assert _issues(pref) == 0
    pref_page.importer.apply_btn.click()
    assert pref_page.importer.task.wait(30000)
    assert pref_page.importer.report.status == "applied"
    assert _issues(pref) == 1
    pref_page.prefecture.refresh()
    assert [c.code for c in pref_page.prefecture.stats] == ["532801"]
    qtmodeltester.check(pref_page.prefecture.model)
    # a refused import says why
    dialog_answers.files.append(str(target))
    pref_page.importer.pick.click()
    assert pref_page.importer.task.wait(30000)
    assert "已导入" in pref_page.importer.status.text()
    assert not pref_page.importer.apply_btn.isEnabled()
    assert not dialog_answers.bugs


def test_conflicts_tab_resolves_and_revoke_warns(qtbot, dialog_answers, ctx, pref, tmp_path: Path) -> None:
    from desktop_app.sync.apply import import_bundle
    from desktop_app.sync.bundle_writer import export_bundle

    for a, b in ((ctx, pref), (pref, ctx)):
        card = peers.own_card(b.db, b.data.keys)
        peers.trust_card(a.db, a.actor, card, card.fingerprint)
    with ctx.db.transaction() as s:
        issue = Issue(serial="2026-001", year=2026, description="问题", assigned_by_office="532800")
        s.add(issue)
        s.flush()
        iid = issue.id

    def send(src: AppContext, dst: AppContext, name: str) -> None:
        res = export_bundle(src.db, src.data, src.actor, dst.office_code, tmp_path / name)
        assert import_bundle(dst.db, dst.data, dst.actor, res.file).status == "applied"

    send(ctx, pref, "1.fdbundle")
    send(pref, ctx, "2.fdbundle")
    for c, status in ((ctx, "done"), (pref, "closed")):
        with c.db.transaction() as s:
            s.get(Issue, iid).status = status
    send(pref, ctx, "3.fdbundle")
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    page.conflicts.refresh()
    assert page.conflicts.model.rowCount() == 1
    assert page.tabs.tabText(page.tabs.indexOf(page.conflicts)) == "同步冲突（1）"
    assert page.conflicts.model.data(page.conflicts.model.index(0, 5)) == "已完成"
    page.conflicts.table.selectRow(0)
    page.conflicts.take_btn.click()  # keep the county's "done"
    assert page.conflicts.model.rowCount() == 0
    assert page.tabs.tabText(page.tabs.indexOf(page.conflicts)) == "同步冲突"
    with ctx.db.session() as s:
        assert s.get(Issue, iid).status == "done"
    # revoking asks first (danger), then marks the peer
    page.cards.refresh()
    page.cards.table.selectRow(0)
    dialog_answers.confirms.append(True)
    page.cards.revoke_btn.click()
    assert peers.get_peer(ctx.db, "532800").revoked


def test_import_tab_previews_several_bundles_together_and_applies_them_in_order(
        qtbot, qtmodeltester, dialog_answers, monkeypatch, ctx, pref, tmp_path: Path) -> None:
    from desktop_app.sync.bundle_writer import export_bundle
    from ui import dialogs

    for a, b in ((ctx, pref), (pref, ctx)):
        card = peers.own_card(b.db, b.data.keys)
        peers.trust_card(a.db, a.actor, card, card.fingerprint)
    stick = tmp_path / "stick"
    stick.mkdir()
    files = []
    for n in range(3):  # each bundle carries only what the previous ones did not (as if acknowledged)
        with ctx.db.transaction() as s:
            s.add(Issue(serial=f"2026-00{n + 1}", year=2026, description=f"问题{n}", deadline=dt.date(2026, 9, 30)))
        res = export_bundle(ctx.db, ctx.data, ctx.actor, "532800", stick)
        with ctx.db.transaction() as s:
            peers.merge_acks(s.get(peers.PeerState, "532800"), {o: r[1] for o, r in res.ranges.items()})
        files.append(res.file)
    # names that sort the newest first, and a damaged file
    renamed = [f.rename(stick / f"{9 - i}.fdbundle") for i, f in enumerate(files)]
    (stick / "0-damaged.fdbundle").write_bytes(b"PK\x03\x04 broken")
    page = ExchangePage(pref)
    qtbot.addWidget(page)
    imp = page.importer
    monkeypatch.setattr(dialogs, "open_files", lambda *a, **k: [str(renamed[2]), str(renamed[1])])
    imp.pick.click()  # two files: the second alone would be refused for a gap
    assert imp.task.wait(30000)
    assert [r.status for r in imp.preview.reports] == ["rejected", "rejected"]  # both need the first bundle
    assert all("缺少" in r.errors[0] for r in imp.preview.reports)
    assert not imp.apply_btn.isEnabled()
    dialog_answers.files.append(str(stick))  # the whole folder
    imp.pick_dir.click()
    assert imp.task.wait(30000)
    assert [Path(r.file).name for r in imp.preview.reports] == ["9.fdbundle", "8.fdbundle", "7.fdbundle",
                                                                 "0-damaged.fdbundle"]
    assert [r.status for r in imp.preview.reports] == ["dry-run"] * 3 + ["rejected"]
    qtmodeltester.check(imp.model)
    issue_rows = [r for r in imp.model.rows if r.table == "issue"]
    assert [(r.file, r.counts.created) for r in issue_rows] == [("9.fdbundle", 1), ("8.fdbundle", 1), ("7.fdbundle", 1)]
    assert imp.model.rows[-1].file == "0-damaged.fdbundle" and imp.model.rows[-1].status == "rejected"
    assert imp.model.data(imp.model.index(0, 1)) == "景洪市乡村振兴局（532801）"
    assert "预览可导入 3 个" in imp.status.text() and "已拒绝 1 个" in imp.status.text()
    assert "0-damaged.fdbundle：已拒绝" in imp.details.toPlainText()
    assert _issues(pref) == 0 and imp.apply_btn.isEnabled()
    imp.apply_btn.click()
    assert imp.task.wait(30000)
    assert [r.status for r in imp.result.reports] == ["applied"] * 3 + ["rejected"]
    assert _issues(pref) == 3
    assert "0-damaged.fdbundle" in dialog_answers.warnings[-1]
    assert not dialog_answers.bugs


def test_export_tab_can_send_only_this_office_s_own_changes(qtbot, dialog_answers, ctx, pref, tmp_path: Path) -> None:
    from desktop_app.sync.apply import import_bundle
    from desktop_app.sync.bundle_writer import export_bundle

    other = open_context(tmp_path / "b", daily_backup=False)
    try:
        initialise_office(other, SetupInput(code="532822", name="勐海县乡村振兴局", level="county", parent_code="532800",
                                            sections=["综合科"], year=2026))
        for a, b in ((ctx, pref), (pref, ctx), (other, pref), (pref, other)):
            card = peers.own_card(b.db, b.data.keys)
            peers.trust_card(a.db, a.actor, card, card.fingerprint)
        up = export_bundle(ctx.db, ctx.data, ctx.actor, "532800", tmp_path / "up.fdbundle")
        assert import_bundle(pref.db, pref.data, pref.actor, up.file).status == "applied"
        page = ExchangePage(pref)
        qtbot.addWidget(page)
        tab = page.export
        tab.refresh()
        tab.peer.setCurrentIndex(tab.peer.findData("532822"))
        tab.scope.setCurrentIndex(tab.scope.findData("own"))
        dialog_answers.files.append(str(tmp_path / "own.fdbundle"))
        tab.go.click()
        assert tab.task.wait(30000)
        assert set(tab.last.ranges) == {"532800"} and tab.last.left == ["532801"]
        assert "532801" in tab.result.text() and "会补上" in tab.result.text()
        rep = import_bundle(other.db, other.data, other.actor, tab.last.file)
        assert rep.status == "applied" and not rep.errors
        tab.scope.setCurrentIndex(tab.scope.findData("all"))
        dialog_answers.files.append(str(tmp_path / "all.fdbundle"))
        tab.go.click()
        assert tab.task.wait(30000)
        assert set(tab.last.ranges) == {"532800", "532801"}
        assert import_bundle(other.db, other.data, other.actor, tab.last.file).status == "applied"
        assert not dialog_answers.bugs
    finally:
        other.close()


def test_the_page_says_what_waits_for_each_office_and_explains_its_words(qtbot, dialog_answers, ctx,  # noqa: ANN001
                                                                         pref) -> None:
    from desktop_app.sync.pending import pending_counts

    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    cards = page.cards
    assert "防伪码" in cards.explain.text() and "印模" in cards.explain.text()
    assert not cards.revoke_btn.isEnabled() and cards.revoke_btn.toolTip()  # nothing chosen: says why
    assert page.export.waiting.text() == "—" and page.export.go.toolTip()
    card = peers.own_card(pref.db, pref.data.keys)
    peers.trust_card(ctx.db, ctx.actor, card, card.fingerprint)
    page.refresh()
    n = pending_counts(ctx.db)["532800"]
    assert n > 0 and page.export.waiting.text() == f"{n} 条更改待发送"
    cards.table.selectRow(0)
    assert cards.revoke_btn.isEnabled()
