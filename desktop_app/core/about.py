"""关于 — the facts a clerk reads to a technician on the phone: version, build, Python, OS, data folder.

Qt-free: the 帮助 › 关于 dialog adds the Qt and PySide6 versions itself. A packaged build
carries ``resources/build_info.json`` written by ``packaging/build.sh`` (build date and commit);
from source there is none and the dialog says so.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from desktop_app import __version__
from desktop_app.core import install_check

BUILD_INFO = install_check.ROOT / "resources" / "build_info.json"


def build_info() -> dict[str, str]:
    """``{"date", "commit"}`` of a packaged build; empty when running from source (or unreadable)."""
    try:
        data = json.loads(BUILD_INFO.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def os_name() -> str:
    """The operating system as its vendor names it (UOS/Kylin's PRETTY_NAME on Linux), with the kernel."""
    if sys.platform.startswith("linux"):
        try:
            pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except OSError:
            pretty = ""
        return f"{pretty or 'Linux'}（内核 {platform.release()}，{platform.machine()}）"
    if sys.platform == "win32":
        return f"Windows {platform.release()}（{platform.version()}，{platform.machine()}）"
    return platform.platform()


def about_facts(data_root: Path | None) -> list[tuple[str, str]]:
    """(label, value) lines for 帮助 › 关于, in the order they are shown."""
    info = build_info()
    if info:
        build = info.get("date", "?") + (f"（{info['commit']}）" if info.get("commit") else "")
    else:
        build = "源代码运行（未打包）"
    where = str(data_root) if data_root is not None else "尚未打开"
    if data_root is not None and install_check.portable_data_dir() == data_root:
        where += "（便携模式：数据在程序旁的 data 文件夹）"
    return [
        ("版本", __version__),
        ("构建日期", build),
        ("Python", f"{platform.python_version()}（{platform.python_implementation()}）"),
        ("操作系统", os_name()),
        ("数据文件夹", where),
    ]
