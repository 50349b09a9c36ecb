"""A scripted start (the packaging smoke test, the start-up bench) signs the GUI in from FIELDDESK_USER and
FIELDDESK_PASSWORD, as the command line does: the same sign-in, and the dialog still asks when they are wrong."""

from __future__ import annotations

import pytest

from desktop_app.core.context import AppContext
from desktop_app.org import accounts


def test_the_environment_signs_the_gui_in_only_with_the_right_password(ctx: AppContext,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.app import _signed_in_from_environment

    accounts.first_admin(ctx.db, ctx.actor, "admin", "demo2026ok", "刘洋", keys_dir=ctx.data.keys)
    monkeypatch.delenv("FIELDDESK_USER", raising=False)
    monkeypatch.delenv("FIELDDESK_PASSWORD", raising=False)
    assert _signed_in_from_environment(ctx) is None  # nothing set: the dialog asks
    monkeypatch.setenv("FIELDDESK_USER", "admin")
    monkeypatch.setenv("FIELDDESK_PASSWORD", "wrong-password1")
    assert _signed_in_from_environment(ctx) is None  # wrong: the dialog asks (and the failure counts)
    monkeypatch.setenv("FIELDDESK_PASSWORD", "demo2026ok")
    actor = _signed_in_from_environment(ctx)
    assert actor is not None and actor.account and "刘洋" in actor.label
