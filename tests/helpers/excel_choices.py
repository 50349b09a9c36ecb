"""A ledger sheet with words the app does not know (待研究), and the same sheet password-protected."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.excel_sheets import make_sheet

# every row complete (措施, 责任单位, 责任人, 完成时限: issue 15's required fields), so only the words differ
HEADER = ["问题描述", "整改措施", "责任单位", "责任人", "完成时限", "整改状态"]
LEDGER = [HEADER,
          ["村级活动场所利用率不高", "盘活闲置场所", "县委组织部", "刘洋", "2026-06-30", "待解决"],
          ["农村饮水工程管护不到位", "落实管护责任", "县水务局", "陈静", "2026-09-30", "待研究"],
          ["集体经济收入来源单一", "发展特色产业", "县农业农村局", "黄涛", "2026-10-31", "待研究"],
          ["产业项目联农带农不足", "完善利益联结", "县发改局", "吴芳", "2026-11-30", "已完成"]]


def encrypted_workbook(tmp_path: Path, password: str) -> Path:
    """Rows 1 and 4 of ``LEDGER`` in a workbook opened only with ``password``."""
    from msoffcrypto.format.ooxml import OOXMLFile

    src = make_sheet(tmp_path / "plain.xlsx", LEDGER[:2] + LEDGER[4:])
    out = tmp_path / "加密台账.xlsx"
    with src.open("rb") as f, out.open("wb") as w:
        OOXMLFile(f).encrypt(password, w)
    return out
