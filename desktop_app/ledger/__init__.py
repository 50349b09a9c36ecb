"""Issue ledger (问题台账): lifecycle service, working-day deadlines, warnings, search."""
