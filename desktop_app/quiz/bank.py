"""题库 — the question bank: create, edit, tag, retire and list questions.

An office's bank is its own questions plus those its parent office(s) sent down in
bundles (see ``desktop_app.org.upstream``): a county drills, draws papers from
and lists the prefecture's questions, but they stay the prefecture's — editing,
tagging or retiring one here is refused (the prefecture corrects it and sends it
again). Questions of other counties that a prefecture relays are never part of a
county's bank; a prefecture sees its counties' questions only by choosing a county
(查看范围), never merged into its own bank.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Question, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from desktop_app.org import scope, upstream
from desktop_app.org.ownership import office_name, refuse_foreign
from desktop_app.quiz import marking
from desktop_app.quiz.types import OPTION_LETTERS, QUESTION_TYPES, QuestionBrief, QuestionInfo, QuestionInput

_LABEL = re.compile(r"^\s*([A-Ha-hＡ-Ｈａ-ｈ])\s*[.．、:：)）]\s*")
MAX_STEM = 2000


def question_label(stem: str) -> str:
    """How an error names a question: 题目“党的基层组织…”."""
    s = (stem or "").strip().replace("\n", " ")
    return f"题目“{s[:16]}{'…' if len(s) > 16 else ''}”"


def strip_option_labels(options: list[str]) -> list[str]:
    """'A.每月一次' -> '每月一次'; empty options dropped."""
    out = []
    for o in options:
        text = _LABEL.sub("", str(o if o is not None else "")).strip()
        if text:
            out.append(text)
    return out


def split_tags(value: object) -> list[str]:
    """Tags from a list or a text separated by ,，、;； or spaces; unique, in order."""
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = re.split(r"[,，、;；\s]+", str(value or ""))
    seen: list[str] = []
    for p in (p.strip() for p in parts):
        if p and p not in seen:
            seen.append(p)
    return seen


def validate_question(data: QuestionInput, where: str = "") -> QuestionInput:
    """Check a question and return it normalised; raises ValidationError naming ``where`` (or the stem)."""
    name = where or question_label(data.stem)
    qtype = (data.type or "").strip()
    if qtype not in QUESTION_TYPES:
        raise ValidationError(f"{name}：题型“{data.type}”无效", "题型应为 单选、多选、判断、填空、简答 之一", field="type")
    stem = (data.stem or "").strip()
    if not stem:
        raise ValidationError(f"{name}：题干不能为空", "请填写题干", field="stem")
    if len(stem) > MAX_STEM:
        raise ValidationError(f"{name}：题干过长（超过{MAX_STEM}字）", "请精简题干", field="stem")
    options = strip_option_labels(list(data.options or []))
    answer = str(data.answer if data.answer is not None else "").strip()
    if not (1 <= int(data.difficulty or 2) <= 3):
        raise ValidationError(f"{name}：难度“{data.difficulty}”无效", "难度应为 1（易）、2（中）、3（难）", field="difficulty")
    if qtype in ("单选", "多选"):
        if len(options) < 2:
            raise ValidationError(f"{name}：{qtype}题至少需要两个选项", "请用 | 分隔选项，例如 A.甲|B.乙", field="options")
        if len(options) > len(OPTION_LETTERS):
            raise ValidationError(f"{name}：选项过多（最多{len(OPTION_LETTERS)}个）", "请删减选项", field="options")
        letters = marking.normalise_letters(answer)
        if not letters:
            raise ValidationError(f"{name}：缺少答案", "请填写正确选项的字母，例如 B", field="answer")
        if not marking.letters_valid(letters, len(options)):
            bad = "、".join(ch for ch in letters if ch not in OPTION_LETTERS[:len(options)])
            raise ValidationError(f"{name}：答案“{answer}”中的 {bad} 不在选项之中（共{len(options)}个选项 "
                                  f"A–{OPTION_LETTERS[len(options) - 1]}）", "请改为已有选项的字母", field="answer")
        if qtype == "单选" and len(letters) != 1:
            raise ValidationError(f"{name}：单选题只能有一个答案，现为“{answer}”", "请只保留一个正确选项，或把题型改为多选",
                                  field="answer")
        answer = letters
    elif qtype == "判断":
        j = marking.normalise_judgement(answer)
        if j is None:
            raise ValidationError(f"{name}：判断题答案“{answer}”无效", "请填写 对 或 错（也可写 √ 或 ×）", field="answer")
        answer, options = j, []
    elif qtype == "填空":
        if not answer:
            raise ValidationError(f"{name}：填空题缺少答案", "请填写答案，可用 | 分隔多种可接受的写法", field="answer")
        blanks = marking.count_blanks(stem)
        keys = marking.blank_keys(answer, blanks)
        if blanks > 1 and len(keys) != blanks:
            raise ValidationError(f"{name}：题干有{blanks}个空，答案只有{len(keys)}个", "多个空的答案请用 ；分隔", field="answer")
        if any(not k for k in keys):
            raise ValidationError(f"{name}：填空题有空白的答案", "请为每个空填写答案", field="answer")
        options = []
    else:
        options = []
    return replace(data, type=qtype, stem=stem, options=options, answer=answer,
                   explanation=(data.explanation or "").strip(), tags=split_tags(data.tags),
                   difficulty=int(data.difficulty or 2))


def _info(q: Question, section_name: str, me: str = "", origin: str = "本单位") -> QuestionInfo:
    return QuestionInfo(q.id, q.type, q.stem, tuple(json.loads(q.options or "[]")), q.answer, q.explanation,
                        tuple(json.loads(q.tags or "[]")), q.section_id, section_name, q.difficulty, q.retired,
                        q.office_code, origin, not me or q.office_code == me)


def bank_offices(s: Session, office: str) -> list[str]:
    """Whose questions make up ``office``'s bank: its own, then its parent office(s)' sent down."""
    return upstream.counted_codes(s, office)


def _origin(s: Session, office: str, q: Question) -> str:
    return upstream.origin_label(s, office, q.office_code)


def _check_section(s: Session, office: str, section_id: str | None, name: str) -> None:
    if section_id is None:
        return
    sec = s.get(Section, section_id)
    if sec is None or sec.deleted or sec.office_code != office:
        raise ValidationError(f"{name}：所属科室不存在", "请重新选择科室", field="section")


def add_to_session(s: Session, office: str, data: QuestionInput) -> Question:
    """Insert an already validated question into the caller's transaction."""
    q = Question(type=data.type, stem=data.stem, options=json.dumps(data.options, ensure_ascii=False),
                 answer=data.answer, explanation=data.explanation, tags=json.dumps(data.tags, ensure_ascii=False),
                 section_id=data.section_id, difficulty=data.difficulty, retired=False)
    s.add(q)
    return q


def create_question(db: Database, actor: Actor, data: QuestionInput) -> QuestionInfo:
    """Add a question to the bank (validated; nothing is written when it is wrong)."""
    clean = validate_question(data)
    with db.transaction() as s:
        _check_section(s, db.office_code, clean.section_id, question_label(clean.stem))
        q = add_to_session(s, db.office_code, clean)
        s.flush()
        audit.record(s, actor, "create_question", "question", q.id, {"type": q.type, "stem": q.stem[:40]})
        return _info(q, _section_name(s, q.section_id))


def _section_name(s: Session, section_id: str | None) -> str:
    if not section_id:
        return ""
    sec = s.get(Section, section_id)
    return sec.name if sec else ""


def _get(s: Session, office: str, question_id: str) -> Question:
    """A question of ``office``'s bank (its own or sent down from above) — to read."""
    q = s.get(Question, question_id)
    if q is None or q.deleted or q.office_code not in bank_offices(s, office):
        raise NotFoundError("该试题不存在或已删除", "请刷新题库后重试")
    return q


def _get_own(s: Session, office: str, question_id: str) -> Question:
    """A question ``office`` may change: its own. One sent down from above is refused by name, and
    so is a county's question looked at in a prefecture."""
    q = s.get(Question, question_id)
    if q is not None and not q.deleted and q.office_code not in bank_offices(s, office):
        refuse_foreign(s, office, q.office_code, "试题")
    q = _get(s, office, question_id)
    if q.office_code != office:
        raise PermissionDeniedError(
            f"{question_label(q.stem)}是“{office_name(s, q.office_code)}”下发的试题，本单位只能使用，不能修改、停用或删除",
            "如需更正，请联系市级单位")
    return q


def get_question(db: Database, question_id: str) -> QuestionInfo:
    """One question with its answer (this office's or one sent down to it)."""
    with db.session() as s:
        q = _get(s, db.office_code, question_id)
        return _info(q, _section_name(s, q.section_id), db.office_code, _origin(s, db.office_code, q))


def update_question(db: Database, actor: Actor, question_id: str, data: QuestionInput) -> QuestionInfo:
    """Edit a question (papers already made keep pointing to it)."""
    clean = validate_question(data)
    with db.transaction() as s:
        q = _get_own(s, db.office_code, question_id)
        _check_section(s, db.office_code, clean.section_id, question_label(clean.stem))
        q.type, q.stem, q.answer, q.explanation = clean.type, clean.stem, clean.answer, clean.explanation
        q.options = json.dumps(clean.options, ensure_ascii=False)
        q.tags = json.dumps(clean.tags, ensure_ascii=False)
        q.section_id, q.difficulty = clean.section_id, clean.difficulty
        audit.record(s, actor, "update_question", "question", q.id, {"type": q.type, "stem": q.stem[:40]})
        return _info(q, _section_name(s, q.section_id), db.office_code)


def set_tags(db: Database, actor: Actor, question_ids: list[str], add: list[str], remove: list[str] | None = None) -> int:
    """Add and remove tags on several questions at once; returns how many changed."""
    add_t, rem_t = split_tags(add), set(split_tags(remove or []))
    changed = 0
    with db.transaction() as s:
        for qid in question_ids:
            q = _get_own(s, db.office_code, qid)
            tags = [t for t in json.loads(q.tags or "[]") if t not in rem_t]
            tags += [t for t in add_t if t not in tags]
            text = json.dumps(tags, ensure_ascii=False)
            if text != q.tags:
                q.tags = text
                changed += 1
        # one id fits target_id (36 characters); several are listed in the details
        audit.record(s, actor, "tag_questions", "question", question_ids[0] if len(question_ids) == 1 else "",
                     {"count": len(question_ids), "ids": question_ids[:20], "add": add_t, "remove": sorted(rem_t)})
    return changed


def retire_question(db: Database, actor: Actor, question_id: str, retired: bool = True) -> None:
    """Retire (停用) a question so new papers no longer draw it, or bring it back."""
    with db.transaction() as s:
        q = _get_own(s, db.office_code, question_id)
        q.retired = retired
        audit.record(s, actor, "retire_question" if retired else "restore_question", "question", q.id, {})


def _filtered(offices: list[str] | None, text: str = "", qtype: str = "", tag: str = "", section_id: str | None = None,
              include_retired: bool = False) -> Select:
    q = select(Question).where(Question.deleted.is_(False))
    if offices is not None:
        q = q.where(Question.office_code.in_(offices))
    if not include_retired:
        q = q.where(Question.retired.is_(False))
    if text:
        like = f"%{text}%"
        q = q.where(or_(Question.stem.like(like), Question.answer.like(like), Question.tags.like(like)))
    if qtype:
        q = q.where(Question.type == qtype)
    if tag:
        q = q.where(Question.tags.like(f"%{json.dumps(tag, ensure_ascii=False)}%"))
    if section_id:
        q = q.where(Question.section_id == section_id)
    return q


def _scope_codes(s: Session, db: Database, office: str | None) -> list[str] | None:
    """The offices a listing covers: this office's bank by default; at a prefecture, a chosen
    county's questions (``office=<code>``) or every office's (``scope.ALL`` → None) — looked at only."""
    if not office or office == db.office_code:
        return bank_offices(s, db.office_code)
    return scope.resolve(db, office)


def count_questions(db: Database, text: str = "", qtype: str = "", tag: str = "", section_id: str | None = None,
                    include_retired: bool = False, office: str | None = None) -> int:
    """How many questions match the filter (``office``: see :func:`list_questions`)."""
    with db.session() as s:
        sub = _filtered(_scope_codes(s, db, office), text, qtype, tag, section_id, include_retired).subquery()
        return int(s.execute(select(func.count()).select_from(sub)).scalar() or 0)


def list_questions(db: Database, text: str = "", qtype: str = "", tag: str = "", section_id: str | None = None,
                   include_retired: bool = False, offset: int = 0, limit: int = 200,
                   office: str | None = None) -> list[QuestionInfo]:
    """One page of the bank, newest first.

    ``office`` None is this office's bank: its own questions and those sent down to it
    (``QuestionInfo.origin`` says which, ``editable`` is False for the latter). A prefecture
    may pass a county's code (or ``scope.ALL``) to look at that county's questions.
    """
    with db.session() as s:
        q = (_filtered(_scope_codes(s, db, office), text, qtype, tag, section_id, include_retired)
             .order_by(Question.created_at.desc(), Question.id).offset(offset).limit(limit))
        rows = s.execute(q).scalars().all()
        names = {sec.id: sec.name for sec in s.execute(select(Section)).scalars()}
        origins = upstream.origin_labels(s, db.office_code, {r.office_code for r in rows})
        return [_info(r, names.get(r.section_id or "", ""), db.office_code, origins[r.office_code]) for r in rows]


def all_tags(db: Database) -> list[str]:
    """Every tag used in the bank (this office's and sent-down questions), sorted."""
    with db.session() as s:
        tags: set[str] = set()
        for text in s.execute(select(Question.tags).where(Question.office_code.in_(bank_offices(s, db.office_code)),
                                                          Question.deleted.is_(False))).scalars():
            tags.update(json.loads(text or "[]"))
        return sorted(tags)


def briefs(s: Session, office: str) -> list[QuestionBrief]:
    """Every live, unretired question of the office's bank (sent-down ones too) for paper building,
    in a stable order."""
    rows = s.execute(select(Question.id, Question.type, Question.tags, Question.section_id, Question.difficulty)
                     .where(Question.office_code.in_(bank_offices(s, office)), Question.deleted.is_(False),
                            Question.retired.is_(False))
                     .order_by(Question.id)).all()
    return [QuestionBrief(r[0], r[1], tuple(json.loads(r[2] or "[]")), r[3], r[4]) for r in rows]
