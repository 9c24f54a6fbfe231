"""Outgoing mail: SMTP when a server is configured, else files in the instance outbox."""

import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, url_for


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text mail, or keep it in instance/outbox/ when no server is set.

    A mail server that fails is logged and reported as False: the action that
    wanted the mail has already been saved and must not be lost.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="confreres.local")
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        write_to_outbox(message)
        return True
    try:
        deliver_by_smtp(message)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.error("Mail %r to %s could not be sent: %s", subject, to, error)
        return False
    return True


def deliver_by_smtp(message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server."""
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=15) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def write_to_outbox(message: EmailMessage) -> Path:
    """Without a mail server, a newcomer reads mails here and in the log."""
    outbox = Path(current_app.config["OUTBOX_FOLDER"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.warning(
        "No mail server configured: mail to %s kept in %s\n%s", message["To"], path, message.get_content()
    )
    return path


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for a mail, also outside a request (command line, background work)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
