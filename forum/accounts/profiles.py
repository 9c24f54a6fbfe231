"""Members' public profiles: pseudonym, profession, specialty and département, nothing more."""

from forum.accounts.access import require_member
from forum.extensions import db
from forum.models import User


def public_profile(viewer: User | None, user_id: int) -> dict | None:
    """What a verified member may see of another member; None when there is no such member."""
    require_member(viewer)
    user = db.session.get(User, user_id)
    if user is None or not user.is_verified_member:
        return None
    return {
        "id": user.id,
        "pseudonym": user.pseudonym,
        "profession": user.profession,
        "specialty": user.specialty,
        "region": user.region,
        "country": user.country,
        "coi_declaration": user.coi_declaration,
        "coi_updated_at": user.coi_updated_at.isoformat() if user.coi_updated_at else None,
    }
