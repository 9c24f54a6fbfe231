"""Leak and re-identification tests: nothing personal in any report, in any format, through any channel."""

import csv
import io
import json

import pytest

from forum.charter import reports
from forum.chat.services import post_message
from forum.extensions import db

PEOPLE = [
    ("Zéphyrine", "Quatremarre", "zephyrine.quatremarre@hopital-exemple.fr", "Zephy-Azur", "10000000099"),
    ("Anatole", "Brisefer", "anatole.brisefer@cabinet-exemple.fr", "Brisefer-Doc", "10000000107"),
    ("Ermengarde", "Pollux", "ermengarde.pollux@maison-sante.fr", "Ermen-Pollux", "10000000115"),
    ("Théodule", "Vifargent", "theodule.vifargent@exemple.org", "Theo-Vif", "10000000123"),
    ("Clothilde", "Marmousse", "clothilde.marmousse@exemple.org", "Clo-Marmousse", "10000000131"),
    ("Barnabé", "Escarbille", "barnabe.escarbille@exemple.org", "Barna-Escar", "10000000149"),
]
LONE = ("Philomène", "Ursulin", "philomene.ursulin@corse-cardio.fr", "Cardio-Solitaire", "10000000156")
PHRASES = ["la chèvre azurée du plateau", "un xylophone en porcelaine", "le tramway des glaciers"]
CHAT_PHRASE = "En salon"


@pytest.fixture
def community(make_user, make_case):
    """Six GPs in Finistère and one cardiologist alone in Corse-du-Sud, each with distinctive cases."""
    people = {}
    for first, last, email, pseudonym, rpps in [*PEOPLE, LONE]:
        lone = email == LONE[2]
        user = make_user(
            first_name=first,
            last_name=last,
            email=email,
            pseudonym=pseudonym,
            id_type="rpps",
            id_number=rpps,
            region="2A" if lone else "29",
            specialty="cardiology" if lone else "general-practice",
        )
        title = f"Question de {pseudonym} sur {PHRASES[len(people) % 3]}"
        body = f"Cas clinique : {PHRASES[len(people) % 3]}, évolution lente."
        case = make_case(author=user, title=title, body=body, specialty=user.specialty, tags=["asthme", "suivi-long"])
        case.created_month = "2024-02"
        # Chat messages too: reports never read them, and this proves it.
        post_message(user, "general", f"En salon : {PHRASES[len(people) % 3]} ({pseudonym})")
        people[pseudonym] = {"user": user, "case": case}
    db.session.commit()
    return people


def personal_strings(people, *, except_pseudonyms=()) -> list[str]:
    """Everything that identifies a member or may hold patient data."""
    found = [*PHRASES, CHAT_PHRASE]
    for entry in people.values():
        user = entry["user"]
        found += [user.email, user.first_name, user.last_name, user.id_number, entry["case"].title]
        if user.pseudonym not in except_pseudonyms:
            found.append(user.pseudonym)
    return found


def every_output(client, runner, login, bearer, sponsor, make_user) -> dict[str, str]:
    """Every report in every format through the portal, the API and the command line."""
    outputs = {}
    # A second account of the same organisation for the API: one TOTP code cannot open two sessions.
    colleague = make_user(role="sponsor", totp=True, organisation=sponsor.organisation, profession=None, specialty=None)
    headers = bearer(colleague)
    login(sponsor)
    variants = [(spec.name, {}) for spec in reports.available_reports()]
    variants.append(("membership", {"rows": "specialty", "columns": "region"}))
    for name, params in variants:
        query = "".join(f"&{k}={v}" for k, v in params.items())
        outputs[f"html {name} {params}"] = client.get(f"/sponsor/reports/{name}?{query}").get_data(as_text=True)
        cli_params = [arg for k, v in params.items() for arg in ("--param", f"{k}={v}")]
        for fmt in ("csv", "json"):
            portal = client.get(f"/sponsor/reports/{name}/download?format={fmt}{query}")
            api = client.get(f"/api/v1/sponsor/reports/{name}?format={fmt}{query}", headers=headers)
            cli = runner.invoke(args=["charter", "report", name, "--format", fmt, "--organisation", "Lab", *cli_params])
            assert portal.status_code == api.status_code == 200 and cli.exit_code == 0, (name, cli.output)
            outputs[f"portal {name} {fmt} {params}"] = portal.get_data(as_text=True)
            outputs[f"api {name} {fmt} {params}"] = api.get_data(as_text=True)
            outputs[f"cli {name} {fmt} {params}"] = cli.stdout_bytes.decode()
    return outputs


def assert_no_leak(outputs: dict[str, str], forbidden: list[str]) -> None:
    """No output contains any forbidden string (case-insensitive)."""
    for where, text in outputs.items():
        for secret in forbidden:
            assert secret.lower() not in text.lower(), f"{secret!r} leaked in {where}"


def test_no_report_leaks_anything_personal(client, runner, login, bearer, sponsor, make_user, community):
    outputs = every_output(client, runner, login, bearer, sponsor, make_user)
    assert len(outputs) == 5 * 7
    assert any("general-practice" in text for text in outputs.values())  # the reports do hold data
    assert_no_leak(outputs, personal_strings(community))


@pytest.mark.app_config(CHARTER_NO_NOMINATIVE_EXPORT=False)
def test_with_nominative_export_only_consenting_pseudonyms_and_titles_leave(
    client, runner, login, bearer, post_form, sponsor, make_user, community
):
    runner.invoke(args=["charter", "notify-members"])
    consenting = ["Zephy-Azur", "Theo-Vif"]
    for pseudonym in consenting:
        login(community[pseudonym]["user"])
        post_form("/account/consent", {"organisation": "Laboratoires Exemple", "action": "give"}, page="/account")
    outputs = every_output(client, runner, login, bearer, sponsor, make_user)
    consent_outputs = {k: v for k, v in outputs.items() if "consented-cases" in k}
    aggregate_outputs = {k: v for k, v in outputs.items() if "consented-cases" not in k}
    assert_no_leak(aggregate_outputs, personal_strings(community))
    never = [s for s in personal_strings(community, except_pseudonyms=consenting) if s not in PHRASES]
    allowed_titles = {community[p]["case"].title for p in consenting}
    assert_no_leak(consent_outputs, [s for s in never if s not in allowed_titles])
    api = consent_outputs["api consented-cases json {}"]
    assert all(p in api for p in consenting) and all(t in api for t in allowed_titles)
    # Phrases appear only inside the consenting members' own titles, never from a body.
    assert "évolution lente" not in "".join(consent_outputs.values())


def test_a_member_alone_in_their_specialty_and_region_never_appears_as_a_count(app, client, login, sponsor, community):
    login(sponsor)
    k = app.config["CHARTER_MIN_GROUP_SIZE"]
    for name, query in [
        ("membership", "rows=specialty&columns=region"),
        ("membership", ""),
        ("case-activity", ""),
        ("question-types", ""),
        ("top-tags", ""),
    ]:
        data = json.loads(client.get(f"/sponsor/reports/{name}/download?format=json&{query}").data)
        numbers = [v for row in data["rows"] for v in row[1:] if isinstance(v, int) and not isinstance(v, bool)]
        assert all(v == 0 or v >= k for v in numbers), (name, data["rows"])
    table = json.loads(client.get("/sponsor/reports/membership/download?format=json&rows=specialty").data)
    columns = table["columns"]
    cardiology = next(row for row in table["rows"] if row[0] == "cardiology")
    assert cardiology[columns.index("2A")] is None and cardiology[columns.index("total")] is None
    corsica = [row[columns.index("2A")] for row in table["rows"]]
    assert corsica.count(None) >= 2  # the column cannot give the lone member away either
    csv_rows = list(csv.reader(io.StringIO(client.get("/sponsor/reports/case-activity/download").data.decode())))
    assert ["cardiology", ""] in csv_rows
