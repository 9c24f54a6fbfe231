"""All models, one module per domain."""

from forum.models.accounts import ROLES, STATUSES, ApiToken, RecoveryCode, User
from forum.models.audit import AuditEvent, AuditLogIsAppendOnly
from forum.models.directory import DirectoryEntry, DirectoryImport
from forum.models.verification import Evidence, Verification

__all__ = [
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
