"""Database layer: SQLAlchemy 2 models, engine and session factory, migrations, change tracking.

Never imports Qt.
"""
