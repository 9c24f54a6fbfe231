"""The charter journey in French: a sponsor with two-factor reads a report and downloads its CSV,
is refused the member pages, and a member finds that very file in the public export log."""

import csv
import hashlib
import io
import re
from pathlib import Path

import pyotp
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible

ORGANISATION = "Laboratoires Exemple"
SPONSOR = {
    "email": "partenariats@laboratoires-exemple.example",
    "password": "la marée descend vers le sillon 19",
    "pseudonym": "LaboExemple",
    "totp_secret": "KRSXG5CTMVRXEZLUKN2XAZLSONSWG4TF",
    "organisation": ORGANISATION,
}
MEMBER = {
    "email": "gwenaelle.morvan@example.org",
    "password": "les ajoncs fleurissent sur la lande 37",
    "pseudonym": "DocDesMonts",
}
# With the moderator, six verified physicians: the one group of the membership report
# reaches CHARTER_MIN_GROUP_SIZE (5), so its bar is drawn with a number, not suppressed.
COLLEAGUES = [
    {
        "email": f"confrere.{n}@example.org",
        "password": f"le vent tourne au large du cap {n}0",
        "pseudonym": f"Confrere{n}",
    }
    for n in range(1, 5)
]
REPORT = "membership"
# The report's title and the sponsor refusal as the French catalogue gives them.
FRENCH_REPORT_TITLE = "Membres par profession et par département"
FRENCH_PORTAL_HEADING = "Rapports destinés aux sponsors"
FRENCH_SPONSOR_REFUSAL = "Les comptes sponsors n'ont accès qu'aux rapports destinés aux sponsors."
CSV_NAME = re.compile(rf"^{REPORT}-(\d+)\.csv$")


def sponsor_logs_in(context: BrowserContext) -> Page:
    """Password, then the authenticator's code; a sponsor lands on the home page, then opens the portal."""
    page = context.new_page()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#email").fill(SPONSOR["email"])
    page.locator("#password").fill(SPONSOR["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    page.locator("#code").fill(pyotp.TOTP(SPONSOR["totp_secret"]).now())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def member_logs_in(context: BrowserContext) -> Page:
    """A member without two-factor: e-mail and password, then the home page."""
    page = context.new_page()
    page.goto("/login")
    page.locator("#email").fill(MEMBER["email"])
    page.locator("#password").fill(MEMBER["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def test_sponsor_reads_report_downloads_csv_is_refused_member_pages_member_checks_log(
    new_context, live_server, create_member, create_sponsor
):
    create_member(**MEMBER)
    for colleague in COLLEAGUES:
        create_member(**colleague)
    create_sponsor(**SPONSOR)

    # 1. The sponsor logs in with two-factor and opens the portal.
    sponsor = sponsor_logs_in(new_context(locale="fr-FR"))
    sponsor.goto("/sponsor/")
    expect(sponsor.get_by_role("heading", level=1)).to_have_text(FRENCH_PORTAL_HEADING)
    expect(sponsor.locator("main")).to_contain_text(ORGANISATION)
    expect(sponsor.locator("main .flash-warning")).to_have_count(0)
    assert_accessible(sponsor)

    # 2. One report: a table and its SVG bar chart.
    sponsor.get_by_role("link", name=FRENCH_REPORT_TITLE).click()
    expect(sponsor).to_have_url(re.compile(rf"/sponsor/reports/{REPORT}$"))
    expect(sponsor.get_by_role("heading", level=1)).to_have_text(FRENCH_REPORT_TITLE)
    table = sponsor.locator("main table")
    expect(table).to_be_visible()
    expect(table.locator("thead th").first).to_have_text("profession")
    expect(table.locator("tbody th[scope=row]")).to_have_text(["physician", "total"])
    chart = sponsor.locator("main figure svg.report-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title")).to_have_text(FRENCH_REPORT_TITLE)
    expect(chart.locator("rect")).to_have_count(1)
    expect(chart.locator("text", has_text="physician")).to_have_count(1)
    expect(chart.locator("text", has_text="6")).to_have_count(1)
    assert_accessible(sponsor)

    # 3. The CSV file, as the browser saves it.
    with sponsor.expect_download() as downloading:
        sponsor.locator("main a[href*='/download'][href*='format=csv']").click()
    download = downloading.value
    assert download.failure() is None
    name = CSV_NAME.match(download.suggested_filename)
    assert name, download.suggested_filename
    export_id = int(name.group(1))
    received = Path(download.path()).read_bytes()
    assert received
    rows = list(csv.reader(io.StringIO(received.decode("utf-8"))))
    assert rows[0][0] == "profession"
    assert rows[0][-1] == "total"
    assert [row[0] for row in rows[1:]] == ["physician", "total"]
    assert all(len(row) == len(rows[0]) for row in rows)
    assert rows[1][-1] == "6"

    # 4. Member pages are closed to sponsors.
    refused = sponsor.goto("/cases/")
    assert refused is not None and refused.status == 403
    expect(sponsor.get_by_role("heading", level=1)).to_have_text(FRENCH_SPONSOR_REFUSAL)
    expect(sponsor.locator("article.case-row")).to_have_count(0)

    # 5. A member finds the file in the public log and downloads exactly what the sponsor got.
    member = member_logs_in(new_context(locale="fr-FR"))
    member.goto("/charter")
    expect(member.locator("#export-log")).to_have_text("Journal des exports")
    file_link = f"a[href='/charter/exports/{export_id}']"
    expect(member.locator(f"main {file_link}")).to_have_count(1)
    entry = member.locator("main table tbody tr").filter(has=member.locator(file_link))
    link = entry.locator(file_link)
    expect(entry).to_contain_text(ORGANISATION)
    expect(entry).to_contain_text("(portal)")
    expect(entry).to_contain_text(REPORT)
    expect(link).to_have_text("csv")
    shown_sha = entry.locator("code.checksum").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_sha), shown_sha
    assert_accessible(member)
    with member.expect_download() as downloading:
        link.click()
    logged = Path(downloading.value.path()).read_bytes()
    assert downloading.value.suggested_filename == download.suggested_filename
    assert hashlib.sha256(logged).hexdigest() == shown_sha
    assert logged == received
