"""The one safety gate. Everything that shows, sends or records a session asks it first:
Today and the programme page, the player and its logging services, reminder emails, the
calendar feed and the sample session shown to visitors.

`safety_verdict()` reads the member's intake, enrolment and last safety screen in one query
and says whether the programme is open and, if not, why and what the member should see.
`safety_gate_ensure_open()` is the same check for writes: it raises `ProgrammeBlocked`.

Blocking reasons, strongest first:
- an emergency sign was reported (urgent care today; a coach lifts it with a note);
- a clinician sign waits for the member's recorded clearance;
- the programme is paused for pain (the engine's pause; lifted by a recorded clearance);
- a coach lifted an emergency block and the member has not answered the safety screen since;
- the intake is not finished (not a safety stop: there is simply no plan yet);
- the periodic safety screen is overdue past its grace period.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from backcore.accounts.models import profile_keep
from backcore.prepared import PLACEHOLDERS, prepared
from programs.choices import EnrolmentStatus, PainDuration
from programs.models import Enrolment, Intake, SafetyScreen
from programs.selectors.page_cache import member_fingerprint_column
from programs.selectors.sessions import member_today

RESCREEN_AFTER_DAYS = 28  # red flags are weak alone: ask again every four weeks
RESCREEN_GRACE_DAYS = 14  # then two weeks to answer before new plans stop
CLEARANCE_MAX_AGE_DAYS = 365  # a clearance older than a year is not for this episode

# The earliest the pain can have begun, by the intake's duration answer (None: no bound).
PAIN_BEGAN_WITHIN = {
    PainDuration.UNDER_6_WEEKS: timedelta(weeks=6),
    PainDuration.WEEKS_6_TO_12: timedelta(weeks=12),
    PainDuration.OVER_12_WEEKS: None,
}


class GateState(enum.StrEnum):
    OPEN = "open"
    EMERGENCY = "emergency"
    CLEARANCE_PENDING = "clearance_pending"
    PAUSED_FOR_PAIN = "paused_for_pain"
    RESCREEN_REQUIRED = "rescreen_required"
    NOT_STARTED = "not_started"
    RESCREEN_OVERDUE = "rescreen_overdue"


# The engine's pause for pain arrives as an enrolment status; any other status that is not
# "active" also closes the gate (fail closed), shown as a pause.
_STATUS_STATES = {
    EnrolmentStatus.BLOCKED_EMERGENCY: GateState.EMERGENCY,
    EnrolmentStatus.AWAITING_CLEARANCE: GateState.CLEARANCE_PENDING,
    EnrolmentStatus.PAUSED_FOR_PAIN: GateState.PAUSED_FOR_PAIN,
}


def enrolment_status_for(*, intake: Intake, current: str | None) -> str:
    """The enrolment status an intake implies. A pause for pain is not the intake's to lift:
    it stays through re-screens, emergency blocks and their lifting until a clearance is
    recorded (`intake_confirm_clearance`), and the gate still shows the stronger reason."""
    if current == EnrolmentStatus.PAUSED_FOR_PAIN:
        return EnrolmentStatus.PAUSED_FOR_PAIN
    if intake.emergency_flagged_at:
        return EnrolmentStatus.BLOCKED_EMERGENCY
    if intake.needs_clearance:
        return EnrolmentStatus.AWAITING_CLEARANCE
    return EnrolmentStatus.ACTIVE


@dataclass(frozen=True)
class _Wording:
    heading: str
    message: str
    action_label: str


WORDING: dict[GateState, _Wording] = {
    GateState.EMERGENCY: _Wording(
        "Your programme is paused: please get urgent care today",
        "You told us about a sign that a doctor needs to check today, before any more "
        "exercise. Your sessions stay paused until a coach has heard that you have been seen.",
        "What to do now",
    ),
    GateState.CLEARANCE_PENDING: _Wording(
        "Your sessions start once a clinician has cleared you",
        "You told us about something a doctor or physiotherapist should look at before you "
        "exercise on your own. When they have said it is fine, record the date and your "
        "sessions begin.",
        "Record your clearance",
    ),
    GateState.PAUSED_FOR_PAIN: _Wording(
        "Your programme is paused until a clinician has checked your back",
        "Your pain has stayed high even at the lightest doses, so exercise alone is not the "
        "answer right now. Please see a doctor or physiotherapist; once they have cleared "
        "you, record it and we restart gently.",
        "Record your clearance",
    ),
    GateState.RESCREEN_REQUIRED: _Wording(
        "Please answer the safety check again",
        "A coach has lifted the pause on your programme. Before your next session, answer "
        "the safety questions again so we know it is safe to carry on.",
        "Answer the safety check",
    ),
    GateState.NOT_STARTED: _Wording(
        "Finish your intake to get your plan",
        "A few questions about your back, your time and your equipment, and your first "
        "session is ready.",
        "Continue your intake",
    ),
    GateState.RESCREEN_OVERDUE: _Wording(
        "Your safety check is overdue",
        "It has been a while since you last answered the safety questions. New sessions "
        "wait until you answer them again; it takes about a minute.",
        "Answer the safety check",
    ),
}


@dataclass(frozen=True)
class SafetyVerdict:
    """Whether sessions may be shown, sent or recorded for a member on a day, and if not, why."""

    state: GateState
    intake: Intake | None = None
    enrolment: Enrolment | None = None
    rescreen_due_on: date | None = None  # the periodic safety check is asked for from here
    rescreen_blocks_on: date | None = None  # ... and new plans stop from here until answered
    day: date | None = None  # the member's day this verdict is for
    # The member pages' fingerprint, when asked for with the verdict (safety_verdict's
    # fingerprint_window) on PostgreSQL: not part of the verdict itself.
    fingerprint: str | None = field(default=None, compare=False)

    @property
    def is_open(self) -> bool:
        return self.state is GateState.OPEN

    @property
    def is_safety_stop(self) -> bool:
        """A red flag, a pause or a missing screen (not merely an unfinished intake)."""
        return self.state not in (GateState.OPEN, GateState.NOT_STARTED)

    @property
    def allows_sample(self) -> bool:
        """The visitors' sample session may be shown (no safety stop)."""
        return not self.is_safety_stop

    @property
    def needs_screen(self) -> bool:
        return self.state in (GateState.RESCREEN_REQUIRED, GateState.RESCREEN_OVERDUE)

    def rescreen_asked(self, today: date) -> bool:
        return self.rescreen_due_on is not None and today >= self.rescreen_due_on

    @property
    def heading(self) -> str:
        return WORDING[self.state].heading if self.state in WORDING else ""

    @property
    def message(self) -> str:
        return WORDING[self.state].message if self.state in WORDING else ""

    @property
    def action_label(self) -> str:
        return WORDING[self.state].action_label if self.state in WORDING else ""

    @property
    def action_path(self) -> str:
        """Where the member answers it: urgent care, the clearance step or the screen."""
        if self.state is GateState.EMERGENCY:
            return reverse("programs:urgent_care")
        if self.needs_screen:
            return reverse("programs:intake") + "?step=screen"
        if self.state is GateState.OPEN:
            return reverse("programs:today")
        return reverse("programs:intake")


class ProgrammeBlocked(PermissionDenied):
    """A write refused by the safety gate; carries the verdict for the caller to show."""

    def __init__(self, verdict: SafetyVerdict):
        self.verdict = verdict
        super().__init__(verdict.heading)


def _enrolment_of(intake: Intake) -> Enrolment | None:
    try:
        return intake.member.enrolment
    except ObjectDoesNotExist:
        return None


def verdict_for(
    *,
    intake: Intake | None,
    enrolment: Enrolment | None,
    last_screened_at: datetime | None,
    day: date,
) -> SafetyVerdict:
    """The verdict from rows already loaded (no queries)."""
    if intake is None:
        return SafetyVerdict(GateState.NOT_STARTED, day=day)
    screened = last_screened_at or intake.created_at
    due_on = blocks_on = None
    if screened is not None:
        screened_on = timezone.localtime(screened).date()
        due_on = screened_on + timedelta(days=RESCREEN_AFTER_DAYS)
        blocks_on = due_on + timedelta(days=RESCREEN_GRACE_DAYS)
    state = GateState.OPEN
    if intake.emergency_flagged_at or intake.has_emergency_flag:
        state = GateState.EMERGENCY
    elif intake.needs_clearance:
        state = GateState.CLEARANCE_PENDING
    elif enrolment is not None and enrolment.status != EnrolmentStatus.ACTIVE:
        state = _STATUS_STATES.get(enrolment.status, GateState.PAUSED_FOR_PAIN)
    elif intake.rescreen_required_since is not None:
        state = GateState.RESCREEN_REQUIRED
    elif intake.completed_at is None or enrolment is None:
        state = GateState.NOT_STARTED
    elif blocks_on is not None and day >= blocks_on:
        state = GateState.RESCREEN_OVERDUE
    return SafetyVerdict(
        state,
        intake=intake,
        enrolment=enrolment,
        rescreen_due_on=due_on,
        rescreen_blocks_on=blocks_on,
        day=day,
    )


def _gate_rows():
    """The member's intake with their enrolment, phase, profile and last safety screen."""
    last_screen = SafetyScreen.objects.filter(member_id=OuterRef("member_id")).order_by(
        "-screened_at", "-id"
    )
    return (
        Intake.objects.filter(member_id=PLACEHOLDERS["member"])
        .select_related("member__enrolment__phase", "member__profile")
        .annotate(last_screened_at=Subquery(last_screen.values("screened_at")[:1]))
        .order_by("pk")[:1]
    )


def _gate_rows_with_fingerprint():
    """The gate's row and, in the same statement (one snapshot), the member pages'
    fingerprint for a window of days."""
    return _gate_rows().annotate(page_fingerprint=member_fingerprint_column(F("member_id")))


def _keep_profile_on(member, intake: Intake) -> None:
    """The gate's row brought the member's profile: later reads of their timezone in this
    request (member_today) use it instead of asking the database again."""
    if intake.member.pk != member.pk:
        return
    try:
        profile = intake.member.profile
    except ObjectDoesNotExist:
        return
    profile_keep(member, profile)


def safety_verdict(
    *, member, day: date | None = None, fingerprint_window: tuple[date, date] | None = None
) -> SafetyVerdict:
    """The gate's verdict for `member` on `day` (their own today by default). One query,
    compiled once per process: it is asked on every request of every programme page.

    `fingerprint_window` (since, until): a kept member page's; on PostgreSQL the verdict then
    carries the member's fingerprint for it, read in the same query."""
    if fingerprint_window is not None and connection.vendor == "postgresql":
        gate = prepared(
            ("programs.safety_verdict", "with fingerprint"),
            _gate_rows_with_fingerprint,
            names=("member", "since", "until"),
            plan_once=True,
        )
        since, until = fingerprint_window
        found = gate.objects(member=member.pk, since=since, until=until)
    else:
        gate = prepared(("programs.safety_verdict",), _gate_rows, names=("member",), plan_once=True)
        found = gate.objects(member=member.pk)
    intake = found[0] if found else None
    if intake is not None:
        _keep_profile_on(member, intake)
    if day is None:
        day = member_today(member)
    verdict = verdict_for(
        intake=intake,
        enrolment=_enrolment_of(intake) if intake is not None else None,
        last_screened_at=getattr(intake, "last_screened_at", None),
        day=day,
    )
    fingerprint = getattr(intake, "page_fingerprint", None)
    return replace(verdict, fingerprint=fingerprint) if fingerprint is not None else verdict


def safety_gate_ensure_open(*, member, day: date | None = None) -> SafetyVerdict:
    """For services that record a session: refuse unless the gate is open."""
    verdict = safety_verdict(member=member, day=day)
    if not verdict.is_open:
        raise ProgrammeBlocked(verdict)
    return verdict


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def pain_began_no_earlier_than(intake: Intake) -> date | None:
    """The earliest day this episode of pain can have begun, from the intake's answer."""
    if not intake.duration or intake.completed_at is None:
        return None
    within = PAIN_BEGAN_WITHIN.get(intake.duration)
    if within is None:
        return None
    return timezone.localtime(intake.completed_at).date() - within


def clearance_date_error(*, intake: Intake, cleared_on: date, today: date) -> str | None:
    """Why a clearance date cannot be right, in the member's words (None: it can)."""
    if cleared_on > today:
        return "The clearance date cannot be in the future."
    oldest = _year_before(today)
    if cleared_on < oldest:
        return (
            "That clearance is more than 12 months old. Please check with a clinician again "
            "and record the date of that visit."
        )
    began = pain_began_no_earlier_than(intake)
    if began is not None and cleared_on < began:
        duration = PainDuration(intake.duration).label.lower()
        return (
            f"That date is before this back pain began (you told us you have had it for "
            f"{duration}). Enter the date a clinician checked you for this pain."
        )
    return None


def clearance_earliest_date(*, intake: Intake, today: date) -> date:
    """The earliest date the clearance form accepts (for the date picker)."""
    began = pain_began_no_earlier_than(intake)
    oldest = _year_before(today)
    return max(oldest, began) if began else oldest
