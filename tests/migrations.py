"""Moving the test database to a migration and back, for the tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the test database to `targets` ([(app, migration name)]) and return the models of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaf_nodes():
    """The latest migration of every app: where a test leaves the database when it is done."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
