"""Finding the fonts of this computer by what they are, not by their file names.

Every ``.ttf``/``.ttc`` in the platform's font folders (Windows ``%WINDIR%\\Fonts`` and the per-user
``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``; Linux the fontconfig folders, plus whatever ``fc-list``
names on the first scan) is opened with fontTools: each face's family names (Chinese and English),
whether it has TrueType outlines (``glyf`` — reportlab cannot embed CFF), and the characters it
covers, kept as code-point ranges. A face is then a 仿宋, 宋体, 小标宋, 黑体 or 楷体 by its names
(仿宋_GB2312, FangSong, 方正小标宋简体, SimSun-ExtB …), whatever its file is called.

Reading a large CJK font takes a tenth of a second, so the result is cached on disk (JSON, keyed by
each file's size and modification time): a later start only lists the folders and stats the files.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_VERSION = 3
FONT_SUFFIXES = (".ttf", ".ttc")

#: style -> words in a family name that make a face that style (lower case; first match wins, in this order)
STYLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Japanese faces (花園明朝, MS Mincho/Gothic): good for a rare character, never a role font (Japanese glyph shapes)
    ("japanese", ("明朝", "mincho", "ゴシック", "ms gothic", "hanamin", "ipa")),
    ("xbs", ("小标宋", "xiaobiaosong", "xbsong", "xbs")),
    ("fangsong", ("仿宋", "fangsong", "fang song", "fangso")),
    ("kai", ("楷", "kaiti", "kai")),
    ("hei", ("黑", "hei", "雅黑", "yahei", "gothic", "sans cjk")),
    ("song", ("宋", "simsun", "song", "明体", "ming", "serif cjk", "han serif")),
)

CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF  # CJK Unified Ideographs (the common characters)


@dataclass(frozen=True)
class FaceInfo:
    """One face of a font file as scanned: names, style, outlines and coverage."""

    path: str
    index: int
    family: str  # English (or only) family name
    label: str  # what a clerk sees: the Chinese family name when the font has one
    style: str  # fangsong | song | xbs | hei | kai | other
    truetype: bool  # glyf outlines (reportlab can embed it)
    coverage: str  # covered code points as hex runs "4e00-9fa5,3007" (parsed only when asked: start-up stays fast)
    cjk: int  # how many CJK Unified Ideographs it covers

    @property
    def ranges(self) -> tuple[tuple[int, int], ...]:
        """Covered code points as sorted inclusive runs."""
        got: tuple[tuple[int, int], ...] | None = self.__dict__.get("_ranges")
        if got is None:
            runs = []
            for part in self.coverage.split(",") if self.coverage else ():
                a, _, b = part.partition("-")
                runs.append((int(a, 16), int(b or a, 16)))
            got = tuple(runs)
            object.__setattr__(self, "_ranges", got)
        return got

    def has(self, ch: str) -> bool:
        """True when the face has a glyph for ``ch``."""
        ranges = self.ranges
        cp = ord(ch)
        i = bisect_right(ranges, (cp, 0x10FFFF + 1)) - 1
        return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]

    def covers(self, first: int, last: int) -> int:
        """How many code points of ``first``..``last`` it covers."""
        return sum(max(0, min(b, last) - max(a, first) + 1) for a, b in self.ranges if b >= first and a <= last)


#: set (to anything) to look at the app's own fonts only — no system folder, no fontconfig (packaging/smoke.sh)
NO_SYSTEM_FONTS_ENV = "FIELDDESK_NO_SYSTEM_FONTS"
#: fonts the built app carries for rare name characters (Hanazono Mincho A/B, CJK Ext A–F; see its README.md)
EXTRA_FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "extra"


def font_dirs() -> list[Path]:
    """Folders where this platform keeps fonts (system-wide and the user's own), after the app's own
    rare-character fonts (``EXTRA_FONT_DIR``, filled by the build)."""
    if os.environ.get(NO_SYSTEM_FONTS_ENV):  # the package's smoke test: prove the app's own fonts suffice
        return [EXTRA_FONT_DIR]
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", str(home / "AppData" / "Local")))
        return [EXTRA_FONT_DIR, windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [EXTRA_FONT_DIR, Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    xdg = Path(os.environ.get("XDG_DATA_HOME", str(home / ".local" / "share")))
    return [EXTRA_FONT_DIR, Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", xdg / "fonts"]


def fontconfig_dirs() -> list[Path]:
    """Folders of the fonts fontconfig knows (``fc-list``), for fonts outside the usual folders; [] without it."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, "--format", "%{file}\\n"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({Path(line).parent for line in out.splitlines() if line.lower().endswith(FONT_SUFFIXES)})


def cache_file() -> Path:
    """Where the scan is kept: ``FIELDDESK_FONT_CACHE`` or the user's cache folder."""
    env = os.environ.get("FIELDDESK_FONT_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("FieldDesk", appauthor=False)) / f"fonts-v{CACHE_VERSION}.json"


def _files(dirs: Iterable[Path]) -> dict[str, os.stat_result]:
    """Every font file under ``dirs`` with its stat (first occurrence of a path wins)."""
    found: dict[str, os.stat_result] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for folder, _subdirs, names in os.walk(root):
            for name in names:
                if name.lower().endswith(FONT_SUFFIXES):
                    path = os.path.join(folder, name)
                    if os.path.islink(path):
                        continue  # Debian's alternatives links: the real file is listed under its own name
                    if path not in found:
                        try:
                            found[path] = os.stat(path)
                        except OSError:
                            continue
    return found


def _names(font: Any) -> tuple[str, str]:
    """(English family, Chinese family or '') from the name table (typographic family first)."""
    table = font.get("name")
    english = chinese = ""
    if table is None:
        return english, chinese
    for name_id in (16, 1):
        for rec in table.names:
            if rec.nameID != name_id:
                continue
            try:
                text = rec.toUnicode().strip()
            except (UnicodeDecodeError, ValueError):
                continue
            if not text:
                continue
            if rec.platformID == 3 and rec.langID in (0x0804, 0x0404, 0x0C04, 0x1004, 0x1404) or \
                    any("\u4e00" <= c <= "\u9fff" for c in text):
                chinese = chinese or text
            elif rec.platformID in (3, 0, 1):
                english = english or text
        if english and chinese:
            break
    return english or chinese, chinese


def style_of(*names: str) -> str:
    """The style a family name says (fangsong | song | xbs | hei | kai | japanese | other)."""
    text = " ".join(names).lower()
    for style, words in STYLE_WORDS:
        if any(w in text for w in words):
            return style
    return "other"


def _runs(codes: Iterable[int]) -> str:
    out: list[list[int]] = []
    for cp in sorted(codes):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return ",".join(f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in out)


def scan_file(path: str) -> list[FaceInfo]:
    """Every face of one font file ([] for a file fontTools cannot read)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    faces: list[FaceInfo] = []
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
        count = 1
        if head == b"ttcf":
            with TTCollection(path, lazy=True) as coll:
                count = len(coll.fonts)
        for index in range(count):
            with TTFont(path, fontNumber=index, lazy=True) as font:
                english, chinese = _names(font)
                truetype = "glyf" in font
                cmap = font.getBestCmap() if "cmap" in font else None
                info = FaceInfo(path, index, english, chinese or english or Path(path).stem,
                                style_of(english, chinese), truetype, _runs(cmap or ()), 0)
                faces.append(FaceInfo(info.path, info.index, info.family, info.label, info.style, info.truetype,
                                      info.coverage, info.covers(CJK_FIRST, CJK_LAST)))
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, IndexError, TypeError) as exc:
        log.info("not a usable font: %s (%s)", path, exc)
        return []
    except Exception as exc:  # noqa: BLE001 — fontTools raises many kinds on damaged files; one bad file must not stop the scan
        log.warning("font file skipped: %s (%s)", path, exc)
        return []
    return faces


def _to_json(face: FaceInfo) -> dict[str, Any]:
    return {"index": face.index, "family": face.family, "label": face.label, "style": face.style,
            "truetype": face.truetype, "coverage": face.coverage, "cjk": face.cjk}


def _from_json(path: str, d: dict[str, Any]) -> FaceInfo:
    return FaceInfo(path, int(d["index"]), str(d["family"]), str(d["label"]), str(d["style"]), bool(d["truetype"]),
                    str(d["coverage"]), int(d["cjk"]))


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}


def scan(dirs: Iterable[Path] | None = None, cache: Path | None = None, use_fontconfig: bool = True
         ) -> list[FaceInfo]:
    """Every face in ``dirs`` (default: this platform's font folders), from the cache where the file is unchanged.

    The cache (``cache``, default :func:`cache_file`) is rewritten when anything changed. On its first scan
    of the default folders the fontconfig folders are added and remembered.
    """
    cache = cache or cache_file()
    old = _load_cache(cache)
    default = dirs is None
    wanted = list(dirs) if dirs is not None else font_dirs()
    if default and use_fontconfig and not os.environ.get(NO_SYSTEM_FONTS_ENV):
        extra = old.get("extra_dirs")
        if extra is None:
            extra = [str(d) for d in fontconfig_dirs() if not any(str(d).startswith(str(w)) for w in wanted)]
        wanted += [Path(d) for d in extra]
    else:
        extra = old.get("extra_dirs", [])
    known: dict[str, Any] = old.get("files", {}) if isinstance(old.get("files"), dict) else {}
    files = _files(wanted)
    faces: list[FaceInfo] = []
    entries: dict[str, Any] = {}
    changed = set(known) != set(files)
    for path, st in sorted(files.items()):
        entry = known.get(path)
        if entry and entry.get("size") == st.st_size and entry.get("mtime") == st.st_mtime_ns:
            try:
                got = [_from_json(path, f) for f in entry["faces"]]
            except (KeyError, TypeError, ValueError):
                got = scan_file(path)
                changed = True
        else:
            got = scan_file(path)
            changed = True
        faces.extend(got)
        entries[path] = {"size": st.st_size, "mtime": st.st_mtime_ns, "faces": [_to_json(f) for f in got]}
    if changed or "extra_dirs" not in old:
        merged = entries
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "extra_dirs": extra, "files": merged},
                                      ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError as exc:  # a read-only profile: scan again next time, print all the same
            log.warning("font cache not written: %s", exc)
    return faces
