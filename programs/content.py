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


# The lesson that answers each worry a member agreed with at intake ("they help us explain").
LESSON_FOR_WORRY = {
    "bending_harms": "fear-of-movement",
    "pain_means_harm": "tissue-tolerance",
    "rest_until_better": "why-avoiding-your-back-backfires",
}
# And the lesson for each track, so the reason for the track can point somewhere.
LESSON_FOR_TRACK = {"sciatica": "living-with-sciatica", "active-ageing": "ageing-well"}


def lessons_for(intake) -> list[dict]:
    """The lessons that speak to what this member told us: each worry they agreed with, then
    their track's lesson. Each item: the lesson plus the worry in the member's own terms."""
    chosen: list[dict] = []
    for statement in fear_statements():
        if getattr(intake, f"fear_{statement['key']}", None):
            item = lesson(LESSON_FOR_WORRY.get(statement["key"], ""))
            if item is not None:
                chosen.append({**item, "because": statement["text"]})
    track_lesson = lesson(LESSON_FOR_TRACK.get(getattr(intake, "track", ""), ""))
    if track_lesson is not None and all(c["slug"] != track_lesson["slug"] for c in chosen):
        chosen.append({**track_lesson, "because": ""})
    return chosen
