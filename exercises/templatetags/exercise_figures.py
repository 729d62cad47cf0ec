from django import template

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
