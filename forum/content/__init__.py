"""Content: what members write, turned into safe HTML, and the members it mentions."""

from forum.content.markdown import render_chat_markdown, render_markdown, sanitize_html
from forum.content.mentions import find_mentions

__all__ = ["find_mentions", "render_chat_markdown", "render_markdown", "sanitize_html"]
