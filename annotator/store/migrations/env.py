"""Alembic environment: always run from annotator itself, on a connection it hands over.

annotator never uses an ``alembic.ini``: ``annotator.store.migrate`` builds the configuration in
code and passes the open connection in ``config.attributes["connection"]``, so migrations run on
exactly the database the user opened, with its pragmas set.
"""

from alembic import context
from sqlmodel import SQLModel

import annotator.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
