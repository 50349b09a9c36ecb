"""Alembic environment: always run programmatically by ``db.migrate`` with a live connection."""

from alembic import context

from db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` on the command line during development
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///dev.db")
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
    on_version_apply=config.attributes.get("on_version_apply"),  # crash tests' kill points
)
with context.begin_transaction():
    context.run_migrations()
