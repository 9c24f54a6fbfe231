"""The charter: what members are promised about their data."""
