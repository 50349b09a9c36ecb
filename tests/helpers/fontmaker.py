"""Tiny TrueType fonts made on the fly (fontTools FontBuilder): a box glyph for each character asked for, and the
family names asked for — to test font discovery, fallback and 〓 without depending on the machine's fonts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def make_font(path: Path, family: str, chars: Iterable[str], zh_family: str = "") -> Path:
    """Write a TrueType (glyf) font at ``path`` with family ``family`` (and a Chinese name) holding ``chars``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = sorted(set(chars) | set("〓 "))
    names = [".notdef", *[f"u{ord(c):04X}" for c in chars]]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"u{ord(c):04X}" for c in chars})
    glyphs = {}
    for n in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, -50))
        pen.lineTo((100, 750))
        pen.lineTo((900, 750))
        pen.lineTo((900, -50))
        pen.closePath()
        glyphs[n] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    family_names: dict[str, str] = {"en": family}
    if zh_family:
        family_names["zh-CN"] = zh_family
    fb.setupNameTable({"familyName": family_names, "styleName": "Regular", "uniqueFontIdentifier": family,
                       "fullName": family, "psName": family.replace(" ", "")})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120, fsType=0)
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path
