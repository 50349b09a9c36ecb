"""Running ``fielddesk`` commands in this process, the way a clerk's script calls them."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from desktop_app.cli.main import run as cli_run


def run_cli(root: Path, *args: str) -> tuple[int, dict | None, str]:
    """``fielddesk --data-dir root args…``: (exit code, the JSON printed on success or None, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_run(["--data-dir", str(root), *args])
        except SystemExit as exc:  # argparse's own refusal (an unknown --kind): exit 2
            code = int(exc.code or 0)
    text = out.getvalue()
    return code, (json.loads(text) if code == 0 and text.strip().startswith("{") else None), err.getvalue()
