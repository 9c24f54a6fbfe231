"""Nominative export: members are told first, consent one sponsor at a time, and nobody else is ever included."""

from pathlib import Path

import pytest
from sqlalchemy import select

from forum.charter import reports
from forum.extensions import db
from forum.models import CharterNotice, SponsorConsent

OFF = pytest.mark.app_config(CHARTER_NO_NOMINATIVE_EXPORT=False)


def outbox(app) -> list[str]:
    """The mails written to the instance outbox."""
    folder = Path(app.config["OUTBOX_FOLDER"])
    return [p.read_text() for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def consent_form(post_form, organisation: str, action: str = "give"):
    """Press a consent button of the account page."""
    return post_form("/account/consent", {"organisation": organisation, "action": action}, page="/account")


def test_under_the_default_setting_there_is_nothing_to_consent_to(app, client, login, post_form, sponsor, make_user):
    login(make_user())
    assert "nothing to consent to" in client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    consent_form(post_form, "Laboratoires Exemple")
    assert db.session.scalars(select(SponsorConsent)).all() == []
    assert reports.nominative_export_open() is False


def test_notify_members_does_nothing_while_the_default_holds(app, runner, make_user):
    make_user()
    result = runner.invoke(args=["charter", "notify-members"])
    assert "nothing sent" in result.output and outbox(app) == []


@OFF
def test_members_are_mailed_once_when_the_setting_changes(app, client, runner, make_user, sponsor):
    members = [make_user(), make_user(locale="en"), make_user(status="applicant")]
    assert reports.available_reports()[-1].name != "consented-cases"  # not before members know
    result = runner.invoke(args=["charter", "notify-members"])
    assert result.exit_code == 0 and "Told 2 members" in result.output
    mails = outbox(app)
    assert len(mails) == 2 and any("consented" in m for m in mails)
    assert not any(members[2].email in m for m in mails)
    assert runner.invoke(args=["charter", "notify-members"]).output.startswith("Members already know")
    assert len(outbox(app)) == 2
    assert db.session.scalar(select(CharterNotice)).recipients == 2
    assert "consented-cases" in [spec.name for spec in reports.available_reports()]
    assert "Members were told by e-mail" in client.get("/charter", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


@pytest.fixture
def told(app, runner):
    """Members have been told that nominative export is on."""
    runner.invoke(args=["charter", "notify-members"])


@OFF
def test_consent_is_given_and_withdrawn_with_its_time(client, login, post_form, sponsor, make_user, told):
    member = make_user()
    login(member)
    consent_form(post_form, "Laboratoires Exemple")
    [consent] = db.session.scalars(select(SponsorConsent)).all()
    assert consent.organisation == "Laboratoires Exemple" and consent.given_at and consent.withdrawn_at is None
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Withdraw my consent" in page and "given " in page
    consent_form(post_form, "Laboratoires Exemple", "withdraw")
    db.session.refresh(consent)
    assert consent.withdrawn_at is not None
    consent_form(post_form, "Unknown Lab")
    assert len(db.session.scalars(select(SponsorConsent)).all()) == 1


@OFF
def test_the_consent_report_holds_only_members_who_consented_to_that_sponsor(
    client, login, post_form, sponsor, make_user, make_case, bearer, told
):
    other_sponsor = make_user(role="sponsor", totp=True, organisation="Autre Labo", profession=None, specialty=None)
    consenting, for_other, silent = make_user(), make_user(), make_user()
    shared = make_case(author=consenting, title="Cas partagé avec Exemple")
    make_case(author=consenting, title="Cas anonyme jamais partagé", anonymous=True)
    make_case(author=for_other, title="Cas pour un autre labo")
    make_case(author=silent, title="Cas sans consentement")
    for member, organisation in ((consenting, "Laboratoires Exemple"), (for_other, "Autre Labo")):
        login(member)
        consent_form(post_form, organisation)
    headers = bearer(sponsor)
    body = client.get("/api/v1/sponsor/reports/consented-cases?format=json", headers=headers).get_json()
    assert body["rows"] == [[shared.id, shared.title, consenting.pseudonym, "general-practice", shared.created_month]]
    other = client.get("/api/v1/sponsor/reports/consented-cases?format=csv", headers=bearer(other_sponsor)).data
    assert b"Cas pour un autre labo" in other and b"Exemple" not in other
    login(consenting)
    consent_form(post_form, "Laboratoires Exemple", "withdraw")
    body = client.get("/api/v1/sponsor/reports/consented-cases?format=json", headers=headers).get_json()
    assert body["rows"] == []


def test_the_consent_report_does_not_exist_under_the_default_setting(client, sponsor, bearer):
    response = client.get("/api/v1/sponsor/reports/consented-cases", headers=bearer(sponsor))
    assert response.status_code == 404
