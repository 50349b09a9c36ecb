"""Excel import dialog and export actions (导入 Excel / 导出 Excel)."""
