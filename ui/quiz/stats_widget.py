"""工作台面板 · 业务测试 — the year's average score by section and quarter, as a column chart."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from desktop_app.quiz import results
from ui.quiz.charts import ColumnChart


class QuizStatsWidget(QFrame):
    """The dashboard panel of the quizzes; ``refresh()`` reloads it (the dashboard calls it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("Card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel()
        self.title.setObjectName("CardTitle")
        lay.addWidget(self.title)
        caption = QLabel(self.tr("各科室平均得分率（%）"))
        caption.setObjectName("StatLabel")
        lay.addWidget(caption)
        self.chart = ColumnChart()
        lay.addWidget(self.chart)
        self.note = QLabel()
        self.note.setObjectName("Hint")
        lay.addWidget(self.note)
        self.refresh()

    def refresh(self) -> None:
        """Reload the chart for the current campaign year."""
        if not self.ctx.db.office_code:
            return
        year = current_year(self.ctx.db)
        self.title.setText(self.tr("%1年业务知识测试").replace("%1", str(year)))
        data = results.section_averages(self.ctx.db, year)
        series = [label for label, _v in data[0][2]] if data else []
        self.chart.set_data([(name, [v for _l, v in values]) for _sid, name, values in data], series, top=100,
                            empty_text=self.tr("本年度尚无考试成绩"))
        self.note.setText(self.tr("共 %1 场考试").replace("%1", str(len(series))) if series else "")
