"""What every command module shares: the data folder chosen, the output (human or --json), --office."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def office_scope(args: argparse.Namespace) -> str:
    """--office as a scope value of ``desktop_app.org.scope``: '' (own), a code, or ALL for ``all``."""
    value = (getattr(args, "office", "") or "").strip()
    if value.lower() in ("all", "*", "全部"):
        from desktop_app.org.scope import ALL

        return ALL
    return value


def emit(args: argparse.Namespace, payload: dict[str, Any], human: str) -> None:
    """Print ``payload`` as JSON with --json, else the human summary."""
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
    else:
        print(human)


def data_root(args: argparse.Namespace) -> Path:
    """The data folder chosen by --data-dir, FIELDDESK_DATA_DIR or the platform default."""
    from desktop_app.core.config import resolve_data_dir

    return resolve_data_dir(getattr(args, "data_dir", None))
