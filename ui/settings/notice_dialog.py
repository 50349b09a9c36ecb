"""设置 › 节假日 › 粘贴放假通知: paste the State Council's 放假安排通知, preview every day, save.

The reading is the core's (``desktop_app.calendar.notice``); this dialog only shows what it read
and asks it to save. 保存 is enabled only for the text last previewed, so what is saved is what
was seen. After saving, the deadlines that had been estimated Monday–Friday and moved are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.calendar.notice import NoticeParse, parse_notice
from desktop_app.core.errors import FieldDeskError
from desktop_app.ledger.calendar_saves import NoticeSaved
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.widgets import button, table

WEEKDAYS = "一二三四五六日"


class NoticeDialog(FormDialog):
    """Paste box, year, 读取预览, the days read, 保存为本单位节假日表."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: writes the parse; returns what was saved, or None when refused (the dialog stays open)
        self.save: Callable[[NoticeParse], NoticeSaved | None] | None = None
        self.parsed: NoticeParse | None = None
        self._parsed_text = ""
        self.setWindowTitle(self.tr("粘贴放假安排通知"))
        self.resize(720, 640)
        lead = QLabel(self.tr("把国务院办公厅《关于××××年部分节假日安排的通知》全文（或“一、元旦：……”起的各项）"
                              "粘贴到下面，点“读取预览”核对每一天，再保存为本单位节假日表。"
                              "保存后，按周一至周五估算的完成时限会按实际工作日重算。"))
        lead.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。\n二、春节：……")
        self.text.textChanged.connect(self._text_changed)
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText(self.tr("按通知"))
        self.year.setSuffix(self.tr(" 年"))
        self.year.setValue(0)
        self.year.setToolTip(self.tr("通知正文写明年份时不用选；只粘贴了各项时请选择年份"))
        self.year.valueChanged.connect(self._text_changed)
        self.preview_btn = button(self.tr("读取预览"), primary=True)
        self.preview_btn.clicked.connect(self.preview)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.model = RowsTableModel(cell_columns([self.tr("日期"), self.tr("星期"), self.tr("类型"), self.tr("节日")]), self)
        self.buttons = dialogs.ok_cancel(self, self.tr("保存为本单位节假日表"), first=QDialogButtonBox.StandardButton.Save)
        self.save_btn = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_btn.setEnabled(False)
        lay = QVBoxLayout(self)
        lay.addWidget(lead)
        lay.addWidget(self.text, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年份")))
        row.addWidget(self.year)
        row.addStretch(1)
        row.addWidget(self.preview_btn)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addWidget(table(self.model, self), 3)
        lay.addWidget(self.buttons)

    def _text_changed(self, *_args: Any) -> None:
        # what is saved must be what was previewed
        self.save_btn.setEnabled(self.parsed is not None and self._current() == self._parsed_text)

    def _current(self) -> str:
        return f"{self.year.value()}\n{self.text.toPlainText()}"

    def preview(self) -> bool:
        """Read the pasted text and list every day; a text that does not read is named in red."""
        year = self.year.value() or None
        self.parsed = None
        try:
            parsed = parse_notice(self.text.toPlainText(), year)
        except FieldDeskError as exc:  # a known refusal: named in the dialog's own line, in red
            self.model.set_keyed([])
            self.status.setStyleSheet("color: #c0392b;")
            self.status.setText(dialogs.error_text(exc))
            self._text_changed()
            return False
        self.parsed = parsed
        self._parsed_text = self._current()
        rows = [(d, (d.isoformat(), "周" + WEEKDAYS[d.weekday()], "休息日" if kind == "rest" else "调休上班", name))
                for d, kind, name in parsed.days()]
        self.model.set_keyed(rows)
        text = self.tr("%1年：休息日 %2 天，调休上班 %3 天（共 %4 项节日）。请逐日核对后保存。") \
            .replace("%1", str(parsed.year)).replace("%2", str(len(parsed.rest_days))) \
            .replace("%3", str(len(parsed.work_days))).replace("%4", str(len(parsed.items)))
        if parsed.warnings:
            text += "\n▲ " + "；".join(parsed.warnings)
        self.status.setStyleSheet("")
        self.status.setText(text)
        self._text_changed()
        return True

    def accept(self) -> None:
        """Save the previewed days; close only when saved."""
        if self.parsed is None or self._current() != self._parsed_text:
            self.status.setText(self.tr("请先点“读取预览”核对后再保存"))
            return
        if self.save is None or self.save(self.parsed) is not None:
            super().accept()


def moved_text(saved: NoticeSaved, limit: int = 30) -> str:
    """The summary after saving: the year's days and the deadlines moved (first ``limit``)."""
    lines = [f"已保存{saved.year}年放假安排（{saved.rows} 天）为本单位节假日表。"]
    if saved.moved:
        lines.append(f"原按周一至周五估算的完成时限已按实际工作日重算，{len(saved.moved)} 条问题的期限有变化：")
        lines += [f"{m.serial}  {m.old_deadline:%Y-%m-%d} → {m.new_deadline:%Y-%m-%d}  {m.description[:20]}"
                  for m in saved.moved[:limit]]
        if len(saved.moved) > limit:
            lines.append(f"……等共 {len(saved.moved)} 条（每条的时间线上都有“重算期限”记录）")
    else:
        lines.append("没有需要重算的完成时限。")
    if saved.calendar_warning:
        lines.append("")
        lines.append(saved.calendar_warning)
    return "\n".join(lines)

