"""All models, one module per domain."""

from forum.models.accounts import ROLES, STATUSES, ApiToken, RecoveryCode, User
from forum.models.audit import AuditEvent, AuditLogIsAppendOnly
from forum.models.cases import (
    AGE_BANDS,
    CASE_STATUSES,
    PATIENT_SEXES,
    QUESTION_TYPES,
    Case,
    CaseFollow,
    CaseRead,
    Flag,
    HelpfulVote,
    Post,
    PostVersion,
    RevealRequest,
    Tag,
)
from forum.models.charter import CharterNotice, ExportLogIsAppendOnly, ExportRecord, SponsorConsent
from forum.models.chat import (
    ChatCaseDraft,
    ChatConsent,
    ChatMember,
    ChatMessage,
    ChatQuestion,
    ChatReport,
    ChatRoom,
)
from forum.models.directory import DirectoryEntry, DirectoryImport
from forum.models.notifications import NOTIFICATION_KINDS, Notification
from forum.models.search import SearchDocument, SearchQueue, SearchWord
from forum.models.verification import Evidence, Verification

__all__ = [
    "AGE_BANDS",
    "CASE_STATUSES",
    "NOTIFICATION_KINDS",
    "PATIENT_SEXES",
    "QUESTION_TYPES",
    "Case",
    "CharterNotice",
    "ExportLogIsAppendOnly",
    "ExportRecord",
    "SponsorConsent",
    "ChatCaseDraft",
    "ChatConsent",
    "ChatMember",
    "ChatMessage",
    "ChatQuestion",
    "ChatReport",
    "ChatRoom",
    "CaseFollow",
    "CaseRead",
    "Flag",
    "HelpfulVote",
    "Notification",
    "Post",
    "PostVersion",
    "RevealRequest",
    "SearchDocument",
    "SearchQueue",
    "SearchWord",
    "Tag",
    "ROLES",
    "STATUSES",
    "ApiToken",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "DirectoryEntry",
    "DirectoryImport",
    "Evidence",
    "RecoveryCode",
    "User",
    "Verification",
]
