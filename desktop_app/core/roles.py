"""Roles and rights — the one table of who may do what (角色与权限).

A person may hold several roles; an account's rights are the union of its roles' rights.
The core enforces them: every write passes through ``audit.record`` inside its transaction,
which refuses an action the acting account has no right to (``right_for``), so the GUI and
the command line cannot differ. Least privilege: the administrator manages accounts,
settings and keys but neither records ledger work nor approves it.
"""

from __future__ import annotations

from collections.abc import Iterable

#: right key -> Chinese name
RIGHTS: dict[str, str] = {
    "accounts": "账户管理",
    "settings": "系统设置",
    "record": "录入",
    "approve": "审核",
    "view": "查看",
    "audit": "审计日志",
    "exchange": "数据交换",
}

#: role key -> (Chinese name, rights)
ROLES: dict[str, tuple[str, frozenset[str]]] = {
    "admin": ("系统管理员", frozenset({"accounts", "settings", "exchange", "view", "audit"})),
    "clerk": ("录入员", frozenset({"record", "exchange", "view"})),
    "approver": ("审核人", frozenset({"approve", "view"})),
    "viewer": ("查看", frozenset({"view"})),
    "auditor": ("审计员", frozenset({"audit", "view"})),
}

#: audit actions that need a right other than ``record`` (every other write needs ``record``)
ACTION_RIGHTS: dict[str, str | None] = {
    # verdicts on ledger steps
    "decide_extension": "approve",
    "verify_closure": "approve",
    # 分管领导's 审阅意见 on a topic's report (报审 itself is ``record``)
    "review_topic": "approve",
    # 活动计划备案: the campaign office's 审核人 records a section's filed year plan (desktop_app.campaign.plans)
    "record_year_plan": "approve",
    # 科室评价: 部领导评 is a leader's verdict (科室互评、党员干部参评 and the outcome/contact lists need 录入)
    "set_section_score_leader": "approve", "remove_section_score_leader": "approve",
    # this office's set-up and settings
    "setup_office": "settings", "update_office": "settings", "set_campaign": "settings",
    "add_section": "settings", "rename_section": "settings", "remove_section": "settings",
    "add_person": "settings", "update_person": "settings", "set_quota": "settings",
    "set_holiday": "settings", "move_holiday": "settings", "remove_holiday": "settings",
    "revert_holiday": "settings", "seed_holidays": "settings", "import_holidays": "settings",
    "set_serial_format": "settings", "set_clash_window": "settings",
    "set_repeat_days": "settings", "set_monthly_visit_limit": "settings",
    "set_award_weights": "settings", "set_evaluation_weights": "settings",
    "set_topic_report_due": "settings",
    "set_invigilator_password": "settings", "change_invigilator_password": "settings",
    "clear_invigilator_password": "settings", "change_setting": "settings",
    # keys and bundles
    "export_bundle": "exchange", "import_bundle": "exchange", "import_bundle_preview": "exchange",
    "trust_office": "exchange", "revoke_office_key": "exchange", "resolve_conflict": "exchange",
    # accounts
    "add_account": "accounts", "set_roles": "accounts", "disable_account": "accounts",
    "enable_account": "accounts", "reset_password": "accounts", "unlock_account": "accounts",
    # reading, recorded for the trail
    "export": "view", "print": "view", "audit_verify": "audit", "audit_export": "audit",
    # a candidate answering in the exam window acts under whoever opened it
    "begin_attempt": None, "save_answer": None, "submit_attempt": None, "practice_answer": None,
    # sign-in itself and one's own password
    "sign_in": None, "sign_in_failed": None, "lockout": None, "sign_out": None, "change_password": None,
    "recovery_reset": None, "recovery_failed": None, "new_recovery_code": None, "screen_lock": None,
    "refused": None, "clear_invigilator_password_by_recovery": None,
}


def role_label(role: str) -> str:
    """A role's Chinese name (the key itself when unknown)."""
    return ROLES[role][0] if role in ROLES else role


def rights_of(roles: Iterable[str]) -> frozenset[str]:
    """The union of the rights of ``roles`` (unknown roles give nothing)."""
    out: set[str] = set()
    for r in roles:
        if r in ROLES:
            out |= ROLES[r][1]
    return frozenset(out)


def right_for(action: str) -> str | None:
    """The right an audited ``action`` needs (None: any signed-in account)."""
    return ACTION_RIGHTS.get(action, "record")


def parse_roles(text: str | Iterable[str]) -> list[str]:
    """Role keys from keys or Chinese names, comma/、 separated; unknown names raise ValueError."""
    parts = [p.strip() for p in (text.replace("、", ",").replace("，", ",").split(",")
                                 if isinstance(text, str) else text)]
    by_label = {label: key for key, (label, _) in ROLES.items()}
    by_label["审核人/分管领导"] = "approver"
    by_label["分管领导"] = "approver"
    out: list[str] = []
    for p in parts:
        if not p:
            continue
        key = p if p in ROLES else by_label.get(p)
        if key is None:
            raise ValueError(p)
        if key not in out:
            out.append(key)
    return out
