"""工作台的面板 — the dashboard's scope-following panels (work and quiz) and their per-office tables."""
