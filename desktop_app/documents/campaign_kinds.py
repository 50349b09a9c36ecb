"""The campaign documents: 月度工作报告, 季度督查通报, 半年复盘报告, 评比表彰通报, 调研报告初稿 — and
``year-summary``, another name of the existing 年度汇总 (``summary``) that takes ``--period YYYY``.

Each ``*_body`` turns the figures of :mod:`desktop_app.documents.campaign_data` into a
:class:`~desktop_app.documents.doc_body.DocBody` in 公文 style; :func:`fetch_campaign_document` is the one entry
used by ``fielddesk document`` (Word) and ``fielddesk print`` / the print preview (PDF). Every number in
the text is counted from the data; an empty part says 无.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.errors import ValidationError
from desktop_app.core.visit_codes import VisitState
from desktop_app.documents import campaign_data as data
from desktop_app.documents.doc_body import DocBody
from desktop_app.documents.periods import Period, parse_period

#: kind -> (label, the grain of its --period; "" for none)
CAMPAIGN_KINDS: dict[str, tuple[str, str]] = {
    "monthly-report": ("月度工作报告", "month"),
    "quarter-bulletin": ("季度督查通报", "quarter"),
    "half-year-review": ("半年复盘报告", "half"),
    "award-notice": ("评比表彰通报", "half"),
    "topic-report": ("调研报告（初稿）", ""),
}
#: ``year-summary`` is the 年度汇总 (``summary``) of the year ``--period YYYY`` names
YEAR_SUMMARY = "year-summary"
CAMPAIGN_KIND_LABELS = {k: v[0] for k, v in CAMPAIGN_KINDS.items()} | {YEAR_SUMMARY: "年度工作汇总"}
_NUMERALS = "一二三四五六七八九十"


def resolve_alias(kind: str, period: str | None, year: int | None, today: dt.date) -> tuple[str, int | None]:
    """(kind, year) to run: ``year-summary`` becomes ``summary`` of ``--period YYYY`` (or ``--year``, else this
    year); a ``--period`` given to a kind that reads none is refused."""
    if kind == YEAR_SUMMARY:
        if period:
            year = parse_period(period, "year", today, "年度汇总").year
        return "summary", year
    if period and kind not in CAMPAIGN_KINDS and kind != "plans":  # 计划清单 prints one period (reports.plans)
        raise ValidationError(f"“{kind}”不按期间生成，不能使用 --period", "请去掉 --period（年度请用 --year）",
                              field="--period")
    if period and kind == "topic-report":
        raise ValidationError("调研报告按课题生成，不能使用 --period", "请去掉 --period，用 --id 指定课题",
                              field="--period")
    return kind, year


def _n(k: int) -> str:
    return _NUMERALS[k - 1] if 1 <= k <= 10 else str(k)


def _months(months: list[int]) -> str:
    return "、".join(f"{m}月" for m in months)


def _by_kind(counts: dict[str, int]) -> str:
    return "，".join(f"{k}{v}次" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class _Scope:
    """Whose figures a document covers, and the names it prints."""

    def __init__(self, db: Any, office: str) -> None:
        from desktop_app.org import scope
        from desktop_app.reports.ledger import office_name

        self.codes = scope.resolve(db, office)
        self.by_office = office == scope.ALL
        self.signer = office_name(db)
        self.subject = scope.scope_label(db, office) if office and office != db.office_code else ""
        names = data.office_names(db)
        parent = None
        from sqlalchemy import select

        from db.models import Office

        with db.session() as s:
            parent = s.execute(select(Office.parent_code).where(Office.code == db.office_code)).scalar()
        self.superior = names.get(parent or "", "") or "上级主管部门"
        self.unit_word = "单位" if self.by_office else "科室"


def _unit_table(body: DocBody, f: data.Figures, unit_word: str, with_plans: bool = True) -> None:
    cols = ["序号", unit_word, "完成调研（次）", "会议研讨（次）", "组工讲堂举办月份"]
    widths = [12.0, 36.0, 22.0, 22.0, 30.0]
    if with_plans:
        cols.append("报送计划清单（份）")
        widths.append(22.0)
    cols.append("逾期问题（个）")
    widths.append(22.0)
    rows = []
    for k, u in enumerate(f.units, start=1):
        row = [str(k), u.name, str(u.visits), str(u.meetings), _months(u.lecture_months) or "无"]
        if with_plans:
            row.append(str(u.plans_filed))
        row.append(str(u.overdue))
        rows.append(row)
    body.table(cols, rows, widths)


def _topics_line(f: data.Figures, label: str, when: str) -> str:
    if not f.topics_year:
        return f"{label}所在年度尚无立项的调研课题。"
    status = "，".join(f"{s}{n}个" for s, n in f.topics_by_status.items())
    return f"年度共立项调研课题{f.topics_year}个（{status}）；{when}有{f.topics_active}个课题开展了实地调研。"


def _visits_line(f: data.Figures, when: str) -> str:
    if not f.visits:
        return f"{when}无已完成的基层调研。"
    return (f"{when}完成基层调研{f.visits}次，参加调研{f.visit_people}人，"
            f"累计到基层调研{f.grassroots_days}人·天（机关、外地学习考察不计入）。")


def _meetings_line(f: data.Figures, when: str, unit_word: str) -> str:
    text = (f"{when}召开各类会议研讨{f.meetings}次（{_by_kind(f.meetings_by_kind)}）。" if f.meetings
            else f"{when}无会议研讨记录。")
    missing = [u for u in f.units if u.missing_lecture_months]
    if f.units:
        text += ("各" + unit_word + "均按月举办了组工讲堂。" if not missing else
                 "未按月举办组工讲堂的" + unit_word + "：" + "；".join(
                     f"{u.name}（{_months(u.missing_lecture_months)}）" for u in missing) + "。")
    return text


def _issues_line(f: data.Figures, when: str, ref: dt.date) -> str:
    return (f"{when}新发现问题{f.issues_found}个，销号{f.issues_closed}个；截至{ref.year}年{ref.month}月{ref.day}日，"
            f"超过完成时限仍未完成整改的问题{f.issues_overdue}个。")


def _outcomes_line(f: data.Figures, when: str) -> str:
    if not f.outcomes and not f.published:
        return f"{when}无新增调研成果。"
    return f"{when}形成调研成果{f.outcomes}个，向刊物或网站推介刊发{f.published}篇。"


def monthly_report(db: Any, office: str, period: Period, today: dt.date) -> DocBody:
    """月度工作报告 to the superior: topics, visits and days, meetings, problems found and solved."""
    sc = _Scope(db, office)
    f = data.period_figures(db, sc.codes, period, today, sc.by_office)
    body = DocBody(f"关于{sc.subject}{period.label}大调研工作情况的报告", sc.signer, today, sc.superior)
    body.para(f"现将{sc.subject}{period.label}大调研工作开展情况报告如下：")
    ref = min(period.end, today)
    sections = [("调研课题推进情况", _topics_line(f, period.label, "本月")),
                ("基层调研情况", _visits_line(f, "本月")),
                ("会议研讨情况", _meetings_line(f, "本月", sc.unit_word)),
                ("问题发现和解决情况", _issues_line(f, "本月", ref)),
                ("成果转化运用情况", _outcomes_line(f, "本月"))]
    for k, (head, line) in enumerate(sections, start=1):
        body.heading(f"{_n(k)}、{head}")
        body.para(line)
    body.heading(f"{_n(len(sections) + 1)}、各{sc.unit_word}工作情况")
    _unit_table(body, f, sc.unit_word)
    body.para("特此报告。")
    return body


def _praise_and_criticism(f: data.Figures) -> tuple[list[str], list[str]]:
    praise, blame = [], []
    for u in f.units:
        faults = []
        if u.overdue:
            faults.append(f"逾期未完成整改问题{u.overdue}个")
        if u.missing_lecture_months:
            faults.append(f"{_months(u.missing_lecture_months)}未举办组工讲堂")
        if not u.plans_filed:
            faults.append("未报送计划清单")
        if faults:
            blame.append(f"{u.name}：" + "，".join(faults))
        elif u.visits:
            praise.append(f"{u.name}（报送计划清单{u.plans_filed}份，会议研讨{u.meetings}次，完成调研{u.visits}次，"
                          "无逾期问题）")
    return praise, blame


def quarter_bulletin(db: Any, office: str, period: Period, today: dt.date) -> DocBody:
    """季度督查通报: per section plans filed, meetings, overdue items, visits; 通报表扬 and 通报批评 from them."""
    sc = _Scope(db, office)
    f = data.period_figures(db, sc.codes, period, today, sc.by_office)
    to = "各县（市、区）" if sc.by_office else "各科室"
    body = DocBody(f"关于{sc.subject}{period.label}大调研工作督查情况的通报", sc.signer, today, to)
    body.para(f"按照大调研工作“季督查”安排，现将{period.label}各{sc.unit_word}工作开展情况通报如下：")
    ref = min(period.end, today)
    body.heading("一、总体情况")
    body.para(_visits_line(f, "本季度") + _meetings_line(f, "本季度", sc.unit_word)
              + _issues_line(f, "本季度", ref))
    body.heading("二、督查情况")
    _unit_table(body, f, sc.unit_word)
    praise, blame = _praise_and_criticism(f)
    body.heading("三、通报表扬")
    if praise:
        body.para(f"报送了计划清单、按月举办组工讲堂、开展了基层调研且无逾期问题的{sc.unit_word}{len(praise)}个，"
                  "予以通报表扬：" + "；".join(praise) + "。")
    else:
        body.para(f"无。本季度没有同时做到报送计划清单、按月举办组工讲堂、开展基层调研且无逾期问题的{sc.unit_word}。")
    body.heading("四、通报批评")
    if blame:
        body.para(f"以下{len(blame)}个{sc.unit_word}存在问题，予以通报批评：" + "；".join(blame) + "。")
    else:
        body.para("无。")
    body.heading("五、工作要求")
    body.para(f"被通报批评的{sc.unit_word}要认真查找原因，逐项整改到位；各{sc.unit_word}要对照“周碰头、月小结、季督查”"
              "要求，按时报送计划清单，按月举办组工讲堂，推动问题按期整改销号。")
    return body


def half_year_review(db: Any, office: str, period: Period, today: dt.date) -> DocBody:
    """半年复盘报告: the half's figures and each section's 半年复盘 summary."""
    sc = _Scope(db, office)
    f = data.period_figures(db, sc.codes, period, today, sc.by_office)
    reviews = data.half_reviews(db, sc.codes, period, sc.by_office)
    body = DocBody(f"{sc.subject or sc.signer}{period.label}大调研工作复盘报告", sc.signer, today, sc.superior)
    body.para(f"按照“每半年进行一次全面复盘”的要求，现将{period.label}大调研工作复盘情况报告如下：")
    ref = min(period.end, today)
    body.heading("一、主要工作完成情况")
    for k, line in enumerate([_topics_line(f, period.label, "半年内"), _visits_line(f, "半年内"),
                              _meetings_line(f, "半年内", sc.unit_word), _issues_line(f, "半年内", ref),
                              _outcomes_line(f, "半年内")], start=1):
        body.para(f"（{_n(k)}）{line}")
    body.heading(f"二、各{sc.unit_word}工作情况")
    _unit_table(body, f, sc.unit_word)
    body.heading("三、各科室半年复盘情况")
    filed = [r for r in reviews if r.filed_on]
    body.para(f"应报送半年复盘材料的科室{len(reviews)}个，已报送{len(filed)}个"
              + (f"，未报送：{'、'.join(r.unit for r in reviews if not r.filed_on)}。" if len(filed) < len(reviews)
                 else "。"))
    for k, r in enumerate(filed, start=1):
        body.heading(f"（{_n(k)}）{r.unit}", 2)
        body.para(r.summary or "无。")
    body.heading("四、存在的问题")
    problems = []
    if f.issues_overdue:
        problems.append(f"超过完成时限仍未完成整改的问题{f.issues_overdue}个")
    missing = [u.name for u in f.units if u.missing_lecture_months]
    if missing:
        problems.append(f"{len(missing)}个{sc.unit_word}未按月举办组工讲堂（{'、'.join(missing)}）")
    if len(filed) < len(reviews):
        problems.append(f"{len(reviews) - len(filed)}个科室未报送半年复盘材料")
    body.para("；".join(f"{_n(k)}是{p}" for k, p in enumerate(problems, start=1)) + "。" if problems else "无。")
    return body


def award_notice(db: Any, office: str, period: Period, today: dt.date) -> DocBody:
    """评比表彰通报: 3 先进科室 by the weighted section evaluation, 5 工作能手 of the half-year award round."""
    from db.models_campaign import RATER_DEFAULT_WEIGHTS, RATER_KIND_LABELS

    sc = _Scope(db, office)
    ratings = data.section_ratings(db, sc.codes, period.year, period.index)
    best: list[data.SectionRating] = []
    per_office: dict[str, int] = {}
    for r in ratings:  # ratings come best first within each office: the first three of each
        if per_office.get(r.office, 0) < 3:
            best.append(r)
            per_office[r.office] = per_office.get(r.office, 0) + 1
    people = data.award_people(db, sc.codes, period.year, period.index)
    people = [p for p in people if p.rank <= 5]
    body = DocBody(f"关于表彰{period.label}大调研工作先进科室和工作能手的通报", sc.signer, today,
                   "各县（市、区）" if sc.by_office else "各科室")
    weights = "、".join(f"{RATER_KIND_LABELS[k]}{round(w * 100)}%" for k, w in RATER_DEFAULT_WEIGHTS.items())
    body.para(f"{period.label}，各科室深入开展大调研工作。根据科室工作成效评价（{weights}），"
              f"结合半年评先结果，经研究，决定对{len(best)}个先进科室和{len(people)}名工作能手予以通报表扬。")
    body.heading("一、先进科室")
    where = ["单位"] if sc.by_office else []
    cols = ["名次", *where, "科室", *RATER_KIND_LABELS.values(), "综合得分"]
    rank: dict[str, int] = {}
    rows = []
    for r in best:
        rank[r.office] = rank.get(r.office, 0) + 1
        rows.append([str(rank[r.office]), *([r.office] if sc.by_office else []), r.name,
                     *(f"{m:.1f}" if m is not None else "无" for m in r.means.values()), f"{r.total:.2f}"])
    if best:
        body.para(f"共评价科室{len(ratings)}个，综合得分前三名的科室为：{'、'.join(r.name for r in best)}。")
    else:
        body.para("本期尚无科室评价得分，先进科室无。")
    if best:
        body.table(cols, rows, [14.0, *([30.0] if sc.by_office else []), 34.0, 22.0, 22.0, 24.0, 22.0])
    body.heading("二、工作能手")
    if people:
        body.para(f"{'、'.join(p.name for p in people)}。")
        body.table(["名次", *where, "姓名", "科室"],
                   [[str(p.rank), *([p.office] if sc.by_office else []), p.name, p.section] for p in people],
                   [16.0, *([40.0] if sc.by_office else []), 40.0, 60.0])
    else:
        body.para("本期半年评先尚未确定工作能手，无。")
    body.heading("三、希望和要求")
    body.para("希望受到表扬的科室和同志珍惜荣誉、再接再厉；各科室要以先进为榜样，推动大调研工作走深走实。")
    return body


def topic_report(db: Any, office: str, ref: str, today: dt.date) -> DocBody:
    """调研报告初稿 prefilled from a topic: team, visits with dates and places, findings, problems, outcomes."""
    sc = _Scope(db, office)
    t = data.topic_data(db, sc.codes, ref)
    subject = t.title.removeprefix("关于").removesuffix("调研")
    title = t.title if t.title.endswith("调研报告") else f"关于{subject}的调研报告"
    body = DocBody(title + "（初稿）", f"{t.office}{t.section}" if t.section else t.office, today)
    team = f"课题负责人：{t.lead or '无'}；课题组成员：{'、'.join(t.members) or '无'}。"
    done = [v for v in t.visits if v.state == VisitState.DONE]
    body.para(f"按照大调研工作安排，{t.section}围绕“{t.title}”开展{t.kind}课题调研（当前状态：{t.status}）。{team}")
    body.heading("一、调研基本情况")
    body.para(f"课题组采取{'、'.join(t.methods) or '实地调研'}等方式，共安排调研{len(t.visits)}次，"
              f"已完成{len(done)}次。" if t.visits else "尚无调研安排记录，无。")
    if t.visits:
        body.table(["日期", "地点", "方式", "带队", "状态"],
                   [[_span(v.start, v.end), v.place, v.method, v.lead, "已完成" if v.state == VisitState.DONE else "计划"]
                    for v in t.visits], [34.0, 50.0, 28.0, 20.0, 18.0])
    body.heading("二、调研发现")
    found = [v for v in t.visits if v.findings.strip()]
    if found:
        for k, v in enumerate(found, start=1):
            body.para(f"（{_n(k)}）{_span(v.start, v.end)}在{v.place}调研发现：{v.findings.strip()}")
    else:
        body.para("无。")
    body.heading("三、存在的问题及整改措施")
    if t.issues:
        body.para(f"调研中发现并列入问题台账的问题{len(t.issues)}个：")
    body.table(["编号", "问题", "整改措施", "责任单位", "状态"],
               [[i.serial, i.description, i.measures or "无", i.unit, i.status] for i in t.issues],
               [20.0, 50.0, 46.0, 24.0, 16.0])
    body.heading("四、调研成果")
    body.table(["类别", "成果名称", "文号", "采纳单位", "刊发"],
               [[o.kind, o.title, o.doc_no, o.adopted_by, o.published_in] for o in t.outcomes],
               [22.0, 56.0, 28.0, 26.0, 24.0])
    body.heading("五、对策建议")
    body.para("（由课题组结合调研发现撰写。）")
    return body


def _span(a: dt.date, b: dt.date) -> str:
    return f"{a:%Y-%m-%d}" if a == b else f"{a:%Y-%m-%d}至{b:%m-%d}"


def fetch_campaign_document(db: Any, job: Any) -> DocBody:
    """The document of a campaign kind for a print job (``reports.jobs.PrintJob``: kind, period, item, office)."""
    kind = job.kind
    today = job.today or dt.date.today()
    if kind not in CAMPAIGN_KINDS:
        raise ValidationError(f"未知的文档类型：{kind}", "可选：" + "、".join(CAMPAIGN_KIND_LABELS))
    label, grain = CAMPAIGN_KINDS[kind]
    office = getattr(job, "office", "") or ""
    if kind == "topic-report":
        if not job.item:
            raise ValidationError("生成调研报告需要指定课题", "请用 --id 填写课题的编号（id）或课题名称", field="--id")
        return topic_report(db, office, job.item, today)
    period = parse_period(getattr(job, "period", "") or "", grain, today, label)
    builder = {"monthly-report": monthly_report, "quarter-bulletin": quarter_bulletin,
               "half-year-review": half_year_review, "award-notice": award_notice}[kind]
    return builder(db, office, period, today)
