"""Font discovery, role choice, TrueType/CFF detection and fallback runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.errors import ValidationError
from desktop_app.reports import fonts


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        dst.write_bytes(src.read_bytes())


def test_discovers_known_fonts_and_picks_roles(tmp_path: Path) -> None:
    # a fake Windows font folder: the shipped collection under the names of 宋体 and 黑体
    _link(fonts.SHIPPED_FONT, tmp_path / "Fonts" / "simsun.ttc")
    _link(fonts.SHIPPED_FONT, tmp_path / "Fonts" / "sub" / "SimHei.TTF")
    (tmp_path / "Fonts" / "simfang.ttf").write_bytes(b"OTTO" + b"\0" * 64)  # a CFF font: unusable by reportlab
    (tmp_path / "Fonts" / "readme.txt").write_text("x")
    found = fonts.discover_fonts([tmp_path / "Fonts", tmp_path / "missing"])
    assert [(Path(f.path).name.lower(), f.style) for f in found] == [("simsun.ttc", "song"), ("simhei.ttf", "hei")]
    choice = fonts.default_choice(found)
    assert choice["body"].label == "宋体"  # no 仿宋 (the CFF one was skipped): 宋体 is next best for the body
    assert choice["title"].label == "黑体" and choice["heading"].label == "黑体"
    fs = fonts.build_fontset(choice)
    assert "simsun" in fs.body and "SimHei" in fs.title
    assert fs.missing(["赟喆堃珺燊"]) == set()


def test_nothing_installed_falls_back_to_the_shipped_font() -> None:
    choice = fonts.default_choice([])
    assert all(spec.path == str(fonts.SHIPPED_FONT) for spec in choice.values())


def test_truetype_detection(tmp_path: Path) -> None:
    assert fonts.is_truetype(fonts.SHIPPED_FONT)
    cff = tmp_path / "x.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 12)
    assert not fonts.is_truetype(cff)
    assert not fonts.is_truetype(tmp_path / "nope.ttf")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00garbage")
    with pytest.raises(ValidationError) as err:
        fonts.register(fonts.FontSpec(str(bad)))
    assert "TrueType" in err.value.action


def test_runs_and_widths_use_the_fallback_for_missing_characters() -> None:
    fs = fonts.build_fontset(fonts.default_choice([]))
    assert fs.runs("王赟", fs.body) == [(fs.body, "王赟")]
    assert fs.string_width("赟赟", fs.body, 10) == pytest.approx(20.0)
    assert fs.missing(["正常\n文本\t"]) == set()
    gone = fs.missing(["刘䶮", "𠮷野家"])
    if not gone:
        pytest.skip("a font on this computer has 䶮 and 𠮷")
    with pytest.raises(ValidationError) as err:
        fs.check(["刘䶮", "𠮷野家"])
    assert all(ch in err.value.message for ch in gone)


def test_unusable_chosen_font_gives_way_to_a_working_one(tmp_path: Path) -> None:
    bad = tmp_path / "simfang.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00" + b"\0" * 64)  # looks like TrueType, is not loadable
    fs = fonts.build_fontset({"body": fonts.FontSpec(str(bad), 0, "仿宋", "fangsong")})
    assert fs.specs["body"].path != str(bad)
    assert fs.missing(["王赟"]) == set()
