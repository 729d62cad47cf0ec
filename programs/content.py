"""Lessons, FAQ and questionnaire text from programs/seed/lessons_v1.json (read once, lazily)."""

from functools import cache

from django.utils.safestring import SafeString, mark_safe

from backcore import markdown
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


def render_markdown(text: str) -> SafeString:
    """Lesson and FAQ text through the site's one Markdown sanitiser (backcore.markdown)."""
    return mark_safe(markdown.render(text or ""))
