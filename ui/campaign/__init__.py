"""Widgets of the campaign pages (会议研讨 …)."""
