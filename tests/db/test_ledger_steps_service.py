"""The detail's ``allowed_steps`` and the services answer alike: a step refused on screen is refused by its
service in the same words, and a step offered is taken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.ledger import deadline as deadline_mod
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.steps import Step
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR

D = dt.date


def _services(ctx: AppContext, item: str) -> dict[Step, Callable[[], object]]:
    db, who = ctx.db, TEST_ACTOR
    return {
        Step.EDIT: lambda: lc.edit_issue(db, who, item, IssueInput("改过的描述", unit="综合科", deadline=D(2026, 4, 30))),
        Step.PROGRESS: lambda: lc.add_progress(db, who, item, D(2026, 3, 10), "进展", 30),
        Step.EXTENSION: lambda: lc.request_extension(db, who, item, D(2026, 12, 30), "理由"),
        Step.URGE: lambda: lc.add_urge(db, who, item, 1, "请加快"),
        Step.CLOSURE: lambda: lc.apply_closure(db, who, item, "佐证"),
        Step.VERIFY: lambda: lc.verify_closure(db, who, item, True),
        Step.FOLLOW_UP: lambda: lc.add_follow_up(db, who, item, D(2026, 5, 1), "回访情况"),
        Step.REOPEN: lambda: lc.add_follow_up(db, who, item, D(2026, 5, 1), "反弹", satisfied=False, reopen=True),
        Step.VOID: lambda: lc.void_issue(db, who, item, "重复登记"),
        Step.ADJUST_DEADLINE: lambda: deadline_mod.adjust_deadline(db, who, item, new_deadline=D(2026, 11, 30),
                                                                   reason="调整"),
    }


@pytest.mark.parametrize("state", ["open", "closed", "void"])
def test_each_refused_step_is_refused_by_its_service_in_the_same_words(ctx: AppContext, state: str) -> None:
    [item] = create_issues(ctx.db, TEST_ACTOR, [IssueInput(
        "村集体经济项目收益分配不规范", unit="综合科", assigned_date=D(2026, 3, 2), deadline=D(2026, 4, 30))])
    if state == "closed":
        lc.apply_closure(ctx.db, TEST_ACTOR, item, "已整改")
        lc.verify_closure(ctx.db, TEST_ACTOR, item, True)
    elif state == "void":
        lc.void_issue(ctx.db, TEST_ACTOR, item, "重复登记")
    allowed = get_issue_detail(ctx.db, item).allowed_steps
    refused = {step for step, why in allowed.items() if why is not None}
    assert refused == {"open": {Step.VERIFY, Step.REOPEN, Step.DECIDE_EXTENSION},
                       "closed": set(Step) - {Step.FOLLOW_UP, Step.REOPEN},
                       "void": set(Step)}[state]
    for step, call in _services(ctx, item).items():
        why = allowed[step]
        if why is None:
            continue
        with pytest.raises(FieldDeskError) as e:
            call()
        assert why == f"{e.value.message}。{e.value.action}", step
