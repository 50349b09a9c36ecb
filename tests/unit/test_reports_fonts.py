"""Font discovery by family names and coverage (cached), role choice, TrueType/CFF detection, fallback runs and 〓."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.reports import font_scan, fonts
from tests.helpers.fontmaker import make_font


def test_discovers_fonts_by_their_names_not_their_files(tmp_path: Path) -> None:
    # file names say nothing: the family names inside do (仿宋_GB2312, 方正小标宋简体, SimHei, SimSun-ExtB)
    common = "王赟喆堃珺燊中文测试一二三"
    make_font(tmp_path / "Fonts" / "a1.ttf", "FangSong_GB2312", common, "仿宋_GB2312")
    make_font(tmp_path / "Fonts" / "sub" / "X2.TTF", "FZXiaoBiaoSong-B05S", common, "方正小标宋简体")
    make_font(tmp_path / "Fonts" / "h.ttf", "SimHei", common, "黑体")
    make_font(tmp_path / "Fonts" / "simsunb.ttf", "SimSun-ExtB", "𠮷𫖯𬌗")
    (tmp_path / "Fonts" / "cff.otf").write_bytes(b"OTTO" + b"\0" * 64)  # not even a .ttf: skipped
    (tmp_path / "Fonts" / "readme.txt").write_text("x")
    cache = tmp_path / "cache.json"
    faces = font_scan.scan([tmp_path / "Fonts", tmp_path / "missing"], cache)
    by_label = {f.label: f for f in faces}
    assert {f.style for f in faces} == {"fangsong", "xbs", "hei", "song"}
    assert by_label["仿宋_GB2312"].style == "fangsong" and by_label["SimSun-ExtB"].has("𠮷")
    monkey = fonts.text_faces(faces)
    assert "SimSun-ExtB" not in [f.label for f in monkey]  # Ext B only: a fallback, never a body font
    # text_faces wants thousands of common characters; these test fonts have a dozen, so lower the bar here
    choice = fonts.default_choice([fonts.FontSpec(f.path, f.index, f.label, f.style) for f in faces
                                   if f.cjk > 0])
    assert choice["body"].label == "仿宋_GB2312"
    assert choice["title"].label == "方正小标宋简体" and choice["heading"].label == "黑体"
    fs = fonts.build_fontset(choice, faces=faces)
    assert fs.missing(["赟喆堃珺燊"]) == set()
    # 𠮷 is in no role font: it is drawn from SimSun-ExtB, found by its coverage and loaded when needed
    runs = fs.runs("吉𠮷", fs.body)
    assert any(piece == "𠮷" and "simsunb" in font for font, piece in runs)


def test_scan_is_cached_and_follows_changes(tmp_path: Path) -> None:
    folder = tmp_path / "Fonts"
    make_font(folder / "a.ttf", "FangSong", "中文", "仿宋")
    cache = tmp_path / "cache.json"
    first = font_scan.scan([folder], cache)
    assert cache.is_file() and [f.label for f in first] == ["仿宋"]
    # a second start reads the cache: the file is not opened again (a scan_file call would fail here)
    original = font_scan.scan_file
    font_scan.scan_file = lambda path: (_ for _ in ()).throw(AssertionError(f"re-read {path}"))  # type: ignore[assignment]
    try:
        again = font_scan.scan([folder], cache)
    finally:
        font_scan.scan_file = original  # type: ignore[assignment]
    assert again == first
    # a new font and a removed one are noticed
    make_font(folder / "b.ttf", "SimHei", "中文", "黑体")
    (folder / "a.ttf").unlink()
    assert [f.label for f in font_scan.scan([folder], cache)] == ["黑体"]


def test_warm_scan_of_this_computer_is_fast(tmp_path: Path) -> None:
    import time

    cache = tmp_path / "cache.json"
    font_scan.scan(cache=cache)
    # CPU time: the machine running the tests is often shared; wall time there says little
    t = time.process_time()
    faces = font_scan.scan(cache=cache)
    assert time.process_time() - t < 0.05, f"{len(faces)} faces"


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
    fs = fonts.build_fontset(fonts.default_choice([]), faces=[])
    assert fs.runs("王赟", fs.body) == [(fs.body, "王赟")]
    assert fs.string_width("赟赟", fs.body, 10) == pytest.approx(20.0)
    assert fs.missing(["正常\n文本\t"]) == set()


def test_a_character_no_font_has_prints_as_geta_with_a_warning(tmp_path: Path) -> None:
    # the shipped font only: 䶮 (Ext A) and 𠮷 (Ext B) are in no font — printing goes on, with 〓 and a warning
    fs = fonts.build_fontset(fonts.default_choice([]), faces=[])
    gone = fs.check(["刘䶮", "𠮷野家"])
    assert gone == {"䶮", "𠮷"}
    assert fs.runs("刘䶮", fs.body) == [(fs.body, "刘〓")]
    assert fs.string_width("䶮", fs.body, 10) == pytest.approx(fs.string_width("〓", fs.body, 10))
    warnings = fs.audit([("2026-001", ["张三"]), ("2026-007", ["刘䶮"]), ("2026-009", ["𠮷野家"])])
    assert len(warnings) == 1
    assert "䶮" in warnings[0] and "U+20BB7" in warnings[0] and "2026-007" in warnings[0] and "2026-009" in warnings[0]
    assert "2026-001" not in warnings[0] and "〓" in warnings[0]
    # a font that has them, anywhere on the computer, is used instead
    ext = make_font(tmp_path / "ext.ttf", "HanaMinA", "䶮𠮷")
    fs2 = fonts.build_fontset(fonts.default_choice([]), faces=font_scan.scan([tmp_path], tmp_path / "c.json"))
    assert fs2.missing(["刘䶮", "𠮷野家"]) == set() and fs2.audit([("x", ["刘䶮"])]) == []
    assert [piece for _f, piece in fs2.runs("刘䶮", fs2.body)] == ["刘", "䶮"] and ext.is_file()


def test_unusable_chosen_font_gives_way_to_a_working_one(tmp_path: Path) -> None:
    bad = tmp_path / "simfang.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00" + b"\0" * 64)  # looks like TrueType, is not loadable
    fs = fonts.build_fontset({"body": fonts.FontSpec(str(bad), 0, "仿宋", "fangsong")})
    assert fs.specs["body"].path != str(bad)
    assert fs.missing(["王赟"]) == set()
