"""The campaign's public surface for the other capabilities (调研活动对外接口).

The quiz's 先进科室 award counts the half-year's 科室评价; it reaches the campaign only through the names
here: import-linter refuses any other import of the campaign's modules from another capability
(``pyproject.toml``; docs/ARCHITECTURE.md, "Capabilities are siblings").
"""

from __future__ import annotations

from desktop_app.campaign.evaluation import section_totals

__all__ = ["section_totals"]
