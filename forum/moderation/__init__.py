"""Moderation: the verification queue, the directory, the audit log."""
