"""Widgets of the 数据交换 page: office cards, bundles, conflicts, the prefecture's county view."""
