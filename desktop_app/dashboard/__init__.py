"""The home page's figures (首页): sums over the ledger, work and quiz, so it sits above the capabilities it
sums up and none of them imports it."""
