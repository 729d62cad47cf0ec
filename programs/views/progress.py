"""/progress/: charts, streak calendar, minutes under tension, phase, bests and decisions."""

from datetime import timedelta

from django.utils import timezone

from backcore.accounts.decorators import member_required
from backcore.dispatch import send_on_commit
from programs import charts
from programs.selectors.coach import coach_loop_for
from programs.selectors.member import HISTORY_DAYS, week_start_of
from programs.selectors.milestones import milestones_for
from programs.selectors.outcomes import outcomes_for
from programs.selectors.page_cache import cached_page_body, hour_of, render_body, render_kept
from programs.selectors.progress import CHART_WEEKS, MAX_EXERCISE_CHARTS, progress_for
from programs.selectors.sessions import member_today


def _label(week) -> str:
    return f"{week:%-d %b}"


@member_required
def progress(request):
    today = member_today(request.user)
    now = timezone.now()

    def build() -> str:
        data = progress_for(member=request.user, today=today)
        if data.totals_behind:  # weeks left the charts since the totals were stored
            send_on_commit(
                "programs.tasks.progress_totals_roll",
                request.user.pk,
                data.charted_from.isoformat(),
            )
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
            "coach_loop": coach_loop_for(member=request.user, now=now),
            "outcomes": outcomes_for(member=request.user, today=today),
            "milestones": milestones_for(member=request.user),
        }
        return render_body(request, "programs/_progress_body.html", context)

    # Sessions are read from the first week any chart or the phase story can show; earlier
    # weeks come from the stored totals, which are in the fingerprint too.
    since = min(
        week_start_of(today) - timedelta(weeks=CHART_WEEKS - 1),
        today - timedelta(days=HISTORY_DAYS),
    )
    body = cached_page_body(
        request,
        page="progress",
        since=since,
        until=today + timedelta(days=6),
        parts=(today, hour_of(now)),
        build=build,
    )
    return render_kept(request, "programs/progress.html", body)
