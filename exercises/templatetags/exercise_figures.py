from django import template
from django.conf import settings
from django.urls import reverse

from exercises import selectors
from exercises.demonstrations import figure_for

register = template.Library()


@register.inclusion_tag("exercises/_figure.html")
def exercise_figure(exercise, mode: str = "animated"):
    """`{% exercise_figure exercise %}` animates; `{% exercise_figure exercise "still" %}` shows one pose."""
    still = mode == "still"
    return {
        "exercise": exercise,
        "figure": figure_for(exercise, animated=not still),
        "still": still,
        "mode": mode,
    }


@register.simple_tag
def exercise_figure_png_url(exercise) -> str:
    """Absolute address of the exercise's still figure (for emails); empty without keyframes."""
    if not exercise.demonstration:
        return ""
    path = reverse("exercises:figure_png", kwargs={"slug": exercise.slug})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@register.inclusion_tag("exercises/_sample.html")
def exercise_sample():
    """`{% exercise_sample %}`: one real exercise as a session shows it (figure, dose, hold timer)."""
    exercise = selectors.exercise_sample()
    return {
        "exercise": exercise,
        "figure": figure_for(exercise) if exercise else None,
        "mode": "animated",
        "still": False,
    }
