"""指定词义: asks what each word the import does not know means (整改状态 “待研究” → 推进中).

Each unknown word of the sheet is listed once, with the words the kind reads
to choose from. The choice is remembered with the header mapping by the import
service, so the next sheet with the same headers needs no answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from ui import dialogs

_NONE = "（暂不指定）"


class WordsDialog(QDialog):
    """``unknown`` is column title → words; ``choices`` column title → the words it may be mapped to."""

    def __init__(self, unknown: dict[str, list[str]], choices: dict[str, tuple[str, ...]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("指定词义"))
        self.combos: dict[tuple[str, str], QComboBox] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("表格中有以下词无法识别，请指定每个词的含义（下次遇到相同表头时自动沿用）："))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        for title, words in unknown.items():
            for word in words:
                combo = QComboBox()
                combo.addItem(self.tr(_NONE), None)
                for choice in choices.get(title, ()):
                    combo.addItem(choice, choice)
                form.addRow(self.tr("“%1”列的“%2”").replace("%1", title).replace("%2", word), combo)
                self.combos[(title, word)] = combo
        layout.addLayout(form)
        buttons = dialogs.ok_cancel(self, self.tr("确定"))
        layout.addWidget(buttons)

    def values(self) -> dict[str, dict[str, str]]:
        """The meanings chosen: column title → {word: chosen word}."""
        out: dict[str, dict[str, str]] = {}
        for (title, word), combo in self.combos.items():
            chosen = combo.currentData()
            if chosen:
                out.setdefault(title, {})[word] = str(chosen)
        return out
