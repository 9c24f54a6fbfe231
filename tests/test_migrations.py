"""The Alembic migrations build exactly the schema the models describe, on the database under test."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from forum.extensions import db


@pytest.mark.unmigrated
def test_migrations_create_the_schema_of_the_models(app):
    upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
