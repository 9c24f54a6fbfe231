"""The case journey in French: a member posts a case, the guard catches a patient's name,
the member edits it out, a colleague replies, the author accepts the reply."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible

AUTHOR = {
    "email": "anne.kermarrec@example.org",
    "password": "la houle monte sur le phare 61",
    "pseudonym": "DocDuLarge",
}
COLLEAGUE = {
    "email": "yann.le-goff@example.org",
    "password": "un goeland plane vers ouessant 83",
    "pseudonym": "CardioDuPort",
}
CASE = {
    "title": "Dyspnée d'effort récente chez une femme de 54 ans",
    "specialty": "cardiology",
    "question_type": "diagnosis",
    "age_band": "50-59",
    "patient_sex": "female",
    "tags": "dyspnée, bilan-initial",
}
SYMPTOMS = "consulte pour une dyspnée d'effort depuis 3 semaines. Auscultation normale, ECG sinusal."
BODY_WITH_NAME = f"Mme Lefebvre, 54 ans, {SYMPTOMS}\n\nQuel bilan de première intention proposeriez-vous ?"
BODY_WITHOUT_NAME = f"Une patiente de 54 ans {SYMPTOMS}\n\nQuel bilan de première intention proposeriez-vous ?"
REPLY = "Je proposerais NFS, BNP et une échographie cardiaque, puis des EFR si tout est normal."
CASE_URL = re.compile(r"/cases/(\d+)$")


def log_in(context: BrowserContext, account: dict) -> Page:
    """A member without two-factor: e-mail and password, then the home page."""
    page = context.new_page()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#email").fill(account["email"])
    page.locator("#password").fill(account["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def submit(page: Page) -> None:
    """Send the form of the page's content (not the log-out or language forms around it)."""
    page.locator("main form[method=post]:not([action]) button[type=submit]").click()


def fill_case(page: Page) -> None:
    """Every field of the new-case form, with a patient's name in the body."""
    page.locator("#title").fill(CASE["title"])
    for name in ("specialty", "question_type", "age_band", "patient_sex"):
        page.locator(f"#{name}").select_option(CASE[name])
    page.locator("#tags").fill(CASE["tags"])
    page.locator("#body").fill(BODY_WITH_NAME)


def test_member_posts_case_guard_catches_name_colleague_replies_author_accepts(new_context, live_server, create_member):
    create_member(**AUTHOR)
    create_member(**COLLEAGUE)
    author_context = new_context(locale="fr-FR")
    author = log_in(author_context, AUTHOR)

    # 1. The author writes a case naming the patient.
    author.goto("/cases/new")
    expect(author.locator("html")).to_have_attribute("lang", "fr")
    expect(author.locator("#confirm_no_patient_data")).to_have_count(0)
    assert_accessible(author)
    fill_case(author)
    submit(author)

    # 2. The guard holds it back and shows the name it found.
    expect(author).to_have_url(re.compile(r"/cases/new$"))
    guard = author.locator("article.guard")
    expect(guard).to_be_visible()
    expect(guard.locator("pre.guard-text mark")).to_have_text("Mme Lefebvre")
    expect(author.locator("#confirm_no_patient_data")).to_be_visible()
    expect(author.locator("#confirm_no_patient_data")).not_to_be_checked()
    expect(author.locator("#title")).to_have_value(CASE["title"])
    expect(author.locator("#body")).to_have_value(BODY_WITH_NAME)
    assert_accessible(author)

    listing = author_context.new_page()
    listing.goto("/cases/")
    expect(listing.get_by_role("heading", level=1)).to_be_visible()
    expect(listing.locator("article.case-row")).to_have_count(0)
    expect(listing.get_by_role("link", name=CASE["title"])).to_have_count(0)
    assert_accessible(listing)
    listing.close()

    # 3. The author takes the name out and publishes.
    author.locator("#body").fill(BODY_WITHOUT_NAME)
    submit(author)
    expect(author).to_have_url(CASE_URL)
    case_id = int(CASE_URL.search(author.url).group(1))
    expect(author.get_by_role("heading", level=1)).to_have_text(CASE["title"])
    expect(author.locator(".flash-success")).to_be_visible()
    expect(author.locator("article.post").first).to_contain_text("Une patiente de 54 ans")
    expect(author.locator("main mark")).to_have_count(0)
    expect(author.locator("article.guard")).to_have_count(0)
    assert_accessible(author)

    # 4. A colleague finds the case in the list and replies.
    colleague = log_in(new_context(locale="fr-FR"), COLLEAGUE)
    colleague.goto("/cases/")
    expect(colleague.locator("article.case-row")).to_have_count(1)
    assert_accessible(colleague)
    colleague.get_by_role("link", name=CASE["title"]).click()
    expect(colleague).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(colleague.locator(f"form[action='/cases/{case_id}/accept']")).to_have_count(0)
    assert_accessible(colleague)
    colleague.locator("#body").fill(REPLY)
    colleague.locator(f"form[action='/cases/{case_id}/replies'] button[type=submit]").click()
    expect(colleague).to_have_url(re.compile(rf"/cases/{case_id}#post-\d+$"))
    reply = colleague.locator("#replies article.post")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(REPLY)
    expect(reply).to_contain_text(COLLEAGUE["pseudonym"])
    expect(colleague.locator("#body")).to_have_value("")
    assert_accessible(colleague)

    # 5. The author sees the reply and accepts it: the case is solved.
    author.reload()
    reply = author.locator("#replies article.post")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(REPLY)
    expect(author.locator("hgroup .badge.solved")).to_have_count(0)
    assert_accessible(author)
    accept = reply.locator(f"form[action='/cases/{case_id}/accept'] button")
    expect(accept).to_have_count(1)
    accept.click()
    expect(author).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(author.locator(".flash-success")).to_be_visible()
    expect(author.locator("hgroup .badge.solved")).to_be_visible()
    expect(author.locator("#replies article.post.accepted")).to_have_count(1)
    expect(author.locator("#replies article.post.accepted")).to_contain_text(REPLY)
    expect(author.locator(f"form[action='/cases/{case_id}/accept']")).to_have_count(0)
    assert_accessible(author)

    author.goto("/cases/?view=solved")
    expect(author.get_by_role("link", name=CASE["title"])).to_be_visible()
    assert_accessible(author)
