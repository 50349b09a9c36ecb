"""The navigation of the main window: one page per capability.

Each entry names the module and class of its page, imported when the page is
first shown. A page class takes ``(ctx: AppContext, parent=None)``. Every entry
ships: a module that cannot be imported is a bug (dialog with the real error),
never a "not yet available" page. ``packaging/fielddesk.spec`` turns these
registries into PyInstaller hidden imports, and tests/ui/test_registries.py
imports every entry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One navigation entry."""

    key: str
    title: str
    target: str  # "module:Class"
    shortcut: str
    icon: str = ""
    planned: str = ""  # what the page will hold, shown while it has not landed


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "工作台", "ui.dashboard.dashboard_page:DashboardPage", "Ctrl+1", "dashboard"),
    PageSpec("topics", "调研课题", "ui.work.topics_page:TopicsPage", "Ctrl+2", "topics",
             "课题立项、领题、阶段推进、成果与评价"),
    PageSpec("visits", "调研安排", "ui.work.visits_page:VisitsPage", "Ctrl+3", "visits",
             "调研日程、基层天数统计与扎堆调研提醒"),
    PageSpec("meetings", "会议研讨", "ui.campaign.meetings_page:MeetingsPage", "Ctrl+8", "topics",
             "组工讲堂、中心组学习、专题研讨、务虚会；转为问题或课题"),
    PageSpec("ledger", "问题台账", "ui.ledger.ledger_page:LedgerPage", "Ctrl+4", "ledger",
             "问题清单、责任清单、督办清单，整改全流程与红黄绿预警"),
    PageSpec("quiz", "业务测试", "ui.quiz.quiz_page:QuizPage", "Ctrl+5", "quiz",
             "题库、组卷、闭卷考试、成绩与评先"),
    PageSpec("plans", "计划清单", "ui.campaign.plans_page:PlansPage", "Ctrl+9", "plans",
             "周计划报送、月度攻坚与亮点、季度补短板与创先争优、半年复盘、年度活动计划备案"),
    PageSpec("results", "成果与评价", "ui.campaign.results_page:ResultsPage", "Ctrl+0", "topics",
             "成果转化运用清单、科室评价、挂钩村与结对户"),
    PageSpec("exchange", "数据交换", "ui.sync.exchange_page:ExchangePage", "Ctrl+6", "exchange",
             "与上级/下级单位交换签名数据包，冲突处理"),
    PageSpec("settings", "设置", "ui.settings.settings_page:SettingsPage", "Ctrl+7", "settings"),
)

#: Panels on the dashboard (工作台), each owned by its capability: "module:Class" taking (ctx, parent=None)
#: with a ``refresh()`` method. A panel that fails to load is reported as a bug; the dashboard stays.
DASHBOARD_PANELS: tuple[str, ...] = (
    # 待办 first, a row of its own (the start-of-day reminder): everything due or overdue, each entry opening
    # the place to act; counts on the sidebar
    "ui.dashboard.todo_panel:TodoPanel",
    "ui.ledger.stats_widget:LedgerStatsWidget",
    # the work and quiz panels in the dashboard's scope (a prefecture: every county), read in the background
    "ui.dashboard.work_panel:DashboardWorkPanel",
    "ui.dashboard.quiz_panel:DashboardQuizPanel",
)
