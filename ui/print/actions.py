"""One-line print entry points for pages (问题台账 tabs, one item's notice, lists of other capabilities)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop_app.reports.jobs import PrintJob
from ui.print.preview_dialog import PrintPreviewDialog, open_print_preview

#: ledger page tab -> print kind (问题清单, 责任清单, 督办清单)
LEDGER_KINDS = ("ledger", "responsibility", "supervision")


def print_ledger_view(parent: QWidget | None, ctx: Any, view: str | int, flt: Any = None, year: int | None = None,
                      note: str = "", sort: tuple[str, bool] = ("serial", False)) -> PrintPreviewDialog:
    """Preview the ledger view (``ledger``/``responsibility``/``supervision`` or its tab index) as filtered on screen.

    ``flt`` is the page's IssueFilter and ``sort`` its (sort key, descending); ``note`` is printed under the
    title (default: the filter in words, “筛选条件：责任单位=勐龙镇”).
    """
    kind = LEDGER_KINDS[view] if isinstance(view, int) else view
    return open_print_preview(parent, ctx, PrintJob(kind, year=year or getattr(flt, "year", None), filter=flt,
                                                    note=note, today=dt.date.today(), sort=sort))


def print_notice(parent: QWidget | None, ctx: Any, issue_id: str) -> PrintPreviewDialog:
    """Preview the 督办通知单 of one item."""
    return open_print_preview(parent, ctx, PrintJob("notice", item=issue_id, today=dt.date.today()))


def print_list(parent: QWidget | None, ctx: Any, kind: str, year: int | None = None, item: str | None = None,
               office: str = "") -> PrintPreviewDialog:
    """Preview any other printout: scores/paper (item = exam id), visits, topics, summary.

    ``office`` is the scope shown (``desktop_app.org.scope``): a prefecture prints a county's list.
    """
    return open_print_preview(parent, ctx, PrintJob(kind, year=year, item=item, today=dt.date.today(),
                                                    office=office))
