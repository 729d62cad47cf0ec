"""Lessons, FAQ and questionnaire text from programs/seed/lessons_v1.json (read once, lazily)."""

from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from programs.seeding import load_json


@cache
def _content() -> dict:
    return load_json("lessons_v1.json")


def lessons() -> list[dict]:
    return _content()["lessons"]


def lesson(slug: str) -> dict | None:
    return next((item for item in lessons() if item["slug"] == slug), None)


def faq() -> list[dict]:
    return _content()["faq"]


def fear_statements() -> list[dict]:
    return _content()["fear_statements"]


def function_questionnaire() -> dict:
    return _content()["function_questionnaire"]


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("js-default")


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with raw HTML disabled ("js-default"), then cleaned once more."""
    return mark_safe(nh3.clean(_markdown().render(text or "")))
