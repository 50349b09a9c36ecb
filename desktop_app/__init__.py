"""FieldDesk 调研工作台 — the Qt-free core: services, files, sync, CLI."""

__version__ = "0.1.0"
APP_NAME = "FieldDesk"
APP_TITLE = "调研工作台"
