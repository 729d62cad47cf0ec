"""Writes for goals and the four-weekly re-checks. Answers are added, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from programs.content import function_questionnaire
from programs.engine import outcomes
from programs.models import (
    CheckKind,
    Goal,
    GoalRating,
    Intake,
    OutcomeCheck,
    RecheckSkip,
)
from programs.outcome_models import MAX_ACTIVE_GOALS
from programs.selectors.sessions import member_zone
from programs.services.coach_alerts import coach_alert_raise
from programs.services.milestones import milestones_after_goal_ratings


def _lock_member(member) -> None:
    """Serialise a member's goal writes so two tabs cannot both add a fourth goal."""
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()


def _own_active_goal(*, member, goal: Goal) -> Goal:
    if goal.member_id != member.id:
        raise PermissionDenied
    if goal.ended_at is not None:
        raise ValidationError("That goal was removed.")
    return goal


def _clean_function_answers(answers: dict) -> tuple[dict[str, int], int | None]:
    items = function_questionnaire()["items"]
    allowed = {item["key"]: {o["score"] for o in item["options"]} for item in items}
    clean = {}
    for key, value in (answers or {}).items():
        if key not in allowed or value not in allowed[key]:
            raise ValidationError(f"Unknown answer for {key!r}.")
        clean[key] = int(value)
    score = sum(clean.values()) if len(clean) == len(items) else None
    return clean, score


@transaction.atomic
def goal_add(*, member, activity: str, rating: int, today: date) -> Goal:
    activity = " ".join((activity or "").split())
    if not activity:
        raise ValidationError({"activity": "Name the activity, in a few words."})
    _lock_member(member)
    if Goal.objects.filter(member=member, ended_at__isnull=True).count() >= MAX_ACTIVE_GOALS:
        raise ValidationError(
            f"You have {MAX_ACTIVE_GOALS} goals already: remove one to add another."
        )
    goal = Goal(member=member, activity=activity)
    goal.full_clean(exclude=["member"])
    goal.save()
    rating_row = GoalRating(goal=goal, rating=rating, rated_on=today)
    rating_row.full_clean(exclude=["goal"])
    rating_row.save()
    return goal


@transaction.atomic
def goal_rate(*, member, goal: Goal, rating: int, today: date) -> GoalRating:
    goal = _own_active_goal(member=member, goal=goal)
    row = GoalRating(goal=goal, rating=rating, rated_on=today)
    row.full_clean(exclude=["goal"])
    row.save()
    milestones_after_goal_ratings(member=member, ratings=[row], today=today)
    return row


@transaction.atomic
def goal_end(*, member, goal: Goal) -> Goal:
    goal = _own_active_goal(member=member, goal=goal)
    goal.ended_at = timezone.now()
    goal.save(update_fields=["ended_at"])
    return goal


@transaction.atomic
def outcome_baseline_record(*, member, intake: Intake, today: date) -> OutcomeCheck:
    """The intake's answers as the first point of the series. Recorded once: editing the
    intake later never moves the starting point."""
    existing = OutcomeCheck.objects.filter(member=member, kind=CheckKind.INTAKE).first()
    if existing is not None:
        return existing
    answers, score = _clean_function_answers(intake.function_answers or {})
    check = OutcomeCheck(
        member=member,
        kind=CheckKind.INTAKE,
        taken_on=today,
        pain_usual=intake.pain_now,
        pain_worst=intake.pain_worst,
        function_answers=answers,
        function_score=score,
    )
    check.full_clean(exclude=["member"])
    check.save()
    return check


@dataclass(frozen=True)
class RecheckResult:
    check: OutcomeCheck
    concerns: tuple[outcomes.Concern, ...]  # each one told the coaches


@dataclass(frozen=True)
class _Verdict:
    start: OutcomeCheck
    concerns: tuple[outcomes.Concern, ...]
    response: outcomes.Response


def _recheck_verdict(
    *,
    start: OutcomeCheck,
    taken_on: date,
    pain_usual: int,
    function_score: int | None,
    goal_ratings: dict[int, int],
) -> _Verdict:
    """The engine's reading of a re-check against the start: its concerns (each one a coach
    alert) and how the member is responding (stored for the coaches' non-responder filter)."""
    first_ratings: dict[int, int] = {}
    for rating in GoalRating.objects.filter(goal_id__in=goal_ratings).order_by(
        "rated_on", "created_at", "id"
    ):
        first_ratings.setdefault(rating.goal_id, rating.rating)
    goal_changes = tuple(
        outcomes.goal_change(start=first_ratings[goal_id], now=now)
        for goal_id, now in goal_ratings.items()
        if goal_id in first_ratings
    )
    concerns = outcomes.recheck_concerns(
        started_on=start.taken_on,
        taken_on=taken_on,
        start_pain=start.pain_usual,
        now_pain=pain_usual,
        start_function=start.function_score,
        now_function=function_score,
        goal_changes=goal_changes,
    )
    changes = list(goal_changes)
    if start.pain_usual is not None:
        changes.append(outcomes.pain_change(start=start.pain_usual, now=pain_usual))
    if start.function_score is not None and function_score is not None:
        changes.append(outcomes.function_change(start=start.function_score, now=function_score))
    response = outcomes.recheck_response(concerns=concerns, changes=tuple(changes))
    return _Verdict(start=start, concerns=concerns, response=response)


@transaction.atomic
def recheck_submit(
    *,
    member,
    today: date,
    pain_usual: int,
    pain_worst: int,
    function_answers: dict[str, int],
    goal_ratings: dict[int, int],
) -> RecheckResult:
    """A four-weekly re-check: a new row every time, with a rating for each goal named. No
    improvement or a worsening against the start raises a coach alert."""
    intake = Intake.objects.filter(member=member, completed_at__isnull=False).first()
    if intake is None:
        raise ValidationError("Finish the intake first.")
    start = OutcomeCheck.objects.filter(member=member, kind=CheckKind.INTAKE).first()
    if start is None:
        started = timezone.localtime(intake.completed_at, member_zone(member)).date()
        start = outcome_baseline_record(member=member, intake=intake, today=min(started, today))
    answers, score = _clean_function_answers(function_answers)
    goals = {g.pk: g for g in Goal.objects.filter(member=member, ended_at__isnull=True)}
    if any(goal_id not in goals for goal_id in goal_ratings):
        raise ValidationError("That goal is not one of yours.")
    verdict = _recheck_verdict(
        start=start,
        taken_on=today,
        pain_usual=pain_usual,
        function_score=score,
        goal_ratings=goal_ratings,
    )
    check = OutcomeCheck(
        member=member,
        kind=CheckKind.RECHECK,
        taken_on=today,
        pain_usual=pain_usual,
        pain_worst=pain_worst,
        function_answers=answers,
        function_score=score,
        response=verdict.response.value,
    )
    check.full_clean(exclude=["member"])
    check.save()
    rows = []
    for goal_id, rating in goal_ratings.items():
        row = GoalRating(goal=goals[goal_id], outcome_check=check, rating=rating, rated_on=today)
        row.full_clean(exclude=["goal", "outcome_check"])
        rows.append(row)
    GoalRating.objects.bulk_create(rows)
    milestones_after_goal_ratings(member=member, ratings=rows, today=today)
    _recheck_tell_coaches(member=member, check=check, verdict=verdict)
    return RecheckResult(check=check, concerns=verdict.concerns)


def _recheck_tell_coaches(*, member, check: OutcomeCheck, verdict: _Verdict) -> None:
    """A re-check that shows no improvement, or a worsening, reaches the coaches (the rule is
    the engine's `recheck_concerns`)."""

    start = verdict.start
    weeks = (check.taken_on - start.taken_on).days // 7
    for concern in verdict.concerns:
        coach_alert_raise(
            member=member,
            cause=concern.value,
            detail=(
                f"Re-check on {check.taken_on:%-d %B}, {weeks} weeks in: usual pain "
                f"{check.pain_usual}/10 (start {start.pain_usual}/10), everyday tasks "
                f"{check.function_score} (start {start.function_score})."
            ),
        )


@transaction.atomic
def recheck_skip(*, member, today: date) -> RecheckSkip:
    skip, _created = RecheckSkip.objects.get_or_create(member=member, skipped_on=today)
    return skip


@transaction.atomic
def goals_add_many(*, member, goals: list[tuple[str, int]], today: date) -> list[Goal]:
    """The intake's goals section: all of them or none (the limit of three still holds)."""
    return [
        goal_add(member=member, activity=activity, rating=rating, today=today)
        for activity, rating in goals
    ]
