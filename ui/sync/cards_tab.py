"""单位与身份卡 — this office's card, trusting another office's card after the fingerprint check, revoking."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.keys import parse_card
from desktop_app.sync import peers
from ui import dialogs, layout_memory
from ui.rows_model import RowsTableModel
from ui.signals import Kind, notify

CARD_FILTER = "单位身份卡 (*.fdcard);;所有文件 (*)"


def _level(level: str, name: str) -> str:
    """县级, or 州级/市级/地区级 as the office's own name says (as the status bar does)."""
    from desktop_app.org.organisation import OfficeInfo

    return OfficeInfo("", name or "", level, None).level_label


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[attr-defined]


class CardsTab(QWidget):
    """Office cards and trusted peers."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.own = QLabel()
        self.own.setWordWrap(True)
        self.export_btn = QPushButton(self.tr("导出本单位身份卡…"))
        self.import_btn = QPushButton(self.tr("导入对方身份卡…"))
        self.revoke_btn = QPushButton(self.tr("吊销所选单位的密钥"))
        self.revoke_btn.setEnabled(False)  # needs a chosen office
        self.revoke_btn.setToolTip(self.tr("先在下表中选中一个单位"))
        self.explain = QLabel(self.tr(
            "身份卡：本单位的电子“印模”。对方凭它确认数据包确实由本单位发出、途中没有被改动，"
            "就像凭印模核对公章。\n指纹：身份卡的防伪码（十组字母和数字）。交换身份卡后，请打电话逐组念给对方核对，"
            "一致才点“信任”——这样即使U盘里的卡被人调换，也能发现。\n"
            "吊销：对方电脑丢失或密钥外泄时使用，之后不再接受用旧密钥签名的数据包。"))
        self.explain.setObjectName("Hint")
        self.explain.setWordWrap(True)
        self.model = RowsTableModel([
            (self.tr("单位代码"), lambda p: p.code), (self.tr("单位名称"), lambda p: p.name),
            (self.tr("级别"), lambda p: _level(p.level, p.name)),
            (self.tr("指纹"), lambda p: p.fingerprint),
            (self.tr("状态"), lambda p: self.tr("已吊销") if p.revoked else (self.tr("已信任") if p.trusted else "")),
            (self.tr("最近导出"), lambda p: _when(p.last_export)), (self.tr("最近导入"), lambda p: _when(p.last_import)),
        ], self, background=lambda p: "#f8d7da" if p.revoked else None)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)  # row numbers mean nothing here; other pages hide them too
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        buttons = QHBoxLayout()
        for b in (self.export_btn, self.import_btn, self.revoke_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 14)
        lay.addWidget(self.own)
        lay.addWidget(self.explain)
        lay.addLayout(buttons)
        self.peers_title = QLabel()
        self.peers_title.setWordWrap(True)
        lay.addWidget(self.peers_title)
        lay.addWidget(self.table)
        self.export_btn.clicked.connect(self.export_card)
        self.import_btn.clicked.connect(self.import_card)
        self.revoke_btn.clicked.connect(self.revoke_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.refresh()

    def _selection_changed(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.revoke_btn.setEnabled(chosen)
        self.revoke_btn.setToolTip("" if chosen else self.tr("先在下表中选中一个单位"))

    def refresh(self) -> None:
        """Reload this office's identity and the peers."""
        if self.ctx.office_code:
            card = peers.own_card(self.ctx.db, self.ctx.data.keys)
            self.own.setText(self.tr("本单位：{name}（{code}）\n本单位指纹：{fp}\n交换身份卡后，请与对方电话逐组核对指纹。")
                             .format(name=card.office_name, code=card.office_code, fp=card.fingerprint))
        self.model.set_items(peers.list_peers(self.ctx.db))
        layout_memory.fit_to_contents(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._selection_changed()
        # an empty list says how to fill it: a first-time clerk does not know the card exchange yet
        self.peers_title.setText(self.tr("已交换身份卡的单位：") if self.model.rowCount() else self.tr(
            "已交换身份卡的单位：尚无。请点“导出本单位身份卡”把本单位的卡交给对方（上级或下级单位），"
            "再用“导入对方身份卡”导入对方的卡，并电话核对指纹；之后才能互相交换数据包。"))

    def export_card(self) -> None:
        """Save this office's card where the user chooses."""
        card = peers.own_card(self.ctx.db, self.ctx.data.keys)
        target = dialogs.save_file(self, self.tr("导出本单位身份卡"), CARD_FILTER, f"{card.office_code}.fdcard")
        if not target:
            return
        with dialogs.guard(self) as done:
            Path(target).write_bytes(card.to_json())
        if done.ok:  # the folder, to send the card on (it is read by the other office's program, not opened)
            dialogs.file_saved(self, self.tr("已导出身份卡：{path}\n本单位指纹：{fp}\n请通过电话向对方读出指纹。")
                               .format(path=target, fp=card.fingerprint), target, openable=False)

    def import_card(self) -> None:
        """Read a card, show its fingerprint, and trust it only once the user confirms it matches."""
        path = dialogs.open_file(self, self.tr("导入对方身份卡"), CARD_FILTER)
        if not path:
            return
        with dialogs.guard(self) as g:
            card = parse_card(Path(path).read_bytes())
        if not g.ok:
            return
        text = self.tr("身份卡：{name}（{code}）\n指纹：{fp}\n\n请电话联系对方，请对方读出其指纹，逐组核对。"
                       "完全一致才能信任；不一致请勿信任。\n\n指纹是否完全一致？").format(
            name=card.office_name, code=card.office_code, fp=card.fingerprint)
        if not dialogs.confirm(self, text, self.tr("核对指纹"), self.tr("一致，信任该单位")):
            return
        with dialogs.guard(self) as g:
            peers.trust_card(self.ctx.db, self.ctx.actor, card, card.fingerprint)
        if g.ok:
            notify(Kind.SYNC)
            self.refresh()

    def revoke_selected(self) -> None:
        """Revoke the selected peer's key after a warning."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            dialogs.info(self, self.tr("请先在列表中选择一个单位"))
            return
        peer = self.model.rows[rows[0].row()]
        if not dialogs.confirm(self, self.tr("吊销后将拒绝 {name}（{code}）用当前密钥签名的所有数据包，"
                                             "需要对方发送新的身份卡并重新核对。确定吊销？")
                               .format(name=peer.name, code=peer.code), self.tr("吊销密钥"), self.tr("吊销"),
                               danger=True):
            return
        with dialogs.guard(self) as g:
            peers.revoke_peer(self.ctx.db, self.ctx.actor, peer.code)
        if g.ok:
            notify(Kind.SYNC)
            self.refresh()
