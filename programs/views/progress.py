"""/progress/: charts, streak calendar, minutes under tension, phase, bests and decisions."""

from django.shortcuts import render

from backcore.accounts.decorators import member_required
from programs import charts
from programs.selectors.coach import coach_loop_for
from programs.selectors.milestones import milestones_for
from programs.selectors.outcomes import outcomes_for
from programs.selectors.progress import MAX_EXERCISE_CHARTS, progress_for
from programs.selectors.sessions import member_today


def _label(week) -> str:
    return f"{week:%-d %b}"


@member_required
def progress(request):
    today = member_today(request.user)
    data = progress_for(member=request.user, today=today)
    labels = [_label(w) for w in data.weeks]
    exercise_charts = [
        charts.exercise_chart(
            chart_id=f"chart-exercise-{ex.exercise_id}",
            exercise_name=ex.name,
            weeks=labels,
            values=[ex.by_week.get(w) for w in data.weeks],
            is_hold=ex.is_hold,
        )
        for ex in data.exercises[:MAX_EXERCISE_CHARTS]
    ]
    context = {
        "progress": data,
        "pain_chart": charts.pain_chart(
            weeks=labels, values=[data.pain_by_week.get(w) for w in data.weeks]
        ),
        "minutes_chart": charts.minutes_chart(
            weeks=labels, values=[data.minutes_by_week.get(w) for w in data.weeks]
        ),
        "exercise_charts": [c for c in exercise_charts if not c.is_empty],
        "weekday_initials": ["M", "T", "W", "T", "F", "S", "S"],
        "coach_loop": coach_loop_for(member=request.user),
        "outcomes": outcomes_for(member=request.user, today=today),
        "milestones": milestones_for(member=request.user),
    }
    return render(request, "programs/progress.html", context)
