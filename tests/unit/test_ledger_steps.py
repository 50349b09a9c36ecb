"""The ledger's rule table (``desktop_app.ledger.steps``): every state × step × office × role.

The expected answers are written out here by hand, one small table per concern (the item's state, the
office, the person); the rule must refuse a step exactly when one of them does, with the first one's kind.
"""

from __future__ import annotations

import itertools

import pytest

from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, StateError
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.ledger.steps import Asker, ItemState, Step, allowed_steps, refusal

S = Step
OWNER, JUDGE, OTHER = "532801", "532800", "532822"
NAMES = {OWNER: "景洪市", JUDGE: "西双版纳州", OTHER: "勐腊县"}

#: (status, deadline?, pending extension?, pending closure?) → the steps the state allows
STATE_ALLOWS: dict[tuple[str, bool, bool, bool], set[Step]] = {}
_OPEN_ALWAYS = {S.EDIT, S.PROGRESS, S.URGE, S.FOLLOW_UP, S.VOID, S.ADJUST_DEADLINE}
for _status in (IssueStatus.NOT_STARTED, IssueStatus.IN_PROGRESS, IssueStatus.DONE):
    for _deadline, _ext, _clo in itertools.product((True, False), repeat=3):
        allowed = set(_OPEN_ALWAYS)
        if _deadline and not _ext:
            allowed.add(S.EXTENSION)
        if _ext:
            allowed.add(S.DECIDE_EXTENSION)
        allowed.add(S.VERIFY if _clo else S.CLOSURE)
        STATE_ALLOWS[_status, _deadline, _ext, _clo] = allowed
for _deadline, _ext, _clo in itertools.product((True, False), repeat=3):
    STATE_ALLOWS[IssueStatus.CLOSED, _deadline, _ext, _clo] = {S.FOLLOW_UP, S.REOPEN}  # 已销号: only 回访
    STATE_ALLOWS[IssueStatus.VOID, _deadline, _ext, _clo] = set()  # 已作废: nothing, for good

#: (this office, assigned by the judge?) → the steps the office rule allows on OWNER's item
OFFICE_ALLOWS: dict[tuple[str, bool], set[Step]] = {
    ("", False): set(Step), ("", True): set(Step),  # before set-up: no other office to defer to
    (OWNER, False): set(Step),
    (OWNER, True): set(Step) - {S.DECIDE_EXTENSION, S.VERIFY, S.ADJUST_DEADLINE, S.REOPEN},
    (JUDGE, True): {S.DECIDE_EXTENSION, S.VERIFY, S.ADJUST_DEADLINE, S.REOPEN, S.URGE, S.FOLLOW_UP, S.VOID},
    (JUDGE, False): {S.URGE, S.FOLLOW_UP},
    (OTHER, True): {S.URGE, S.FOLLOW_UP},
    (OTHER, False): {S.URGE, S.FOLLOW_UP},
}
_VERDICTS = {S.DECIDE_EXTENSION, S.VERIFY, S.REOPEN}
#: role → (rights, the steps the person rule allows)
ROLE_ALLOWS: dict[str, tuple[frozenset[str] | None, set[Step]]] = {
    "no accounts": (None, set(Step)),
    "录入员": (frozenset({"record", "exchange", "view"}), set(Step) - _VERDICTS),
    "审核人": (frozenset({"approve", "view"}), set(_VERDICTS)),
    "录入员+审核人": (frozenset({"record", "approve", "view"}), set(Step)),
    "查看": (frozenset({"view"}), set()),
}


def _item(status: str, deadline: bool, ext: bool, clo: bool, assigned: bool) -> ItemState:
    return ItemState("2026-001", status, deadline, ext, clo, OWNER, JUDGE if assigned else "", "综合科")


@pytest.mark.parametrize("status", list(IssueStatus))
def test_every_state_step_office_and_role(status: IssueStatus) -> None:
    checked = 0
    for (deadline, ext, clo, assigned), (office, role) in itertools.product(
            itertools.product((True, False), repeat=4),
            itertools.product(("", OWNER, JUDGE, OTHER), ROLE_ALLOWS)):
        rights, by_role = ROLE_ALLOWS[role]
        item = _item(status, deadline, ext, clo, assigned)
        asker = Asker(office, Actor("who", "某人", rights, account=rights is not None))
        answers = allowed_steps(item, asker, NAMES.__getitem__)
        assert set(answers) == set(Step)
        for step in Step:
            by_state = step in STATE_ALLOWS[status, deadline, ext, clo]
            by_office = step in OFFICE_ALLOWS[office, assigned]
            by_person = step in by_role
            r = refusal(step, item, asker, NAMES.__getitem__)
            case = (status, deadline, ext, clo, assigned, office, role, step)
            if by_state and by_office and by_person:
                assert r is None and answers[step] is None, case
                continue
            assert r is not None and answers[step] == f"{r.message}。{r.action}", case
            expected = "state" if not by_state else "office" if not by_office else "person"
            assert r.kind == expected, (case, r)
            assert isinstance(r.error(), StateError if expected == "state" else PermissionDeniedError)
            assert r.message and r.action and not r.message.isascii(), case
            checked += 1
    assert checked > 100


def test_the_refusals_say_why_in_the_clerks_words() -> None:
    def why(step: Step, status: str = IssueStatus.IN_PROGRESS, office: str = "", rights: frozenset[str] | None = None,
            deadline: bool = True, ext: bool = False, clo: bool = False, assigned: bool = False,
            sections: frozenset[str] | None = None, own_ext: bool = False, own_clo: bool = False) -> str:
        asker = Asker(office, Actor("chenjing", "陈静", rights, account=rights is not None, sections=sections),
                      own_ext, own_clo)
        r = refusal(step, _item(status, deadline, ext, clo, assigned), asker, NAMES.__getitem__)
        assert r is not None
        return r.message

    assert why(S.EDIT, IssueStatus.CLOSED) == "问题 2026-001 已销号，不能修改"
    assert why(S.VOID, IssueStatus.CLOSED) == "问题 2026-001 已销号，不能作废"
    assert why(S.FOLLOW_UP, IssueStatus.VOID) == "问题 2026-001 已作废，不能回访"
    assert why(S.VOID, IssueStatus.VOID) == "问题 2026-001 已作废"
    assert why(S.REOPEN) == "问题 2026-001 当前为“推进中”，无需重新打开"
    assert why(S.EXTENSION, deadline=False) == "问题 2026-001 没有完成时限，无需延期"
    assert why(S.EXTENSION, ext=True) == "问题 2026-001 已有待审批的延期申请"
    assert why(S.VERIFY) == "问题 2026-001 没有待审核的销号申请"
    assert why(S.CLOSURE, clo=True) == "问题 2026-001 已提交销号申请，正在审核"
    assert "属于“景洪市”，登记进展由该单位办理" in why(S.PROGRESS, office=OTHER)
    assert "审核销号由交办单位“西双版纳州”决定" in why(S.VERIFY, office=OWNER, clo=True, assigned=True)
    approver = frozenset({"approve", "record"})
    assert why(S.URGE, rights=frozenset({"view"})) == "催办需要“录入”权限，账户“chenjing”（陈静）没有“录入”权限"
    assert "负责审核“规划科”的问题" in why(S.VERIFY, clo=True, rights=approver, sections=frozenset({"规划科"}))
    assert "申请人不能审批自己的申请" in why(S.VERIFY, clo=True, rights=approver, own_clo=True)
    assert "延期申请由您（陈静）提出" in why(S.DECIDE_EXTENSION, ext=True, rights=approver, own_ext=True)
    # one's own application of the other kind does not bar a verdict
    asker = Asker("", Actor("chenjing", "陈静", approver, account=True), own_extension=True)
    assert refusal(S.VERIFY, _item(IssueStatus.DONE, True, True, True, False), asker, NAMES.__getitem__) is None
