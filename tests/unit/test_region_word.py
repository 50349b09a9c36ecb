"""The word a prefecture's headings use for 'all offices': 全市各单位, 全州各单位, 全地区各单位, 全盟各单位."""

import pytest

from desktop_app.org.scope import region_word


@pytest.mark.parametrize(("name", "word"), [
    ("西双版纳州乡村振兴局", "州"),
    ("红河哈尼族彝族自治州委编办", "州"),
    ("西双版纳州市场监督管理局", "州"),  # 市场 is not the place
    ("滁州市委组织部", "市"),  # 滁州 is the place name, 市 its level
    ("昆明市乡村振兴局", "市"),
    ("阿里地区行政公署", "地区"),
    ("锡林郭勒盟委组织部", "盟"),
    ("", "市"),
])
def test_the_headings_say_what_the_office_calls_its_prefecture(name: str, word: str) -> None:
    assert region_word(name) == word
