"""Research work (调研工作): topics, visits, grassroots days and clash warnings. Qt-free."""
