"""The campaign's other pillars (大讨论 meetings, periodic plans, results, evaluation, contact points): services."""
