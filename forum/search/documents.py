"""What the index holds of a case: only what every member may read, as plain text, never an author."""

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from babel.support import Translations
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from forum.accounts.catalog import SPECIALTIES
from forum.models import Case

TAG = re.compile(r"<[^>]*>")
BLOCK_END = re.compile(r"</(p|li|h\d|tr|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
SPACES = re.compile(r"[ \t\r\f\v]+")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
QUESTION_LABELS = {
    "diagnosis": "Diagnosis",
    "treatment": "Treatment",
    "referral": "Referral",
    "administrative": "Administrative",
    "other": "Other",
}


def plain_text(body_html: str | None) -> str:
    """The text of sanitized post HTML: tags dropped, entities decoded, one line per block."""
    if not body_html:
        return ""
    text = html.unescape(TAG.sub("", BLOCK_END.sub("\n", body_html)))
    return "\n".join(line for line in (SPACES.sub(" ", raw).strip() for raw in text.splitlines()) if line)


@cache
def labels_everywhere(msgid: str) -> str:
    """A label in English and in every translation, so "cardiologie" and "cardiology" both find a case."""
    words = [msgid]
    for folder in sorted(TRANSLATIONS.glob("*/LC_MESSAGES")):
        words.append(Translations.load(str(TRANSLATIONS), [folder.parent.name]).gettext(msgid))
    return " ".join(dict.fromkeys(words))


def meta_text(case: Case) -> str:
    """Specialty and question type, in every language the site speaks."""
    specialty = SPECIALTIES.get(case.specialty)
    # A lazy label keeps its English source as its first argument.
    source = getattr(specialty, "_args", (case.specialty,))[0] if specialty is not None else case.specialty
    sources = [source or "", QUESTION_LABELS.get(case.question_type, "")]
    return " ".join(labels_everywhere(text) for text in sources if text)


def is_listed(case: Case) -> bool:
    """A case members may find: not hidden, its opening post neither deleted nor hidden."""
    opening = next((post for post in case.posts if post.is_opening), None)
    return not case.hidden and opening is not None and opening.deleted_at is None and not opening.hidden


def case_document(case: Case) -> dict:
    """The fields of one case; replies that are deleted or hidden are left out."""
    opening = next(post for post in case.posts if post.is_opening)
    replies = [plain_text(p.body_html) for p in case.posts if not p.is_opening and not p.deleted_at and not p.hidden]
    if case.outcome_html:
        replies.append(plain_text(case.outcome_html))
    tags = [tag.name for tag in case.tags]
    return {
        "case_id": str(case.id),
        "title": case.title,
        "body": plain_text(opening.body_html),
        "replies": "\n\n".join(text for text in replies if text),
        "tags": ",".join(tags),
        "tags_text": " ".join(tag.replace("-", " ") for tag in tags),
        "meta": meta_text(case),
        "specialty": case.specialty or "",
        "question_type": case.question_type or "",
        "solved": "yes" if case.status == "solved" else "no",
        "created": utc_naive(case.created_at),
        "reply_count": case.reply_count,
    }


def load_cases(session: Session, case_ids: list[int]) -> list[Case]:
    """Cases with their posts and tags, in a fixed number of queries."""
    if not case_ids:
        return []
    query = select(Case).where(Case.id.in_(case_ids)).options(selectinload(Case.posts), selectinload(Case.tags))
    return list(session.scalars(query))


def documents_for(session: Session, case_ids: list[int]) -> tuple[list[dict], list[int]]:
    """Documents of the listed cases among these ids, and the ids that must leave the index."""
    documents, gone = [], set(case_ids)
    for case in load_cases(session, case_ids):
        if is_listed(case):
            documents.append(case_document(case))
            gone.discard(case.id)
    return documents, sorted(gone)


def all_case_ids(session: Session) -> list[int]:
    """Every case id, oldest first."""
    return list(session.scalars(select(Case.id).order_by(Case.id)))


def all_documents(session: Session, batch: int = 500) -> Iterator[dict]:
    """Every listed case's document, read in batches so memory stays flat."""
    ids = all_case_ids(session)
    for start in range(0, len(ids), batch):
        documents, _gone = documents_for(session, ids[start : start + batch])
        session.expunge_all()
        yield from documents


def utc_naive(moment: datetime) -> datetime:
    """Whoosh stores naive datetimes: UTC without its zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
