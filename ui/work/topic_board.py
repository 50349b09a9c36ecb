"""课题看板 — topics as cards in one column per stage (立项 → 调研中 → 成稿 → 结题)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.work.types import TOPIC_STATUSES, TopicInfo
from ui.work.table_models import STAGE_COLOURS

ID_ROLE = Qt.ItemDataRole.UserRole


class TopicBoard(QWidget):
    """Four columns of topic cards. ``topicSelected(id)`` on click, ``topicActivated(id)`` on double-click."""

    topicSelected = Signal(str)
    topicActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setSpacing(10)
        self.columns: dict[str, QListWidget] = {}
        self.headers: dict[str, QLabel] = {}
        for stage in TOPIC_STATUSES:
            frame = QFrame()
            frame.setObjectName("Card")
            col = QVBoxLayout(frame)
            head = QLabel(stage)
            head.setObjectName("CardTitle")
            head.setStyleSheet(f"color: {STAGE_COLOURS[stage]};")
            lst = QListWidget()
            lst.setWordWrap(True)
            lst.setSpacing(4)
            lst.setStyleSheet(f"QListWidget::item {{ border: 1px solid #dfe4ea; border-left: 3px solid {STAGE_COLOURS[stage]};"
                              " border-radius: 3px; padding: 6px; background: #ffffff; }"
                              " QListWidget::item:selected { background: #e3ecf8; color: #1d2b3a; }"
                              " QListWidget { background: #f7f9fb; border: none; }")
            lst.itemClicked.connect(lambda it: self.topicSelected.emit(it.data(ID_ROLE)))
            lst.itemDoubleClicked.connect(lambda it: self.topicActivated.emit(it.data(ID_ROLE)))
            col.addWidget(head)
            col.addWidget(lst, 1)
            lay.addWidget(frame, 1)
            self.columns[stage], self.headers[stage] = lst, head

    def set_topics(self, items: list[TopicInfo]) -> None:
        """Lay the topics out by stage."""
        for stage, lst in self.columns.items():
            lst.clear()
            mine = [t for t in items if t.status == stage]
            self.headers[stage].setText(f"{stage}（{len(mine)}）")
            for t in mine:
                due = f"\n报告时限：{t.report_due:%Y-%m-%d}" if t.report_due else ""
                it = QListWidgetItem(f"{'【重点】' if t.kind == '重点' else ''}{t.title}\n"
                                     f"{t.section_name} · 领题：{t.lead_name or '—'}{due}")
                it.setData(ID_ROLE, t.id)
                it.setToolTip(t.title)
                lst.addItem(it)

    def select(self, topic_id: str | None) -> None:
        """Highlight a topic's card (and clear the others)."""
        for lst in self.columns.values():
            lst.clearSelection()
            for i in range(lst.count()):
                if lst.item(i).data(ID_ROLE) == topic_id:
                    lst.setCurrentRow(i)
