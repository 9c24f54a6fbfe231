"""The search journey: a member searches past cases, narrows by specialty, opens the case."""

import re

from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible

MEMBER = {"email": "chercheuse@example.org", "password": "la marée monte vers le sillon 27", "pseudonym": "Chercheuse"}
CASES = [
    ("Infarctus du myocarde silencieux chez un diabétique", "cardiology"),
    ("IDM et reprise du sport", "general-practice"),
]


def test_a_member_searches_narrows_by_specialty_and_opens_the_case(new_context, create_member):
    create_member(MEMBER["email"], MEMBER["password"], MEMBER["pseudonym"])
    page = new_context().new_page()
    page.goto("/login")
    page.locator("#email").fill(MEMBER["email"])
    page.locator("#password").fill(MEMBER["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    for title, specialty in CASES:
        page.goto("/cases/new")
        page.locator("#title").fill(title)
        page.locator("#specialty").select_option(specialty)
        page.locator("#question_type").select_option("diagnosis")
        page.locator("#body").fill("Après un IDM, quel bilan proposer ? ECG sans particularité.")
        page.locator("main form[method=post]:not([action]) button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    page.goto("/search")
    page.locator("#search-q").fill("idm")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator(".search-hit")).to_have_count(2)
    assert_accessible(page)
    page.locator(".facets a", has_text=re.compile("Cardiolog")).click()
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit mark").first).to_be_visible()
    page.locator(".search-hit h2 a").click()
    expect(page.locator("h1")).to_contain_text("Infarctus du myocarde silencieux")
