"""The chat journey: two members in two browsers exchange direct messages and each sees the other's appear live."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible

CLAIRE = {
    "email": "claire.morvan@example.org",
    "password": "les mouettes rentrent au port 27",
    "pseudonym": "DocDesIles",
}
MEHDI = {"email": "mehdi.kaci@example.org", "password": "un phare veille sur la lande 58", "pseudonym": "CardioDuBourg"}
DM_URL = re.compile(r"/chat/rooms/dm:\d+$")


def log_in(context: BrowserContext, account: dict) -> Page:
    """E-mail and password, then the home page."""
    page = context.new_page()
    page.goto("/login")
    page.locator("#email").fill(account["email"])
    page.locator("#password").fill(account["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def say(page: Page, text: str) -> None:
    """Type a message and press Enter, as members do."""
    page.locator("#body").fill(text)
    page.locator("#body").press("Enter")


def test_two_members_exchange_direct_messages_live(new_context, live_server, create_member):
    create_member(**CLAIRE)
    create_member(**MEHDI)
    mehdi = log_in(new_context(locale="fr-FR"), MEHDI)
    claire = log_in(new_context(locale="fr-FR"), CLAIRE)

    # 1. Mehdi says hello in the general room; Claire opens his profile from there and writes to him.
    mehdi.goto("/chat/")
    expect(mehdi.locator("#chat-viewers")).not_to_be_empty()
    say(mehdi, "Bonjour à tous, je suis de garde ce soir.")
    expect(mehdi.locator("#chat-messages li.chat-message")).to_have_count(1)
    claire.goto("/chat/")
    claire.locator("#chat-messages a.author", has_text=MEHDI["pseudonym"]).click()
    claire.locator("form[action='/chat/conversations'] button").click()
    expect(claire).to_have_url(DM_URL)
    expect(claire.locator("#chat-viewers")).not_to_be_empty()
    assert_accessible(claire)

    # 2. Mehdi opens the same conversation from his list of rooms.
    mehdi.goto("/chat/")
    mehdi.locator("aside.chat-rooms a", has_text=CLAIRE["pseudonym"]).click()
    expect(mehdi).to_have_url(claire.url)
    expect(mehdi.locator("#chat-viewers")).to_contain_text("2")
    assert_accessible(mehdi)

    # 3. Each sees the other's message appear without reloading.
    say(claire, "Tu aurais un avis sur un souffle systolique chez un enfant de 6 ans ?")
    expect(mehdi.locator("#chat-messages")).to_contain_text("souffle systolique", timeout=5000)
    say(mehdi, "Oui : **souffle fonctionnel** probable s'il est doux et sans autre signe.")
    expect(claire.locator("#chat-messages strong")).to_have_text("souffle fonctionnel", timeout=5000)
    expect(claire.locator("#chat-messages li.chat-message")).to_have_count(2)
    expect(mehdi.locator("#chat-messages li.chat-message")).to_have_count(2)

    # 4. The messages were stored: a reload shows the same conversation, built by the server.
    claire.reload()
    expect(claire.locator("#chat-messages li.chat-message")).to_have_count(2)
    assert_accessible(claire)

    # 5. Mehdi corrects his answer from its "Modifier" link; Claire sees the new version, marked edited, live.
    mehdi.locator("#chat-messages li.chat-message", has_text="souffle fonctionnel").get_by_role(
        "link", name="Modifier"
    ).click()
    expect(mehdi.locator("#body")).to_have_value(
        "Oui : **souffle fonctionnel** probable s'il est doux et sans autre signe."
    )
    assert_accessible(mehdi)
    mehdi.locator("#body").fill(
        "Oui : **souffle fonctionnel** probable s'il est doux, sans irradiation ni autre signe."
    )
    mehdi.get_by_role("button", name="Enregistrer").click()
    expect(mehdi).to_have_url(re.compile(r"/chat/rooms/dm:\d+#m\d+$"))
    answer = claire.locator("#chat-messages li.chat-message", has_text="souffle fonctionnel")
    expect(answer).to_contain_text("sans irradiation", timeout=5000)
    expect(answer).to_contain_text("modifié")
    expect(claire.locator("#chat-messages li.chat-message")).to_have_count(2)
