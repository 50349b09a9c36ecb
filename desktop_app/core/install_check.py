"""安装完整性 — are the files this installation needs there? Qt-free, reads the disk only.

A packaged FieldDesk carries its font, its Chinese translations and the Qt plugins it
loads. A damaged install folder (an antivirus quarantining a file, a half-copied USB
stick, a trimmed build) must be named in Chinese by ``fielddesk selftest`` and by the GUI
at start, not surface as a traceback or as squares instead of characters.

Portable mode lives here too: a ``portable`` marker file or a ``data`` folder beside the
executable of a packaged build keeps every file of the program's data in that folder.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONT_FILE = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
QT_GAPS_QM = ROOT / "resources" / "i18n" / "qt_gaps_zh_CN.qm"
MIGRATIONS = ROOT / "db" / "migrations" / "versions"
MANUAL = ROOT / "resources" / "manual" / "manual.html"
STYLE = ROOT / "ui" / "style.qss"


@dataclass(frozen=True)
class Missing:
    """One missing file: what it is for (Chinese), and where it should be."""

    what: str
    path: Path

    def __str__(self) -> str:
        return f"{self.what}（{self.path}）"


def frozen() -> bool:
    """True in a PyInstaller build (the executable is FieldDesk itself, not Python)."""
    return bool(getattr(sys, "frozen", False))


def app_dir() -> Path:
    """The folder of the executable of a packaged build (where a portable marker would be)."""
    return Path(sys.executable).resolve().parent


def portable_data_dir() -> Path | None:
    """The data folder of a portable build, or None when this is not one.

    A packaged build is portable when a file named ``portable`` or a folder named ``data``
    sits beside its executable; its data then lives in that ``data`` folder. A Python
    interpreter running from source is never portable (its folder is the venv's bin).
    """
    if not frozen():
        return None
    here = app_dir()
    if (here / "portable").exists() or (here / "data").is_dir():
        return here / "data"
    return None


def qt_dir() -> Path | None:
    """PySide6's Qt folder (plugins, translations) without importing Qt; None if PySide6 is absent."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations and frozen():
        locations = [str(Path(getattr(sys, "_MEIPASS", ROOT)) / "PySide6")]
    for loc in locations:
        pkg = Path(loc)
        # Linux/macOS wheels keep Qt under PySide6/Qt; the Windows wheel puts plugins/ beside the package
        for base in (pkg / "Qt", pkg):
            if (base / "plugins").is_dir():
                return base
        if pkg.is_dir():
            return pkg / "Qt" if sys.platform != "win32" else pkg
    return None


def _plugin(kind: str, name: str) -> str:
    if sys.platform == "win32":
        return f"{kind}/q{name}.dll"
    if sys.platform == "darwin":
        return f"{kind}/libq{name}.dylib"
    return f"{kind}/libq{name}.so"


def required_qt_plugins(platform: str | None = None) -> list[tuple[str, str]]:
    """(what it is for, relative plugin path) the GUI needs on this OS (and for ``platform`` if given)."""
    native = {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")
    needed = [(f"Qt 平台插件 {native}（显示窗口）", _plugin("platforms", native)),
              ("Qt 平台插件 offscreen（自检与无显示器运行）", _plugin("platforms", "offscreen")),
              ("Qt SVG 图标插件（界面图标）", _plugin("iconengines", "svgicon")),
              ("Qt SVG 图像插件（界面图标）", _plugin("imageformats", "svg"))]
    if platform and platform not in (native, "offscreen") and platform.isidentifier():
        needed.insert(0, (f"Qt 平台插件 {platform}", _plugin("platforms", platform)))
    return needed


def missing_files(platform: str | None = None) -> list[Missing]:
    """Every file this installation needs and lacks, in the order a clerk would fix them."""
    out: list[Missing] = []
    if not FONT_FILE.is_file():
        out.append(Missing("中文字体 文泉驿微米黑", FONT_FILE))
    if not QT_GAPS_QM.is_file():
        out.append(Missing("界面中文翻译补充", QT_GAPS_QM))
    if not MANUAL.is_file():
        out.append(Missing("使用说明", MANUAL))
    if not STYLE.is_file():
        out.append(Missing("界面样式表", STYLE))
    if not any(MIGRATIONS.glob("0001_*.py*")):
        out.append(Missing("数据库结构升级脚本", MIGRATIONS))
    qt = qt_dir()
    if qt is None:
        out.append(Missing("Qt 界面库 PySide6", ROOT / "PySide6"))
        return out
    qm = qt / "translations" / "qtbase_zh_CN.qm"
    if not qm.is_file():
        out.append(Missing("Qt 自带中文翻译", qm))
    for what, rel in required_qt_plugins(platform):
        path = qt / "plugins" / rel
        if not path.is_file():
            out.append(Missing(what, path))
    return out


def missing_platform_plugin(platform: str | None = None) -> Missing | None:
    """The Qt platform plugin the GUI is about to use, if it is missing (Qt cannot show any window then)."""
    native = {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")
    name = (platform or native).split(":")[0]
    qt = qt_dir()
    if qt is None or not name.isidentifier():
        return None
    path = qt / "plugins" / _plugin("platforms", name)
    return None if path.is_file() else Missing(f"Qt 平台插件 {name}（显示窗口）", path)


def bundled_input_methods() -> list[str]:
    """File names of the input-method (platforminputcontexts) plugins this Qt carries."""
    qt = qt_dir()
    folder = qt / "plugins" / "platforminputcontexts" if qt is not None else None
    return sorted(p.name for p in folder.iterdir()) if folder is not None and folder.is_dir() else []


def input_method_env(env: dict[str, str], plugins: list[str]) -> dict[str, str]:
    """Environment to add so Chinese can be typed through fcitx5 with the Qt this program carries.

    UOS and Kylin type Chinese through fcitx/fcitx5 and set ``QT_IM_MODULE=fcitx`` (or only
    ``XMODIFIERS=@im=fcitx``). The Qt from PyPI carries no fcitx plugin, and the distributions'
    fcitx5 Qt 6 plugin is built against their own Qt's private API, so it cannot load into this
    one. fcitx5 also answers the IBus protocol through the D-Bus portal name it registers, which
    the bundled ``ibus`` plugin reaches with ``IBUS_USE_PORTAL=1``. So: when fcitx is asked for
    and no fcitx plugin is bundled, ask for ibus through the portal. (fcitx 4 has no such
    portal; there the package's documented dependency applies: see packaging/README.md.)
    """
    wanted = (env.get("QT_IM_MODULE") or env.get("QT_IM_MODULES") or "").lower()
    if not wanted and "@im=fcitx" in env.get("XMODIFIERS", "").lower():
        wanted = "fcitx"
    if "fcitx" not in wanted or any("fcitx" in name for name in plugins):
        return {}
    if not any("ibus" in name for name in plugins):
        return {}
    return {"QT_IM_MODULE": "ibus", "QT_IM_MODULES": "ibus", "IBUS_USE_PORTAL": "1"}


def missing_text(missing: list[Missing]) -> str:
    """The Chinese sentence naming what is missing and what to do."""
    return ("安装不完整，缺少：" + "；".join(str(m) for m in missing)
            + "。请重新安装调研工作台（便携版请重新解压完整的压缩包）；数据不受影响")
