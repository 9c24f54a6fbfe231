"""The export log: every file is logged with its checksum and kept; members download exactly what was sent."""

import hashlib
import json

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ExportLogIsAppendOnly, ExportRecord


@pytest.fixture
def community(make_user, add_case):
    """Six GPs with a case each in March 2024."""
    for _ in range(6):
        add_case(make_user(region="29"), month="2024-03", tags=["asthme"])


def exports() -> list[ExportRecord]:
    """Every logged export, oldest first."""
    return list(db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)))


def test_a_portal_download_is_logged_with_the_sha256_of_its_bytes(client, login, sponsor, community):
    login(sponsor)
    response = client.get("/sponsor/reports/case-activity/download?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data == b"specialty,2024-03\ngeneral-practice,6\ntotal,6\n"
    [record] = exports()
    assert record.sha256 == hashlib.sha256(response.data).hexdigest() == response.headers["X-Content-SHA256"]
    assert (record.organisation, record.report, record.format, record.row_count, record.channel) == (
        "Laboratoires Exemple",
        "case-activity",
        "csv",
        2,
        "portal",
    )
    assert record.sponsor_id == sponsor.id and record.content == response.data


def test_members_read_the_log_and_download_exactly_what_was_sent(
    client, login, post_form, sponsor, make_user, community
):
    login(sponsor)
    sent = client.get("/sponsor/reports/top-tags/download?format=json&limit=3").data
    assert client.get("/charter/exports/1").status_code == 403  # sponsors do not read each other's files
    post_form("/logout", {})
    record = exports()[0]
    page = client.get("/charter", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Laboratoires Exemple" in page and record.sha256 in page and "limit=3" in page
    assert client.get(f"/charter/exports/{record.id}").status_code == 302  # visitors log in first
    member = make_user()
    login(member)
    download = client.get(f"/charter/exports/{record.id}")
    assert download.status_code == 200 and download.data == sent
    assert client.get("/charter/exports/999").status_code == 404


def test_the_html_view_is_logged_and_has_a_chart_without_script(client, login, sponsor, community):
    login(sponsor)
    response = client.get("/sponsor/reports/case-activity")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html and "<rect" in html and "<script" not in html
    [record] = exports()
    assert record.format == "html" and record.content.decode() in html


def test_api_and_command_line_give_the_same_bytes(client, runner, sponsor, bearer, community):
    api = client.get("/api/v1/sponsor/reports/question-types?format=json", headers=bearer(sponsor))
    assert api.status_code == 200
    cli = runner.invoke(args=["charter", "report", "question-types", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout_bytes == api.data
    assert json.loads(api.data)["rows"][0] == ["diagnosis", 6, 6]
    assert [(r.channel, r.organisation) for r in exports()] == [
        ("api", "Laboratoires Exemple"),
        ("cli", "administrators (command line)"),
    ]
    assert len({r.sha256 for r in exports()}) == 1


def test_the_command_line_writes_a_file_and_refuses_bad_reports(runner, tmp_path, community):
    target = tmp_path / "out.csv"
    result = runner.invoke(args=["charter", "report", "membership", "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0 and target.read_bytes().startswith(b"profession,")
    refused = runner.invoke(args=["charter", "report", "membership", "--param", "rows=email"])
    assert refused.exit_code == 1 and "charter" in refused.output and "users.email" in refused.output
    unknown = runner.invoke(args=["charter", "report", "nope"])
    assert unknown.exit_code == 1 and ("does not exist" in unknown.output or "n'existe pas" in unknown.output)
    assert len(exports()) == 1


def test_the_export_log_is_append_only(client, login, sponsor, community):
    login(sponsor)
    client.get("/sponsor/reports/membership/download?format=csv")
    record = exports()[0]
    record.row_count = 0
    with pytest.raises(ExportLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(exports()[0])
    with pytest.raises(ExportLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ExportRecord)) == 1


def test_a_violation_through_the_api_produces_no_file(client, sponsor, bearer, community):
    response = client.get("/api/v1/sponsor/reports/membership?rows=email&format=csv", headers=bearer(sponsor))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "charter_violation"
    assert exports() == []


def test_a_sponsor_without_organisation_cannot_export(client, bearer, make_user, community):
    nameless = make_user(role="sponsor", totp=True, profession=None, specialty=None)
    response = client.get("/api/v1/sponsor/reports/membership", headers=bearer(nameless))
    assert response.status_code == 409 and exports() == []


def test_set_organisation_names_a_sponsor(runner, make_user):
    user = make_user(role="sponsor", profession=None, specialty=None)
    result = runner.invoke(args=["charter", "set-organisation", user.email, "  Santé   Publique Lab "])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.organisation == "Santé Publique Lab"
    member = make_user()
    assert runner.invoke(args=["charter", "set-organisation", member.email, "X Lab"]).exit_code == 1


def test_the_api_lists_reports(client, sponsor, bearer):
    body = client.get("/api/v1/sponsor/reports", headers=bearer(sponsor)).get_json()
    names = [item["name"] for item in body["items"]]
    assert names == ["case-activity", "top-tags", "question-types", "membership"]
    assert all(item["title"] for item in body["items"])
