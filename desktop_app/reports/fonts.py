"""Fonts for printing: find the system's 仿宋/宋体/黑体, register them with reportlab, and make sure
no character prints as an empty box.

Three roles, as on official paperwork (GB/T 9704 habits):

* ``body``    — 正文, 仿宋 or 宋体;
* ``title``   — 标题, 小标宋 or 黑体;
* ``heading`` — 表头 and small headings, 黑体.

Only TrueType outlines (``.ttf``/``.ttc`` with glyf tables) are usable: reportlab cannot embed
CFF/OTF fonts such as Noto CJK. When a system has none of the usual fonts, every role falls back
to the WenQuanYi Micro Hei collection shipped in ``resources/fonts`` (a 黑体-like sans with no
bold face, registered under each role's name). The user's choice is kept in the local settings
(key ``print.fonts``).

Missing glyphs: :class:`FontSet` knows every registered font's character coverage. Text is drawn
in runs, each run in the first font (role font, then the fallbacks) that has its characters;
:meth:`FontSet.check` raises *before* printing, naming any character no font has.
"""

from __future__ import annotations

import logging
import os
import struct
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop_app.errors import ValidationError

log = logging.getLogger(__name__)

ROLES: tuple[str, ...] = ("body", "title", "heading")
ROLE_LABELS: dict[str, str] = {"body": "正文（仿宋/宋体）", "title": "标题（小标宋/黑体）", "heading": "表头（黑体）"}
SETTINGS_KEY = "print.fonts"

SHIPPED_FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"

#: file name (lower case) -> (style, Chinese label, collection index). Windows first, then the
#: Linux/UOS/Kylin equivalents (CESI fonts ship with UOS and Kylin; AR PL and WenQuanYi on most).
KNOWN_FONTS: dict[str, tuple[str, str, int]] = {
    "simfang.ttf": ("fangsong", "仿宋", 0),
    "fangsong_gb2312.ttf": ("fangsong", "仿宋_GB2312", 0),
    "stfangso.ttf": ("fangsong", "华文仿宋", 0),
    "cesi_fs_gb2312.ttf": ("fangsong", "CESI仿宋", 0),
    "cesi_fs_gb18030.ttf": ("fangsong", "CESI仿宋", 0),
    "fzfsk.ttf": ("fangsong", "方正仿宋", 0),
    "simsun.ttc": ("song", "宋体", 0),
    "simsun.ttf": ("song", "宋体", 0),
    "stsong.ttf": ("song", "华文宋体", 0),
    "cesi_ss_gb2312.ttf": ("song", "CESI宋体", 0),
    "cesi_ss_gb18030.ttf": ("song", "CESI宋体", 0),
    "uming.ttc": ("song", "文鼎明体", 0),
    "fzxbsjw.ttf": ("xbs", "方正小标宋简体", 0),
    "fzxbsk.ttf": ("xbs", "方正小标宋", 0),
    "cesi_xbs_gb2312.ttf": ("xbs", "CESI小标宋", 0),
    "cesi_xbs_gb18030.ttf": ("xbs", "CESI小标宋", 0),
    "simhei.ttf": ("hei", "黑体", 0),
    "stheiti.ttf": ("hei", "华文黑体", 0),
    "cesi_ht_gb2312.ttf": ("hei", "CESI黑体", 0),
    "cesi_ht_gb18030.ttf": ("hei", "CESI黑体", 0),
    "wqy-zenhei.ttc": ("hei", "文泉驿正黑", 0),
    "msyh.ttc": ("hei", "微软雅黑", 0),
    "simkai.ttf": ("kai", "楷体", 0),
    "cesi_kt_gb2312.ttf": ("kai", "CESI楷体", 0),
    # Latin/symbol fallbacks: they carry glyphs a CJK font may lack (①, ⚠, accented letters …)
    "dejavusans.ttf": ("latin", "DejaVu Sans", 0),
    "arialuni.ttf": ("other", "Arial Unicode MS", 0),
    "seguisym.ttf": ("latin", "Segoe UI Symbol", 0),
    "arial.ttf": ("latin", "Arial", 0),
}

#: which styles suit each role, best first
ROLE_STYLES: dict[str, tuple[str, ...]] = {
    "body": ("fangsong", "song"),
    "title": ("xbs", "hei", "song"),
    "heading": ("hei", "xbs", "song"),
}


@dataclass(frozen=True)
class FontSpec:
    """One TrueType face: a file and, for a collection (.ttc), the face's index."""

    path: str
    index: int = 0
    label: str = ""
    style: str = "other"

    @property
    def key(self) -> str:
        """Stable identity used for the reportlab name and in settings."""
        return f"{os.path.normcase(os.path.abspath(self.path))}#{self.index}"

    def to_json(self) -> dict[str, Any]:
        """The form kept in settings."""
        return {"path": self.path, "index": self.index, "label": self.label, "style": self.style}

    @staticmethod
    def from_json(value: Any) -> FontSpec | None:
        """Back from settings; None when the value is not a font description."""
        if not isinstance(value, dict) or not isinstance(value.get("path"), str):
            return None
        return FontSpec(value["path"], int(value.get("index") or 0), str(value.get("label") or ""),
                        str(value.get("style") or "other"))


def shipped_font() -> FontSpec:
    """The font that always exists: WenQuanYi Micro Hei, shipped with the app."""
    return FontSpec(str(SHIPPED_FONT), 0, "文泉驿微米黑（随软件附带）", "hei")


def font_dirs() -> list[Path]:
    """Folders where this platform keeps fonts."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", str(home / "AppData" / "Local")))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    xdg = Path(os.environ.get("XDG_DATA_HOME", str(home / ".local" / "share")))
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", xdg / "fonts"]


def is_truetype(path: Path) -> bool:
    """True for TrueType outlines (usable by reportlab), False for CFF/OTF and non-fonts."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
            if head[:4] == b"ttcf":
                fh.seek(int.from_bytes(head[12:16], "big"))
                head = fh.read(4)
    except OSError:
        return False
    return head[:4] in (b"\x00\x01\x00\x00", b"true")


def discover_fonts(dirs: Iterable[Path] | None = None) -> list[FontSpec]:
    """The known Chinese (and fallback Latin) TrueType fonts installed on this computer.

    Walks the font folders once looking for the file names in ``KNOWN_FONTS``; CFF fonts
    are skipped because reportlab cannot embed them.
    """
    found: dict[str, FontSpec] = {}
    for root in dirs if dirs is not None else font_dirs():
        if not root.is_dir():
            continue
        for folder, _subdirs, files in os.walk(root):
            for name in files:
                info = KNOWN_FONTS.get(name.lower())
                if info is None or name.lower() in found:
                    continue
                path = Path(folder) / name
                if is_truetype(path):
                    found[name.lower()] = FontSpec(str(path), info[2], info[1], info[0])
    order = list(KNOWN_FONTS)
    return sorted(found.values(), key=lambda f: order.index(Path(f.path).name.lower()))


@lru_cache(maxsize=1)
def system_fonts() -> tuple[FontSpec, ...]:
    """:func:`discover_fonts` for this computer, cached for the process."""
    return tuple(discover_fonts())


def available_fonts() -> list[FontSpec]:
    """Every font the user may choose from: the system's, then the shipped one."""
    return [*system_fonts(), shipped_font()]


def default_choice(fonts: Iterable[FontSpec] | None = None) -> dict[str, FontSpec]:
    """Best font for each role among ``fonts`` (default: this computer's), else the shipped one."""
    pool = list(fonts if fonts is not None else system_fonts())
    choice: dict[str, FontSpec] = {}
    for role in ROLES:
        pick = next((f for style in ROLE_STYLES[role] for f in pool if f.style == style), None)
        choice[role] = pick or shipped_font()
    return choice


def load_choice(db: Any | None) -> dict[str, FontSpec]:
    """The user's font choice from settings (``print.fonts``), defaults for unset or vanished files."""
    choice = default_choice()
    if db is None:
        return choice
    from desktop_app.services import settings

    saved = settings.get(db, SETTINGS_KEY, {}) or {}
    for role in ROLES:
        spec = FontSpec.from_json(saved.get(role)) if isinstance(saved, dict) else None
        if spec is not None and Path(spec.path).is_file() and is_truetype(Path(spec.path)):
            choice[role] = spec
        elif spec is not None:
            log.warning("font for %s not usable any more: %s", role, spec.path)
    return choice


def save_choice(db: Any, choice: dict[str, FontSpec]) -> None:
    """Keep the user's font choice (this PC only). Each font is loaded first so a bad file is refused."""
    from desktop_app.services import settings

    for spec in choice.values():
        register(spec)
    settings.put(db, SETTINGS_KEY, {role: spec.to_json() for role, spec in choice.items() if role in ROLES})


_lock = threading.Lock()
_registered: dict[str, str] = {}  # FontSpec.key -> reportlab font name
_specs: dict[str, FontSpec] = {}  # reportlab font name -> FontSpec
_coverage: dict[str, frozenset[str]] = {}  # reportlab font name -> characters it has


def register(spec: FontSpec) -> str:
    """Register ``spec`` with reportlab once per process; returns its reportlab font name.

    Raises ValidationError with a Chinese message when the file cannot be used.
    """
    with _lock:
        name = _registered.get(spec.key)
        if name is not None:
            return name
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        name = f"FD{len(_registered)}-{Path(spec.path).stem}-{spec.index}"
        try:
            font = TTFont(name, spec.path, subfontIndex=spec.index)
        except (TTFError, OSError, ValueError, KeyError, IndexError, struct.error) as exc:
            # a damaged file can fail anywhere in reportlab's parser; all of these mean "cannot use it"
            raise ValidationError(f"无法使用字体文件 {spec.path}：{exc}",
                                  "请选择 TrueType 字体（.ttf/.ttc），OpenType/CFF 字体无法嵌入 PDF") from exc
        pdfmetrics.registerFont(font)
        # one family per face: there is no bold/italic face, so bold maps to the same glyphs
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        _coverage[name] = frozenset(map(chr, font.face.charWidths))
        _registered[spec.key] = name
        _specs[name] = spec
        return name


def spec_of(font_name: str) -> FontSpec | None:
    """The file behind a registered reportlab font name (the print preview loads the same file into Qt)."""
    return _specs.get(font_name)


def coverage(font_name: str) -> frozenset[str]:
    """Characters a registered font can draw."""
    return _coverage[font_name]


# Characters that are layout, not ink (wrap.clean_text drops them before drawing): never reported as missing
_INVISIBLE = frozenset([*map(chr, range(0x20)), "\x7f", "\xa0", "\u200b", "\u200c", "\u200d", "\ufeff"])


@dataclass
class FontSet:
    """The registered fonts of one print job: a font per role plus the fallback chain."""

    body: str
    title: str
    heading: str
    fallbacks: list[str]
    specs: dict[str, FontSpec] = field(default_factory=dict)
    #: further fonts registered only when a character needs them (a CJK face costs ~0.3 s to load)
    lazy_fallbacks: list[FontSpec] = field(default_factory=list)
    _widths: dict[tuple[str, float], dict[str, float]] = field(default_factory=dict, repr=False)
    _pick: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    #: line-breaking width tables (wrap.py), per (font, size)
    wrap_tables: dict[tuple[str, float], Any] = field(default_factory=dict, repr=False)

    def all_fonts(self) -> list[str]:
        """Every font registered for this set, role fonts first, without repeats."""
        return list(dict.fromkeys([self.body, self.title, self.heading, *self.fallbacks]))

    def _load_more(self) -> bool:
        """Register the next lazy fallback font; False when there are none left."""
        while self.lazy_fallbacks:
            spec = self.lazy_fallbacks.pop(0)
            try:
                self.fallbacks.append(register(spec))
                self._pick.clear()
                return True
            except ValidationError as exc:  # a damaged system font must not stop printing
                log.warning("skipping font: %s", exc)
        return False

    def font_for(self, font: str, ch: str) -> str:
        """The font that draws ``ch`` when the text asks for ``font`` (``font`` itself when it can)."""
        if ch in _coverage.get(font, ()):
            return font
        key = (font, ch)
        got = self._pick.get(key)
        if got is None:
            got = next((f for f in self.all_fonts() if ch in _coverage[f]), None)
            while got is None and self._load_more():
                got = next((f for f in self.all_fonts() if ch in _coverage[f]), None)
            got = got or font
            self._pick[key] = got
        return got

    def runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, piece) runs, each piece drawable by its font."""
        cov = _coverage.get(font)
        if cov is not None and cov.issuperset(text):
            return [(font, text)]
        out: list[tuple[str, str]] = []
        for ch in text:
            f = self.font_for(font, ch)
            if out and out[-1][0] == f:
                out[-1] = (f, out[-1][1] + ch)
            else:
                out.append((f, ch))
        return out

    def char_widths(self, font: str, size: float) -> dict[str, float]:
        """A growing cache of character widths (points) for ``font`` at ``size``, fallbacks included."""
        key = (font, size)
        table = self._widths.get(key)
        if table is None:
            table = self._widths[key] = {}
        return table

    def char_width(self, ch: str, font: str, size: float) -> float:
        """Width of one character as it will be drawn (from a fallback font if needed)."""
        table = self.char_widths(font, size)
        w = table.get(ch)
        if w is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            w = table[ch] = stringWidth(ch, self.font_for(font, ch), size)
        return w

    def string_width(self, text: str, font: str, size: float) -> float:
        """Width of ``text`` as drawn with fallbacks."""
        table = self.char_widths(font, size)
        total = 0.0
        for ch in text:
            w = table.get(ch)
            if w is None:
                w = self.char_width(ch, font, size)
            total += w
        return total

    def missing(self, texts: Iterable[str]) -> set[str]:
        """Characters of ``texts`` that no font of this set can draw."""
        seen: set[str] = set()
        for t in texts:
            if t:
                seen.update(t)
        seen -= _INVISIBLE
        for f in self.all_fonts():
            seen -= _coverage[f]
        while seen and self._load_more():
            seen -= _coverage[self.fallbacks[-1]]
        return seen

    def check(self, texts: Iterable[str]) -> None:
        """Raise before printing when some character would print as an empty box."""
        gone = self.missing(texts)
        if gone:
            listed = "、".join(f"“{c}”(U+{ord(c):04X})" for c in sorted(gone)[:20])
            more = f"等 {len(gone)} 个字符" if len(gone) > 20 else ""
            raise ValidationError(
                f"以下字符在所有可用字体中都没有字形，打印后会显示为空框：{listed}{more}",
                "请在“设置 → 打印字体”中选择包含这些字的字体（如安装方正或中易字库的超大字符集字体），"
                "或在数据中改用通用写法后再打印")


def _register_role(role: str, spec: FontSpec | None) -> tuple[str, FontSpec]:
    """Register a role's font; a font reportlab refuses (e.g. its licence forbids embedding) gives way to the
    next suitable font found on this computer, then to the shipped one."""
    candidates = [spec] if spec else []
    candidates += [f for style in ROLE_STYLES[role] for f in system_fonts() if f.style == style]
    for cand in [*candidates, shipped_font()]:
        try:
            return register(cand), cand
        except ValidationError as exc:
            log.warning("font for %s not usable, trying the next: %s", role, exc)
    raise ValidationError("找不到可用于打印的字体", "请重新安装调研工作台（随软件附带的字体文件缺失或损坏）")


def build_fontset(choice: dict[str, FontSpec] | None = None, db: Any | None = None) -> FontSet:
    """Register the chosen fonts (or the user's settings from ``db``, or defaults) and their fallbacks."""
    choice = dict(choice or load_choice(db))
    names: dict[str, str] = {}
    for role in ROLES:
        names[role], choice[role] = _register_role(role, choice.get(role))
    chosen = {spec.key for spec in choice.values()}
    lazy = [spec for spec in system_fonts() if spec.key not in chosen]
    # Latin/symbol faces first: a CJK role font usually lacks only symbols and accented letters
    lazy.sort(key=lambda f: f.style not in ("latin", "other"))
    return FontSet(names["body"], names["title"], names["heading"], [register(shipped_font())],
                   specs=choice, lazy_fallbacks=lazy)
