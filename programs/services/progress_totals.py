"""Progress's stored running totals (programs.progress_models.ProgressTotals)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from programs.models import ProgressTotals
from programs.selectors.member import week_start_of
from programs.selectors.progress import totals_before


@transaction.atomic
def progress_totals_roll(*, member_id: int, through_week: date) -> ProgressTotals | None:
    """Store the member's totals of every week before `through_week` (a Monday), computed
    from their history. Idempotent: the same week gives the same row. None for a member who
    no longer exists."""
    through_week = week_start_of(through_week)
    member = get_user_model().objects.filter(pk=member_id).first()
    if member is None:
        return None
    totals, _created = ProgressTotals.objects.update_or_create(
        member=member,
        defaults={
            "through_week": through_week,
            **totals_before(member=member, through_week=through_week),
        },
    )
    return totals


def progress_totals_forget_from(*, member_id: int, day: date) -> int:
    """A session on `day` changed: totals that include that day no longer hold (Progress
    reads the history again until they are stored anew)."""
    deleted, _ = ProgressTotals.objects.filter(member_id=member_id, through_week__gt=day).delete()
    return deleted
