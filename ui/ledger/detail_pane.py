"""详情与时间线 — the selected item, what may be done next, and everything that happened to it."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.core import roles
from desktop_app.ledger.types import IssueDetail
from ui.enabling import set_enabled
from ui.ledger.issue_table_model import COLOUR_BRUSHES

#: (step key, button text) — "edit" opens the item dialog; the rest are StepDialog steps
ACTIONS = (("edit", "编辑"), ("progress", "登记进展"), ("extension", "申请延期"), ("decide_extension", "审批延期"),
           ("urge", "催办"), ("closure", "申请销号"), ("verify", "审核销号"), ("follow_up", "回访"), ("void", "作废"),
           ("adjust_deadline", "调整期限"))
KIND_COLOURS = {"progress": "#2b6cb0", "extension": "#b7791f", "urge": "#c53030", "closure": "#2f855a",
                "follow_up": "#6b46c1", "audit": "#718096"}


def allowed_steps(d: IssueDetail) -> set[str]:
    """The steps that make sense for the item now (the service refuses the rest anyway)."""
    return {key for key, _text in ACTIONS if state_refusal(d, key) is None} - d.refused_steps


def state_refusal(d: IssueDetail, step: str) -> str | None:
    """Why ``step`` makes no sense for the item in its present state (作废, 已销号, nothing pending…), or None."""
    r = d.row
    tr = QCoreApplication.translate
    if r.status == "void":
        return tr("DetailPane", "这条问题已作废，不能再办理")
    if r.status == "closed":
        return None if step == "follow_up" else tr("DetailPane", "这条问题已销号：只能回访")
    if step == "extension":
        if not r.deadline:
            return tr("DetailPane", "这条问题没有完成时限，无需申请延期")
        if d.pending_extension is not None:
            return tr("DetailPane", "已有一项延期申请待审批")
    if step == "decide_extension" and d.pending_extension is None:
        return tr("DetailPane", "没有待审批的延期申请")
    if step == "closure" and d.pending_closure is not None:
        return tr("DetailPane", "已申请销号，等待审核")
    if step == "verify" and d.pending_closure is None:
        return tr("DetailPane", "还没有人申请销号：先“申请销号”，再审核")
    return None


class DetailPane(QWidget):
    """Shows one item; ``step_requested(step)`` when a button is pressed."""

    step_requested = Signal(str)
    #: (sha256, file name) of an attachment the user clicked on the timeline
    attachment_requested = Signal(str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.detail: IssueDetail | None = None
        #: the signed-in person's rights (None before accounts): steps they may not take are greyed out
        self.rights: frozenset[str] | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 0, 0, 0)
        self.title = QLabel(self.tr("请选择一条问题"))
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b7791f;")
        self.warning.hide()
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (key, text) in enumerate(ACTIONS):
            b = QPushButton(self.tr(text))
            set_enabled(b, self.tr("请先在左侧清单中选中一条问题"))
            b.clicked.connect(lambda _c=False, k=key: self.step_requested.emit(k))
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[key] = b
        self.timeline = QTextBrowser()
        self.timeline.setOpenLinks(False)
        self.timeline.anchorClicked.connect(self._on_anchor)
        lay.addWidget(self.title)
        lay.addWidget(self.info)
        lay.addWidget(self.warning)
        lay.addLayout(grid)
        lay.addWidget(QLabel(self.tr("时间线")))
        lay.addWidget(self.timeline, 1)

    def why_refused(self, step: str) -> str | None:
        """Why this step may not be taken on the shown item here (another office's, or a missing right)."""
        if self.detail is None:
            return None
        return self.detail.refused_why.get(step) or roles.step_refusal(self.rights, step)

    def _on_anchor(self, url: QUrl) -> None:
        parts = url.toString().split(":", 2)
        if len(parts) == 3 and parts[0] == "att":
            self.attachment_requested.emit(parts[1], parts[2])

    def show_detail(self, d: IssueDetail | None) -> None:
        """Show ``d`` (None: nothing selected)."""
        self.detail = d
        if d is None:
            self.title.setText(self.tr("请选择一条问题"))
            self.info.setText("")
            self.timeline.clear()
            self.warning.hide()
            for b in self.buttons.values():
                set_enabled(b, self.tr("请先在左侧清单中选中一条问题"))
            return
        r = d.row
        colour = COLOUR_BRUSHES[r.colour]
        self.title.setText(f"<span style='color:{colour}'>●</span> {html.escape(r.serial)}　{html.escape(r.status_label)}")
        deadline = f"{r.deadline:%Y-%m-%d}" if r.deadline else self.tr("无")
        if r.deadline_basis == "workdays" and r.deadline_workdays:
            deadline += self.tr("（交办后%1个工作日）").replace("%1", str(r.deadline_workdays))
        if r.deadline_estimated:
            deadline += "<b style='color:#b7791f'>" + self.tr("（按周一至周五估算）") + "</b>"
        if r.original_deadline and r.original_deadline != r.deadline:
            deadline += self.tr("，原定 %1").replace("%1", f"{r.original_deadline:%Y-%m-%d}")
        lines = [
            html.escape(r.description),
            self.tr("整改措施：") + html.escape(r.measures or "—"),
            self.tr("类别：%1　类型：%2　来源：%3").replace("%1", html.escape(r.category or "—"))
            .replace("%2", r.kind_label).replace("%3", r.source_label),
            *([self.tr("来源会议：") + html.escape(d.source_meeting)] if d.source_meeting else []),
            self.tr("责任单位：%1　责任人：%2　牵头领导：%3").replace("%1", html.escape(r.responsible_unit or "—"))
            .replace("%2", html.escape(r.responsible_person or "—")).replace("%3", html.escape(r.lead_leader or "—")),
            self.tr("完成时限：") + deadline + self.tr("　进度：%1%").replace("%1", str(r.progress_percent)),
            f"<span style='color:{colour}'>{r.colour_label}</span>",
        ]
        self.info.setText("<br>".join(lines))
        if d.warnings:
            self.warning.setText("▲ " + "\n▲ ".join(d.warnings))
            self.warning.show()
        else:
            self.warning.hide()
        for key, b in self.buttons.items():
            why = self.why_refused(key) or state_refusal(d, key)
            if why is None and key in d.refused_steps:  # another office's item with no reason recorded
                why = self.tr("这条问题由其他单位办理，本单位不能执行这一步")
            set_enabled(b, why)
        parts = []
        for t in reversed(d.timeline):
            c = KIND_COLOURS.get(t.kind, "#444")
            when = f"{t.at:%Y-%m-%d}" if t.at else ""
            body = f"<br><span>{html.escape(t.text)}</span>" if t.text else ""
            for name, sha in t.files:
                # a word, not 📎: the shipped font has no emoji and Linux desktops often none either (tofu)
                body += (f"<br><span style='color:#5b6b7c'>{self.tr('附件：')}</span>"
                         f"<a href='att:{sha}:{html.escape(name)}'>{html.escape(name)}</a>")
            by = f"　<span style='color:#888'>{html.escape(t.by)}</span>" if t.by else ""
            parts.append(f"<p><span style='color:{c}'>■ {html.escape(t.kind_label)}</span>　{when}　"
                         f"<b>{html.escape(t.title)}</b>{by}{body}</p>")
        self.timeline.setHtml("".join(parts))
