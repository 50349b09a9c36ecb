"""Pages of the campaign's other pillars (成果与评价 and friends): tabs, dialogs and their table models."""
