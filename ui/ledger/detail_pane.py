"""详情与时间线 — the selected item, what may be done next, and everything that happened to it."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.ledger.steps import Step
from desktop_app.ledger.types import IssueDetail
from ui.enabling import set_enabled
from ui.ledger.issue_table_model import COLOUR_BRUSHES

#: (step, button text) — EDIT opens the item dialog; the rest are StepDialog steps
ACTIONS = ((Step.EDIT, "编辑"), (Step.PROGRESS, "登记进展"), (Step.EXTENSION, "申请延期"),
           (Step.DECIDE_EXTENSION, "审批延期"), (Step.URGE, "催办"), (Step.CLOSURE, "申请销号"), (Step.VERIFY, "审核销号"),
           (Step.FOLLOW_UP, "回访"), (Step.VOID, "作废"), (Step.ADJUST_DEADLINE, "调整期限"))
KIND_COLOURS = {"progress": "#2b6cb0", "extension": "#b7791f", "urge": "#c53030", "closure": "#2f855a",
                "follow_up": "#6b46c1", "audit": "#718096"}


class DetailPane(QWidget):
    """Shows one item; ``step_requested(step)`` when a button is pressed."""

    step_requested = Signal(str)
    #: (sha256, file name) of an attachment the user clicked on the timeline
    attachment_requested = Signal(str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.detail: IssueDetail | None = None
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
        self.buttons: dict[Step, QPushButton] = {}
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
        """Why this step may not be taken on the shown item now, as the core answers (None: it may)."""
        if self.detail is None:
            return None
        return self.detail.allowed_steps.get(Step(step))

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
            set_enabled(b, self.why_refused(key))
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
