"""放假安排通知 as published → rest days and make-up working days (desktop_app.calendar.notice).

The 2024, 2025 and 2026 notices in tests/fixtures/notices are the State Council's texts as
published (国办发明电〔2023〕7号, 〔2024〕12号, and the notice of 2025-11-04); each must read to
exactly the days the chinese_calendar package lists for its year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants

from desktop_app.calendar.notice import parse_notice, read_notice_file
from desktop_app.core.errors import ValidationError

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
D = dt.date


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_published_notice_gives_exactly_the_package_days(year: int) -> None:
    parsed = parse_notice(read_notice_file(NOTICES / f"{year}.txt"))
    assert parsed.year == year
    assert parsed.rest_days == sorted(d for d in constants.holidays if d.year == year)
    assert parsed.work_days == sorted(d for d in constants.workdays if d.year == year)
    assert parsed.warnings == ()


def test_combined_festival_one_day_and_month_crossing_range() -> None:
    parsed = parse_notice(read_notice_file(NOTICES / "2025.txt"))
    names = [it.name for it in parsed.items]
    assert names[-1] == "国庆节、中秋节"
    assert parsed.items[-1].rest_days == tuple(D(2025, 10, d) for d in range(1, 9))
    assert parsed.items[0].rest_days == (D(2025, 1, 1),)  # 放假1天，不调休
    assert parsed.items[0].work_days == ()
    assert parsed.items[1].rest_days[0] == D(2025, 1, 28) and parsed.items[1].rest_days[-1] == D(2025, 2, 4)
    assert parsed.items[4].rest_days == (D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2))


def test_encouraged_rest_on_new_years_eve_is_not_a_holiday() -> None:
    parsed = parse_notice(read_notice_file(NOTICES / "2024.txt"))
    assert D(2024, 2, 9) not in parsed.rest_days  # “鼓励……安排职工在除夕（2月9日）休息”
    assert parsed.items[0].rest_days == (D(2024, 1, 1),)  # 与周末连休: the weekend stays a weekend


def test_half_width_punctuation_and_one_line_paste_read_the_same() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    web = text.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",").replace("\n", " ")
    assert parse_notice(web).to_json() == parse_notice(text).to_json()


def test_json_contract() -> None:
    j = parse_notice(read_notice_file(NOTICES / "2026.txt")).to_json()
    assert set(j) == {"year", "rest_days", "work_days"}
    assert j["year"] == 2026 and j["work_days"][0] == "2026-01-04" and len(j["rest_days"]) == 33


def test_items_only_need_a_year_and_the_year_must_agree() -> None:
    items = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。"
    with pytest.raises(ValidationError, match="年份"):
        parse_notice(items)
    parsed = parse_notice(items, 2027)
    assert parsed.rest_days[:3] == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
    assert parsed.work_days == [D(2027, 2, 20)]
    with pytest.raises(ValidationError, match="2026年，与指定的2027年不符"):
        parse_notice(read_notice_file(NOTICES / "2026.txt"), 2027)


def test_range_into_the_next_year_with_explicit_years() -> None:
    text = "国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。"
    parsed = parse_notice(text)
    assert parsed.rest_days == [D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2)]
    assert parsed.warnings == ("元旦：2022年12月31日不在2023年",)


@pytest.mark.parametrize(("text", "message"), [
    ("一、春节：2月15日至23日放假调休，共8天。", "共8天"),  # a typo in the range or the count
    ("一、春节：2月15日至2月30日放假，共3天。", "不存在"),
    ("一、春节：2月23日至15日放假调休。", "不合理"),
    ("一、国庆节：10月1日至7日放假调休。10月3日（周六）上班。", "既是"),
    ("一、元旦：放假调休，共3天。", "没有写放假日期"),
    ("元旦1月1日放假", "没有找到"),
])
def test_bad_notice_refused_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_notice(text, 2026)


def test_gbk_file_reads(tmp_path: Path) -> None:
    f = tmp_path / "通知.txt"
    f.write_bytes((NOTICES / "2026.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert parse_notice(read_notice_file(f)).year == 2026
    with pytest.raises(ValidationError, match="无法读取"):
        read_notice_file(tmp_path / "missing.txt")
