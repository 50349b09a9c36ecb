"""Translations shipped with FieldDesk: qt_gaps_zh_CN fills the Qt strings the PySide6 wheel's Chinese leaves out."""
