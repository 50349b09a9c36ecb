"""Line breaking for CJK text measured with fallback fonts (pre-wrapped strings are ~2x faster in
reportlab tables than Paragraph cells; see perf-baselines.md).

Rules kept from Chinese typesetting habit (禁则): a line never starts with closing punctuation
(，。、；：？！）》」』】…) and never ends with an opening one (（《「『【); Latin words and numbers
are not split unless a single word is wider than the line.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from desktop_app.reports.fonts import FontSet

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./%")


class _Widths(dict[str, float]):
    """Character widths of one font and size; unknown characters are measured once (with fallbacks)."""

    def __init__(self, fontset: FontSet, font: str, size: float) -> None:
        super().__init__()
        self.fontset, self.font, self.size = fontset, font, size

    def __missing__(self, ch: str) -> float:
        w = self[ch] = self.fontset.char_width(ch, self.font, self.size)
        return w


def _widths(fontset: FontSet, font: str, size: float) -> _Widths:
    # kept on the FontSet, so the cache lives exactly as long as the print job's fonts
    key = (font, size)
    table = fontset.wrap_tables.get(key)
    if table is None:
        table = fontset.wrap_tables[key] = _Widths(fontset, font, size)
    return table  # type: ignore[no-any-return]


#: control and zero-width characters that come in with pasted or imported text: no glyph, no ink
_STRIP: dict[int, str | None] = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x200B,
                                                   0x200C, 0x200D, 0xFEFF]}
_STRIP[0x09] = " "
_STRIP[0xA0] = " "


def clean_text(text: str) -> str:
    """``text`` without control/zero-width characters (tabs become spaces); newlines are kept."""
    return text.translate(_STRIP) if not text.isprintable() or "\xa0" in text else text


def wrap_text(text: str, width: float, fontset: FontSet, font: str, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (explicit newlines kept)."""
    if not text:
        return [""]
    text = clean_text(text)
    table = _widths(fontset, font, size)
    if "\n" in text or "\r" in text:
        out: list[str] = []
        for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            out.extend(_wrap_line(para, width, table))
        return out
    return _wrap_line(text, width, table)


def _wrap_line(text: str, width: float, table: _Widths) -> list[str]:
    # cumulative widths in C (map + accumulate), then binary search for each line end
    cum = list(accumulate(map(table.__getitem__, text)))
    n = len(cum)
    if not n or cum[-1] <= width + 0.001:
        return [text]
    lines: list[str] = []
    start = 0
    base = 0.0
    while start < n:
        i = bisect_right(cum, base + width + 0.001, start)
        if i >= n:
            lines.append(text[start:])
            break
        cut = _break_at(text, start, max(i, start + 1))
        lines.append(text[start:cut])
        base = cum[cut - 1]
        start = cut
    return lines


def _break_at(text: str, start: int, i: int) -> int:
    """Where to end the line that overflows at ``i`` (the first character that does not fit)."""
    cut = i
    if cut >= len(text):
        return cut
    for _ in range(4):  # each rule can move the cut into another rule's way; a few rounds settle it
        before = cut
        # do not split a Latin word or a number, unless it fills the whole line
        if _is_word_char(text[cut]) and _is_word_char(text[cut - 1]):
            j = cut
            while j > start and _is_word_char(text[j - 1]):
                j -= 1
            if j > start:
                cut = j
        # keep closing punctuation with the character before it
        while cut - 1 > start and text[cut] in NO_LINE_START:
            cut -= 1
        # do not leave an opening bracket at the end of a line
        while cut - 1 > start and text[cut - 1] in NO_LINE_END:
            cut -= 1
        if cut == before:
            break
    return cut
