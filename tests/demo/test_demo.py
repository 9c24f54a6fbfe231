"""The demo community: consistent, unidentifiable, deterministic, and seeded from the command line."""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from forum.accounts.pseudonyms import normalize_pseudonym, pseudonym_key
from forum.content.deidentify import find_identifiers
from forum.content.markdown import render_markdown
from forum.demo.generator import MEMBER_EMAIL, MODERATOR_EMAIL, CommunityNotEmpty, build_community
from forum.extensions import db
from forum.models import Case, Flag, HelpfulVote, Post, User
from tests.conftest import PASSWORD

SMALL = {"members": 12, "cases": 10, "replies": 40}


def case_texts() -> list[tuple[str, str, list[str]]]:
    """Title, opening text and reply texts of every case, in id order."""
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    return [(case.title, case.posts[0].body_md, [post.body_md for post in case.posts[1:]]) for case in cases]


def wipe() -> None:
    """Delete every row, children first, to build again in the same database."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_a_small_community_has_the_counts_asked_for(app):
    counts = build_community(**SMALL, seed=1, password=PASSWORD)
    assert (counts["members"], counts["cases"], counts["replies"]) == (12, 10, 40)
    members = db.session.scalars(select(User).where(User.role == "member")).all()
    assert len(members) == 12 and all(m.status == "verified" and m.is_verified_member for m in members)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 10
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.is_opening.is_(False))) == 40
    assert db.session.scalar(select(func.count()).select_from(HelpfulVote)) == counts["helpful_votes"]
    moderator = db.session.scalar(select(User).where(User.role == "moderator"))
    assert moderator.email == MODERATOR_EMAIL and moderator.totp_secret is None and moderator.status == "verified"
    assert db.session.scalar(select(User).where(User.email == MEMBER_EMAIL)).specialty == "general-practice"
    # The benchmark reads a case page with exactly 20 replies.
    assert 20 in db.session.scalars(select(Case.reply_count)).all()


def test_cases_replies_votes_and_answers_are_consistent(app):
    build_community(members=30, cases=40, replies=300, seed=3, password=PASSWORD)
    for case in db.session.scalars(select(Case)):
        posts = case.posts
        replies = [post for post in posts if not post.is_opening]
        assert posts[0].is_opening and sum(post.is_opening for post in posts) == 1
        assert case.reply_count == len([post for post in replies if post.deleted_at is None])
        assert case.last_post_id == max(post.id for post in posts)
        assert case.last_activity_at == max(post.created_at for post in posts)
        assert case.created_month == case.created_at.strftime("%Y-%m") and case.created_at == posts[0].created_at
        assert all(reply.created_at >= case.created_at for reply in replies)
        assert (case.status == "solved") == (case.accepted_post_id is not None) == (case.solved_at is not None)
        if case.accepted_post_id:
            accepted = db.session.get(Post, case.accepted_post_id)
            assert accepted.case_id == case.id and not accepted.is_opening and case.solved_at >= accepted.created_at
        assert posts[0].anonymous == case.anonymous
        # Only the author of an anonymous case writes anonymously, in that case only.
        assert all(post.anonymous == (case.anonymous and post.author_id == case.author_id) for post in posts)
        assert (case.outcome_md is None) == (case.outcome_html is None) == (case.outcome_at is None)
    for post in db.session.scalars(select(Post)):
        votes = db.session.scalars(select(HelpfulVote).where(HelpfulVote.post_id == post.id)).all()
        assert post.helpful_count == len(votes) and all(vote.user_id != post.author_id for vote in votes)
        assert post.body_html == render_markdown(post.body_md)
    for user in db.session.scalars(select(User)):
        assert all(user.created_at < post.created_at for post in posts_by(user))


def posts_by(user: User) -> list[Post]:
    """Every post a member wrote."""
    return db.session.scalars(select(Post).where(Post.author_id == user.id)).all()


def test_the_community_looks_like_a_french_speaking_one(app):
    counts = build_community(members=80, cases=60, replies=400, seed=5, password=PASSWORD)
    professions = Counter(db.session.scalars(select(User.profession).where(User.role == "member")))
    assert professions.most_common(1)[0][0] == "physician" and len(professions) >= 4
    specialties = set(db.session.scalars(select(User.specialty).where(User.profession == "physician")))
    assert "general-practice" in specialties and len(specialties) >= 3
    assert db.session.scalar(select(func.count()).where(User.coi_declaration.is_not(None))) >= 1
    assert set(db.session.scalars(select(User.country))) <= {"FR", "BE"}
    assert 1 <= counts["anonymous_cases"] <= 20 and counts["outcomes"] >= 1
    assert 15 <= counts["solved"] <= 35  # about 40 %
    assert len(set(db.session.scalars(select(Case.specialty)))) >= 5
    sizes = db.session.scalars(select(Case.reply_count)).all()
    assert min(sizes) < 5 < max(sizes)
    assert any("|---|" in body for _, body, _ in case_texts()) and any("**" in body for _, body, _ in case_texts())


def test_pseudonyms_are_unique_and_valid(app):
    build_community(members=200, cases=5, replies=10, seed=2, password=PASSWORD)
    pseudonyms = db.session.scalars(select(User.pseudonym)).all()
    assert len({pseudonym_key(p) for p in pseudonyms}) == len(pseudonyms) == 201
    assert all(normalize_pseudonym(p) == p for p in pseudonyms)
    assert any(re.fullmatch(r"Dr[A-ZÉ][a-zéèëï]+[A-Z]\d*[AB]?", p) for p in pseudonyms)
    for user in db.session.scalars(select(User)):
        assert user.pseudonym_key == pseudonym_key(user.pseudonym)


def test_no_generated_text_looks_like_patient_data(app):
    build_community(members=40, cases=120, replies=600, seed=7, password=PASSWORD)
    texts = [text for title, body, replies in case_texts() for text in (title, body, *replies)]
    texts += [text for text in db.session.scalars(select(Case.outcome_md)) if text]
    texts += db.session.scalars(select(Flag.reason)).all()
    findings = {(finding.kind, finding.text) for text in texts for finding in find_identifiers(text)}
    assert findings == set()


def test_the_same_seed_builds_the_same_community(app):
    build_community(**SMALL, seed=11, password=PASSWORD)
    first, pseudonyms = case_texts(), db.session.scalars(select(User.pseudonym).order_by(User.id)).all()
    wipe()
    build_community(**SMALL, seed=11, password=PASSWORD)
    assert case_texts() == first
    assert db.session.scalars(select(User.pseudonym).order_by(User.id)).all() == pseudonyms
    wipe()
    build_community(**SMALL, seed=12, password=PASSWORD)
    assert case_texts() != first


def test_the_builder_refuses_a_database_that_has_members(app, make_user):
    make_user()
    with pytest.raises(CommunityNotEmpty):
        build_community(**SMALL, password=PASSWORD)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_seed_demo_fills_an_empty_database_and_says_how_to_log_in(app, runner, make_user, login, client):
    make_user(role="admin")  # `forum init` and the first admin come first: that is still an empty community
    args = ["forum", "seed-demo", "--members", "12", "--cases", "10", "--replies", "40", "--seed", "4"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert MEMBER_EMAIL in result.output and MODERATOR_EMAIL in result.output
    password = re.search(r"password:\s+(\S+)", result.output).group(1)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 10
    member = db.session.scalar(select(User).where(User.email == MEMBER_EMAIL))
    assert login(member, password).status_code == 302
    assert client.get("/cases/").status_code == 200
    busiest = db.session.scalar(select(Case).order_by(Case.reply_count.desc()).limit(1))
    page = client.get(f"/cases/{busiest.id}").get_data(as_text=True)
    assert busiest.posts[-1].body_html in page


def test_seed_demo_uses_the_password_given_and_the_moderator_must_enrol_two_factor(runner, login, client):
    result = runner.invoke(args=["forum", "seed-demo", "--members", "3", "--cases", "2", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert PASSWORD in result.output
    moderator = db.session.scalar(select(User).where(User.email == MODERATOR_EMAIL))
    assert login(moderator).status_code == 302
    response = client.get("/moderation/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/2fa")


@pytest.mark.parametrize("populate", ["member", "cases"])
def test_seed_demo_refuses_a_populated_database(runner, make_user, populate):
    if populate == "member":
        make_user()
    else:
        assert runner.invoke(args=["forum", "seed-demo", "--members", "3", "--cases", "2"]).exit_code == 0
    before = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["forum", "seed-demo", "--members", "3", "--cases", "2"])
    assert result.exit_code == 1
    assert "already has cases or members" in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_seed_demo_refuses_a_weak_password(runner):
    result = runner.invoke(args=["forum", "seed-demo", "--members", "3", "--cases", "2", "--password", "court"])
    assert result.exit_code == 1 and "--password" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_every_demo_member_can_log_in_with_the_demo_password(runner, client):
    assert (
        runner.invoke(args=["forum", "seed-demo", "--members", "6", "--cases", "2", "--password", PASSWORD]).exit_code
        == 0
    )
    for user in db.session.scalars(select(User).where(User.role == "member")):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201, user.email
