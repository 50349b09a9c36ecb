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

from desktop_app.errors import FieldDeskError

FONT_FILE = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc"
#: what must render: the product's own words and the rare characters of real names
GLYPH_PROBE = "调研台账赟喆堃珺燊"
QT_TIMEOUT_S = 60

#: a standalone script, outside desktop_app/ because the core never imports Qt
QT_PROBE = Path(__file__).resolve().parents[1] / "resources" / "qt_probe.py"


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str


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
    from desktop_app import server_db
    from desktop_app.config import DataDir

    data = DataDir(root)
    server = server_db.url_for(data)
    if not server and not data.db_path.is_file():
        return Check("database", False, f"数据目录 {root} 中没有数据库；请先运行 fielddesk init 或 fielddesk demo")
    try:
        from sqlalchemy import func, select

        from db import migrate
        from db.models import Issue
        from desktop_app.context import open_context
        from desktop_app.services import organisation

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
    from desktop_app.config import DataDir

    if not DataDir(root).db_path.is_file():
        return Check("audit", False, "没有数据库，无法检查审计日志")
    try:
        from desktop_app import audit
        from desktop_app.context import open_context

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
    from desktop_app import backup, server_backup

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
        proc = subprocess.run([sys.executable, str(QT_PROBE), str(FONT_FILE)], capture_output=True, text=True,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Check("qt", False, f"Qt 在 {timeout:.0f} 秒内未能启动；请检查显示环境或设置 QT_QPA_PLATFORM=offscreen")
    except OSError as exc:
        return Check("qt", False, f"无法启动 Python 子进程：{exc}")
    info: dict[str, Any] = {}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                info = json.loads(line)
            except ValueError:
                continue
            break
    if proc.returncode != 0 or not info:
        tail = (proc.stderr.strip().splitlines() or ["（无输出）"])[-1]
        return Check("qt", False, f"Qt 无法启动（退出码 {proc.returncode}）：{tail}；"
                                  "Linux 上可能缺少 libxcb-cursor0 等系统库，或需设置 QT_QPA_PLATFORM=offscreen")
    families = info.get("font_families") or []
    font_note = f"，字体 {'、'.join(map(str, families))} 已注册" if families else "，但 Qt 无法加载内置字体"
    return Check("qt", bool(families), f"平台插件 {info.get('platform')}{'（无显示器，离屏）' if headless else ''}，"
                                       f"Qt {info.get('qt')}，PySide6 {info.get('pyside')}{font_note}，"
                                       f"插件目录 {info.get('plugins')}")


def run_checks(root: Path) -> list[Check]:
    """All checks, in order; a check that crashes counts as failed with its error."""
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("fonts", check_fonts), ("database", lambda: check_database(root)), ("audit", lambda: check_audit(root)),
        ("qt", check_qt)]
    out = []
    for name, func in checks:
        try:
            out.append(func())
        except Exception as exc:  # a selftest reports, it does not crash
            out.append(Check(name, False, f"检查时出错：{type(exc).__name__}: {exc}"))
    return out


def cmd_selftest(args: argparse.Namespace) -> int:
    """fielddesk selftest [--json]: fonts, database, Qt plugins; exit 0 only if all pass."""
    from desktop_app.cli import data_root

    checks = run_checks(data_root(args))
    ok = all(c.ok for c in checks)
    if getattr(args, "json", False):
        print(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, ensure_ascii=False, indent=1))
    else:
        labels = {"fonts": "字体", "database": "数据库", "audit": "审计日志", "qt": "Qt 界面"}
        for c in checks:
            print(f"{'✓' if c.ok else '✗'} {labels.get(c.name, c.name)}：{c.detail}")
        print("自检通过" if ok else "自检未通过：请按上面 ✗ 项的提示处理")
    return 0 if ok else 1
