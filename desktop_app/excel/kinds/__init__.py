"""The importable kinds, by the name the command line uses."""

from __future__ import annotations

import importlib

from desktop_app.core.errors import ValidationError
from desktop_app.excel.kinds.base import KindSpec

KIND_NAMES = ("ledger", "visits", "topics", "questions", "scores", "meetings", "plans", "outcomes")
KIND_LABELS = {"ledger": "问题台账", "visits": "调研安排", "topics": "调研课题", "questions": "题库", "scores": "成绩",
               "meetings": "会议研讨", "plans": "计划清单",
               "outcomes": "成果转化运用清单"}
#: kind -> the module holding its SPEC (imported by name; the PyInstaller spec reads this registry)
KIND_MODULES: dict[str, str] = {name: f"desktop_app.excel.kinds.{name}" for name in KIND_NAMES}


def get_kind(name: str) -> KindSpec:
    """The spec of an importable kind."""
    if name not in KIND_NAMES:
        raise ValidationError(f"不支持导入的类型：{name}", "可选：" + "、".join(KIND_NAMES))
    spec: KindSpec = importlib.import_module(KIND_MODULES[name]).SPEC
    return spec
