"""The charter's first safeguard: every column declares whether it is nominative."""

from forum.extensions import db


def test_every_column_of_every_model_declares_if_it_is_nominative(app):
    undeclared = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if not isinstance(column.info.get("nominative"), bool)
    ]
    assert db.metadata.sorted_tables, "no model found"
    assert undeclared == []


def test_personal_data_is_declared_nominative(app):
    users = db.metadata.tables["users"].columns
    for name in ("email", "first_name", "last_name", "pseudonym", "id_number", "created_at"):
        assert users[name].info["nominative"] is True, name
    assert users["profession"].info["nominative"] is False
