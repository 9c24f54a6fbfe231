"""Charter fixtures: a sponsor with two-factor and an organisation, and cases written straight into past months."""

import pytest

from forum.extensions import db
from forum.models import Case, Post, Tag

LAST_YEAR = "2024-{:02d}"


@pytest.fixture
def sponsor(make_user):
    """A sponsor account of "Laboratoires Exemple", with two-factor enrolled."""
    return make_user(role="sponsor", totp=True, organisation="Laboratoires Exemple", profession=None, specialty=None)


@pytest.fixture
def add_case(app):
    """add_case(author, month="2024-03", specialty=…, question_type=…, tags=(), title=…) -> Case, in a past month."""

    def add(author, month="2024-03", specialty="general-practice", question_type="diagnosis", tags=(), **fields):
        names = list(tags)
        existing = {t.name: t for t in db.session.query(Tag).filter(Tag.name.in_(names))}
        case = Case(
            author=author,
            title=fields.pop("title", "Une question clinique"),
            specialty=specialty,
            question_type=question_type,
            created_month=month,
            tags=[existing.get(name) or Tag(name=name) for name in names],
            **fields,
        )
        body = "Le texte du cas."
        db.session.add_all([case, Post(case=case, author=author, is_opening=True, body_md=body, body_html=body)])
        db.session.commit()
        return case

    return add
