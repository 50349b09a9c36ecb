"""放假安排通知 — read the State Council's yearly holiday notice as published into rest and working days.

The notice (国务院办公厅关于YYYY年部分节假日安排的通知) lists one item per festival::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。

Each sentence (up to 。) of an item is read on its own: one that says 放假 gives rest days
(single dates, or ranges with 至, across months, “放假1天，不调休”, “与周末连休” — the weekend
stays an ordinary weekend), one that says 上班 gives make-up working days; any other sentence
(“鼓励各单位……安排职工在除夕（2月9日）休息”) gives nothing. Parenthesised remarks (周四,
农历除夕) are dropped. “共N天” / “放假N天” is checked against the days read, so a mistyped or
half-pasted notice is refused rather than saved. Half-width punctuation (as many web pages
print it) reads the same as full-width.

Qt-free. Saving a notice (``desktop_app.ledger.calendar_saves.save_notice``) writes the days as this
office's holiday table (verified rows, which the prefecture's bundles carry down to its counties) and
recomputes the deadlines that had been estimated Monday–Friday for the year: that is the ledger's
business, so it lives there and the calendar stays below the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.errors import ValidationError

#: the ``source`` of the rows a notice writes (shown as 来源)
NOTICE_SOURCE = "国务院办公厅通知"
#: a range longer than this is a typo, not a holiday
MAX_SPAN_DAYS = 15
MAX_TEXT = 20000

_PUNCT = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "\u3000": " "})
_ITEM = re.compile(r"([一二三四五六七八九十]{1,3})、([\u4e00-\u9fff、]{2,30}?)：")
_PAREN = re.compile(r"（[^（）]*）")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
_YEAR = re.compile(r"(?:关于|现将)\s*(\d{4})\s*年")


@dataclass(frozen=True)
class NoticeItem:
    """One festival of the notice: its name and the days it gives."""

    name: str
    rest_days: tuple[dt.date, ...]
    work_days: tuple[dt.date, ...]
    text: str


@dataclass(frozen=True)
class NoticeParse:
    """What a notice says: the year, every rest day and make-up working day, by festival."""

    year: int
    items: tuple[NoticeItem, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def rest_days(self) -> list[dt.date]:
        """Every rest day, sorted."""
        return sorted({d for it in self.items for d in it.rest_days})

    @property
    def work_days(self) -> list[dt.date]:
        """Every make-up working day (调休上班), sorted."""
        return sorted({d for it in self.items for d in it.work_days})

    def days(self) -> list[tuple[dt.date, str, str]]:
        """(date, rest|workday, festival) by date — what ``workdays.import_days`` takes."""
        out = [(d, "rest", it.name) for it in self.items for d in it.rest_days]
        out += [(d, "workday", it.name) for it in self.items for d in it.work_days]
        return sorted(out)

    def to_json(self) -> dict[str, object]:
        """The ``--json`` contract: ``{"year", "rest_days": [ISO], "work_days": [ISO]}``."""
        return {"year": self.year, "rest_days": [d.isoformat() for d in self.rest_days],
                "work_days": [d.isoformat() for d in self.work_days]}


def read_notice_file(path: Path) -> str:
    """The text of a notice saved as a .txt file (UTF-8, UTF-8 with BOM, or GB18030 as Windows saves it)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取通知文件“{Path(path).name}”（{exc.strerror or exc}）",
                              "请检查文件路径，或把通知全文另存为 .txt 文件") from exc
    if len(raw) > MAX_TEXT * 4:
        raise ValidationError(f"通知文件“{Path(path).name}”过大，不像放假安排通知", "请只保存通知正文")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"通知文件“{Path(path).name}”不是文本文件", "请把通知全文复制到记事本，另存为 .txt 文件")


def parse_notice(text: str, year: int | None = None) -> NoticeParse:
    """Read a 放假安排通知 (see the module docstring). ``year``: the year it is for, when the text does
    not name it (“关于2027年部分节假日安排的通知” / “现将2027年元旦……”) or to check it does.

    Raises ``ValidationError`` naming the item and what is wrong; nothing is returned half-read.
    """
    text = (text or "").translate(_PUNCT)
    if len(text) > MAX_TEXT:
        raise ValidationError("粘贴的内容过长，不像放假安排通知", "请只粘贴通知正文（一、元旦…… 至 最后一项）")
    flat = re.sub(r"\s+", "", text)
    named = {int(m.group(1)) for m in _YEAR.finditer(flat)}
    if year is None:
        if len(named) != 1:
            raise ValidationError("无法从通知中确定年份" if not named else
                                  "通知中出现多个年份：" + "、".join(str(y) for y in sorted(named)),
                                  "请指定年份（命令行 --year，或在粘贴框上方选择年份）", field="year")
        year = named.pop()
    elif named and year not in named:
        raise ValidationError(f"通知写的是{'、'.join(str(y) for y in sorted(named))}年，与指定的{year}年不符",
                              "请核对年份，或粘贴该年份的通知", field="year")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份“{year}”无效", "请填写四位年份，例如 2027", field="year")
    heads = list(_ITEM.finditer(flat))
    if not heads:
        raise ValidationError("没有找到“一、元旦：……”这样的放假安排条目",
                              "请粘贴国务院办公厅放假安排通知的正文，每项以“一、”“二、”开头", field="text")
    items: list[NoticeItem] = []
    warnings: list[str] = []
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(flat)
        body = flat[m.end():end]
        items.append(_read_item(m.group(2), body, year, warnings))
    seen: dict[dt.date, str] = {}
    for it in items:
        for d in it.rest_days:
            seen[d] = it.name
    for it in items:
        for d in it.work_days:
            if d in seen:
                raise ValidationError(f"{d:%Y年%m月%d日}既是{seen[d]}的放假日，又是{it.name}的上班日",
                                      "请核对通知原文", field="text")
    return NoticeParse(year, tuple(items), tuple(warnings))


def _read_item(name: str, body: str, year: int, warnings: list[str]) -> NoticeItem:
    # the last item's body may run on into the closing paragraphs: they have no 放假/上班 dates
    rest: list[dt.date] = []
    work: list[dt.date] = []
    shown = body.split("。")
    for sentence in shown:
        plain = _PAREN.sub("", sentence)
        if "放假" in plain:
            got = _dates(plain[:plain.index("放假")], year, name)
            if not got:
                raise ValidationError(f"“{name}”一项没有写放假日期：{sentence[:40]}", "请核对通知原文", field="text")
            rest.extend(got)
            _check_count(name, plain, got)
        elif plain.endswith("上班") or "上班" in plain:
            got = _dates(plain[:plain.rindex("上班")], year, name)
            if not got:
                raise ValidationError(f"“{name}”一项的上班日没有写日期：{sentence[:40]}", "请核对通知原文", field="text")
            work.extend(got)
    if not rest:
        raise ValidationError(f"“{name}”一项没有放假日期", "请核对通知原文，或粘贴完整的通知", field="text")
    for d in (*rest, *work):
        if d.year != year:
            warnings.append(f"{name}：{d:%Y年%m月%d日}不在{year}年")
    text = "。".join(s for s in shown if s)
    return NoticeItem(name, tuple(sorted(set(rest))), tuple(sorted(set(work))), text)


def _check_count(name: str, sentence: str, got: list[dt.date]) -> None:
    m = re.search(r"(?:共|放假)(\d{1,2})天", sentence)
    if m and int(m.group(1)) != len(set(got)):
        raise ValidationError(f"“{name}”写共{m.group(1)}天，但日期算出{len(set(got))}天",
                              "请核对通知原文中的日期和天数", field="text")


def _dates(part: str, year: int, name: str) -> list[dt.date]:
    """The dates of one clause: single dates joined by 、/和 and ranges joined by 至."""
    out: list[dt.date] = []
    month: int | None = None
    cur_year = year
    prev: dt.date | None = None
    pending_range = False
    pos = 0
    for m in _DATE.finditer(part):
        between = part[pos:m.start()]
        pos = m.end()
        if m.group(1):
            cur_year = int(m.group(1))
        if m.group(2):
            month = int(m.group(2))
        if month is None:
            raise ValidationError(f"“{name}”一项的日期“{m.group(0)}”没有月份", "请核对通知原文", field="text")
        try:
            d = dt.date(cur_year, month, int(m.group(3)))
        except ValueError as exc:
            raise ValidationError(f"“{name}”一项的日期“{m.group(0)}”不存在", "请核对通知原文", field="text") from exc
        if prev is not None and ("至" in between or "到" in between or "-" in between or "—" in between):
            pending_range = True
        if pending_range and prev is not None:
            if d < prev and not m.group(1) and m.group(2):  # 12月30日至1月1日: into the next year
                d = d.replace(year=d.year + 1)
                cur_year = d.year
            if d < prev or (d - prev).days > MAX_SPAN_DAYS:
                raise ValidationError(f"“{name}”一项的日期范围{prev:%m月%d日}至{d:%m月%d日}不合理",
                                      "请核对通知原文", field="text")
            out.extend(prev + dt.timedelta(days=k) for k in range(1, (d - prev).days + 1))
            pending_range = False
        else:
            out.append(d)
        prev = d
    return out
