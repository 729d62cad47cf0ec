"""Reads for milestones: the new ones Today shows once, the list on Progress, the words for a
forum share (community reads `milestone_for_share` through programs.selectors), the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from programs.models import Milestone, MilestoneKind


@dataclass(frozen=True)
class MilestoneView:
    id: int
    kind: str
    title: str
    text: str
    reached_on: date


def _words(milestone: Milestone) -> tuple[str, str]:
    """A short title and one specific sentence, in our own words."""
    kind = milestone.kind
    if kind == MilestoneKind.PHASE:
        name = milestone.phase.name
        return (
            f"On to {name}",
            f"Your steady weeks opened {name} on {milestone.reached_on:%-d %B}. "
            "Doses start a little lighter in a new phase and build again from there.",
        )
    if kind == MilestoneKind.SESSIONS:
        count = milestone.sessions
        return (
            f"{count} sessions done",
            f"{count} finished sessions since you started: {count} small deposits in your back's "
            "account. They add up.",
        )
    if kind == MilestoneKind.GREEN_WEEK:
        return (
            "A week with every session green",
            f"In the week of {milestone.week_start:%-d %B} you did every planned session, and "
            "each one stayed easy on your back, the next morning too.",
        )
    return (
        f"{milestone.goal.activity}: {milestone.goal_from} → {milestone.goal_to}",
        f"You rate it {milestone.goal_to} out of 10 now, up from {milestone.goal_from} when you "
        "first rated it: a change you can feel from day to day.",
    )


def _view(milestone: Milestone) -> MilestoneView:
    title, text = _words(milestone)
    return MilestoneView(
        id=milestone.pk,
        kind=milestone.kind,
        title=title,
        text=text,
        reached_on=milestone.reached_on,
    )


def _for(member):
    return Milestone.objects.filter(member=member).select_related("phase", "goal")


def milestones_unseen(*, member) -> list[MilestoneView]:
    """Milestones Today has not shown yet, oldest first (one query)."""
    rows = _for(member).filter(seen_at__isnull=True).order_by("reached_on", "id")
    return [_view(row) for row in rows]


def milestones_for(*, member) -> list[MilestoneView]:
    """Every milestone of the member, newest first, for Progress (one query)."""
    return [_view(row) for row in _for(member).order_by("-reached_on", "-id")]


def milestone_for_share(*, member, milestone_id: int) -> MilestoneView | None:
    """One of the member's own milestones, or None (someone else's, or gone)."""
    row = _for(member).filter(pk=milestone_id).first()
    return _view(row) if row is not None else None


def milestones_export(*, member) -> dict:
    from backcore.accounts.lifecycle import export_row

    return {
        "milestones": [
            export_row(m)
            for m in Milestone.objects.filter(member=member).order_by("reached_on", "id")
        ]
    }
