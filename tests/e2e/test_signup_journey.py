"""The foundation journey in French: sign up, confirm the address, get approved, enter."""

import io
import re

import pyotp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible

APPLICANT = {
    "email": "claire.fontaine@example.org",
    "password": "le merle chante sous la pluie 27",
    "first_name": "Claire",
    "last_name": "Fontaine",
    "pseudonym": "DocDuBocage",
}
# The sign-up heading as the French catalogue gives it.
FRENCH_SIGNUP_HEADING = "Rejoindre Confrères"


def evidence_png() -> dict:
    """A small PNG, as the file chooser would hand it over."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, format="PNG")
    return {"name": "attestation-ordre.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def sign_up(page: Page) -> None:
    """Fill in every field of the sign-up form and send it."""
    page.goto("/signup")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    expect(heading).to_have_text(FRENCH_SIGNUP_HEADING)
    assert_accessible(page)
    for name, value in APPLICANT.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#profession").select_option("physician")
    page.locator("#specialty").select_option("general-practice")
    page.locator("#country").select_option("FR")
    page.locator("#region").fill("29")
    page.locator("#id_type").select_option("rpps")
    page.locator("#id_number").fill("10001045367")
    page.locator("#evidence").set_input_files(evidence_png())
    page.locator("#accept_charter").check()
    page.locator("main form button[type=submit]").click()


def log_in_with_totp(page: Page, email: str, password: str, secret: str) -> None:
    """Password first, then the code of the authenticator app."""
    page.goto("/login")
    assert_accessible(page)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    assert_accessible(page)
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_applicant_signs_up_confirms_is_approved_and_enters(new_context, live_server):
    applicant = new_context(locale="fr-FR").new_page()
    applicant.goto("/")
    assert_accessible(applicant)

    sign_up(applicant)
    expect(applicant).to_have_url(re.compile(r"/account/status$"))
    expect(applicant.locator(".flash-success")).to_be_visible()
    expect(applicant.locator(".status-badge")).to_be_visible()
    expect(applicant.locator(".check-bad")).to_be_visible()  # address not confirmed yet
    assert_accessible(applicant)

    applicant.goto("/")
    expect(applicant).to_have_url(re.compile(r"/account/status$"))

    mail = live_server.latest_mail(to=APPLICANT["email"])
    link = re.search(r"https?://\S+/confirm/\S+", mail.get_content())
    assert link, mail.get_content()
    applicant.goto(link.group(0))
    expect(applicant).to_have_url(re.compile(r"/account/status$"))
    expect(applicant.locator(".flash-success")).to_be_visible()
    expect(applicant.locator("p.check-ok")).to_be_visible()  # ✓ address confirmed
    assert_accessible(applicant)

    moderator = new_context(locale="fr-FR").new_page()
    creds = live_server.moderator
    log_in_with_totp(moderator, creds.email, creds.password, creds.totp_secret)
    assert_accessible(moderator)
    moderator.goto("/moderation/")
    row = moderator.get_by_role("row").filter(has_text=APPLICANT["pseudonym"])
    expect(row).to_have_count(1)
    assert_accessible(moderator)
    row.get_by_role("link", name=f"{APPLICANT['first_name']} {APPLICANT['last_name']}").click()
    expect(moderator).to_have_url(re.compile(r"/moderation/verifications/\d+$"))
    expect(moderator.get_by_role("link", name="attestation-ordre.png")).to_be_visible()
    assert_accessible(moderator)
    moderator.locator("#decision-0").check()
    moderator.locator("main form button[type=submit]").click()
    expect(moderator).to_have_url(re.compile(r"/moderation/$"))
    expect(moderator.locator(".flash-success")).to_be_visible()
    expect(moderator.get_by_role("row").filter(has_text=APPLICANT["pseudonym"])).to_have_count(0)
    assert_accessible(moderator)

    applicant.goto("/")
    expect(applicant).to_have_url(re.compile(r"/$"))
    expect(applicant.get_by_role("heading", level=1)).to_contain_text(APPLICANT["pseudonym"])
    assert_accessible(applicant)
