"""Reads for the coach loop: the coach inbox, one alert, conversations, and what the member
sees of it ("a coach has been told", who replied)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.utils import timezone

from programs import engine
from programs.choices import EnrolmentStatus, SessionStatus
from programs.coach_models import AlertCause, CoachAlert, CoachAlertEvent, Conversation, Message
from programs.models import Enrolment, Intake, PlannedSession
from programs.outcome_models import OutcomeResponse
from programs.selectors.member import pain_record
from programs.selectors.outcomes import (
    goal_changes_by_member,
    outcome_summary,
    with_outcome_summary,
)

INBOX_PER_PAGE = 30
RECENT_DAYS = 14
RECENT_SESSIONS = 6
LOOP_DAYS = 14  # how long "a coach has been told" stays on Today and Progress


@dataclass
class RecentActivity:
    sessions: list = field(default_factory=list)  # newest first, each with its pain `light`
    done_in_window: int = 0

    @property
    def pains(self) -> list[int]:
        return [s.pain_during for s in self.sessions if s.pain_during is not None]


def _recent_by_member(member_ids: list[int], *, now: datetime) -> dict[int, RecentActivity]:
    """One query: each member's completed sessions in the last two weeks."""
    found: dict[int, RecentActivity] = {mid: RecentActivity() for mid in member_ids}
    if not member_ids:
        return found
    rows = (
        PlannedSession.objects.filter(
            member_id__in=member_ids,
            status=SessionStatus.COMPLETED,
            date__gte=(now - timedelta(days=RECENT_DAYS)).date(),
        )
        .only(
            "member_id",
            "date",
            "status",
            "pain_during",
            "effort",
            "sharp_pain",
            "morning_pain",
            "pain_before",
            "pain_spread",
        )
        .order_by("-date")
    )
    for row in rows:
        activity = found[row.member_id]
        activity.done_in_window += 1
        if len(activity.sessions) < RECENT_SESSIONS:
            # The engine's traffic light, so the strip marks what the engine calls red.
            row.light = engine.classify_session(
                pain_record(row), check_in_pending=row.morning_pain is None
            ).light.value
            activity.sessions.append(row)
    return found


def coach_inbox(*, show: str = "open", page=None, now: datetime | None = None) -> Page:
    """Open alerts first, most urgent then newest; each with the member's recent sessions."""
    now = now or timezone.now()
    alerts = CoachAlert.objects.select_related(
        "member__profile", "assigned_to__profile", "acknowledged_by__profile"
    )
    if show == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif show == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    alerts = alerts.annotate(
        open_first=Case(
            When(resolved_at__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-open_first", "-severity", "-last_raised_at", "-pk")
    alerts = with_outcome_summary(alerts)
    result = Paginator(alerts, INBOX_PER_PAGE).get_page(page)
    member_ids = sorted({a.member_id for a in result.object_list if a.member_id})
    recent = _recent_by_member(member_ids, now=now)
    goals = goal_changes_by_member(member_ids=member_ids)
    for alert in result.object_list:
        alert.recent = recent.get(alert.member_id, RecentActivity())
        alert.outcome = outcome_summary(alert, goals=goals.get(alert.member_id, ()))
    return result


def coach_non_responders(*, page=None, now: datetime | None = None) -> Page:
    """Members whose latest re-check shows their back not easing (or worse): the engine's
    stored verdict, newest re-check first, each with the change since their start, recent
    sessions and their latest alert (where the conversation lives)."""
    now = now or timezone.now()
    latest_alert = CoachAlert.objects.filter(member_id=OuterRef("pk")).order_by(
        "-last_raised_at", "-pk"
    )
    members = (
        with_outcome_summary(
            get_user_model().objects.filter(is_active=True).select_related("profile"),
            member="pk",
        )
        .filter(oc_latest_response=OutcomeResponse.NOT_RESPONDING)
        .annotate(latest_alert_id=Subquery(latest_alert.values("pk")[:1]))
        .order_by("-oc_latest_taken_on", "pk")
    )
    result = Paginator(members, INBOX_PER_PAGE).get_page(page)
    member_ids = [m.pk for m in result.object_list]
    recent = _recent_by_member(member_ids, now=now)
    goals = goal_changes_by_member(member_ids=member_ids)
    for member in result.object_list:
        member.recent = recent.get(member.pk, RecentActivity())
        member.outcome = outcome_summary(member, goals=goals.get(member.pk, ()))
    return result


def open_alert_count() -> int:
    return CoachAlert.objects.filter(resolved_at__isnull=True).count()


def coach_alert_page(*, alert_id: int, now: datetime | None = None) -> dict | None:
    now = now or timezone.now()
    alert = (
        CoachAlert.objects.select_related(
            "member__profile", "assigned_to__profile", "acknowledged_by__profile"
        )
        .prefetch_related(
            Prefetch("events", queryset=CoachAlertEvent.objects.order_by("created_at", "pk"))
        )
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return None
    context = {"alert": alert, "recent": RecentActivity(), "intake": None, "thread": []}
    if alert.member_id:
        context["recent"] = _recent_by_member([alert.member_id], now=now)[alert.member_id]
        context["intake"] = Intake.objects.filter(member_id=alert.member_id).first()
        context["paused_for_pain"] = Enrolment.objects.filter(
            member_id=alert.member_id, status=EnrolmentStatus.PAUSED_FOR_PAIN
        ).exists()
        context["thread"] = conversation_messages(member_id=alert.member_id)
        context["other_open"] = list(
            CoachAlert.objects.filter(member_id=alert.member_id, resolved_at__isnull=True)
            .exclude(pk=alert.pk)
            .order_by("-severity", "-last_raised_at")
        )
    return context


def conversation_messages(*, member_id: int) -> list[Message]:
    return list(
        Message.objects.filter(conversation__member_id=member_id).order_by("created_at", "pk")
    )


def conversation_for(*, member_id: int) -> Conversation | None:
    return Conversation.objects.filter(member_id=member_id).first()


def message_for_viewer(*, message_id: int, user) -> Message | None:
    """A message whose photo this person may see: their own conversation, or a coach."""
    message = Message.objects.select_related("conversation").filter(pk=message_id).first()
    if message is None:
        return None
    if message.conversation.member_id == user.pk or (user.is_staff and user.is_coach):
        return message
    return None


@dataclass(frozen=True)
class CoachLoop:
    """What the member sees on Today and Progress."""

    told_at: datetime | None
    cause_label: str
    replied_by: str
    replied_at: datetime | None
    unread_reply: bool

    @property
    def shown(self) -> bool:
        return self.told_at is not None or self.replied_at is not None


def coach_loop_for(*, member, now: datetime | None = None) -> CoachLoop:
    """The latest alert raised and the latest coach reply in the last two weeks: one query."""
    now = now or timezone.now()
    since = now - timedelta(days=LOOP_DAYS)
    alert = CoachAlert.objects.filter(member_id=OuterRef("pk"), last_raised_at__gte=since).order_by(
        "-last_raised_at"
    )
    reply = Message.objects.filter(
        conversation__member_id=OuterRef("pk"), from_coach=True, created_at__gte=since
    ).order_by("-created_at")
    row = (
        get_user_model()
        .objects.filter(pk=member.pk)
        .values("pk")
        .annotate(
            told_at=Subquery(alert.values("last_raised_at")[:1]),
            cause=Subquery(alert.values("cause")[:1]),
            replied_at=Subquery(reply.values("created_at")[:1]),
            replied_by=Subquery(reply.values("author_name")[:1]),
            read_at=Subquery(
                Conversation.objects.filter(member_id=OuterRef("pk")).values("member_read_at")[:1]
            ),
        )
        .first()
    ) or {}
    replied_at, read_at = row.get("replied_at"), row.get("read_at")
    return CoachLoop(
        told_at=row.get("told_at"),
        cause_label=str(AlertCause(row["cause"]).label) if row.get("cause") else "",
        replied_by=row.get("replied_by") or "",
        replied_at=replied_at,
        unread_reply=bool(replied_at and (read_at is None or read_at < replied_at)),
    )


def coach_loop_export(*, member) -> dict:
    """The member's conversation and the alerts raised about them, for the account export."""
    from backcore.accounts.lifecycle import export_row

    alerts = (
        CoachAlert.objects.filter(member=member)
        .prefetch_related(
            Prefetch("events", queryset=CoachAlertEvent.objects.order_by("created_at", "pk"))
        )
        .order_by("raised_at", "pk")
    )
    messages = Message.objects.filter(conversation__member=member).order_by("created_at", "pk")
    return {
        "coach_alerts": [
            {
                **export_row(a, skip={"member", "acknowledged_by", "assigned_to", "resolved_by"}),
                "history": [
                    {
                        "action": e.action,
                        "by": e.actor_name,
                        "note": e.note,
                        "at": e.created_at.isoformat(),
                    }
                    for e in a.events.all()
                ],
            }
            for a in alerts
        ],
        "coach_conversation": [
            export_row(c, skip={"member"}) for c in Conversation.objects.filter(member=member)
        ],
        "coach_messages": [
            export_row(m, skip={"author", "conversation", "body_html"}) for m in messages
        ],
    }
