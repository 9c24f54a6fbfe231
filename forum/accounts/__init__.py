"""Accounts: sign-up, log-in, two-factor, profile."""
