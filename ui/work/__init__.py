"""Widgets of the research-work pages (调研课题 · 调研安排): models, dialogs, calendar, board, charts."""
