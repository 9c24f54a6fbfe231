"""Every sponsor report is computed here and only here: this module is where the charter is enforced.

A report reads declared non-nominative columns only (the member key that
counts distinct members is read inside this module and never leaves it),
counts over groups of at least CHARTER_MIN_GROUP_SIZE distinct members, and
hides smaller groups with complementary suppression. The one nominative report
(the consent report) exists only while CHARTER_NO_NOMINATIVE_EXPORT is False
and members have been told.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, and_, case, func, select

from forum.charter.notices import nominative_export_open
from forum.charter.suppression import suppress
from forum.errors import Refused
from forum.extensions import db
from forum.models import Case, Post, SponsorConsent, Tag, User
from forum.models.cases import case_tags
from forum.models.columns import utcnow
from forum.moderation.audit import record_event

NONE_LABEL = "(none)"
TOTAL_LABEL = "total"
MEMBER_ROLES = ("member", "moderator", "admin")
MAX_TOP_TAGS = 20


class CharterViolation(Exception):
    """A report asked for a column the charter forbids to export."""

    def __init__(self, report: str, column: str):
        super().__init__(f"report {report!r} may not read the nominative column {column}")
        self.report, self.column = report, column


@dataclass
class Report:
    """A computed report: a header, rows (None = suppressed) and the bars of its chart."""

    name: str
    parameters: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]
    chart: list[tuple[str, int | None]] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The report's title in the reader's language."""
        return str(SPECS[self.name].title)


@dataclass(frozen=True)
class Spec:
    """A report's name, title, builder and the parameters it accepts."""

    name: str
    title: Any
    build: Callable[[dict, "Context"], Report]
    parameters: Callable[[dict], dict] = lambda raw: {}
    nominative: bool = False


@dataclass(frozen=True)
class Context:
    """Who asks, for which organisation, with which threshold."""

    actor: User | None
    organisation: str | None
    min_group_size: int
    month: str


def column_of(attribute: Any) -> Column:
    """The table column behind a mapped attribute (its `info` holds the classification)."""
    return attribute.property.columns[0] if hasattr(attribute, "property") else attribute


def require_readable(report: str, attributes: list[Any], actor: User | None, *, nominative: bool = False) -> None:
    """Refuse, and log in the audit trail, any nominative or undeclared column a report would read."""
    for attribute in attributes:
        col = column_of(attribute)
        if col.info.get("nominative") is False or nominative:
            continue
        name = f"{col.table.name}.{col.name}"
        record_event(actor, "charter.violation", "report", None, report=report, column=name)
        db.session.commit()
        raise CharterViolation(report, name)


def label(value: Any) -> str:
    """A group's label in a file: its value, or a marker for members who did not say."""
    return NONE_LABEL if value is None or value == "" else str(value)


def cross_counts(
    report: str, ctx: Context, rows: Any, cols: Any, member_key: Any, filters: list, source: Any, *, row_totals: bool
) -> Report:
    """Count rows of `source` by two dimensions, with totals, small groups and their complements suppressed."""
    require_readable(report, [rows, cols, *filter_columns(filters)], ctx.actor)
    counted = [func.count(), func.count(func.distinct(member_key))]

    def grouped(*dims: Any) -> list:
        query = select(*dims, *counted).select_from(source).where(*filters)
        return list(db.session.execute(query.group_by(*dims) if dims else query))

    cells = {(r, c): (n, m) for r, c, n, m in grouped(rows, cols)}
    row_keys = sorted({r for r, _c in cells}, key=label)
    col_keys = sorted({c for _r, c in cells}, key=label)
    by_row = {r: (n, m) for r, n, m in grouped(rows)}
    by_col = {c: (n, m) for c, n, m in grouped(cols)}
    grand = tuple(grouped()[0]) if cells else (0, 0)
    values, members = [], []
    for r in row_keys:
        values.append([cells.get((r, c), (0, 0))[0] for c in col_keys] + [by_row[r][0]])
        members.append([cells.get((r, c), (0, 0))[1] for c in col_keys] + [by_row[r][1]])
    values.append([by_col[c][0] for c in col_keys] + [grand[0]])
    members.append([by_col[c][1] for c in col_keys] + [grand[1]])
    suppressed, withheld = suppress(values, members, ctx.min_group_size, row_totals=row_totals)
    hidden = suppressed | withheld
    shown = [[None if (i, j) in hidden else values[i][j] for j in range(len(col_keys) + 1)] for i in range(len(values))]
    keep = slice(None) if row_totals else slice(0, len(col_keys))
    header = [*[label(c) for c in col_keys], TOTAL_LABEL][keep]
    body = [[label(r), *shown[i][keep]] for i, r in enumerate(row_keys)] + [[TOTAL_LABEL, *shown[-1][keep]]]
    if row_totals:
        chart = [(label(r), shown[i][-1]) for i, r in enumerate(row_keys)]
    else:
        chart = [(label(c), shown[-1][j]) for j, c in enumerate(col_keys)]
    return Report(report, {}, [column_of(rows).name, *header], body, chart)


def filter_columns(filters: list) -> list[Column]:
    """The table columns a list of WHERE clauses reads."""
    found: list[Column] = []
    for clause in filters:
        found.extend(c for c in clause.get_children() if isinstance(c, Column))
    return found


def published_cases(ctx: Context) -> list:
    """Visible cases of complete months: a month still running would let two exports be subtracted."""
    return [Case.hidden.is_(False), Case.created_month < ctx.month]


def case_activity(params: dict, ctx: Context) -> Report:
    """Cases opened by specialty and month (totals per month only: totals over time would differ by one month)."""
    return cross_counts(
        "case-activity",
        ctx,
        Case.specialty,
        Case.created_month,
        Case.author_id,
        published_cases(ctx),
        Case,
        row_totals=False,
    )


def question_types(params: dict, ctx: Context) -> Report:
    """Cases by question type and specialty."""
    filters = published_cases(ctx)
    return cross_counts(
        "question-types", ctx, Case.question_type, Case.specialty, Case.author_id, filters, Case, row_totals=True
    )


def membership(params: dict, ctx: Context) -> Report:
    """Verified members by profession and region (or two other non-nominative account columns)."""
    rows, cols = getattr(User, params["rows"]), getattr(User, params["columns"])
    filters = [User.status == "verified", User.role.in_(MEMBER_ROLES)]
    report = cross_counts("membership", ctx, rows, cols, User.id, filters, User, row_totals=True)
    report.parameters = params
    return report


def membership_parameters(raw: dict) -> dict:
    """Which account columns to cross; a name that is not a column of accounts is refused."""
    chosen = {"rows": raw.get("rows") or "profession", "columns": raw.get("columns") or "region"}
    for key, name in chosen.items():
        if name not in User.__table__.columns or (key == "columns" and name == chosen["rows"]):
            raise Refused("invalid", _("%(name)s is not a column this report can count by.", name=name), 422)
    return chosen


def quarter_of(month: Any) -> Any:
    """'2026-11' → '2026-Q4', computed by the database so groups are counted there."""
    number = func.substr(month, 6, 2)
    quarter = case(
        (number.in_(("01", "02", "03")), "Q1"),
        (number.in_(("04", "05", "06")), "Q2"),
        (number.in_(("07", "08", "09")), "Q3"),
        else_="Q4",
    )
    return func.substr(month, 1, 4) + "-" + quarter


def top_tags(params: dict, ctx: Context) -> Report:
    """The most used tags by specialty and complete quarter, each used by enough distinct members."""
    require_readable("top-tags", [Case.specialty, Case.created_month, Tag.name, Case.hidden], ctx.actor)
    start = int(ctx.month[5:7]) - (int(ctx.month[5:7]) - 1) % 3
    quarter = quarter_of(Case.created_month).label("quarter")
    query = (
        select(Case.specialty, quarter, Tag.name, func.count(func.distinct(Case.id)))
        .join(case_tags, case_tags.c.case_id == Case.id)
        .join(Tag, Tag.id == case_tags.c.tag_id)
        .where(Case.hidden.is_(False), Case.created_month < f"{ctx.month[:5]}{start:02d}")
        .group_by(Case.specialty, quarter, Tag.name)
        .having(func.count(func.distinct(Case.author_id)) >= ctx.min_group_size)
    )
    ranked = sorted(db.session.execute(query), key=lambda row: (row[0], row[1], -row[3], row[2]))
    rows, per_group = [], {}
    for specialty, period, tag, count in ranked:
        per_group[(specialty, period)] = per_group.get((specialty, period), 0) + 1
        if per_group[(specialty, period)] <= params["limit"]:
            rows.append([specialty, period, tag, count])
    chart = [(f"{r[0]} {r[1]} {r[2]}", r[3]) for r in rows[:MAX_TOP_TAGS]]
    return Report("top-tags", params, ["specialty", "quarter", "tag", "cases"], rows, chart)


def top_tags_parameters(raw: dict) -> dict:
    """How many tags per specialty and quarter: 1 to 20, 10 unless asked."""
    value = raw.get("limit") or "10"
    if not str(value).isdigit() or not 1 <= int(value) <= MAX_TOP_TAGS:
        raise Refused("invalid", _("limit must be a whole number from 1 to %(n)d.", n=MAX_TOP_TAGS), 422)
    return {"limit": int(value)}


def consented_cases(params: dict, ctx: Context) -> Report:
    """Cases and pseudonyms of the members who consented to share with this very organisation; nobody else."""
    if not ctx.organisation:
        raise Refused("no_organisation", _("This report needs the sponsor's organisation."), 409)
    columns = [Case.id, Case.title, User.pseudonym, Case.specialty, Case.created_month]
    require_readable("consented-cases", columns, ctx.actor, nominative=True)
    consent = and_(
        SponsorConsent.user_id == User.id,
        SponsorConsent.organisation == ctx.organisation,
        SponsorConsent.withdrawn_at.is_(None),
    )
    opening = and_(Post.case_id == Case.id, Post.is_opening, Post.deleted_at.is_(None))
    query = (
        select(*columns)
        .distinct()
        .join(User, User.id == Case.author_id)
        .join(SponsorConsent, consent)
        .join(Post, opening)
        .where(Case.anonymous.is_(False), Case.hidden.is_(False), User.status == "verified")
        .order_by(Case.id)
    )
    rows = [list(row) for row in db.session.execute(query)]
    return Report("consented-cases", {}, ["case_id", "title", "pseudonym", "specialty", "month"], rows)


SPECS = {
    spec.name: spec
    for spec in (
        Spec("case-activity", _l("Case activity by specialty and month"), case_activity),
        Spec("top-tags", _l("Most used tags by specialty and quarter"), top_tags, top_tags_parameters),
        Spec("question-types", _l("Questions by type and specialty"), question_types),
        Spec("membership", _l("Membership by profession and region"), membership, membership_parameters),
        Spec("consented-cases", _l("Cases shared by consenting members"), consented_cases, nominative=True),
    )
}


def available_reports() -> list[Spec]:
    """The reports that exist under the current settings."""
    return [spec for spec in SPECS.values() if not spec.nominative or nominative_export_open()]


def build_report(name: str, raw_params: dict, *, actor: User | None, organisation: str | None) -> Report:
    """Compute a report by name; unknown and unavailable reports are 404s."""
    spec = SPECS.get(name)
    if spec is None or spec not in available_reports():
        raise Refused("not_found", _("This report does not exist."), 404)
    ctx = Context(actor, organisation, current_app.config["CHARTER_MIN_GROUP_SIZE"], utcnow().strftime("%Y-%m"))
    params = spec.parameters(raw_params)
    report = spec.build(params, ctx)
    report.parameters = params
    return report
