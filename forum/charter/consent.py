"""Members' consents to share their cases with one named sponsor organisation, given and withdrawn with their time."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from forum.accounts.access import require_member
from forum.errors import Refused
from forum.extensions import db
from forum.models import SponsorConsent, User
from forum.models.columns import utcnow


def sponsor_organisations() -> list[str]:
    """The organisations of open sponsor accounts: the only names a member can consent to."""
    query = select(User.organisation).where(
        User.role == "sponsor", User.status == "verified", User.organisation.is_not(None)
    )
    return sorted(set(db.session.scalars(query)))


def consent_history(user: User) -> list[SponsorConsent]:
    """Every consent the member gave, newest first, withdrawn or not."""
    query = select(SponsorConsent).where(SponsorConsent.user_id == user.id).order_by(SponsorConsent.id.desc())
    return list(db.session.scalars(query))


def active_consent(user: User, organisation: str) -> SponsorConsent | None:
    """The member's consent to this organisation still in force."""
    query = select(SponsorConsent).where(
        SponsorConsent.user_id == user.id,
        SponsorConsent.organisation == organisation,
        SponsorConsent.withdrawn_at.is_(None),
    )
    return db.session.scalar(query)


def give_consent(user: User, organisation: str) -> SponsorConsent:
    """Consent to share one's cases and pseudonym with this organisation (only while nominative export is on)."""
    require_member(user)
    if current_app.config["CHARTER_NO_NOMINATIVE_EXPORT"]:
        raise Refused("closed", _("Nominative export is off: no sponsor can receive your cases."), 409)
    if organisation not in sponsor_organisations():
        raise Refused("invalid", _("Choose one of the sponsors listed."), 422)
    consent = active_consent(user, organisation)
    if consent is None:
        consent = SponsorConsent(user_id=user.id, organisation=organisation, given_at=utcnow())
        db.session.add(consent)
        db.session.commit()
    return consent


def withdraw_consent(user: User, organisation: str) -> None:
    """Withdraw a consent; always possible, whatever the setting. Later exports leave the member out."""
    require_member(user)
    consent = active_consent(user, organisation)
    if consent is not None:
        consent.withdrawn_at = utcnow()
        db.session.commit()


def withdraw_all(user: User) -> None:
    """Withdraw every consent in force (account deletion); the caller commits."""
    now = utcnow()
    for consent in consent_history(user):
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now


def account_panel(user: User) -> dict:
    """What the account page shows about sponsors: the setting, the organisations and the member's consents."""
    history = consent_history(user)
    active = {c.organisation for c in history if c.withdrawn_at is None}
    return {
        "no_nominative_export": current_app.config["CHARTER_NO_NOMINATIVE_EXPORT"],
        "organisations": [(name, name in active) for name in sponsor_organisations()],
        "history": history,
    }
