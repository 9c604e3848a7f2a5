"""Alembic environment: the URL comes from the caller's config or from the app's settings."""

from alembic import context

from dashboard.config import get_settings
from dashboard.data.db import build_engine
from dashboard.data.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = build_engine(url)
    with engine.connect() as connection:
        # Batch mode lets later migrations alter SQLite tables (it copies the table), a no-op on PostgreSQL.
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
