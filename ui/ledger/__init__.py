"""Widgets of the issue ledger page (问题台账): table models, filter bar, dialogs, detail pane, charts."""
