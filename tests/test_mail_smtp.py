"""Mail goes through a real SMTP server when one is configured."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from forum.mail import send_mail
from tests.conftest import free_port


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_signup_confirmation_is_delivered_over_smtp(app, client, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    response = client.post(
        "/api/v1/signup",
        json={
            "email": "jules.roux@example.org",
            "password": "le cabinet de la place",
            "first_name": "Jules",
            "last_name": "Roux",
            "pseudonym": "JulesR",
            "profession": "physician",
            "specialty": "pediatrics",
            "country": "US",
            "id_type": "npi",
            "id_number": "1234567893",
            "accept_charter": True,
        },
    )
    assert response.status_code == 201
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["jules.roux@example.org"]
    body = email.message_from_bytes(envelope.content, policy=email.policy.default).get_content()
    assert "/confirm/" in body


def test_an_unreachable_mail_server_is_logged_and_loses_nothing(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with app.test_request_context():
        assert send_mail("someone@example.org", "Subject", "Body with a secret link") is False
    assert "could not be sent" in caplog.text
    assert "secret link" not in caplog.text
