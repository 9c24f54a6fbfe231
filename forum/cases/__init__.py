"""Case threads: ask colleagues, get answers, keep patients unidentifiable."""
