"""Pages and parts of the campaign's other pillars (计划清单 …)."""
