"""postgresql full-text search: documents, words, French and English configurations

Revision ID: d917503056a5
Revises: 1689c04084ed
Create Date: 2026-11-22 18:43:15.530312

The tables exist on every database (one schema, one set of models); the text search configurations,
the unaccent and pg_trgm extensions and the GIN indexes are PostgreSQL's alone.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "d917503056a5"
down_revision = "1689c04084ed"
branch_labels = None
depends_on = None

# Every kind of token the default parser finds in words, numbers and dotted names; tags, entities and
# spaces are left out. The analysis in Python hands over folded words, stop words removed.
TOKEN_TYPES = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart, "
    "email, url, host, url_path, file, sfloat, float, int, uint, version"
)
# No stop words: the Python analysis removed them already, and keeps medical abbreviations ("TA", "SA")
# that the snowball stop lists would drop.
CONFIGURATIONS = {"forum_fr": ("forum_french_stem", "french"), "forum_en": ("forum_english_stem", "english")}


def create_text_search():
    """Extensions (shared by the database), then this schema's dictionaries and configurations."""
    # Two schemas migrated at once (parallel test runs) would both try to create the extensions.
    op.execute("SELECT pg_advisory_xact_lock(hashtext('forum.search.extensions'))")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    unaccent = op.get_bind().scalar(
        sa.text(
            "SELECT quote_ident(n.nspname) || '.unaccent' FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
    )
    for configuration, (dictionary, language) in CONFIGURATIONS.items():
        op.execute(f"CREATE TEXT SEARCH DICTIONARY {dictionary} (TEMPLATE = snowball, Language = {language})")
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {configuration} (PARSER = default)")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {configuration} "
            f"ADD MAPPING FOR {TOKEN_TYPES} WITH {unaccent}, {dictionary}"
        )


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        create_text_search()
    op.create_table(
        "search_documents",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("french", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False),
        sa.Column("english", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("specialty", sa.String(length=40), nullable=False),
        sa.Column("question_type", sa.String(length=20), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_english", ["english"], unique=False, postgresql_using="gin")
        batch_op.create_index("ix_search_documents_french", ["french"], unique=False, postgresql_using="gin")
    if postgres:
        # Ranking reads both vectors of every match: they stay in the row (compressed if need be), and the
        # texts, read for the 20 snippets of a page, move out to TOAST first. Three times faster ranking on
        # the demo community than vectors fetched from TOAST, with a heap a third the size of whole rows.
        op.execute(
            "ALTER TABLE search_documents ALTER COLUMN french SET STORAGE MAIN, ALTER COLUMN english SET STORAGE MAIN"
        )

    op.create_table(
        "search_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    with op.batch_alter_table("search_words", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_words_trigrams",
            ["word"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        )


def downgrade():
    with op.batch_alter_table("search_words", schema=None) as batch_op:
        batch_op.drop_index("ix_search_words_trigrams", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"})

    op.drop_table("search_words")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_french", postgresql_using="gin")
        batch_op.drop_index("ix_search_documents_english", postgresql_using="gin")

    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "postgresql":
        # The extensions stay: other schemas of the database may use them.
        for configuration, (dictionary, _language) in CONFIGURATIONS.items():
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {configuration}")
            op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {dictionary}")
