"""上级下发 — which offices' sent-down tables count in this office (question bank, holiday table).

A prefecture sends its question bank and its holiday table down in bundles; the rows
keep the prefecture's ``office_code``. An office counts the rows of the offices above
it: the chain of ``parent_code`` from its own Office row (its parent, that one's parent
when known, …). A county whose parent is not filled in counts the prefecture-level
office whose card or setup (Office row) is here, so a bank sent before the parent was
set is not lost — but only when there is exactly one: with two prefectures here (a
neighbouring one trusted for an exchange, say) which is above is a guess, and guessing
silently would count one prefecture's holidays by the order of the codes. Then none
counts and :func:`unused_upstream_warning` asks for the parent code, as it does when the
parent code names no office known here while a prefecture's rows are here (a typo).

Rows of other counties never count: a prefecture relays one county's bundle to another
(bundle relay), so county B's database may hold county A's questions and holidays, but
A is neither B nor above B. A prefecture's own parent chain is normally empty, so its
bank is its own; it looks at a county's questions only through 查看范围 (scope).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Office, PeerState
from desktop_app.org.ownership import office_name

#: a parent chain longer than this is a data error (or a loop); stop there
_MAX_DEPTH = 6


def _known(s: Session) -> dict[str, tuple[str, str | None, str]]:
    """Offices known here — set up or synced (Office row) or trusted by card — as code → (level, parent, name)."""
    out: dict[str, tuple[str, str | None, str]] = {
        str(code): (str(level or ""), None, str(name or code)) for code, name, level in s.execute(
            select(PeerState.peer_code, PeerState.office_name, PeerState.level)
            .where(PeerState.trusted.is_(True), PeerState.revoked.is_(False)))}
    for code, name, level, parent in s.execute(
            select(Office.code, Office.name, Office.level, Office.parent_code).where(Office.deleted.is_(False))):
        out[str(code)] = (str(level or ""), parent, str(name or code))
    return out


def _prefectures(offices: dict[str, tuple[str, str | None, str]], me: str) -> list[str]:
    return sorted(c for c, (lvl, _p, _n) in offices.items() if lvl == "prefecture" and c != me)


def _chain(offices: dict[str, tuple[str, str | None, str]], me: str) -> list[str]:
    mine = offices.get(me)
    if mine is None:
        return []
    level, parent, _name = mine
    if not parent:
        if level == "prefecture":
            return []
        only = _prefectures(offices, me)
        return only if len(only) == 1 else []  # several: which one is above is unknown (module docstring)
    out: list[str] = []
    while parent and parent != me and parent not in out and len(out) < _MAX_DEPTH:
        if offices.get(parent, ("",))[0] == "county":
            break  # a county is above no one: a parent code naming one is a typo, its rows never count
        out.append(parent)
        parent = offices.get(parent, ("", None, ""))[1]
    return out


def upstream_codes(s: Session, me: str) -> list[str]:
    """The offices above ``me`` whose sent-down rows count here, nearest first."""
    return _chain(_known(s), me)


def unused_upstream_warning(s: Session, me: str, senders: set[str], what: str) -> str:
    """A Chinese warning naming the codes when sent-down rows of a prefecture office are here but do
    not count (``senders``: the offices other than ``me`` with live rows of the table ``what``, e.g.
    节假日表) — a mistyped or missing 上级单位代码 — or count only because one prefecture is here
    while the parent code is empty. '' when nothing is wrong. Other counties' relayed rows never count
    and are no cause for a warning."""
    offices = _known(s)
    mine = offices.get(me)
    if mine is None:
        return ""
    level, parent, _name = mine
    counted = set(_chain(offices, me))
    ignored = sorted(c for c in senders if c not in counted and c in offices and offices[c][0] == "prefecture")

    def named(codes: list[str]) -> str:
        return named_list(offices, codes)

    if not parent:
        if level == "prefecture":
            return ""
        if ignored:
            return (f"本单位未填写上级单位代码，已收到 {named(ignored)}下发的{what}，无法确定哪一个是本单位的上级，"
                    f"均未采用。请在“设置 → 本单位”中填写上级单位代码。")
        used = sorted(c for c in counted if c in senders and c in offices)
        if used:
            return f"本单位未填写上级单位代码，暂按 {named(used)}下发的{what}计算。请在“设置 → 本单位”中填写上级单位代码。"
        return ""
    fix = "请在“设置 → 本单位”中核对上级单位代码。"
    received = f"已收到 {named(ignored)}下发的{what}，但未采用。" if ignored else ""
    if parent in offices and offices[parent][0] == "county":
        return f"上级单位代码 {parent} 是县级单位 {named([parent])}，不能作为上级单位；{received}{fix}"
    if not ignored:
        return ""
    if parent not in offices:
        return f"上级单位代码 {parent} 未在已信任单位中找到；{received}{fix}"
    return (f"上级单位代码 {parent} 是 {named([parent])}；已收到 {named(ignored)}下发的{what}，"
            f"但{'它们' if len(ignored) > 1 else '该单位'}不是本单位的上级单位，未采用。{fix}")


def parent_code_warning(db: Database) -> str:
    """For the office form (设置 › 本单位): a Chinese warning when this office's 上级单位代码 names no
    office known here, or is empty while several prefecture offices are here ('' otherwise)."""
    with db.session() as s:
        me = str(s.info.get("office_code") or "")
        offices = _known(s)
    mine = offices.get(me)
    if mine is None:
        return ""
    level, parent, _name = mine
    known = _prefectures(offices, me)
    trusted = f"本单位已信任的州（市）级单位：{named_list(offices, known)}。" if known else ""
    if parent and parent not in offices:
        return (f"上级单位代码 {parent} 未在已信任单位中找到，上级下发的节假日表和题库不会采用。"
                f"{trusted}请核对上级单位代码。")
    if parent and offices[parent][0] == "county":
        return (f"上级单位代码 {parent} 是县级单位 {named_list(offices, [parent])}，不能作为上级单位，"
                f"上级下发的节假日表和题库不会采用。{trusted}请核对上级单位代码。")
    if not parent and level != "prefecture" and len(known) > 1:
        return f"未填写上级单位代码，无法确定上级下发的节假日表和题库以哪个单位为准，均不会采用。{trusted}请填写上级单位代码。"
    return ""


def named_list(offices: dict[str, tuple[str, str | None, str]], codes: list[str]) -> str:
    """“名称（代码）、…” for codes of ``offices``."""
    return "、".join(f"{offices[c][2]}（{c}）" for c in codes)


def counted_codes(s: Session, me: str) -> list[str]:
    """This office first, then the offices above it (see :func:`upstream_codes`)."""
    return [me, *upstream_codes(s, me)]


def origin_labels(s: Session, me: str, codes: set[str]) -> dict[str, str]:
    """How a list names where rows came from: 本单位, “<上级单位>下发” for an office above this
    one, or the office's name (a county's rows looked at in a prefecture)."""
    above = set(upstream_codes(s, me)) if codes - {me} else set()
    out = {}
    for code in codes:
        if not code or code == me:
            out[code] = "本单位"
        else:
            out[code] = f"{office_name(s, code)}下发" if code in above else office_name(s, code)
    return out


def origin_label(s: Session, me: str, code: str) -> str:
    """One row's 来源 (see :func:`origin_labels`)."""
    return origin_labels(s, me, {code})[code]
