"""Telling members when CHARTER_NO_NOMINATIVE_EXPORT changes.

We chose a command (`flask --app wsgi charter notify-members`) over mailing at
start-up: every gunicorn worker, test and command builds the app, and a mail to
every member must go out once, on purpose. Until members have been told, the
consent report does not exist, so nothing nominative can leave before they know.
"""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.mail import external_url, send_mail
from forum.models import CharterNotice, User


def latest_notice() -> CharterNotice | None:
    """The last announcement of the setting to members."""
    return db.session.scalar(select(CharterNotice).order_by(CharterNotice.id.desc()).limit(1))


def announced_setting() -> bool:
    """The value members were last told; without any notice, the default they joined under (True)."""
    notice = latest_notice()
    return True if notice is None else notice.no_nominative_export


def members_told() -> bool:
    """Whether members know the setting in force."""
    return announced_setting() == current_app.config["CHARTER_NO_NOMINATIVE_EXPORT"]


def nominative_export_open() -> bool:
    """Nominative export needs the setting off AND members told of it."""
    return not current_app.config["CHARTER_NO_NOMINATIVE_EXPORT"] and members_told()


def notify_members() -> CharterNotice | None:
    """Mail every verified member the setting in force, once per change; None when they already know."""
    if members_told():
        return None
    value = current_app.config["CHARTER_NO_NOMINATIVE_EXPORT"]
    members = db.session.scalars(select(User).where(User.status == "verified", User.role != "sponsor"))
    count = 0
    for member in members:
        with force_locale(member.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = render_template(
                "charter/mail/setting_changed.txt",
                user=member,
                no_nominative_export=value,
                charter_url=external_url("charter.show"),
            )
            send_mail(member.email, "Confrères — " + _("The charter's export setting changed"), body)
        count += 1
    notice = CharterNotice(no_nominative_export=value, recipients=count)
    db.session.add(notice)
    db.session.commit()
    return notice
