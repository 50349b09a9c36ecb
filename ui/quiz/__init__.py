"""Widgets of the 业务测试 page: bank, exams, exam window, scores, results, awards, practice."""
