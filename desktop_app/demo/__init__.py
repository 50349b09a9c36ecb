"""演示数据 — the demonstration office: ``generate`` builds a county (its organisation, work and quiz,
with the bulk ledger in ``ledger`` and what they share in ``world``), ``prefecture`` the prefecture with its
counties; ``names`` holds the texts, ``folder`` the demo data folder."""
