"""What the UI tests' ``dialog_answers`` fixture (tests/ui/conftest.py) answers and records."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DialogAnswers:
    """Queued answers for ui.dialogs and a record of what was shown."""

    confirms: list[bool] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    files: list[str | None] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    bugs: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)  # files and folders dialogs.open_path was asked to open
    expect_bugs: bool = False
