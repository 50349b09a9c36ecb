"""The campaign's other pillars: meetings, periodic plans, results put to use, section evaluation, contacts."""
