"""Fonts for printing: find the system's 仿宋/宋体/小标宋/黑体 by what they are, register them with reportlab,
and print every character — from whichever font has it, or as 〓 with a warning when none has.

Three roles, as on official paperwork (GB/T 9704 habits):

* ``body``    — 正文, 仿宋 (FangSong, 仿宋_GB2312) or else 宋体;
* ``title``   — 标题, 方正小标宋/小标宋, else 黑体, else 宋体;
* ``heading`` — 表头 and small headings, 黑体.

Fonts are found by their family names and coverage (``font_scan``: every .ttf/.ttc of the font folders
read with fontTools, cached on disk), not by file names. Only TrueType outlines (glyf) are usable:
reportlab cannot embed CFF/OTF fonts such as Noto CJK. When a system has no Chinese font, every role
falls back to the WenQuanYi Micro Hei collection shipped in ``resources/fonts``. The user's choice is
kept in the local settings (key ``print.fonts``).

Missing glyphs: text is drawn in runs, each run in the first font that has its characters — the role
font, the fonts already loaded, then any TrueType face on the computer whose coverage holds the
character (SimSun-ExtB for 𠮷, a 方正/中易 超大字符集 font …), loaded only when needed. A character no
font holds is printed as 〓 (the GB 2312 geta mark, left for a hand-written correction) and
:meth:`FontSet.audit` names the characters and the items they are in: printing is never refused.
"""

from __future__ import annotations

import logging
import os
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ValidationError
from desktop_app.reports import font_scan
from desktop_app.reports.font_scan import FaceInfo

log = logging.getLogger(__name__)

ROLES: tuple[str, ...] = ("body", "title", "heading")
ROLE_LABELS: dict[str, str] = {"body": "正文（仿宋/宋体）", "title": "标题（小标宋/黑体）", "heading": "表头（黑体）"}
SETTINGS_KEY = "print.fonts"
#: printed for a character no font on the computer has (GB 2312 1-14, 〓 “geta”)
SUBSTITUTE = "\u3013"

SHIPPED_FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"

#: which styles suit each role, best first
ROLE_STYLES: dict[str, tuple[str, ...]] = {
    "body": ("fangsong", "song"),
    "title": ("xbs", "hei", "song"),
    "heading": ("hei", "xbs", "song"),
}
#: order in which other faces are tried for a character the role font lacks (serif faces first, like the body)
FALLBACK_STYLES: tuple[str, ...] = ("song", "fangsong", "kai", "xbs", "hei", "japanese", "other")
#: a face with fewer common characters than this is not offered for a role (SimSun-ExtB: a fallback only)
MIN_TEXT_CJK = 3000


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
    return font_scan.font_dirs()


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


def _spec(face: FaceInfo) -> FontSpec:
    return FontSpec(face.path, face.index, face.label, face.style)


def text_faces(faces: Iterable[FaceInfo]) -> list[FaceInfo]:
    """The TrueType faces fit to set Chinese text (enough common characters), best of each style first."""
    usable = [f for f in faces if f.truetype and f.cjk >= MIN_TEXT_CJK]
    order = {s: k for k, s in enumerate(("fangsong", "song", "xbs", "hei", "kai", "other"))}
    return sorted(usable, key=lambda f: (order.get(f.style, 9), -f.cjk, f.label))


def discover_fonts(dirs: Iterable[Path] | None = None, cache: Path | None = None) -> list[FontSpec]:
    """The Chinese TrueType fonts installed on this computer (in ``dirs``), found by their names and coverage."""
    return [_spec(f) for f in text_faces(font_scan.scan(dirs, cache))]


@lru_cache(maxsize=1)
def system_faces() -> tuple[FaceInfo, ...]:
    """Every face on this computer (scanned once per process, from the disk cache when nothing changed)."""
    return tuple(font_scan.scan())


def system_fonts() -> tuple[FontSpec, ...]:
    """:func:`discover_fonts` for this computer."""
    return tuple(_spec(f) for f in text_faces(system_faces()))


def available_fonts() -> list[FontSpec]:
    """Every font the user may choose from: the system's Chinese fonts, then the shipped one."""
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
    from desktop_app.org import settings

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
    from desktop_app.org import settings

    for spec in choice.values():
        register(spec)
    settings.put(db, SETTINGS_KEY, {role: spec.to_json() for role, spec in choice.items() if role in ROLES})


_lock = threading.Lock()
_registered: dict[str, str] = {}  # FontSpec.key -> reportlab font name
_specs: dict[str, FontSpec] = {}  # reportlab font name -> FontSpec
_coverage: dict[str, frozenset[str]] = {}  # reportlab font name -> characters it has


def _utf16_hex(cp: int) -> str:
    """A code point as the UTF-16BE hex a ToUnicode CMap wants (a surrogate pair beyond the BMP)."""
    return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper() if cp > 0xFFFF else f"{cp:04X}"


def _patch_tounicode() -> None:
    """Make reportlab's ToUnicode maps right for characters beyond the BMP (𠮷 U+20BB7 …).

    reportlab writes ``<20BB7>`` — five hex digits, which readers take as U+20BB — so a rare name printed
    correctly would copy, search and pdftotext as another character. The map must hold UTF-16 (a surrogate pair).
    """
    from reportlab.pdfbase import ttfonts

    if getattr(ttfonts.makeToUnicodeCMap, "_fielddesk", False):
        return
    original = ttfonts.makeToUnicodeCMap

    def make(fontname: str, subset: Sequence[int]) -> str:
        text: str = original(fontname, subset)
        if all(v <= 0xFFFF for v in subset):
            return text
        for i, v in enumerate(subset):
            if v > 0xFFFF:
                text = text.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{_utf16_hex(v)}>", 1)
        return text

    make._fielddesk = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make


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

        _patch_tounicode()
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
    #: every other TrueType face of the computer, registered only when a character needs it (a CJK face
    #: costs ~0.3 s to load); tried in this order
    candidates: list[FaceInfo] = field(default_factory=list)
    _widths: dict[tuple[str, float], dict[str, float]] = field(default_factory=dict, repr=False)
    _pick: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    #: line-breaking width tables (wrap.py), per (font, size)
    wrap_tables: dict[tuple[str, float], Any] = field(default_factory=dict, repr=False)

    def all_fonts(self) -> list[str]:
        """Every font registered for this set, role fonts first, without repeats."""
        return list(dict.fromkeys([self.body, self.title, self.heading, *self.fallbacks]))

    def _load_for(self, ch: str) -> str | None:
        """Register the first candidate face that has ``ch``; its reportlab name, or None when no face has it."""
        while True:
            k = next((i for i, face in enumerate(self.candidates) if face.has(ch)), None)
            if k is None:
                return None
            face = self.candidates.pop(k)
            try:
                name = register(_spec(face))
            except ValidationError as exc:  # a damaged or non-embeddable system font must not stop printing
                log.warning("skipping font: %s", exc)
                continue
            if name not in self.fallbacks:
                self.fallbacks.append(name)
            self._pick.clear()
            return name

    def has_glyph(self, ch: str) -> bool:
        """True when some font of this set (or of the computer) can draw ``ch``."""
        return self._font_or_none(self.body, ch) is not None

    def _font_or_none(self, font: str, ch: str) -> str | None:
        if ch in _coverage.get(font, ()):
            return font
        key = (font, ch)
        got = self._pick.get(key)
        if got is None:
            got = next((f for f in self.all_fonts() if ch in _coverage[f]), None) or self._load_for(ch) or ""
            self._pick[key] = got
        return got or None

    def font_for(self, font: str, ch: str) -> str:
        """The font that draws ``ch`` when the text asks for ``font`` (``font`` itself when it can, or when none can)."""
        return self._font_or_none(font, ch) or font

    def runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, piece) runs, each piece drawable by its font; a character no font has is 〓."""
        cov = _coverage.get(font)
        if cov is not None and cov.issuperset(text):
            return [(font, text)]
        out: list[tuple[str, str]] = []
        for ch in text:
            f = self._font_or_none(font, ch)
            if f is None:
                ch = SUBSTITUTE
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
        """Width of one character as it will be drawn (from a fallback font, or as 〓, if need be)."""
        table = self.char_widths(font, size)
        w = table.get(ch)
        if w is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            f = self._font_or_none(font, ch)
            if f is None:
                ch, f = SUBSTITUTE, self.font_for(font, SUBSTITUTE)
            w = table[ch] = stringWidth(ch, f, size)
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
        """Characters of ``texts`` that no font of this set, nor any other font of the computer, can draw."""
        seen: set[str] = set()
        for t in texts:
            if t:
                seen.update(t)
        seen -= _INVISIBLE
        for f in self.all_fonts():
            seen -= _coverage[f]
        return {ch for ch in seen if not self.has_glyph(ch)}

    def check(self, texts: Iterable[str]) -> set[str]:
        """The characters that will print as 〓 (logged; printing goes on)."""
        gone = self.missing(texts)
        if gone:
            log.warning("no font has %s: printed as %s", "".join(sorted(gone)), SUBSTITUTE)
        return gone

    def audit(self, items: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
        """Warnings for the characters no font has: which ones, and the items (label, texts) they are in."""
        items = list(items)
        gone = self.missing(t for _label, texts in items for t in texts)
        if not gone:
            return []
        where = [label for label, texts in items if any(ch in t for t in texts if t for ch in gone)]
        return [missing_warning(gone, where)]


def missing_warning(chars: Iterable[str], where: Sequence[str]) -> str:
    """“以下字符……已印为〓……见于：2026-001、2026-007” — the warning of a print with characters no font has."""
    chars = sorted(set(chars))
    listed = "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars[:20]) + (f"等 {len(chars)} 个字符" if len(chars) > 20 else "")
    places = "、".join(where[:20]) + (f"等 {len(where)} 处" if len(where) > 20 else "")
    return (f"以下字符在本机所有字体中都没有字形，已印为“{SUBSTITUTE}”，请在打印件上手工补写：{listed}"
            + (f"；见于：{places}" if places else "")
            + "。安装含这些字的字体（如中易宋体 SimSun-ExtB、方正或花园明朝等超大字符集 TrueType 字体）后重新打印即可印出。")


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


def build_fontset(choice: dict[str, FontSpec] | None = None, db: Any | None = None,
                  faces: Iterable[FaceInfo] | None = None) -> FontSet:
    """Register the chosen fonts (or the user's settings from ``db``, or defaults) and their fallbacks.

    ``faces``: the faces to fall back on (default: every TrueType face of this computer).
    """
    choice = dict(choice or load_choice(db))
    names: dict[str, str] = {}
    for role in ROLES:
        names[role], choice[role] = _register_role(role, choice.get(role))
    chosen = {spec.key for spec in choice.values()} | {shipped_font().key}
    pool = [f for f in (system_faces() if faces is None else faces)
            if f.truetype and FontSpec(f.path, f.index).key not in chosen]
    order = {s: k for k, s in enumerate(FALLBACK_STYLES)}
    # serif CJK faces first (they match the body), big coverage before small; Latin/symbol faces by name
    pool.sort(key=lambda f: (f.cjk == 0, order.get(f.style, 9), -f.cjk, f.label))
    return FontSet(names["body"], names["title"], names["heading"], [register(shipped_font())],
                   specs=choice, candidates=pool)
