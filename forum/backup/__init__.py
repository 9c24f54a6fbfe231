"""Backups: a consistent snapshot of the database and the uploads, taken while the site runs, and restoring it."""
