"""Pages, dialogs and models of the campaign's other pillars (会议研讨, 计划清单, 成果与评价 …)."""
