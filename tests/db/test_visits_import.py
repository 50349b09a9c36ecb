"""Importing visits and topics from the Excel importer's rows: all or nothing, names resolved in this office."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from db.models import Topic, Visit, VisitParticipant
from desktop_app.core.errors import ValidationError
from desktop_app.work import days, importing, topics, visits
from tests.helpers.common import SAMPLES, TEST_ACTOR


def _counts(ctx) -> tuple[int, int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Visit, VisitParticipant, Topic))


def test_import_sample_visits(ctx) -> None:
    rows = json.loads((SAMPLES / "expected.json").read_text("utf-8"))["visits"]
    assert importing.import_visits(ctx.db, TEST_ACTOR, rows) == 3
    got = visits.visit_infos(ctx.db, 2026)
    assert [v.place for v in got] == ["勐阿镇纳京村", "易地搬迁安置社区", "格朗和乡帕真村"]
    first = got[0]
    assert first.lead_name == "刘洋" and first.participant_names == ("吴芳", "黄涛")  # office order: section, name
    assert first.township == "勐阿镇" and first.days == 3 and first.topic_title == "防返贫监测机制运行情况"
    assert got[2].unannounced is True  # method 四不两直
    # topics named by the sheet were created in the lead's section, stage 调研中
    t = {x.title: x for x in topics.topic_infos(ctx.db, 2026)}
    assert t["户厕使用情况"].section_name == "规划发展科" and t["户厕使用情况"].status == "调研中"
    by_name = {r.name: r.days for r in days.days_table(ctx.db, 2026, dt.date(2026, 6, 30))}
    assert by_name == {"刘洋": 4, "陈静": 1, "黄涛": 6, "吴芳": 6, "赵磊": 0}
    # a second import of the same sheet adds nothing and doubles nobody's days
    assert importing.import_visits(ctx.db, TEST_ACTOR, rows) == 0
    assert len(visits.visit_infos(ctx.db, 2026)) == 3


def test_unknown_name_refuses_whole_import(ctx) -> None:
    rows = [
        {"topic": "甲", "lead": "刘洋", "members": ["黄涛"], "start": "2026-03-03", "end": "2026-03-04",
         "place": "勐阿镇纳京村", "method": "座谈访谈", "_row": 4},
        {"topic": "乙", "lead": "刘洋", "members": ["王五"], "start": "2026-03-05", "end": "2026-03-05",
         "place": "勐龙镇", "method": "座谈访谈", "_row": 5},
    ]
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        importing.import_visits(ctx.db, TEST_ACTOR, rows)
    assert e.value.row == 5 and "第 5 行" in e.value.message and "王五" in e.value.message
    assert _counts(ctx) == before


def test_end_before_start_row_refused(ctx) -> None:
    rows = [{"lead": "陈静", "members": [], "start": "2026-03-05", "end": "2026-03-01", "place": "勐海"}]
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        importing.import_visits(ctx.db, TEST_ACTOR, rows)
    assert "第 1 行" in e.value.message and "早于" in e.value.message
    assert _counts(ctx) == before


def test_import_topics_and_update_by_title(ctx) -> None:
    rows = [
        {"title": "防返贫监测机制运行情况", "section": "规划发展科", "year": 2026, "kind": "重点", "lead": "陈静",
         "members": "黄涛、吴芳", "methods": ["座谈访谈", "问卷调查"], "stages": "3月调研；4月成稿",
         "report_due": "2026-05-31"},
        {"title": "村规民约修订", "section": "政策法规科", "lead": "赵磊", "status": "成稿"},
    ]
    assert importing.import_topics(ctx.db, TEST_ACTOR, rows) == 2
    got = {t.title: t for t in topics.topic_infos(ctx.db, 2026)}
    a = got["防返贫监测机制运行情况"]
    assert a.kind == "重点" and a.lead_name == "陈静" and set(a.member_names) == {"黄涛", "吴芳"}
    assert a.methods == ("座谈访谈", "问卷调查") and a.stages == ("3月调研", "4月成稿")
    assert a.report_due == dt.date(2026, 5, 31) and got["村规民约修订"].status == "成稿"
    rows[0]["kind"] = "一般"
    assert importing.import_topics(ctx.db, TEST_ACTOR, rows[:1]) == 1
    assert len(topics.topic_infos(ctx.db, 2026)) == 2
    assert topics.get_topic(ctx.db, a.id).kind == "一般"


def test_topic_without_section_refused_nothing_changed(ctx) -> None:
    rows = [{"title": "好课题", "section": "规划发展科"}, {"title": "无科室课题", "section": ""}]
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        importing.import_topics(ctx.db, TEST_ACTOR, rows)
    assert e.value.row == 2 and "牵头科室" in e.value.message
    assert _counts(ctx) == before


def test_combined_methods_kept_whole(ctx) -> None:
    rows = [{"lead": "刘洋", "start": "2026-05-06", "place": "勐海镇", "method": "座谈访谈、实地查看、问卷调查、入户走访",
             "purpose": "了解情况"}]
    assert importing.import_visits(ctx.db, TEST_ACTOR, rows) == 1
    v = visits.visit_infos(ctx.db, 2026)[0]
    assert v.method == "座谈访谈、实地查看、问卷调查、入户走访" and v.purpose == "了解情况"
    assert v.days == 1  # end defaults to start


def test_method_longer_than_the_column_kept_in_purpose(ctx) -> None:
    long = "、".join(["座谈交流", "实地走访", "个别访谈", "查阅资料", "问卷调查", "入户走访", "召开群众会议",
                     "随机抽查", "暗访暗查", "回访核实", "数据比对", "专题研讨"])
    assert len(long) > importing.METHOD_MAX
    rows = [{"lead": "刘洋", "start": "2026-05-06", "place": "勐海镇", "method": long, "purpose": "了解情况"}]
    assert importing.import_visits(ctx.db, TEST_ACTOR, rows) == 1
    v = visits.visit_infos(ctx.db, 2026)[0]
    assert v.method == "座谈交流" and v.purpose == f"调研方式：{long}\n了解情况"
