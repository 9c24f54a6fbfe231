"""How an author is shown: a pseudonym, or for anonymous posts only profession and specialty."""

from flask_babel import gettext as _

from forum.accounts.catalog import PROFESSIONS, SPECIALTIES
from forum.models import User


def anonymous_label(profession: str | None, specialty: str | None) -> str:
    """'a verified general practitioner' and the like, in the reader's language."""
    if profession == "physician" and specialty == "general-practice":
        return _("a verified general practitioner")
    if profession == "physician" and specialty in SPECIALTIES:
        return _("a verified physician (%(specialty)s)", specialty=SPECIALTIES[specialty])
    return _("a verified colleague (%(profession)s)", profession=PROFESSIONS.get(profession or "other"))


def author_view(author: User, anonymous: bool, viewer: User) -> dict:
    """The author of a post as this viewer may see them: anonymity holds even for moderators."""
    is_you = viewer is not None and viewer.id == author.id
    if author.status == "deleted":
        # The member deleted their account: their posts stay, signed by nobody.
        return {
            "id": None,
            "pseudonym": None,
            "anonymous": True,
            "former_member": True,
            "label": _("former member"),
            "profession": None,
            "specialty": None,
            "is_you": False,
            "conflict_of_interest": False,
        }
    if anonymous:
        return {
            "id": None,
            "pseudonym": None,
            "anonymous": True,
            "label": anonymous_label(author.profession, author.specialty),
            "profession": author.profession,
            "specialty": author.specialty,
            "is_you": is_you,
            "conflict_of_interest": False,
        }
    return {
        "id": author.id,
        "pseudonym": author.pseudonym,
        "anonymous": False,
        "label": author.pseudonym,
        "profession": author.profession,
        "specialty": author.specialty,
        "is_you": is_you,
        # A declared link with industry is marked on every post, linking to the declaration.
        "conflict_of_interest": bool(author.coi_declaration),
    }
