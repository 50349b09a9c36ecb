"""重复导入提醒: which sheet rows this office already has (same 问题描述 and 责任单位, live items only)."""

from __future__ import annotations

from desktop_app.core.context import AppContext
from desktop_app.ledger import duplicates, lifecycle, service
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR


def test_same_description_and_unit_of_a_live_item(ctx: AppContext) -> None:
    kept, voided = service.create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("村规民约修订滞后", unit="县民政局"), IssueInput("农村户厕使用率不高", unit="县农业农村局")])
    lifecycle.void_issue(ctx.db, TEST_ACTOR, voided, "重复登记")
    rows = [
        {"row": 4, "description": " 村规民约修订滞后 ", "unit": "县民政局"},  # same item (spaces aside)
        {"row": 5, "description": "村规民约修订滞后", "unit": "县财政局"},  # another unit: another item
        {"row": 6, "description": "农村户厕使用率不高", "unit": "县农业农村局"},  # only a voided copy exists
        {"row": 7, "description": "", "unit": "县民政局"},
    ]
    assert duplicates.already_recorded(ctx.db, rows) == [4]
    assert kept
