"""The N+1 guard: a case page and the case list cost the same number of SQL statements whatever their size."""

import threading
from contextlib import contextmanager

from sqlalchemy import event

from forum.cases import services
from forum.extensions import db


@contextmanager
def recorded_statements():
    """Every SQL statement this thread sends while the block runs (the test client serves the page in it).

    The search queue's worker shares the engine and may drain in another thread meanwhile: not the page's cost.
    """
    statements: list[str] = []
    page_thread = threading.get_ident()

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == page_thread:
            statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_of(client, url: str) -> list[str]:
    """The statements of a second GET: the first one writes the read marker and warms the caches."""
    assert client.get(url).status_code == 200
    with recorded_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return statements


def explain(small: list[str], large: list[str]) -> str:
    """The statements that only the larger page ran: they point at the missing eager load."""
    extra = list(large)
    for statement in small:
        if statement in extra:
            extra.remove(statement)
    return f"{len(small)} vs {len(large)} statements; only in the larger page:\n" + "\n".join(extra[:10])


def case_with_replies(make_user, make_case, viewer, replies: int):
    """A case whose replies all come from different members; the viewer and others vote, one reply is accepted."""
    author = make_user()
    case = make_case(author=author, tags=["hta", f"taille-{replies}"])
    posts = [services.reply(make_user(), case.id, f"Réponse numéro {n}", confirmed=True) for n in range(replies)]
    services.reply(author, case.id, "Merci à tous.", quoted_post_id=posts[0].id, confirmed=True)
    for post in posts[::2]:
        services.vote_helpful(viewer, post.id)
    voter = make_user()
    for post in posts[1::3]:
        services.vote_helpful(voter, post.id)
    services.accept_reply(author, case.id, posts[-1].id)
    services.follow(viewer, case)
    return case


def test_a_case_page_costs_the_same_statements_with_2_or_30_replies(client, make_user, make_case, login):
    viewer = make_user()
    small = case_with_replies(make_user, make_case, viewer, 2)
    large = case_with_replies(make_user, make_case, viewer, 30)
    login(viewer)
    few, many = statements_of(client, f"/cases/{small.id}"), statements_of(client, f"/cases/{large.id}")
    assert len(few) == len(many), explain(few, many)


def test_the_case_list_costs_the_same_statements_with_5_or_25_cases(client, make_user, make_case, login):
    viewer = make_user(specialty="cardiology")
    cases = [make_case(author=make_user(), tags=[f"sujet-{n}", "hta"]) for n in range(5)]
    services.reply(make_user(), cases[0].id, "Une réponse", confirmed=True)
    login(viewer)
    few = statements_of(client, "/cases/")
    cases += [make_case(author=make_user(), tags=[f"sujet-{n}", "diabete"]) for n in range(5, 25)]
    for case in cases[5::4]:
        services.reply(make_user(), case.id, "Une autre réponse", confirmed=True)
    many = statements_of(client, "/cases/")
    assert len(few) == len(many), explain(few, many)
