"""查看范围 (desktop_app.org.scope): who may look at whose rows, and what a heading says."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.base import new_id
from db.models import Issue, Office
from desktop_app.core.context import AppContext
from desktop_app.core.errors import SetupRequiredError, ValidationError
from desktop_app.org import scope
from tests.helpers.sync_support import make_office


def _foreign_issue(ctx: AppContext, office: str) -> None:
    """An item of another office, as a bundle brings it (no name known until its card arrives)."""
    with ctx.db.transaction() as s:
        s.execute(Issue.__table__.insert(), [{  # type: ignore[attr-defined]
            "id": new_id(), "office_code": office, "hlc": 1, "changed_by": office, "deleted": False,
            "serial": "2026-001", "year": 2026, "description": "外单位问题", "status": "not_started"}])


def _office_row(ctx: AppContext, code: str, name: str) -> None:
    with ctx.db.transaction() as s:
        s.add(Office(code=code, name=name, level="county", parent_code=ctx.db.office_code))


def test_a_prefecture_sees_its_counties_and_all(tmp_path: Path) -> None:
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    try:
        assert scope.is_prefecture(p.db)
        assert [(c.code, c.name, c.own) for c in scope.office_choices(p.db)] == [("532800", "西双版纳州", True)]
        _foreign_issue(p, "532822")  # known only from its rows
        _office_row(p, "532801", "景洪市")  # known from its card, no rows yet
        assert [(c.code, c.name, c.own) for c in scope.office_choices(p.db)] == [
            ("532800", "西双版纳州", True), ("532801", "景洪市", False), ("532822", "532822", False)]
        assert scope.resolve(p.db, "") == ["532800"]
        assert scope.resolve(p.db, None) == ["532800"]
        assert scope.resolve(p.db, "532800") == ["532800"]
        assert scope.resolve(p.db, "532822") == ["532822"]
        assert scope.resolve(p.db, "532801") == ["532801"]
        assert scope.resolve(p.db, scope.ALL) is None
        with pytest.raises(ValidationError, match="没有单位“999999”的数据"):
            scope.resolve(p.db, "999999")
        assert scope.scope_label(p.db, "") == "西双版纳州"
        assert scope.scope_label(p.db, "532801") == "景洪市"
        assert scope.scope_label(p.db, "532822") == "532822"  # no card yet: the code stands in
        assert scope.scope_label(p.db, scope.ALL) == "全州各单位"
    finally:
        p.close()


def test_a_county_sees_only_itself(tmp_path: Path) -> None:
    c = make_office(tmp_path / "c", "532801", "景洪市")
    try:
        assert not scope.is_prefecture(c.db)
        _foreign_issue(c, "532822")  # a row relayed by the prefecture
        assert scope.resolve(c.db, "") == ["532801"]
        assert scope.resolve(c.db, "532801") == ["532801"]
        for other in ("532822", scope.ALL):
            with pytest.raises(ValidationError, match="县级单位只能查看本单位的数据"):
                scope.resolve(c.db, other)
        assert scope.scope_label(c.db, "") == "景洪市"
    finally:
        c.close()


def test_before_setup_there_is_no_scope(empty_ctx: AppContext) -> None:
    assert not scope.is_prefecture(empty_ctx.db)
    with pytest.raises(SetupRequiredError):
        scope.resolve(empty_ctx.db, "")
    with pytest.raises(SetupRequiredError):
        scope.office_choices(empty_ctx.db)
