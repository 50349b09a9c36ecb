"""PySide6 user interface. Calls desktop_app services; never imports sqlalchemy, never holds a Session."""
