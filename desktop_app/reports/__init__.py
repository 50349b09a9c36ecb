"""Printing (PDF) that looks like official paperwork: ledgers, notices, lists, summaries.

Qt-free. ``fonts`` finds and registers TrueType fonts and checks glyph coverage; ``layout``
holds the GB/T 9704-like page setup and building blocks; each report module turns plain rows
into a PDF; ``commands`` is ``fielddesk print``.
"""
