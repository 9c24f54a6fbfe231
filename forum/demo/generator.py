"""Fill an empty database with a believable French-speaking community, deterministically and fast.

Rows are built in memory from a seeded random generator, with ids chosen here so that posts are
numbered in the order they were written, then inserted in bulk (executemany) in one transaction.
"""

import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import accumulate

from sqlalchemy import bindparam, func, select, text

from forum.accounts.passwords import hash_password
from forum.content.markdown import render_markdown
from forum.demo import texts
from forum.demo.people import HISTORY, MEMBER_EMAIL, MODERATOR_EMAIL, People
from forum.extensions import db
from forum.models import Case, CaseFollow, CaseRead, Flag, HelpfulVote, Notification, Post, Tag, User
from forum.models.cases import case_tags
from forum.models.columns import utcnow

CHUNK = 2000

Progress = Callable[[str, int, int], None]


class CommunityNotEmpty(RuntimeError):
    """The demo only fills a database without cases and without accounts other than admins."""


def community_is_empty() -> bool:
    """No case and no account other than admins: the state `forum init` leaves."""
    has_case = db.session.scalar(select(Case.id).limit(1)) is not None
    has_user = db.session.scalar(select(User.id).where(User.role != "admin").limit(1)) is not None
    return not has_case and not has_user


def build_community(
    members: int, cases: int, replies: int, seed: int = 1, password: str | None = None, progress: Progress | None = None
) -> dict:
    """Create `members` verified members, a demo moderator, `cases` cases and `replies` replies; return counts."""
    if members < 2 or cases < 0 or replies < 0 or (replies and not cases):
        raise ValueError("need at least 2 members, and at least one case to hold replies")
    if not community_is_empty():
        raise CommunityNotEmpty("the database already holds cases or accounts other than admins")
    builder = Builder(random.Random(seed), utcnow().replace(microsecond=0), progress or (lambda *args: None))
    builder.make_people(members, hash_password(password or secrets.token_urlsafe(18)))
    builder.make_cases(cases, replies)
    builder.insert_all()
    db.session.commit()
    return builder.counts()


def who_phrase(rng: random.Random, band: str, sex: str) -> str:
    """'une patiente de 67 ans', 'un nourrisson de 8 mois': an age, never a birth date."""
    if band == "<1":
        return f"un nourrisson de {rng.randint(1, 11)} mois"
    low, high = (90, 98) if band == "90+" else map(int, band.split("-"))
    age = rng.randint(low, high)
    if band == "1-9":
        return f"{'une' if sex == 'female' else 'un'} enfant de {age} ans"
    return f"{'une patiente' if sex == 'female' else 'un patient'} de {age} ans"


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table: header row, separator, body rows."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


class Builder(People):
    """Holds the rows of the community while they are drawn, then inserts them."""

    def __init__(self, rng: random.Random, now: datetime, progress: Progress):
        self.rng, self.now, self.progress = rng, now, progress
        self.users: list[dict] = []
        self.cases: list[dict] = []
        self.posts: list[dict] = []
        self.votes: list[dict] = []
        self.case_tag_names: list[tuple[int, list[str]]] = []
        self.flags: list[dict] = []
        self.html_cache: dict[str, str] = {}
        self.block_renders, self.checks_left = True, 100
        self.first_seen: dict[int, datetime] = {}
        self.replier_weights: dict[str, list[float]] = {}
        self.next_user_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1

    # People -----------------------------------------------------------------------------------------
    def weighted(self, weights: dict[str, float]) -> str:
        """One key of `weights`, drawn in proportion to its weight."""
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def seen(self, user_id: int, moment: datetime) -> None:
        """Remember the first activity of each member: they joined before it."""
        if moment < self.first_seen.get(user_id, moment + timedelta(seconds=1)):
            self.first_seen[user_id] = moment

    # Cases and replies ------------------------------------------------------------------------------
    def make_cases(self, count: int, replies: int) -> None:
        """Cases spread over eighteen months, replies spread unevenly over them, votes, accepted answers."""
        rng, scenarios = self.rng, texts.scenarios()
        moments = sorted(self.now - HISTORY * rng.random() ** 1.3 for _ in range(count))
        sizes = self.reply_sizes(count, replies, moments)
        next_case_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        for index, created in enumerate(moments):
            scenario = rng.choice(scenarios)
            self.make_case(next_case_id + index, scenario, created, sizes[index])
            if (index + 1) % 500 == 0:
                self.progress("cases drawn", index + 1, count)
        self.number_posts()
        self.accept_answers(solved_share=0.4)
        self.make_flags()

    def reply_sizes(self, count: int, replies: int, moments: list[datetime]) -> list[int]:
        """How many replies each case gets: uneven, some none, and a few exactly 20 (the benchmark's case)."""
        rng = self.rng
        twenty = min(max(1, count // 100), replies // 20)
        if twenty == count and replies != 20 * count:
            twenty = count - 1
        older = [i for i in range(count) if self.now - moments[i] > timedelta(days=30)] or list(range(count))
        fixed = set(rng.sample(older, min(twenty, len(older))))
        others = [i for i in range(count) if i not in fixed]
        weights = [0.0 if rng.random() < 0.08 else min(rng.lognormvariate(0, 0.9), 6.0) for _ in others]
        weights = weights if sum(weights) else [1.0] * len(others)
        sizes = [20 if i in fixed else 0 for i in range(count)]
        for pick in rng.choices(others, weights=weights, k=replies - 20 * len(fixed)) if others else []:
            sizes[pick] += 1
        return sizes

    def make_case(self, case_id: int, scenario: dict, created: datetime, size: int) -> None:
        """One case with its opening post, its replies and their votes."""
        rng = self.rng
        band, sex = rng.choice(scenario["ages"]), rng.choice(scenario["sexes"])
        who = who_phrase(rng, band, sex)
        author = self.pick_author(scenario)
        anonymous = rng.random() < 0.1
        title = rng.choice(scenario["titles"])
        if not title.endswith("?") and rng.random() < 0.5:
            title += " — " + who.split(" ", 1)[1].replace("patiente", "femme").replace("patient", "homme")
        case = dict(id=case_id, author_id=author["id"], anonymous=anonymous, title=title[:200], age_band=band)
        case.update(specialty=scenario["specialty"], question_type=scenario["question_type"], patient_sex=sex)
        case.update(created_at=created, created_month=created.strftime("%Y-%m"), scenario=scenario, posts=[])
        self.cases.append(case)
        self.case_tag_names.append((case_id, list(scenario["tags"])))
        self.add_post(case, author["id"], self.case_body(scenario, who, sex), created, opening=True)
        self.seen(author["id"], created)
        span = min(self.now - created, timedelta(days=rng.choice((1, 3, 7, 21, 60))))
        moments = sorted(created + timedelta(seconds=60) + span * rng.random() ** 1.7 for _ in range(size))
        given: set[str] = set()
        for moment in moments:
            by_author = len(case["posts"]) > 1 and rng.random() < 0.12
            replier = author if by_author else self.pick_replier(scenario, author["id"])
            body = [rng.choice(texts.AUTHOR_FOLLOW_UPS)] if by_author else self.reply_body(scenario, given)
            earlier = [post for post in case["posts"][1:] if post["author_id"] != replier["id"]]
            quoted = rng.choice(earlier) if earlier and rng.random() < 0.08 else None
            post = self.add_post(case, replier["id"], body, min(moment, self.now), quoted=quoted)
            self.seen(replier["id"], post["created_at"])
            if not by_author:
                self.add_votes(post)

    def pick_author(self, scenario: dict) -> dict:
        """A member of a profession that would write this case, specialists favoured in their field."""
        candidates = [m for m in self.members if m["profession"] in scenario["authors"]] or self.members
        weights = [m["activity"] * (4 if m["specialty"] == scenario["specialty"] else 1) for m in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def pick_replier(self, scenario: dict, author_id: int) -> dict:
        """Any member but the author, the active ones and the specialists of the field more often."""
        table = self.replier_weights.get(scenario["specialty"])
        if table is None:
            weights = [m["activity"] * (5 if m["specialty"] == scenario["specialty"] else 1) for m in self.members]
            table = self.replier_weights[scenario["specialty"]] = list(accumulate(weights))
        while True:
            member = self.rng.choices(self.members, cum_weights=table)[0]
            if member["id"] != author_id:
                return member

    def case_body(self, scenario: dict, who: str, sex: str) -> list[str]:
        """The opening post: context, findings as a list, sometimes a table, the question."""
        rng = self.rng
        feminine = "e" if sex == "female" else ""
        context = scenario["context"].format(who=who, Who=who[0].upper() + who[1:], e=feminine)
        count = rng.randint(min(3, len(scenario["findings"])), len(scenario["findings"]))
        findings = [scenario["findings"][i] for i in sorted(rng.sample(range(len(scenario["findings"])), count))]
        heading = rng.choice(("**Éléments du dossier :**", "**Ce que je retrouve :**", "**En résumé :**"))
        parts = [context, heading, "\n".join(f"- {item}" for item in findings)]
        if scenario["table"] and rng.random() < 0.6:
            parts.append(markdown_table(scenario["table"]))
        parts.append(f"**Ma question :** {scenario['question']}")
        parts.append(rng.choice(("Merci d'avance pour vos avis.", "Merci pour vos retours !", "")))
        return [part for part in parts if part]

    def reply_body(self, scenario: dict, given: set[str]) -> list[str]:
        """A reply: a greeting, one or two pieces of advice not yet given in the thread (or agreement), a closing."""
        rng = self.rng
        fresh = [item for item in scenario["advice"] if item not in given]
        advice = rng.sample(fresh, min(len(fresh), rng.choice((1, 1, 2)))) or [rng.choice(texts.AGREEMENTS)]
        given.update(advice)
        if len(advice) > 1 and rng.random() < 0.5:
            advice = ["\n".join(f"- {item}" for item in advice)]
        nuance = rng.choice(texts.NUANCES) if fresh else ""
        parts = (rng.choice(texts.OPENERS), *advice, nuance, rng.choice(texts.CLOSINGS))
        return [part for part in parts if part]

    def add_post(self, case: dict, author_id: int, blocks: list[str], moment: datetime, opening=False, quoted=None):
        """Queue a post made of Markdown blocks; its id is given once every post is drawn, in writing order."""
        anonymous = case["anonymous"] and author_id == case["author_id"]
        post = dict(case=case, case_id=case["id"], author_id=author_id, is_opening=opening, quoted=quoted)
        body_md, body_html = self.markdown(blocks)
        post.update(anonymous=anonymous, body_md=body_md, body_html=body_html, helpful_count=0, created_at=moment)
        case["posts"].append(post)
        self.posts.append(post)
        return post

    def html(self, markdown: str) -> str:
        """render_markdown, once per distinct text."""
        if markdown not in self.html_cache:
            self.html_cache[markdown] = render_markdown(markdown)
        return self.html_cache[markdown]

    def markdown(self, blocks: list[str]) -> tuple[str, str]:
        """A text of blocks separated by blank lines, and its HTML: the blocks' renders put end to end.

        Blocks render independently, so this equals render_markdown of the whole text at a fraction
        of the cost (the blocks repeat, whole texts rarely do). The first texts are checked in full,
        and any difference turns the shortcut off.
        """
        body = "\n\n".join(blocks)
        if self.checks_left > 0:
            self.checks_left -= 1
            if render_markdown(body) != "".join(self.html(block) for block in blocks):
                self.checks_left, self.block_renders = 0, False
        html = "".join(self.html(block) for block in blocks) if self.block_renders else self.html(body)
        return body, html

    def add_votes(self, post: dict) -> None:
        """A few colleagues mark a reply helpful; never its author."""
        rng = self.rng
        wanted = rng.choices((0, 1, 2, 3, 5), weights=(45, 25, 15, 10, 5))[0]
        sample = rng.sample(self.members, min(wanted + 1, len(self.members)))
        for voter in [m["id"] for m in sample if m["id"] != post["author_id"]][:wanted]:
            moment = min(post["created_at"] + timedelta(hours=rng.uniform(0.2, 72)), self.now)
            self.votes.append({"post": post, "user_id": voter, "created_at": moment})
            self.seen(voter, moment)
            post["helpful_count"] += 1

    def number_posts(self) -> None:
        """Ids in writing order; then each case's reply count, last post and last activity."""
        first_id = (db.session.scalar(select(func.max(Post.id))) or 0) + 1
        self.posts.sort(key=lambda post: (post["created_at"], post["case"]["id"], not post["is_opening"]))
        for number, post in enumerate(self.posts, start=first_id):
            post["id"] = number
        for case in self.cases:
            case["posts"].sort(key=lambda post: post["id"])
            case["reply_count"] = len(case["posts"]) - 1
            case["last_post_id"] = case["posts"][-1]["id"]
            case["last_activity_at"] = case["posts"][-1]["created_at"]

    def accept_answers(self, solved_share: float) -> None:
        """About `solved_share` of all cases get an accepted answer; some solved cases tell their outcome."""
        rng = self.rng
        answerable = [c for c in self.cases if any(p["author_id"] != c["author_id"] for p in c["posts"][1:])]
        chance = min(0.95, solved_share * len(self.cases) / len(answerable)) if answerable else 0
        for case in answerable:
            if rng.random() >= chance:
                continue
            candidates = [p for p in case["posts"][1:] if p["author_id"] != case["author_id"]]
            accepted = rng.choices(candidates, weights=[1 + 2 * p["helpful_count"] for p in candidates])[0]
            solved_at = min(accepted["created_at"] + timedelta(hours=rng.uniform(1, 96)), self.now)
            case.update(status="solved", accepted=accepted, solved_at=solved_at)
            if rng.random() < 0.3 and solved_at + timedelta(days=10) < self.now:
                outcome = rng.choice((case["scenario"]["outcome"],) * 4 + texts.GENERIC_OUTCOMES)
                outcome_at = solved_at + timedelta(days=rng.uniform(3, 10))
                case.update(outcome_md=outcome, outcome_html=self.html(outcome), outcome_at=outcome_at)

    def make_flags(self) -> None:
        """A few open reports, so the moderation queue has something to show."""
        rng = self.rng
        replies = [p for p in self.posts if not p["is_opening"]]
        for post in rng.sample(replies, min(3, len(replies) // 50)):
            reporters = [m for m in self.members if m["id"] != post["author_id"]]
            moment = min(post["created_at"] + timedelta(hours=rng.uniform(1, 48)), self.now)
            reporter_id, reason = rng.choice(reporters)["id"], rng.choice(texts.FLAG_REASONS)
            self.flags.append(dict(post_id=post["id"], reporter_id=reporter_id, reason=reason, created_at=moment))

    # Insertion --------------------------------------------------------------------------------------
    def insert_all(self) -> None:
        """Everything in bulk, parents first; accepted answers once their posts exist."""
        self.date_members()
        self.insert(User.__table__, self.users, "members")
        tag_ids = self.tag_ids({name for _, names in self.case_tag_names for name in names})
        self.insert(Case.__table__, self.cases, "cases")
        tags = [dict(case_id=case_id, tag_id=tag_ids[name]) for case_id, names in self.case_tag_names for name in names]
        self.insert(case_tags, tags, "case tags")
        for post in self.posts:
            post["quoted_post_id"] = post["quoted"]["id"] if post["quoted"] else None
        self.insert(Post.__table__, self.posts, "posts")
        accepted = [dict(case_id=c["id"], post_id=c["accepted"]["id"]) for c in self.cases if c.get("accepted")]
        if accepted:
            statement = Case.__table__.update().where(Case.__table__.c.id == bindparam("case_id"))
            db.session.execute(statement.values(accepted_post_id=bindparam("post_id")), accepted)
        for vote in self.votes:
            vote["post_id"] = vote["post"]["id"]
        self.insert(HelpfulVote.__table__, self.votes, "helpful votes")
        follows, reads = self.follows_and_reads()
        self.insert(CaseFollow.__table__, follows, "follows")
        self.insert(CaseRead.__table__, reads, "read markers")
        self.insert(Notification.__table__, self.notifications(), "notifications")
        self.insert(Flag.__table__, self.flags, "flags")
        if db.engine.dialect.name == "postgresql":
            for table in ("users", "cases", "posts"):
                db.session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}")
                )

    def insert(self, table, rows: list[dict], label: str) -> None:
        """executemany in chunks, telling progress; missing values take the column's default, or NULL."""
        if not rows:
            return
        # Every row gets the same keys; an id left out is the database's to give.
        defaults = {
            column.key: column.default.arg if column.default is not None and column.default.is_scalar else None
            for column in table.columns
            if column.key in rows[0] or not column.primary_key
        }
        for start in range(0, len(rows), CHUNK):
            chunk = [
                {key: row.get(key, default) for key, default in defaults.items()} for row in rows[start : start + CHUNK]
            ]
            db.session.execute(table.insert(), chunk)
            self.progress(label, min(start + CHUNK, len(rows)), len(rows))

    def tag_ids(self, names: set[str]) -> dict[str, int]:
        """Ids of the tags, creating the missing ones."""
        existing = dict(db.session.execute(select(Tag.name, Tag.id)).all())
        missing = sorted(names - set(existing))
        if missing:
            db.session.execute(Tag.__table__.insert(), [{"name": name} for name in missing])
            existing = dict(db.session.execute(select(Tag.name, Tag.id)).all())
        return existing

    def follows_and_reads(self) -> tuple[list[dict], list[dict]]:
        """Authors and repliers follow their cases and have read them up to their own last post."""
        follows, reads = [], []
        for case in self.cases:
            last_post_by: dict[int, int] = {}
            for post in case["posts"]:
                last_post_by[post["author_id"]] = post["id"]
            for user_id, post_id in sorted(last_post_by.items()):
                follows.append(dict(case_id=case["id"], user_id=user_id))
                reads.append(dict(case_id=case["id"], user_id=user_id, last_read_post_id=post_id))
        return follows, reads

    def notifications(self) -> list[dict]:
        """Case authors are told of replies and members of their accepted answers; the last week is unread."""
        told = []
        for case in self.cases:
            for post in case["posts"][1:]:
                if post["author_id"] != case["author_id"]:
                    told.append((case["author_id"], "reply_to_my_case", post, post["created_at"]))
            if case.get("accepted"):
                told.append((case["accepted"]["author_id"], "answer_accepted", case["accepted"], case["solved_at"]))
        recent = self.now - timedelta(days=7)
        return [
            dict(user_id=user_id, kind=kind, case_id=post["case_id"], post_id=post["id"], created_at=moment,
                 read_at=moment + timedelta(hours=6) if moment < recent else None)
            for user_id, kind, post, moment in told
        ]  # fmt: skip

    def counts(self) -> dict:
        """What was created, and who to log in as."""
        return {
            "members": len(self.members),
            "moderators": 1,
            "cases": len(self.cases),
            "replies": len(self.posts) - len(self.cases),
            "helpful_votes": len(self.votes),
            "solved": sum(case.get("status") == "solved" for case in self.cases),
            "anonymous_cases": sum(case["anonymous"] for case in self.cases),
            "outcomes": sum(case.get("outcome_md") is not None for case in self.cases),
            "tags": len({name for _, names in self.case_tag_names for name in names}),
            "flags": len(self.flags),
            "member_email": MEMBER_EMAIL,
            "moderator_email": MODERATOR_EMAIL,
        }
