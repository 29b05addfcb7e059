"""Alembic environment: always run from annotator itself, on a connection it hands over.

annotator never uses an ``alembic.ini``: ``annotator.store.migrate`` builds the configuration in
code and passes the open connection in ``config.attributes["connection"]``, so migrations run on
exactly the database the user opened, with its pragmas set.
"""

from alembic import context

from annotator.store.models import METADATA
from annotator.store.search_index import is_search_object

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    # The full-text index (migration 0006) is raw DDL, not a model: autogenerate leaves it be.
    include_object=lambda _object, name, type_, _reflected, _compare_to: not is_search_object(name, type_),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
