"""The clinician report: what a member can hand to a physiotherapist or doctor.

One read for both the print page and the PDF, in a fixed number of queries however long the
member's history (the programme bundle is the cached one every member page uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Max, Prefetch, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from programs.choices import (
    CLINICIAN_FLAGS,
    EMERGENCY_FLAGS,
    WEEKDAY_NAMES,
    DecisionKind,
    Equipment,
    SessionStatus,
)
from programs.content import fear_statements, function_questionnaire
from programs.engine.outcomes import Change, goal_change, pain_change
from programs.engine.wording import describe_dose
from programs.models import (
    Enrolment,
    Goal,
    GoalRating,
    Intake,
    MemberDose,
    OutcomeCheck,
    PainEscalation,
    PlannedSession,
    ProgressionDecision,
    SafetyScreen,
)
from programs.outcome_models import FUNCTION_MAX_SCORE
from programs.selectors.member import member_state, week_start_of
from programs.selectors.programme import ProgrammeBundle, dose_of, programme_build
from programs.selectors.sessions import member_zone
from programs.services.safety_gate import GateState, SafetyVerdict, verdict_for

REPORT_WEEKS = 26  # the weekly table covers the last six months
RECENT_DECISIONS = 20
RECENT_SCREENS = 10
RECENT_ESCALATIONS = 10
PHASE_CHANGES = (DecisionKind.ADVANCE_PHASE, DecisionKind.STEP_BACK)

# The safety gate's state in a clinician's words (the gate's own wording speaks to the member).
GATE_STATUS = {
    GateState.OPEN: "Active: sessions are planned",
    GateState.EMERGENCY: "Stopped: an emergency sign was reported",
    GateState.CLEARANCE_PENDING: "Waiting for a clinician's clearance before any session",
    GateState.PAUSED_FOR_PAIN: "Paused for pain: high pain even at the lightest doses",
    GateState.RESCREEN_REQUIRED: "Waiting for the member to answer the safety questions again",
    GateState.NOT_STARTED: "Not started: the intake is not finished",
    GateState.RESCREEN_OVERDUE: "Waiting: the four-weekly safety questions are overdue",
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class FlagAnswer:
    question: str
    answer: bool
    urgency: str  # "Emergency" or "See a clinician first"


@dataclass(frozen=True)
class Screening:
    on: date
    flags: list[str]


@dataclass(frozen=True)
class PhaseChange:
    week_start: date
    kind: str  # the decision kind's label
    phase: str  # the phase entered ("" when the reason names none)
    reason: str


@dataclass(frozen=True)
class DoseNow:
    exercise: str
    dose: str
    reason: str


@dataclass(frozen=True)
class WeekRow:
    week_start: date
    sessions: int
    pain_average: float | None
    pain_highest: int | None
    sharp: int


@dataclass(frozen=True)
class FunctionItem:
    text: str
    first: str
    latest: str


@dataclass(frozen=True)
class GoalSeries:
    activity: str
    ratings: list[tuple[date, int]]
    ended_on: date | None

    @property
    def change(self) -> Change | None:
        if len(self.ratings) < 2:
            return None
        return goal_change(start=self.ratings[0][1], now=self.ratings[-1][1])


@dataclass(frozen=True)
class DecisionRow:
    week_start: date
    exercise: str
    kind: str
    before: str
    after: str
    reason: str


@dataclass
class ClinicianReport:
    name: str
    email: str
    generated_on: date
    joined_on: date
    started_on: date | None = None  # the intake's completion, member's local date
    intake: Intake | None = None
    intake_rows: list[Row] = field(default_factory=list)
    fears: list[Row] = field(default_factory=list)
    flags: list[FlagAnswer] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    cleared_on: date | None = None
    enrolment: Enrolment | None = None
    phase_changes: list[PhaseChange] = field(default_factory=list)
    doses: list[DoseNow] = field(default_factory=list)
    weeks: list[WeekRow] = field(default_factory=list)
    checks: list[OutcomeCheck] = field(default_factory=list)
    pain_change: Change | None = None
    function_items: list[FunctionItem] = field(default_factory=list)
    goals: list[GoalSeries] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    escalations: list[PainEscalation] = field(default_factory=list)
    function_max: int = FUNCTION_MAX_SCORE
    gate: SafetyVerdict | None = None

    @property
    def status(self) -> str:
        return GATE_STATUS.get(self.gate.state, "") if self.gate else ""

    @property
    def sessions_stopped(self) -> bool:
        return self.gate is not None and self.gate.is_safety_stop

    @property
    def flags_reported(self) -> list[FlagAnswer]:
        return [flag for flag in self.flags if flag.answer]

    @property
    def sessions_total(self) -> int:
        return sum(week.sessions for week in self.weeks)


def _local_date(moment: datetime | None, zone) -> date | None:
    return timezone.localtime(moment, zone).date() if moment else None


def _yes_no(value: bool | None) -> str:
    return "Not answered" if value is None else ("Yes" if value else "No")


def _intake_rows(intake: Intake, zone) -> list[Row]:
    where = [
        name
        for name, on in (
            ("low back", intake.pain_low_back),
            ("buttock", intake.pain_buttock),
            ("leg", intake.pain_leg),
        )
        if on
    ]
    equipment = dict(Equipment.choices)
    days = [WEEKDAY_NAMES[day] for day in sorted(intake.training_weekdays)]
    rows = [
        Row("Intake completed", f"{_local_date(intake.completed_at, zone):%-d %B %Y}")
        if intake.completed_at
        else Row("Intake completed", "Not yet"),
        Row("Pain at intake", f"{intake.pain_now}/10"),
        Row("Where it hurts", ", ".join(where) or "Not said"),
        Row("How long", intake.get_duration_display() or "Not said"),
        Row("Age", intake.get_age_band_display() or "Not said"),
        Row("Activity before starting", intake.get_activity_level_display() or "Not said"),
        Row("Programme track", intake.get_track_display()),
        Row("Time per session", intake.get_minutes_per_day_display()),
        Row("Training days", ", ".join(days)),
        Row(
            "Equipment at hand",
            ", ".join(equipment.get(slug, slug) for slug in intake.equipment or []) or "None",
        ),
    ]
    if intake.function_score is not None:
        rows.append(
            Row("Everyday tasks score at intake", f"{intake.function_score}/{FUNCTION_MAX_SCORE}")
        )
    return rows


def _flags(intake: Intake) -> list[FlagAnswer]:
    emergency = [
        FlagAnswer(text, bool(getattr(intake, key)), "Emergency")
        for key, text in EMERGENCY_FLAGS.items()
    ]
    clinician = [
        FlagAnswer(text, bool(getattr(intake, key)), "See a clinician first")
        for key, text in CLINICIAN_FLAGS.items()
    ]
    return emergency + clinician


def _screenings(member, zone) -> tuple[list[Screening], datetime | None]:
    """The latest screenings, newest first, and when the last one was answered."""
    rows = list(
        SafetyScreen.objects.filter(member=member).order_by("-screened_at", "-id")[:RECENT_SCREENS]
    )
    questions = {**EMERGENCY_FLAGS, **CLINICIAN_FLAGS}
    screenings = [
        Screening(
            on=_local_date(screen.screened_at, zone),
            flags=[questions[key] for key in screen.emergency_flags + screen.clinician_flags],
        )
        for screen in rows
    ]
    return screenings, rows[0].screened_at if rows else None


def _phase_name(reason: str, bundle: ProgrammeBundle) -> str:
    """The phase a change entered, as its reason names it ("On to X!" / "Back to X:")."""
    for phase in bundle.phases_by_slug.values():
        if reason.startswith((f"On to {phase.name}", f"Back to {phase.name}")):
            return phase.name
    return ""


def _phase_changes(member, bundle: ProgrammeBundle) -> list[PhaseChange]:
    """One row per phase change: the engine writes a decision per exercise, all alike."""
    rows = (
        ProgressionDecision.objects.filter(member=member, kind__in=PHASE_CHANGES)
        .order_by("week_start", "id")
        .values_list("week_start", "kind", "reason")
    )
    labels = dict(DecisionKind.choices)
    changes: dict[date, PhaseChange] = {}
    for week, kind, reason in rows:
        if week not in changes:
            changes[week] = PhaseChange(week, labels[kind], _phase_name(reason, bundle), reason)
    return list(changes.values())


def _doses_now(bundle: ProgrammeBundle, intake, enrolment, doses) -> list[DoseNow]:
    """The doses the planner uses today: the current phase's pool, as Today shows them."""
    if intake is None or enrolment is None:
        return []
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    rows = []
    for slug, dose in state.doses.items():
        done = state.variations.get(slug, slug)
        spec = bundle.programme.exercises.get(done) or bundle.programme.exercise(slug)
        rows.append(
            DoseNow(
                exercise=bundle.exercise_names.get(done, slug),
                dose=describe_dose(dose, per_side=spec.per_side),
                reason=state.dose_reasons.get(slug, ""),
            )
        )
    return sorted(rows, key=lambda row: row.exercise)


def _weeks(member, today: date) -> list[WeekRow]:
    since = week_start_of(today) - timedelta(weeks=REPORT_WEEKS - 1)
    rows = (
        PlannedSession.objects.filter(
            member=member, status=SessionStatus.COMPLETED, date__gte=since
        )
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(
            count=Count("id"),
            pain=Avg("pain_during"),
            highest=Max("pain_during"),
            sharp=Count("id", filter=Q(sharp_pain=True)),
        )
        .order_by("week")
    )
    result = []
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime) else week
        result.append(
            WeekRow(
                week_start=week,
                sessions=row["count"],
                pain_average=round(float(row["pain"]), 1) if row["pain"] is not None else None,
                pain_highest=row["highest"],
                sharp=row["sharp"],
            )
        )
    return result


def _function_items(checks: list[OutcomeCheck]) -> list[FunctionItem]:
    answered = [c for c in checks if c.function_answers]
    if not answered:
        return []
    first, latest = answered[0].function_answers, answered[-1].function_answers
    items = []
    for item in function_questionnaire()["items"]:
        labels = {option["score"]: option["label"] for option in item["options"]}
        items.append(
            FunctionItem(
                text=item["text"],
                first=labels.get(first.get(item["key"]), "—"),
                latest=labels.get(latest.get(item["key"]), "—"),
            )
        )
    return items


def _goals(member, zone) -> list[GoalSeries]:
    goals = Goal.objects.filter(member=member).prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "created_at", "id"))
    )
    return [
        GoalSeries(
            activity=goal.activity,
            ratings=[(r.rated_on, r.rating) for r in goal.ratings.all()],
            ended_on=_local_date(goal.ended_at, zone),
        )
        for goal in goals.order_by("created_at", "id")
    ]


def _shown_dose(hold, reps, sets, per_side: bool) -> str:
    dose = dose_of(hold, reps, sets)
    return describe_dose(dose, per_side=per_side) if dose else "—"


def _decisions(member) -> list[DecisionRow]:
    rows = (
        ProgressionDecision.objects.filter(member=member)
        .select_related("exercise")
        .order_by("-week_start", "-id")[:RECENT_DECISIONS]
    )
    labels = dict(DecisionKind.choices)
    return [
        DecisionRow(
            week_start=d.week_start,
            exercise=d.exercise.name if d.exercise else "Phase",
            kind=labels.get(d.kind, d.kind),
            before=_shown_dose(
                d.before_hold_seconds,
                d.before_reps,
                d.before_sets,
                bool(d.exercise and d.exercise.per_side),
            ),
            after=_shown_dose(
                d.after_hold_seconds,
                d.after_reps,
                d.after_sets,
                bool(d.exercise and d.exercise.per_side),
            ),
            reason=d.reason,
        )
        for d in rows
    ]


def clinician_report(*, member, today: date) -> ClinicianReport:
    """Everything the report shows, in a fixed number of queries: intake, screenings,
    enrolment, phase changes, doses, weekly sessions, checks, goals (+ ratings), decisions
    and pain escalations."""
    zone = member_zone(member)
    bundle = programme_build()
    report = ClinicianReport(
        name=member.public_name,
        email=member.email,
        generated_on=today,
        joined_on=_local_date(member.date_joined, zone),
    )
    intake = Intake.objects.filter(member=member).first()
    enrolment = Enrolment.objects.filter(member=member).select_related("phase").first()
    report.intake, report.enrolment = intake, enrolment
    if intake is not None:
        report.intake_rows = _intake_rows(intake, zone)
        report.fears = [
            Row(s["text"], _yes_no(getattr(intake, f"fear_{s['key']}", None)))
            for s in fear_statements()
        ]
        report.flags = _flags(intake)
        report.cleared_on = intake.clinician_cleared_on
        report.started_on = _local_date(intake.completed_at, zone)
    report.screenings, last_screened_at = _screenings(member, zone)
    # The one safety gate, from the rows read above: whether sessions are given at all.
    report.gate = verdict_for(
        intake=intake, enrolment=enrolment, last_screened_at=last_screened_at, day=today
    )
    report.phase_changes = _phase_changes(member, bundle)
    doses = list(MemberDose.objects.filter(member=member)) if enrolment else []
    report.doses = _doses_now(bundle, intake, enrolment, doses)
    report.weeks = _weeks(member, today)
    report.checks = list(
        OutcomeCheck.objects.filter(member=member).order_by("taken_on", "created_at", "id")
    )
    usual = [(c.taken_on, c.pain_usual) for c in report.checks if c.pain_usual is not None]
    if len(usual) >= 2:
        report.pain_change = pain_change(start=usual[0][1], now=usual[-1][1])
    report.function_items = _function_items(report.checks)
    report.goals = _goals(member, zone)
    report.decisions = _decisions(member)
    report.escalations = list(
        PainEscalation.objects.filter(member=member).order_by("-day", "-id")[:RECENT_ESCALATIONS]
    )
    return report
