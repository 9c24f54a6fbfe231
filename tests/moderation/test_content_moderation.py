"""Moderating content: reports, hiding, locking, moving, restoring, versions and reveals, all audited."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from forum.cases.editing import delete_post, edit_post
from forum.cases.services import create_case, reply
from forum.errors import Refused
from forum.extensions import db
from forum.models import AuditEvent, Case, Flag, Post, RevealRequest
from forum.moderation.content import flag_post, request_reveal
from tests.conftest import PASSWORD, csrf_token, submit

OPENING = "Douleur thoracique atypique chez un sportif de quarante ans"
ANSWER = "Pensez à une péricardite, un ECG de contrôle serait utile"


def new_case(author, *, anonymous: bool = False, body: str = OPENING) -> Case:
    """A case published through the service."""
    data = {
        "title": "Sportif essoufflé",
        "body": body,
        "specialty": "general-practice",
        "question_type": "diagnosis",
        "tags": [],
    }
    return create_case(author, data, anonymous=anonymous, confirmed=True)


def signed_in(app, user):
    """A separate browser logged in as `user` (with the TOTP step when enrolled)."""
    browser = app.test_client()
    submit(browser, "/login", {"email": user.email, "password": PASSWORD})
    if user.totp_secret:
        submit(browser, "/login/code", {"code": pyotp.TOTP(user.totp_secret).now()})
    return browser


def press(browser, url: str, data: dict | None = None, page: str = "/moderation/flags"):
    """POST a moderation button with the CSRF token of `page`, as a browser does."""
    token = csrf_token(browser.get(page).get_data(as_text=True))
    return browser.post(url, data={**(data or {}), "csrf_token": token})


def actions() -> list[str]:
    """The audit log's actions, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def author(make_user):
    """The member who asks."""
    return make_user()


@pytest.fixture
def member(make_user):
    """Another member, who answers and reports."""
    return make_user()


@pytest.fixture
def moderator(make_user):
    """A moderator with two-factor enrolled, reading the English interface (assertions quote it)."""
    return make_user(role="moderator", totp=True, locale="en")


@pytest.fixture
def thread(author, member):
    """A case and one reply."""
    case = new_case(author)
    answer = reply(member, case.id, ANSWER, confirmed=True)
    return case, answer


def test_a_members_report_reaches_the_flags_page_with_its_reason(app, client, thread, author, moderator, post_form):
    case, answer = thread
    browser = signed_in(app, author)
    response = submit(browser, f"/posts/{answer.id}/flag", {"reason": "Conseil dangereux <b>sans</b> source"})
    assert response.status_code == 302
    flag_post(moderator, answer.id, "Ton agressif")

    page = signed_in(app, moderator).get("/moderation/flags").get_data(as_text=True)
    assert case.title in page and ANSWER in page
    assert "Conseil dangereux &lt;b&gt;sans&lt;/b&gt; source" in page and "Ton agressif" in page
    assert "2 open reports on this post" in page
    assert f'href="/cases/{case.id}#post-{answer.id}"' in page
    assert f"/moderation/posts/{answer.id}/hide" in page and f"/moderation/posts/{answer.id}/dismiss" in page


def test_the_flags_page_lists_posts_by_their_oldest_report(app, author, member, moderator):
    first, second = new_case(author, body="Premier cas signalé"), new_case(author, body="Second cas signalé")
    flag_post(member, second.opening.id, "plus ancien")
    flag_post(member, first.opening.id, "plus récent")
    page = signed_in(app, moderator).get("/moderation/flags").get_data(as_text=True)
    assert page.index("Second cas signalé") < page.index("Premier cas signalé")


def test_hiding_a_reply_removes_its_text_for_members_but_not_for_moderators(app, thread, author, member, moderator):
    case, answer = thread
    flag_post(author, answer.id, "Hors sujet")
    mod = signed_in(app, moderator)
    response = press(mod, f"/moderation/posts/{answer.id}/hide", {"next": "/moderation/flags"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/flags"
    assert "The post is hidden from members." in mod.get("/moderation/flags").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Post, answer.id).hidden is True
    assert db.session.scalar(select(Flag.state)) == "acted"

    reader = signed_in(app, member)
    page = reader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert OPENING in page and ANSWER not in page
    assert ANSWER in mod.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "No report is waiting." in mod.get("/moderation/flags").get_data(as_text=True)

    assert press(mod, f"/moderation/posts/{answer.id}/unhide").status_code == 302
    assert ANSWER in reader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert actions() == ["post.hide", "post.unhide"]


def test_hiding_the_opening_post_hides_the_whole_case(app, thread, member, moderator):
    case, _ = thread
    press(signed_in(app, moderator), f"/moderation/posts/{case.opening.id}/hide")
    assert signed_in(app, member).get(f"/cases/{case.id}").status_code == 404


def test_dismissing_reports_closes_them_and_keeps_the_post(app, thread, author, member, moderator):
    case, answer = thread
    flag_post(author, answer.id, "Je ne suis pas d'accord")
    press(signed_in(app, moderator), f"/moderation/posts/{answer.id}/dismiss")
    db.session.expire_all()
    assert db.session.scalar(select(Flag.state)) == "dismissed"
    assert db.session.get(Post, answer.id).hidden is False
    assert ANSWER in signed_in(app, member).get(f"/cases/{case.id}").get_data(as_text=True)
    assert actions() == ["flags.dismiss"]


def test_a_locked_case_refuses_member_replies_until_unlocked(app, thread, member, moderator):
    case, _ = thread
    mod = signed_in(app, moderator)
    response = press(mod, f"/moderation/cases/{case.id}/lock", {"next": f"/cases/{case.id}"})
    assert response.headers["Location"] == f"/cases/{case.id}"
    db.session.expire_all()
    with pytest.raises(Refused) as refused:
        reply(member, case.id, "Encore une idée", confirmed=True)
    assert refused.value.code == "locked"
    press(mod, f"/moderation/cases/{case.id}/unlock")
    db.session.expire_all()
    assert reply(member, case.id, "Encore une idée", confirmed=True).id
    assert actions() == ["case.lock", "case.unlock"]


def test_moving_a_case_changes_its_specialty(app, thread, moderator):
    case, _ = thread
    mod = signed_in(app, moderator)
    page = mod.get(f"/moderation/cases/{case.id}/move").get_data(as_text=True)
    assert re.search(r'<option selected value="general-practice">|<option value="general-practice" selected', page)
    response = submit(mod, f"/moderation/cases/{case.id}/move", {"specialty": "cardiology"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).specialty == "cardiology"
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "case.move" and event.details == {"before": "general-practice", "after": "cardiology"}


def test_moving_to_an_unknown_specialty_is_refused_and_changes_nothing(app, thread, moderator):
    case, _ = thread
    response = submit(signed_in(app, moderator), f"/moderation/cases/{case.id}/move", {"specialty": "astrology"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).specialty == "general-practice" and actions() == []


def test_a_moderator_restores_a_deleted_post(app, thread, member, moderator):
    case, answer = thread
    delete_post(member, answer.id)
    assert ANSWER not in signed_in(app, member).get(f"/cases/{case.id}").get_data(as_text=True)
    press(signed_in(app, moderator), f"/moderation/posts/{answer.id}/restore")
    db.session.expire_all()
    assert db.session.get(Post, answer.id).deleted_at is None
    assert db.session.get(Case, case.id).reply_count == 1
    assert ANSWER in signed_in(app, member).get(f"/cases/{case.id}").get_data(as_text=True)
    assert actions() == ["post.restore"]


def test_the_versions_page_shows_the_earlier_text_after_an_edit(app, thread, member, moderator):
    _, answer = thread
    edit_post(member, answer.id, "Plutôt une myocardite, finalement", confirmed=True)
    response = signed_in(app, moderator).get(f"/moderation/posts/{answer.id}/versions")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ANSWER in page and "Plutôt une myocardite, finalement" in page
    assert page.index("Plutôt une myocardite") < page.index(ANSWER)  # current text first


def test_reveal_needs_a_reason_and_a_second_moderator_and_every_look_is_logged(app, author, make_user):
    a, b, c = (make_user(role="moderator", totp=True, locale="en") for _ in range(3))
    post = new_case(author, anonymous=True).opening
    first, second, third = signed_in(app, a), signed_in(app, b), signed_in(app, c)

    url = f"/moderation/posts/{post.id}/reveal"
    assert submit(first, url, {"reason": "  "}).status_code == 422
    assert db.session.scalar(select(func.count(RevealRequest.id))) == 0
    response = submit(first, url, {"reason": "Menaces envers un confrère"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/reveals"
    request_id = db.session.scalar(select(RevealRequest.id))

    own = press(first, f"/moderation/reveals/{request_id}/approve", page="/moderation/reveals")
    assert own.status_code == 403
    assert "A second moderator must decide on your request." in own.get_data(as_text=True)
    assert first.get(f"/moderation/reveals/{request_id}").status_code == 403
    assert "Menaces envers un confrère" in second.get("/moderation/reveals").get_data(as_text=True)

    assert press(second, f"/moderation/reveals/{request_id}/approve", page="/moderation/reveals").status_code == 302
    for browser in (first, second):
        response = browser.get(f"/moderation/reveals/{request_id}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
        assert author.pseudonym in page and author.last_name in page and author.email in page
    assert f"/moderation/reveals/{request_id}" in first.get("/moderation/reveals").get_data(as_text=True)
    outsider = third.get(f"/moderation/reveals/{request_id}")
    assert outsider.status_code == 403 and author.email not in outsider.get_data(as_text=True)

    db.session.expire_all()
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal.view")).all()
    assert sorted(event.actor_id for event in views) == sorted([a.id, b.id])
    assert actions() == ["reveal.request", "reveal.approved", "reveal.view", "reveal.view"]


def test_a_refused_reveal_shows_nobody_the_author(app, author, make_user):
    a, b = make_user(role="moderator", totp=True, locale="en"), make_user(role="moderator", totp=True, locale="en")
    reveal = request_reveal(a, new_case(author, anonymous=True).opening.id, "Doute sur l'identité")
    asker, decider = signed_in(app, a), signed_in(app, b)
    assert press(decider, f"/moderation/reveals/{reveal.id}/refuse", page="/moderation/reveals").status_code == 302
    for browser in (asker, decider):
        response = browser.get(f"/moderation/reveals/{reveal.id}")
        assert response.status_code == 403 and author.email not in response.get_data(as_text=True)
    assert actions() == ["reveal.request", "reveal.refused"]


def test_only_an_anonymous_post_can_be_revealed(app, thread, moderator):
    _, answer = thread
    mod = signed_in(app, moderator)
    assert "This post is not anonymous" in mod.get(f"/moderation/posts/{answer.id}/reveal").get_data(as_text=True)
    assert submit(mod, f"/moderation/posts/{answer.id}/reveal", {"reason": "Curiosité"}).status_code == 409
    assert actions() == []


def test_the_moderation_pages_never_show_who_wrote_an_anonymous_post(app, make_user, member, moderator):
    secret_author = make_user(pseudonym="AuteurSecret")
    case = new_case(secret_author, anonymous=True)
    flag_post(member, case.opening.id, "À vérifier")
    mod = signed_in(app, moderator)
    for url in ("/moderation/flags", f"/moderation/posts/{case.opening.id}/reveal"):
        assert "AuteurSecret" not in mod.get(url).get_data(as_text=True)


def test_a_button_does_not_send_the_moderator_off_the_site(app, thread, moderator):
    _, answer = thread
    response = press(signed_in(app, moderator), f"/moderation/posts/{answer.id}/hide", {"next": "//evil.example/"})
    assert response.headers["Location"] == "/moderation/flags"


def test_acting_on_a_missing_post_or_case_is_404(app, moderator):
    mod = signed_in(app, moderator)
    assert press(mod, "/moderation/posts/999/hide").status_code == 404
    assert press(mod, "/moderation/cases/999/lock").status_code == 404
    assert mod.get("/moderation/posts/999/versions").status_code == 404
    assert actions() == []


ROUTES = [
    ("GET", "/moderation/flags"),
    ("POST", "/moderation/posts/{post}/hide"),
    ("POST", "/moderation/posts/{post}/unhide"),
    ("POST", "/moderation/posts/{post}/restore"),
    ("POST", "/moderation/posts/{post}/dismiss"),
    ("GET", "/moderation/posts/{post}/versions"),
    ("POST", "/moderation/cases/{case}/lock"),
    ("POST", "/moderation/cases/{case}/unlock"),
    ("GET", "/moderation/cases/{case}/move"),
    ("POST", "/moderation/cases/{case}/move"),
    ("GET", "/moderation/posts/{post}/reveal"),
    ("POST", "/moderation/posts/{post}/reveal"),
    ("GET", "/moderation/reveals"),
    ("POST", "/moderation/reveals/{reveal}/approve"),
    ("POST", "/moderation/reveals/{reveal}/refuse"),
    ("GET", "/moderation/reveals/{reveal}"),
]
FORM_DATA = {"specialty": "cardiology", "reason": "Une raison"}


@pytest.fixture
def targets(author, make_user):
    """Ids for every route: an anonymous case, its opening post and a pending reveal request."""
    case = new_case(author, anonymous=True)
    reveal = request_reveal(make_user(role="moderator", totp=True, locale="en"), case.opening.id, "Une raison")
    return {"case": case.id, "post": case.opening.id, "reveal": reveal.id}


def snapshot() -> tuple:
    """Everything a moderation act could change."""
    db.session.expire_all()
    post, case = db.session.scalar(select(Post)), db.session.scalar(select(Case))
    reveals = tuple(db.session.scalars(select(RevealRequest.state).order_by(RevealRequest.id)))
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    return post.hidden, post.deleted_at, case.locked, case.specialty, reveals, count


def call(browser, method: str, url: str, *, token: bool):
    """Send one request to a route, with a valid CSRF token on POST when asked."""
    if method == "GET":
        return browser.get(url)
    data = dict(FORM_DATA)
    if token:
        data["csrf_token"] = csrf_token(browser.get("/charter").get_data(as_text=True))
    return browser.post(url, data=data)


@pytest.mark.parametrize("method,route", ROUTES)
@pytest.mark.parametrize("who", ["member", "applicant"])
def test_every_route_refuses_members_and_applicants(app, make_user, targets, who, method, route):
    user = make_user(status="applicant" if who == "applicant" else "verified")
    before = snapshot()
    response = call(signed_in(app, user), method, route.format(**targets), token=True)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("method,route", ROUTES)
def test_every_route_sends_a_visitor_to_log_in(app, client, targets, method, route):
    before = snapshot()
    response = call(client, method, route.format(**targets), token=True)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert snapshot() == before


@pytest.mark.parametrize("method,route", ROUTES)
def test_every_route_sends_a_moderator_without_two_factor_to_enrolment(app, make_user, targets, method, route):
    before = snapshot()
    response = call(signed_in(app, make_user(role="moderator")), method, route.format(**targets), token=True)
    assert response.status_code == 302 and response.headers["Location"] == "/account/2fa"
    assert snapshot() == before


@pytest.mark.parametrize("route", [route for method, route in ROUTES if method == "POST"])
def test_a_post_without_csrf_token_changes_nothing(app, targets, moderator, route):
    before = snapshot()
    response = call(signed_in(app, moderator), "POST", route.format(**targets), token=False)
    assert response.status_code == 400
    assert snapshot() == before
