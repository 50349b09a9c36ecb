"""``fielddesk selftest`` — 自检: is this installation able to work? For packaged builds.

Four checks, each reported with ✓/✗ (or ``--json``: ``{"ok", "checks": [{"name", "ok",
"detail"}]}``); the exit code is 0 only when all pass:

* ``fonts`` — the shipped CJK font exists, reportlab can register it (TTFont, collection
  index 0) and it has glyphs for the words and rare name characters FieldDesk prints;
* ``database`` — the data folder's database opens the way the app opens it
  (``open_context``: integrity check, schema version, migration) and holds an office;
* ``audit`` — the audit log's hash chain holds, and its newest entry is the one the head kept
  in the settings names (``fielddesk audit verify`` says more);
* ``qt`` — in a child process (so a broken Qt cannot take this one down), PySide6 creates a
  QApplication and a QWidget; offscreen when there is no display. Reports the platform plugin.
  The child is ``<this executable> --qt-probe`` in a packaged build (where sys.executable is
  FieldDesk itself) and ``python -m desktop_app --qt-probe`` from source: it never starts the
  GUI and never opens a data folder;
* ``install`` — every file the program needs is in the install folder (font, Chinese
  translations, the Qt plugins it loads, the migrations); what is missing is named in Chinese.

Nothing here creates a database: the database check only opens one that exists in the data
folder given. The whole run is bounded (the Qt probe by QT_TIMEOUT_S) to finish within 10 s.
This module never imports PySide6 itself (desktop_app stays Qt-free).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import install_check
from desktop_app.core.errors import FieldDeskError

FONT_FILE = install_check.FONT_FILE
#: what must render: the product's own words and the rare characters of real names
GLYPH_PROBE = "调研台账赟喆堃珺燊"
#: the Qt probe starts in well under a second; a hung one must not keep the selftest past 10 s
QT_TIMEOUT_S = 7.0


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str


def check_install() -> Check:
    """Every file the program loads is in the install folder; names what is missing, in Chinese."""
    missing = install_check.missing_files(os.environ.get("QT_QPA_PLATFORM") or None)
    if missing:
        return Check("install", False, install_check.missing_text(missing))
    where = install_check.app_dir() if install_check.frozen() else install_check.ROOT
    mode = "打包版" + ("（便携模式）" if install_check.portable_data_dir() else "") if install_check.frozen() else "源代码运行"
    return Check("install", True, f"{mode}，程序目录 {where}：字体、中文翻译、使用说明、Qt 插件、数据库升级脚本齐全")


def qt_probe_command(font_file: Path = FONT_FILE) -> list[str]:
    """The child process that probes Qt: the same executable with ``--qt-probe`` (never the GUI)."""
    if install_check.frozen():
        return [sys.executable, "--qt-probe", str(font_file)]
    return [sys.executable, "-m", "desktop_app", "--qt-probe", str(font_file)]


def check_fonts(font_file: Path = FONT_FILE) -> Check:
    """The shipped font is there, reportlab reads it, and it covers ``GLYPH_PROBE``."""
    if not font_file.is_file():
        return Check("fonts", False, f"找不到字体文件 {font_file}；请重新安装调研工作台")
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        font = TTFont("FieldDeskSelftest", str(font_file), subfontIndex=0)
        pdfmetrics.registerFont(font)
    except Exception as exc:  # reportlab raises plain Exceptions (TTFError …) for unreadable fonts
        return Check("fonts", False, f"reportlab 无法加载字体 {font_file.name}：{exc}")
    cmap = font.face.charToGlyph
    missing = [c for c in GLYPH_PROBE if ord(c) not in cmap]
    if missing:
        return Check("fonts", False, f"字体 {font_file.name} 缺少字形：{''.join(missing)}")
    licence = any(font_file.parent.glob("LICENSE*"))
    return Check("fonts", True, f"{font_file.name}（{font.face.name.decode('latin-1', 'replace')}），"
                                f"{len(cmap)} 个字符，含“{GLYPH_PROBE}”" + ("" if licence else "；未找到许可证文件"))


def check_database(root: Path) -> Check:
    """The database opens as the app opens it, at the newest schema, with an office."""
    from desktop_app.core import server_db
    from desktop_app.core.config import DataDir

    data = DataDir(root)
    server = server_db.url_for(data)
    if not server and not data.db_path.is_file():
        return Check("database", False, f"数据目录 {root} 中没有数据库；请先运行 fielddesk init 或 fielddesk demo")
    try:
        from sqlalchemy import func, select

        from db import migrate
        from db.models import Issue
        from desktop_app.core.context import open_context
        from desktop_app.org import organisation

        ctx = open_context(root, full_check=True, daily_backup=False, write=False)  # every page, not just the structure
        try:
            revision = migrate.current_revision(ctx.db.engine)
            head = migrate.head_revision()
            if revision != head:
                return Check("database", False, f"数据库结构版本 {revision}，应为 {head}")
            if not ctx.office_code:
                return Check("database", False, "数据库中尚未设置本单位；请运行 fielddesk init 或在设置向导中填写")
            office = organisation.get_office(ctx.db)
            with ctx.db.session() as s:
                issues = s.execute(select(func.count(Issue.id))).scalar() or 0
            backup_note = _server_backup_note(ctx) if server else ""
        finally:
            ctx.close()
    except FieldDeskError as exc:
        return Check("database", False, str(exc))
    notes = "；".join(ctx.notices)
    if server:
        return Check("database", True, f"数据库服务器 {server_db.ServerChoice(server_db.parse_url(server)).display}："
                                       f"结构版本 {revision}（最新），本单位 {office.name}（{office.code}），"
                                       f"问题台账 {issues} 条；{backup_note}" + (f"；{notes}" if notes else ""))
    return Check("database", True, f"{data.db_path}：完整性检查通过，结构版本 {revision}（最新），"
                                   f"本单位 {office.name}（{office.code}），问题台账 {issues} 条" + (f"；{notes}" if notes else ""))


def check_audit(root: Path) -> Check:
    """The audit chain holds: no entry edited, deleted, reordered, and the tail is all there."""
    from desktop_app.core import server_db
    from desktop_app.core.config import DataDir

    data = DataDir(root)
    if not server_db.url_for(data) and not data.db_path.is_file():  # a shared server has no file here
        return Check("audit", False, "没有数据库，无法检查审计日志")
    try:
        from desktop_app.core import audit
        from desktop_app.core.context import open_context

        ctx = open_context(root, full_check=False, daily_backup=False, write=False)
        try:
            with ctx.db.session() as s:
                report = audit.verify(s)
        finally:
            ctx.close()
    except FieldDeskError as exc:
        return Check("audit", False, str(exc))
    if report.ok:
        return Check("audit", True, report.message)
    return Check("audit", False, f"{report.message}；请运行 fielddesk audit verify 查看，并报告单位负责人")
def _server_backup_note(ctx: Any) -> str:
    """The newest backup of a shared server, read back (a backup that cannot be restored is a failure)."""
    from desktop_app.core import backup, server_backup

    made = [b for b in backup.list_backups(ctx.data.backups) if b.kind != "sqlite"]
    if not made:
        return "尚无服务器备份（请运行 fielddesk backup）"
    return f"最新备份 {made[0].path.name}：{server_backup.verify(made[0].path)}"


def check_qt(timeout: float = QT_TIMEOUT_S) -> Check:
    """PySide6 can start and show a widget (in a child process; offscreen without a display)."""
    env = dict(os.environ)
    headless = not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux")
    if headless:
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        proc = subprocess.run(qt_probe_command(), capture_output=True, text=True, encoding="utf-8", errors="replace",
                              env=env, timeout=timeout, stdin=subprocess.DEVNULL, cwd=install_check.ROOT)
    except subprocess.TimeoutExpired:
        return Check("qt", False, f"Qt 在 {timeout:.0f} 秒内未能启动；请检查显示环境或设置 QT_QPA_PLATFORM=offscreen")
    except OSError as exc:
        return Check("qt", False, f"无法启动 Qt 检查子进程：{exc}")
    info: dict[str, Any] = {}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                info = json.loads(line)
            except ValueError:
                continue
            break
    if proc.returncode != 0 or not info:
        return Check("qt", False, f"Qt 无法启动（退出码 {proc.returncode}）：{_qt_failure(proc.stderr)}")
    problems = []
    families = info.get("font_families") or []
    if not families:
        problems.append("Qt 无法加载内置字体")
    if not info.get("qtbase_zh_CN"):
        problems.append("Qt 自带中文翻译 qtbase_zh_CN.qm 无法加载")
    if not info.get("qt_gaps_zh_CN"):
        problems.append("界面中文翻译补充 qt_gaps_zh_CN.qm 无法加载")
    if not info.get("svg_icon"):
        problems.append("SVG 图标无法显示（缺少 Qt SVG 插件）")
    font_note = f"，字体 {'、'.join(map(str, families))} 已注册" if families else ""
    ims = "、".join(str(m) for m in info.get("input_methods") or []) or "无"
    detail = (f"平台插件 {info.get('platform')}{'（无显示器，离屏）' if headless else ''}，"
              f"Qt {info.get('qt')}，PySide6 {info.get('pyside')}{font_note}，"
              f"输入法插件 {ims}，插件目录 {info.get('plugins')}")
    if problems:
        return Check("qt", False, "；".join(problems) + "。请重新安装调研工作台。" + detail)
    return Check("qt", True, detail)


def _qt_failure(stderr: str) -> str:
    """Qt's own start-up error in Chinese where it is a known one (a missing platform plugin)."""
    import re

    found = re.search(r'Could not (?:find|load) the Qt platform plugin "([^"]+)"(?: in "([^"]*)")?', stderr)
    if found:
        name, where = found.group(1), found.group(2) or ""
        return (f"找不到或无法加载 Qt 平台插件 {name}{('（目录 ' + where + '）') if where else ''}；"
                "请重新安装调研工作台；Linux 上也可能缺少 libxcb-cursor0 等系统库")
    tail = (stderr.strip().splitlines() or ["（无输出）"])[-1]
    return f"{tail}；Linux 上可能缺少 libxcb-cursor0 等系统库，或需设置 QT_QPA_PLATFORM=offscreen"


def _guarded(name: str, func: Callable[[], Check]) -> Check:
    try:
        return func()
    except Exception as exc:  # a selftest reports, it does not crash
        return Check(name, False, f"检查时出错：{type(exc).__name__}: {exc}")


def run_checks(root: Path) -> list[Check]:
    """All checks, in order; a check that crashes counts as failed with its error.

    The Qt probe (a child process, the slowest part) runs in a thread while the others run here,
    so the whole selftest takes about as long as its slowest check.
    """
    from concurrent.futures import ThreadPoolExecutor

    checks: list[tuple[str, Callable[[], Check]]] = [
        # install last: scripts read the first three by position (the --json contract before it existed)
        ("fonts", lambda: check_fonts()), ("database", lambda: check_database(root)), ("audit", lambda: check_audit(root)),
        ("qt", lambda: check_qt()), ("install", lambda: check_install())]
    with ThreadPoolExecutor(max_workers=1) as pool:
        qt = pool.submit(_guarded, "qt", dict(checks)["qt"])
        return [qt.result() if name == "qt" else _guarded(name, func) for name, func in checks]


def cmd_selftest(args: argparse.Namespace) -> int:
    """fielddesk selftest [--json]: fonts, database, Qt plugins; exit 0 only if all pass."""
    from desktop_app.cli.support import data_root

    checks = run_checks(data_root(args))
    ok = all(c.ok for c in checks)
    if getattr(args, "json", False):
        print(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, ensure_ascii=False, indent=1))
    else:
        labels = {"install": "安装文件", "fonts": "字体", "database": "数据库", "audit": "审计日志", "qt": "Qt 界面"}
        for c in checks:
            print(f"{'✓' if c.ok else '✗'} {labels.get(c.name, c.name)}：{c.detail}")
        print("自检通过" if ok else "自检未通过：请按上面 ✗ 项的提示处理")
    return 0 if ok else 1
