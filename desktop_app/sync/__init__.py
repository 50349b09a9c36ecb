"""Sync between offices: keys and office cards, signed bundles (DESIGN.md §4)."""
