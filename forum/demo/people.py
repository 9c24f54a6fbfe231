"""The members of the demo community: professions, départements, pseudonyms, join dates."""

import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from forum.accounts.pseudonyms import normalize_pseudonym, pseudonym_key
from forum.demo import texts
from forum.extensions import db
from forum.models import User

DEMO_DOMAIN = "demo.example.org"
MEMBER_EMAIL = f"membre@{DEMO_DOMAIN}"
MODERATOR_EMAIL = f"moderation@{DEMO_DOMAIN}"
HISTORY = timedelta(days=548)  # eighteen months
# Mostly physicians, most of them GPs (see make_people), then the other clinicians.
PROFESSION_WEIGHTS = {
    "physician": 62, "nurse": 12, "physiotherapist": 8, "midwife": 6, "pharmacist": 8, "psychologist": 3, "dentist": 1
}  # fmt: skip
ID_TYPE_FR = {"physician": "rpps", "pharmacist": "rpps", "midwife": "rpps", "dentist": "rpps"}


def ascii_word(value: str) -> str:
    """'Le Goff' -> 'LeGoff', 'Élodie' -> 'Elodie': for e-mail addresses."""
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().replace(" ", "")


class People:
    """Builds the accounts; mixed into the community builder, which holds rng, users and first_seen."""

    def make_people(self, count: int, password_hash: str) -> None:
        """Members of several professions and départements, then the demo moderator."""
        rng = self.rng
        keys: set[str] = set(db.session.scalars(select(User.pseudonym_key)))
        specialists = [name for name in texts.SPECIALTY_NICKNAMES if name != "general-practice"]
        for index in range(count):
            profession = "physician" if index == 0 else self.weighted(PROFESSION_WEIGHTS)
            specialty = None
            if profession == "physician":
                gp = index == 0 or rng.random() < 0.65
                specialty = "general-practice" if gp else rng.choice(specialists)
            belgian = index > 0 and rng.random() < 0.08
            town, departement = (rng.choice(texts.BELGIAN_TOWNS), "") if belgian else rng.choice(texts.PLACES)
            first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
            pseudonym = self.unique_pseudonym(
                keys, self.pseudonym_for(profession, specialty, first, last, town, departement)
            )
            self.add_user(
                # Lower case, as sign-up stores addresses and log-in looks them up.
                email=MEMBER_EMAIL
                if index == 0
                else f"{ascii_word(first)}.{ascii_word(last)}.{index}@{DEMO_DOMAIN}".lower(),
                password_hash=password_hash,
                first_name=first,
                last_name=last,
                pseudonym=pseudonym,
                profession=profession,
                specialty=specialty,
                country="BE" if belgian else "FR",
                region=departement if departement and rng.random() < 0.75 else None,
                id_type="inami" if belgian else ID_TYPE_FR.get(profession, "adeli"),
                role="member",
                coi_declaration=rng.choice(texts.COI_DECLARATIONS)
                if profession == "physician" and rng.random() < 0.1
                else None,
            )
            keys.add(pseudonym_key(pseudonym))
            # A few members write most of the replies, as in every forum; the demo member is one of them.
            self.users[-1]["activity"] = max(rng.paretovariate(1.2), 3.0 if index == 0 else 0)
        # Without two-factor authentication: the first moderation page makes them enrol.
        moderator = dict(email=MODERATOR_EMAIL, password_hash=password_hash, first_name="Claire", last_name="Démo")
        moderator.update(profession="physician", specialty="general-practice", country="FR", id_type="rpps")
        self.add_user(**moderator, pseudonym=self.unique_pseudonym(keys, "Moderation_Demo"), role="moderator")
        self.members = [user for user in self.users if user["role"] == "member"]

    def pseudonym_for(self, profession: str, specialty: str | None, first: str, last: str, town: str, dept: str) -> str:
        """'DrMarieB29', 'Kiné_Lorient', 'Cardio_Rennes' and the like."""
        rng, initial, place = self.rng, last.replace(" ", "")[0], town.replace(" ", "-")
        if profession == "physician":
            nickname = texts.SPECIALTY_NICKNAMES.get(specialty or "", "Doc")
            patterns = [f"Dr{first}{initial}{dept}", f"{nickname}_{place}", f"Dr{first}{initial}", f"{nickname}{first}"]
        else:
            nickname = rng.choice(texts.PROFESSION_NICKNAMES[profession])
            patterns = [f"{nickname}_{place}", f"{nickname}{first}{dept}", f"{first}{initial}_{nickname}"]
        return rng.choice(patterns)

    def unique_pseudonym(self, taken: set[str], wanted: str) -> str:
        """The wanted pseudonym, or with a number appended until nobody holds it."""
        candidate, number = normalize_pseudonym(wanted[:30]), 2
        while pseudonym_key(candidate) in taken:
            candidate = normalize_pseudonym(f"{wanted[:27]}{number}")
            number += 1
        return candidate

    def add_user(self, **fields) -> int:
        """Queue one verified account; its dates are set once its first activity is known."""
        user_id, self.next_user_id = self.next_user_id, self.next_user_id + 1
        id_number = {"rpps": f"99{user_id:09d}", "adeli": f"99{user_id:07d}", "inami": f"99{user_id:09d}"}
        self.users.append(
            {
                **fields,
                "id": user_id,
                "id_number": id_number[fields["id_type"]],
                "pseudonym_key": pseudonym_key(fields["pseudonym"]),
                "session_key": secrets.token_urlsafe(24),
                "status": "verified",
                "locale": "fr",
                "charter_version": current_app.config["CHARTER_VERSION"],
                "notify_replies_by_email": self.rng.random() < 0.8,
            }
        )
        return user_id

    def date_members(self) -> None:
        """Each member joined (and accepted the charter) some days before their first activity."""
        rng = self.rng
        for user in self.users:
            joined = self.now - HISTORY * rng.uniform(0.05, 1.1)
            first = self.first_seen.get(user["id"])
            if first is not None:
                joined = min(joined, first - timedelta(days=rng.uniform(1, 30)))
            user.update(created_at=joined, charter_accepted_at=joined, email_confirmed_at=joined + timedelta(minutes=5))
            if user.get("coi_declaration"):
                user["coi_updated_at"] = joined + timedelta(days=1)
