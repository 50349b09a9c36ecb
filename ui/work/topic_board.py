"""课题看板 — topics as cards in one column per stage (立项 → 调研中 → 成稿 → 结题)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.work.types import TOPIC_STATUSES, TopicInfo
from ui.work.table_models import STAGE_COLOURS

ID_ROLE = Qt.ItemDataRole.UserRole
#: what the card's style sheet adds around its text: padding 6 each side, borders 3 (left) + 1 (right), spacing 4
CARD_EXTRA_W = 6 * 2 + 3 + 1 + 4 * 2
CARD_EXTRA_H = 6 * 2 + 1 * 2


class CardDelegate(QStyledItemDelegate):
    """A card as tall as its wrapped text at the column's present width: Qt's own estimate measured the
    text unwrapped, so a long title pushed the card past the column's right edge (a sideways scroll bar)
    and its last line (领题人, 报告时限) was cut or elided."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = max(self.view.viewport().width() - CARD_EXTRA_W, 60)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        rect = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000),
                                               int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), text)
        return QSize(width, rect.height() + CARD_EXTRA_H + 2)


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
            lst.setTextElideMode(Qt.TextElideMode.ElideNone)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            lst.setResizeMode(QListView.ResizeMode.Adjust)  # a narrower column re-wraps and re-measures its cards
            lst.setItemDelegate(CardDelegate(lst))
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
