"""The campaign's other pillars: meetings, the plan rhythm, outcomes, evaluation, contacts and the to-do list."""
