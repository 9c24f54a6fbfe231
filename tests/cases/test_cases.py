"""Case threads through the pages: asking, the guard, replying, quoting, editing, votes, accepting."""

import re

import pytest
from sqlalchemy import select

from forum.cases import services
from forum.extensions import db
from forum.models import Case, Notification, Post, PostVersion
from tests.conftest import CASE


def new_case_form(**overrides):
    """The fields of the new-case form."""
    data = {**CASE, "tags": ", ".join(CASE["tags"])}
    data.update(overrides)
    return data


def test_a_member_publishes_a_case_and_reads_it(client, make_user, login, post_form):
    login(make_user())
    response = post_form("/cases/new", new_case_form())
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.title in page and "<strong>atypique</strong>" in page and "#douleur-thoracique" in page
    assert case.created_month == case.created_at.strftime("%Y-%m")


def test_the_guard_catches_a_patient_name_and_publishes_once_edited_or_confirmed(client, make_user, login, post_form):
    login(make_user())
    body = "Mme Lefebvre, 54 ans, consulte pour une dyspnée."
    response = post_form("/cases/new", new_case_form(body=body))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<mark" in html and "Lefebvre" in html and 'id="confirm_no_patient_data"' in html
    assert db.session.scalar(select(Case)) is None
    assert post_form("/cases/new", new_case_form(body="Une patiente de 54 ans consulte.")).status_code == 302
    confirmed = post_form("/cases/new", new_case_form(body=body, confirm_no_patient_data="y"))
    assert confirmed.status_code == 302


def test_markdown_is_sanitized_before_it_is_stored(make_user, make_case):
    case = make_case(body="<script>alert(1)</script> [x](javascript:alert(1)) **ok**")
    html = case.opening.body_html
    assert "<script" not in html and 'href="javascript' not in html and "<strong>ok</strong>" in html


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", ""),
        ("title", "x" * 201),
        ("specialty", "astrology"),
        ("question_type", "gossip"),
        ("age_band", "200-300"),
        ("patient_sex", "unknown"),
        ("tags", "a b c d e f g h i,j,k,l,m,n,o,p,q"),
        ("tags", "<b>bold</b>"),
        ("body", "   "),
    ],
)
def test_bad_case_fields_are_refused_and_nothing_is_stored(client, make_user, login, post_form, field, value):
    login(make_user())
    response = post_form("/cases/new", new_case_form(**{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None


def test_replying_quoting_and_the_notifications_it_sends(client, make_user, make_case, login, post_form):
    author, colleague, follower = make_user(), make_user(pseudonym="Cardio56"), make_user()
    case = make_case(author)
    services.set_following(follower, case.id, True)
    login(colleague)
    first = post_form(f"/cases/{case.id}/replies", {"body": "Pensez à une péricardite."}, page=f"/cases/{case.id}")
    assert first.status_code == 302
    reply = db.session.scalar(select(Post).where(Post.is_opening.is_(False)))
    second = post_form(
        f"/cases/{case.id}/replies",
        {"body": "Et aussi @" + follower.pseudonym, "quoted_post_id": str(reply.id)},
        page=f"/cases/{case.id}",
    )
    assert second.status_code == 302
    kinds = sorted((n.user_id, n.kind) for n in db.session.scalars(select(Notification)))
    assert (author.id, "reply_to_my_case") in kinds and (follower.id, "reply_to_followed") in kinds
    assert all(user_id != colleague.id for user_id, _ in kinds)
    quoted = db.session.scalar(select(Post).where(Post.quoted_post_id == reply.id))
    assert quoted is not None
    db.session.refresh(case)
    assert case.reply_count == 2


def test_a_mention_notifies_the_member_named(make_user, make_case):
    named = make_user(pseudonym="DrNamed")
    case = make_case(body="Avis de @DrNamed souhaité, merci !")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == named.id))
    assert notification.kind == "mention" and notification.case_id == case.id


def test_editing_keeps_the_earlier_text_and_the_page_says_edited(client, make_user, make_case, login, post_form):
    author = make_user()
    case = make_case(author)
    login(author)
    response = post_form(f"/posts/{case.opening.id}/edit", {"title": "Nouveau titre", "body": "Texte corrigé."})
    assert response.status_code == 302
    version = db.session.scalar(select(PostVersion))
    assert version.body_md == CASE["body"] and version.title == CASE["title"]
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Nouveau titre" in page and "Texte corrigé." in page and "edited" in page.lower() or "modifié" in page


def test_only_the_author_edits_or_deletes_a_post(client, make_user, make_case, login, post_form):
    case = make_case()
    login(make_user())
    assert post_form(f"/posts/{case.opening.id}/edit", {"body": "pirate"}, page=f"/cases/{case.id}").status_code == 403
    assert post_form(f"/posts/{case.opening.id}/delete", {}, page=f"/cases/{case.id}").status_code == 403
    db.session.refresh(case.opening)
    assert case.opening.body_md == CASE["body"] and case.opening.deleted_at is None


def test_deleting_a_reply_is_soft_and_hides_its_text_from_members(client, make_user, make_case, login, post_form):
    replier = make_user()
    case = make_case()
    post = services.reply(replier, case.id, "Une réponse à retirer", confirmed=True)
    login(replier)
    post_form(f"/posts/{post.id}/delete", {}, page=f"/cases/{case.id}")
    db.session.refresh(post)
    assert post.deleted_at is not None and post.body_md == "Une réponse à retirer"
    assert "Une réponse à retirer" not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_helpful_votes_once_per_member_never_on_ones_own(make_user, make_case):
    from forum.errors import Refused

    replier, voter = make_user(), make_user()
    case = make_case()
    post = services.reply(replier, case.id, "Réponse", confirmed=True)
    services.vote_helpful(voter, post.id)
    with pytest.raises(Refused):
        services.vote_helpful(voter, post.id)
    with pytest.raises(Refused):
        services.vote_helpful(replier, post.id)
    with pytest.raises(Refused):
        services.vote_helpful(voter, case.opening.id)
    assert post.helpful_count == 1
    services.vote_helpful(voter, post.id, helpful=False)
    assert post.helpful_count == 0


def test_the_author_accepts_a_reply_and_the_case_is_solved(client, make_user, make_case, login, post_form):
    author, replier = make_user(), make_user()
    case = make_case(author)
    post = services.reply(replier, case.id, "La bonne réponse", confirmed=True)
    login(replier)
    assert post_form(f"/cases/{case.id}/accept", {"post_id": str(post.id)}, page=f"/cases/{case.id}").status_code == 403
    client.post("/logout")
    login(author)
    post_form(f"/cases/{case.id}/accept", {"post_id": str(post.id)}, page=f"/cases/{case.id}")
    db.session.refresh(case)
    assert case.status == "solved" and case.accepted_post_id == post.id
    accepted = db.session.scalar(select(Notification).where(Notification.kind == "answer_accepted"))
    assert accepted.user_id == replier.id


def test_outcome_and_its_reminder_thirty_days_after_solving(make_user, make_case):
    from datetime import timedelta

    from forum.models.columns import utcnow
    from forum.notifications.services import issue_outcome_reminders, list_notifications

    author, replier = make_user(), make_user()
    case = make_case(author)
    post = services.reply(replier, case.id, "Réponse", confirmed=True)
    services.accept_reply(author, case.id, post.id)
    assert issue_outcome_reminders() == 0
    case.solved_at = utcnow() - timedelta(days=31)
    db.session.commit()
    kinds = [n["kind"] for n in list_notifications(author)["items"]]
    assert kinds.count("outcome_reminder") == 1
    assert issue_outcome_reminders() == 0
    services.add_outcome(author, case.id, "Péricardite confirmée, évolution favorable.", confirmed=True)
    assert case.outcome_html.startswith("<p>")


def test_locked_cases_take_no_reply(make_user, make_case):
    from forum.errors import Refused

    case = make_case()
    case.locked = True
    db.session.commit()
    with pytest.raises(Refused):
        services.reply(make_user(), case.id, "Trop tard", confirmed=True)


def test_anonymous_case_hides_the_author_even_from_moderators(client, make_user, make_case, login):
    author = make_user(pseudonym="SecretGP")
    case = make_case(author, anonymous=True)
    services.reply(author, case.id, "Précision de l'auteur", confirmed=True)
    for viewer in (make_user(), make_user(role="moderator", totp=True)):
        login(viewer)
        for path in (f"/cases/{case.id}", "/cases/", "/"):
            html = client.get(path).get_data(as_text=True)
            assert "SecretGP" not in html and f"/members/{author.id}" not in html
        assert "médecin généraliste vérifié" in client.get(f"/cases/{case.id}").get_data(as_text=True)
        client.post("/logout")


def test_a_declared_conflict_of_interest_is_marked_on_posts(client, make_user, make_case, login):
    author = make_user(coi_declaration="Orateur rémunéré pour un laboratoire en 2025")
    case = make_case(author)
    login(make_user())
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/members/{author.id}#coi" in html
    assert "Orateur rémunéré" in client.get(f"/members/{author.id}").get_data(as_text=True)


def test_preferences_save_the_declaration_and_mail_opt_out(client, make_user, login, post_form):
    member = make_user()
    login(member)
    post_form("/account", {"coi_declaration": "Consultant pour X", "notify_replies_by_email": ""})
    db.session.refresh(member)
    assert member.coi_declaration == "Consultant pour X" and member.notify_replies_by_email is False


def test_reply_mail_goes_to_the_case_author_unless_opted_out(app, make_user, make_case):
    from pathlib import Path

    outbox = Path(app.config["OUTBOX_FOLDER"])
    author, quiet = make_user(), make_user(notify_replies_by_email=False)
    with app.test_request_context():
        services.reply(make_user(), make_case(author).id, "Réponse", confirmed=True)
        services.reply(make_user(), make_case(quiet).id, "Réponse", confirmed=True)
    mails = [p.read_text() for p in outbox.glob("*.eml")]
    assert len(mails) == 1 and author.email in mails[0] and "Réponse" not in mails[0]


def test_lists_filter_and_count(client, make_user, make_case, login):
    me = make_user(specialty="cardiology")
    mine = make_case(me, specialty="cardiology", tags=["hta"])
    other = make_case(title="Lombalgie chronique", tags=["lombalgie"])
    services.reply(me, other.id, "Réponse", confirmed=True)
    unanswered = make_case(title="Question sans réponse")
    login(me)

    def titles(query):
        html = client.get("/cases/" + query).get_data(as_text=True)
        return set(re.findall(r'<h2 class="case-title"><a href="/cases/\d+">([^<]+)</a>', html))

    assert titles("?view=unanswered") == {mine.title, unanswered.title}
    assert titles("?view=specialty") == {mine.title}
    assert titles("?view=participated") == {mine.title, other.title}
    assert titles("?tag=lombalgie") == {other.title}
    client.get(f"/cases/{unanswered.id}")
    assert unanswered.title not in titles("?view=unread")


def test_jump_to_the_first_unread_reply(client, make_user, make_case, login):
    reader = make_user()
    case = make_case()
    services.reply(make_user(), case.id, "Première", confirmed=True)
    login(reader)
    client.get(f"/cases/{case.id}")
    new = services.reply(make_user(), case.id, "Nouvelle", confirmed=True)
    services.reply(make_user(), case.id, "Encore", confirmed=True)
    response = client.get(f"/cases/{case.id}/unread")
    assert response.headers["Location"].endswith(f"#post-{new.id}")
