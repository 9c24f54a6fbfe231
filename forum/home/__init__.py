"""The home page and help pages."""
