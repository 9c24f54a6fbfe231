"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from forum import create_app
from forum.extensions import db


def test_migrations_create_the_schema_of_the_models(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []
