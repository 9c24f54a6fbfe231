"""Reports: counts over large groups only, complete periods only, and a violation for any nominative column."""

import pytest
from sqlalchemy import func, select

from forum.charter import reports
from forum.charter.reports import CharterViolation, Context, build_report, cross_counts
from forum.errors import Refused
from forum.extensions import db
from forum.models import AuditEvent, ExportRecord, User
from forum.models.columns import utcnow


def build(name, **params):
    """A report as an admin would get it."""
    return build_report(name, params, actor=None, organisation="Test")


def cell(report, row, column):
    """A report's value at a row label and a column name."""
    index = report.columns.index(column)
    return next(line[index] for line in report.rows if line[0] == row)


@pytest.fixture
def gps(make_user):
    """Six general practitioners in Finistère."""
    return [make_user(region="29") for _ in range(6)]


def test_case_activity_counts_distinct_authors_and_hides_small_groups(gps, make_user, add_case):
    cardiologist = make_user(specialty="cardiology")
    for gp in gps:
        add_case(gp, month="2024-03")
    for _ in range(8):  # many cases, one author: still a group of one
        add_case(cardiologist, month="2024-03", specialty="cardiology")
    report = build("case-activity")
    assert report.columns == ["specialty", "2024-03"]
    assert cell(report, "cardiology", "2024-03") is None
    # The month's total would give the cardiology count away: something else on that line is hidden too.
    hidden = [line[1] for line in report.rows].count(None)
    assert hidden >= 2


def test_case_activity_leaves_out_the_month_still_running(gps, add_case):
    for gp in gps:
        add_case(gp, month="2024-03")
        add_case(gp, month=utcnow().strftime("%Y-%m"))
    report = build("case-activity")
    assert report.columns == ["specialty", "2024-03"]
    assert cell(report, "general-practice", "2024-03") == 6 and cell(report, "total", "2024-03") == 6


def test_question_types_have_totals_both_ways(gps, add_case):
    for gp in gps:
        add_case(gp, question_type="diagnosis")
        add_case(gp, question_type="treatment", specialty="pediatrics")
    report = build("question-types")
    assert report.columns == ["question_type", "general-practice", "pediatrics", "total"]
    assert cell(report, "diagnosis", "general-practice") == 6
    assert cell(report, "total", "total") == 12


def test_top_tags_need_enough_distinct_members_and_a_complete_quarter(gps, add_case):
    for gp in gps:
        add_case(gp, month="2024-02", tags=["asthme"])
    for gp in gps[:4]:
        add_case(gp, month="2024-02", tags=["rare-tag"])
    for gp in gps:
        add_case(gp, month=utcnow().strftime("%Y-%m"), tags=["now"])
    report = build("top-tags")
    assert report.rows == [["general-practice", "2024-Q1", "asthme", 6]]


def test_top_tags_limit_is_validated(app):
    with pytest.raises(Refused) as error:
        build("top-tags", limit="500")
    assert error.value.status == 422


def test_membership_counts_verified_members_only(gps, make_user):
    make_user(status="applicant", region="29")
    make_user(role="sponsor", organisation="Lab", region="29")
    report = build("membership")
    assert cell(report, "physician", "29") == 6


def test_membership_can_cross_other_non_nominative_columns(gps):
    report = build("membership", rows="specialty", columns="country")
    assert cell(report, "general-practice", "FR") == 6


def test_membership_refuses_an_unknown_column(app):
    with pytest.raises(Refused) as error:
        build("membership", rows="shoe_size")
    assert error.value.status == 422


@pytest.mark.parametrize("column", ["email", "last_name", "id_number", "pseudonym", "created_at"])
def test_asking_for_a_nominative_column_is_a_logged_violation(gps, column):
    with pytest.raises(CharterViolation):
        build("membership", rows=column)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter.violation"))
    assert event.details == {"report": "membership", "column": f"users.{column}"}
    assert db.session.scalar(select(func.count()).select_from(ExportRecord)) == 0


def test_the_report_module_refuses_user_email_itself(app):
    ctx = Context(None, None, 5, "2025-01")
    with pytest.raises(CharterViolation) as error:
        cross_counts("custom", ctx, User.email, User.region, User.id, [], User, row_totals=True)
    assert error.value.column == "users.email"


def test_a_column_that_declares_nothing_is_treated_as_nominative(app):
    from sqlalchemy import Column, Integer, MetaData, Table

    undeclared = Table("t", MetaData(), Column("x", Integer)).c.x
    with pytest.raises(CharterViolation):
        reports.require_readable("custom", [undeclared], None)


def test_unknown_reports_and_the_consent_report_under_the_default_setting_do_not_exist(app):
    for name in ("nope", "consented-cases"):
        with pytest.raises(Refused) as error:
            build(name)
        assert error.value.status == 404
    assert "consented-cases" not in [spec.name for spec in reports.available_reports()]
