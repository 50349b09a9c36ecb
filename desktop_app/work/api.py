"""The work capability's public surface for the other capabilities (课题 / 走访 / 调研天数对外接口).

The campaign makes a topic from a meeting and scores sections with the topics' evaluation weights; the
quiz's awards read the grassroots days. They reach the work package only through the names here:
import-linter refuses any other import of its modules from another capability (``pyproject.toml``;
docs/ARCHITECTURE.md, "Capabilities are siblings").
"""

from __future__ import annotations

from desktop_app.work.days import days_table
from desktop_app.work.topics import composite_score, evaluation_weights, evaluation_weights_in, save_topic_in_session
from desktop_app.work.types import TopicInput

__all__ = [
    "TopicInput",
    "composite_score",
    "days_table",
    "evaluation_weights",
    "evaluation_weights_in",
    "save_topic_in_session",
]
