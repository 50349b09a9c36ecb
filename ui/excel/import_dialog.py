"""导入 Excel: choose a file and sheet, check and correct the column mapping, preview, import.

The file is read off the UI thread (in the import worker process, with
progress and 取消). Changing the sheet or any column's field re-reads the
preview; 导入 is enabled only when not a single row has an error, and then
writes everything in one service call (all or nothing) — unless the clerk
ticks 只导入无误的行. A workbook with an open password asks for it; words the
import does not know (整改状态 “待研究”) are explained through 指定词义….
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.excel import worker
from desktop_app.excel.kinds import KIND_LABELS, KIND_NAMES, get_kind
from desktop_app.excel.limits import PasswordRequiredError, WrongPasswordError
from desktop_app.ledger import duplicates
from ui import dialogs
from ui.excel.preview_model import PreviewModel
from ui.excel.words_dialog import WordsDialog
from ui.signals import Kind, notify
from ui.tasks import run_task

_NOTIFY = {"ledger": Kind.ISSUE, "visits": Kind.VISIT, "topics": Kind.TOPIC, "questions": Kind.QUIZ,
           "scores": Kind.QUIZ, "outcomes": Kind.TOPIC}
_SKIP = "（不导入）"


class ExcelImportDialog(QDialog):
    """The import dialog. ``kind`` preselects what is imported (问题台账 by default)."""

    def __init__(self, ctx: AppContext, kind: str = "ledger", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: Any = None  # the last ImportPreview
        self.repeated: list[int] = []  # sheet rows this office has already recorded (ledger)
        self.outcome: Any = None  # the ImportOutcome after 导入
        self._mapping: dict[str, str | None] | None = None
        self._password: str | None = None  # the open password the clerk typed for this file
        self._values: dict[str, dict[str, str]] = {}  # meanings of unknown words, column → {word: chosen}
        self._loading = False
        worker.prestart()  # the process that will read the file starts while the clerk picks it
        self.finished.connect(worker.discard_spare)
        self.destroyed.connect(worker.discard_spare)
        self.setWindowTitle(self.tr("导入 Excel"))
        self.resize(1100, 720)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_mapping())
        splitter.addWidget(self._build_preview())
        splitter.setStretchFactor(1, 3)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_source(kind))
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _build_source(self, kind: str) -> QFormLayout:
        """文件, 导入为 and 工作表."""
        self.file_edit = QLineEdit(readOnly=True)
        self.file_edit.setPlaceholderText(self.tr("请选择 .xlsx 或 .xls 文件"))
        self.browse_button = QPushButton(self.tr("选择文件…"))
        self.browse_button.clicked.connect(self.choose_file)
        self.kind_combo = QComboBox()
        for name in KIND_NAMES:
            self.kind_combo.addItem(self.tr(KIND_LABELS[name]), name)
        self.kind_combo.setCurrentIndex(max(0, KIND_NAMES.index(kind) if kind in KIND_NAMES else 0))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._sheet_chosen)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow(self.tr("文件"), file_row)
        form.addRow(self.tr("导入为"), self.kind_combo)
        form.addRow(self.tr("工作表"), self.sheet_combo)
        return form

    def _build_mapping(self) -> QWidget:
        """The column mapping (表格中的列 → 对应字段), left."""
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels([self.tr("表格中的列"), self.tr("对应字段")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().setVisible(False)
        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_layout.addWidget(QLabel(self.tr("列对应关系（可修改，下次遇到相同表头时自动沿用）")))
        mapping_layout.addWidget(self.mapping_table)
        return mapping_box

    def _build_preview(self) -> QWidget:
        """The rows as they would be imported, with 指定词义…, 只导入无误的行 and 只看有错误的行, right."""
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.only_errors = QCheckBox(self.tr("只看有错误的行"))
        self.only_errors.toggled.connect(self.model.set_only_errors)
        self.skip_errors = QCheckBox(self.tr("只导入无误的行"))
        self.skip_errors.setToolTip(self.tr("勾选后，有错误的行不导入，其余各行照常导入；不勾选时，有错误就全部不导入"))
        self.skip_errors.toggled.connect(self._update_import_button)
        self.words_button = QPushButton(self.tr("指定词义…"))
        self.words_button.setEnabled(False)
        self.words_button.clicked.connect(self.ask_words)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("预览")))
        top.addStretch(1)
        top.addWidget(self.words_button)
        top.addWidget(self.skip_errors)
        top.addWidget(self.only_errors)
        preview_layout.addLayout(top)
        preview_layout.addWidget(self.table)
        return preview_box

    # --- choosing ---------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """The kind chosen in the combo."""
        return str(self.kind_combo.currentData())

    def choose_file(self) -> None:
        """Ask for a file and preview it."""
        path = dialogs.open_file(self, self.tr("选择要导入的 Excel 文件"), self.tr("Excel 文件 (*.xlsx *.xls)"))
        if path:
            self.load(path)

    def load(self, path: str, sheet: str | None = None) -> None:
        """Preview ``path`` (the best sheet unless ``sheet`` is given) with the automatic mapping."""
        from ui import prefs

        prefs.remember_recent(path)  # 文件 › 最近打开
        self.file_edit.setText(path)
        self._mapping = None
        self._password = None
        self._values = {}
        self._start_preview(sheet)

    def _kind_changed(self) -> None:
        self._mapping = None
        if self.file_edit.text():
            self._start_preview(None)

    def _sheet_chosen(self) -> None:
        self._mapping = None
        self._start_preview(self.sheet_combo.currentText() or None)

    def _field_chosen(self) -> None:
        if self._loading or self.preview is None:
            return
        mapping: dict[str, str | None] = {}
        for r in range(self.mapping_table.rowCount()):
            cell = self.mapping_table.item(r, 0)
            title = cell.text() if cell is not None else ""
            combo = self.mapping_table.cellWidget(r, 1)
            mapping[title] = combo.currentData() if isinstance(combo, QComboBox) else None
        chosen = [v for v in mapping.values() if v]
        if len(chosen) != len(set(chosen)):
            self.status.setText(self.tr("同一个字段只能对应一列，请检查列对应关系"))
            self.import_button.setEnabled(False)
            return
        self._mapping = mapping
        self._start_preview(self.preview.sheet)

    # --- background work --------------------------------------------------------------------
    def _start_preview(self, sheet: str | None) -> None:
        from desktop_app.excel.service import preview_file

        path, kind, mapping, db = self.file_edit.text(), self.kind, self._mapping, self.ctx.db
        password, values = self._password, dict(self._values)
        self.import_button.setEnabled(False)
        self.status.setText(self.tr("正在读取表格…"))
        def work(progress: Any) -> Any:
            def step(done: int, total: int) -> None:
                if total:
                    progress(done, total, f"正在检查第 {done} 行，共 {total} 行…")
                else:  # the worker process is still reading the file
                    progress(0, 0, f"正在读取表格…（已读 {done} 行）" if done else "正在打开表格…")

            progress(0, 0, "正在打开表格…")
            return preview_file(db, Path(path), kind, sheet=sheet, mapping=mapping, progress=step, password=password,
                                values=values or None)

        self.task = run_task(self, self.tr("读取 Excel"), work, on_done=self._show_preview,
                             on_error=self._preview_failed, on_cancelled=self._preview_cancelled, cancellable=True)

    def _preview_cancelled(self) -> None:
        self.status.setText(self.tr("已取消读取"))

    def _preview_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PasswordRequiredError | WrongPasswordError):
            name = Path(self.file_edit.text()).name
            label = (self.tr("打开密码不正确，请重新输入“%1”的打开密码：") if isinstance(exc, WrongPasswordError)
                     else self.tr("“%1”设置了打开密码，请输入：")).replace("%1", name)
            password = dialogs.ask_text(self, label, self.tr("打开密码"), password=True)
            if password:
                self._password = password
                self._start_preview(None)
                return
        self.preview = None
        self.model.set_preview(None, [], {})
        self.mapping_table.setRowCount(0)
        self.status.setText(dialogs.error_text(exc) if isinstance(exc, FieldDeskError) else str(exc))
        dialogs.show_error(self, exc)

    def _show_preview(self, pv: Any) -> None:
        self.preview = pv
        spec = get_kind(pv.kind)
        self._loading = True
        self.sheet_combo.clear()
        self.sheet_combo.addItems(pv.sheets)
        self.sheet_combo.setCurrentText(pv.sheet)
        self.mapping_table.setRowCount(len(pv.titles))
        for r, title in enumerate(pv.titles):
            self.mapping_table.setItem(r, 0, QTableWidgetItem(title))
            combo = QComboBox()
            combo.addItem(self.tr(_SKIP), None)
            for f in spec.fields:
                combo.addItem(self.tr(f.label), f.key)
            i = combo.findData(pv.mapping.get(title))
            combo.setCurrentIndex(max(i, 0))
            combo.currentIndexChanged.connect(self._field_chosen)
            self.mapping_table.setCellWidget(r, 1, combo)
        self._loading = False
        errors: dict[int, list[str]] = {}
        for e in pv.errors:
            errors.setdefault(e.row, []).append(f"{e.column}：{e.message}" if e.column else e.message)
        mapped = {key for key in pv.mapping.values() if key}
        self.model.set_preview(spec if not pv.roundtrip else None, pv.rows, errors, mapped)
        self.table.resizeColumnsToContents()
        for c in range(self.model.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 320 if c == 1 else 220))
        label = KIND_LABELS[pv.kind]
        if pv.roundtrip:
            text = self.tr("这是调研工作台导出的回执表：导入时将为各条问题登记本次进展。")
        elif pv.errors:
            bad = len({e.row for e in pv.errors})
            text = self.tr("工作表“%1”：表头在第 %2 行，读到%3 %4 条，其中 %5 行有错误。请修改表格或列对应关系后重新读取；"
                           "有错误时不会导入任何数据。")
            text = text.replace("%1", pv.sheet).replace("%2", str(pv.header_row)).replace("%3", label).replace(
                "%4", str(len(pv.rows))).replace("%5", str(bad))
        else:
            text = self.tr("工作表“%1”：表头在第 %2 行，读到%3 %4 条，没有发现错误，可以导入。")
            text = text.replace("%1", pv.sheet).replace("%2", str(pv.header_row)).replace("%3", label).replace(
                "%4", str(len(pv.rows)))
        if pv.not_imported:
            text += self.tr("\n注意：%1 没有对应字段，这些列的内容不会导入；如需导入，请在左侧指定对应字段。").replace(
                "%1", "、".join(f"“{t}”" for t in pv.not_imported))
        if pv.kept:
            text += self.tr("\n注意：") + pv.kept_note()
        self.words_button.setEnabled(bool(pv.unknown))
        if pv.unknown:
            words = "、".join(f"“{w}”" for ws in pv.unknown.values() for w in ws)
            text += self.tr("\n表格中有无法识别的词：%1。请点“指定词义…”说明其含义。").replace("%1", words)
        self.repeated = []
        if pv.kind == "ledger" and not pv.roundtrip and not pv.errors:
            with dialogs.guard(self) as done:
                repeated = duplicates.already_recorded(self.ctx.db, pv.rows)
            if done.ok and repeated:
                self.repeated = repeated
                text += self.tr("\n注意：其中 %1 条（第 %2 行）与台账中已有问题的问题描述和责任单位相同，"
                                "可能已导入过；再次导入会重复登记。").replace("%1", str(len(repeated))).replace(
                    "%2", "、".join(str(r) for r in repeated[:5]) + ("…" if len(repeated) > 5 else ""))
        self.status.setText(text)
        self._update_import_button()

    def _update_import_button(self) -> None:
        pv = self.preview
        if pv is None:
            self.import_button.setEnabled(False)
            return
        good = len(pv.rows) > len({e.row for e in pv.errors})
        self.import_button.setEnabled(bool(pv.rows) and (pv.roundtrip or not pv.errors
                                                         or (self.skip_errors.isChecked() and good)))

    def ask_words(self) -> None:
        """指定词义…: ask what each unknown word means, then read the preview again with the answers."""
        if self.preview is None or not self.preview.unknown:
            return
        spec = get_kind(self.preview.kind)
        choices = {t: spec.choices.get(k or "", ()) for t, k in self.preview.mapping.items()}
        dlg = WordsDialog(self.preview.unknown, choices, self)
        if dlg.exec():
            self.apply_words(dlg.values())

    def apply_words(self, values: dict[str, dict[str, str]]) -> None:
        """Use these meanings of unknown words (column → {word: chosen}) and read the preview again."""
        if not values or self.preview is None:
            return
        for title, words in values.items():
            self._values.setdefault(title, {}).update(words)
        self._start_preview(self.preview.sheet)

    def do_import(self) -> None:
        """Write the previewed rows (all or nothing) off the UI thread."""
        from desktop_app.excel.service import import_file

        if self.preview is None:
            return
        if self.repeated and not dialogs.confirm(
                self, self.tr("有 %1 条与台账中已有问题相同，可能已导入过。仍然全部导入（会重复登记这些问题）？")
                .replace("%1", str(len(self.repeated))), ok=self.tr("仍然导入")):
            return
        pv, mapping, db, actor = self.preview, self._mapping, self.ctx.db, self.ctx.actor
        skip = bool(pv.errors) and self.skip_errors.isChecked() and not pv.roundtrip
        if skip and not dialogs.confirm(
                self, self.tr("有 %1 行有错误，这些行不会导入。只导入其余无误的行？").replace(
                    "%1", str(len({e.row for e in pv.errors}))), ok=self.tr("只导入无误的行")):
            return
        password, values = self._password, dict(self._values) or None
        self.import_button.setEnabled(False)

        def work(progress: Any) -> Any:
            # 取消 works while the file is read and checked again; the write itself (one transaction) never calls it
            def step(done: int, total: int) -> None:
                progress(done, total, f"正在检查第 {done} 行，共 {total} 行…" if total else "正在读取表格…")

            return import_file(db, actor, Path(pv.file), pv.kind, sheet=pv.sheet, mapping=mapping, skip_errors=skip,
                               password=password, values=values, progress=step)

        self.task = run_task(self, self.tr("导入 Excel"), work, on_done=self._imported, on_error=self._import_failed,
                             on_cancelled=self._import_cancelled, cancellable=True)

    def _import_cancelled(self) -> None:
        self.status.setText(self.tr("已取消导入，没有写入任何数据"))
        self._update_import_button()

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        dialogs.show_error(self, exc)

    def _imported(self, outcome: Any) -> None:
        self.outcome = outcome
        if outcome.skipped_rows is not None and outcome.imported:
            notify(_NOTIFY[outcome.preview.kind])
            rows = outcome.skipped_rows
            dialogs.info(self, self.tr("已导入 %1 条；有错误的 %2 行未导入（第 %3 行）。").replace(
                "%1", str(outcome.imported)).replace("%2", str(len(rows))).replace(
                "%3", "、".join(str(r) for r in rows[:20]) + ("等" if len(rows) > 20 else "")))
            self._offer_extra_sheet(outcome)
            self.accept()
            return
        if outcome.preview.errors and outcome.roundtrip is None:
            self._show_preview(outcome.preview)
            dialogs.warn(self, self.tr("表格有误，没有导入任何数据：") + outcome.preview.errors[0].message)
            return
        notify(_NOTIFY[outcome.preview.kind])
        if outcome.roundtrip is not None:
            rt = outcome.roundtrip
            dialogs.info(self, self.tr("回执表已导入：更新 %1 条，未变化 %2 条，拒绝 %3 条。").replace(
                "%1", str(rt["changed"])).replace("%2", str(rt["unchanged"])).replace("%3", str(rt["rejected"])))
        else:
            dialogs.info(self, self.tr("已导入 %1 条。").replace("%1", str(outcome.imported)))
            self._offer_extra_sheet(outcome)
        self.accept()

    def _offer_extra_sheet(self, outcome: Any) -> None:
        """A kind with nowhere to keep unmapped columns (调研课题): offer to save them as 原表其他列."""
        from desktop_app.excel.extras import SHEET_TITLE, sidecar_rows, write_extra_sheet

        pv = outcome.preview
        skipped = set(outcome.skipped_rows or [])
        rows = [r for r in sidecar_rows(pv) if r["row"] not in skipped]
        if not rows or not dialogs.confirm(
                self, self.tr("有 %1 行在“%2”列中写有内容，但%3没有可存放这些内容的字段。是否另存为“%4”表，以免丢失？")
                .replace("%1", str(len(rows))).replace("%2", "”“".join(pv.kept)).replace(
                    "%3", KIND_LABELS[pv.kind]).replace("%4", SHEET_TITLE), ok=self.tr("另存…")):
            return
        default = str(Path(pv.file).with_name(f"{Path(pv.file).stem}_{SHEET_TITLE}.xlsx"))
        path = dialogs.save_file(self, self.tr("保存原表其他列"), self.tr("Excel 文件 (*.xlsx)"), default)
        if not path:
            return
        with dialogs.guard(self) as done:
            write_extra_sheet(Path(path), pv, rows)
        if done.ok:
            dialogs.file_saved(self, self.tr("已保存原表其他列"), path)
