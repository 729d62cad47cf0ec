"""The safety gate's verdict over every combination of red flags, clearance, pause, lift and
screen age (no database: the rows are built in memory)."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from programs.choices import CLINICIAN_FLAGS, EMERGENCY_FLAGS, EnrolmentStatus
from programs.models import Enrolment, Intake
from programs.services.safety_gate import (
    RESCREEN_AFTER_DAYS,
    RESCREEN_GRACE_DAYS,
    GateState,
    verdict_for,
)

TODAY = date(2026, 6, 15)
NOON = datetime(2026, 6, 15, 12, tzinfo=UTC)
STATUSES = [*EnrolmentStatus.values, "paused_for_pain"]


@settings(deadline=None)
@given(
    emergency=st.sets(st.sampled_from(sorted(EMERGENCY_FLAGS))),
    flagged=st.booleans(),
    clinician=st.sets(st.sampled_from(sorted(CLINICIAN_FLAGS))),
    cleared=st.booleans(),
    status=st.sampled_from(STATUSES) | st.none(),
    lifted=st.booleans(),
    completed=st.booleans(),
    screened_days_ago=st.integers(min_value=0, max_value=400),
)
def test_open_only_when_nothing_at_all_stands_in_the_way(
    emergency, flagged, clinician, cleared, status, lifted, completed, screened_days_ago
):
    intake = Intake(
        **dict.fromkeys(emergency | clinician, True),
        emergency_flagged_at=NOON if flagged else None,
        clinician_cleared_on=TODAY if cleared else None,
        rescreen_required_since=NOON if lifted else None,
        completed_at=NOON if completed else None,
        created_at=NOON - timedelta(days=500),
    )
    enrolment = Enrolment(status=status) if status is not None else None
    verdict = verdict_for(
        intake=intake,
        enrolment=enrolment,
        last_screened_at=NOON - timedelta(days=screened_days_ago),
        day=TODAY,
    )
    is_emergency = bool(emergency) or flagged
    pending = bool(clinician) and not cleared
    overdue = screened_days_ago >= RESCREEN_AFTER_DAYS + RESCREEN_GRACE_DAYS
    expected_open = not (
        is_emergency
        or pending
        or (status is not None and status != EnrolmentStatus.ACTIVE)
        or lifted
        or not completed
        or enrolment is None
        or overdue
    )
    assert verdict.is_open is expected_open
    # The strongest reason wins, and the member is always told something and sent somewhere.
    if is_emergency:
        assert verdict.state is GateState.EMERGENCY
        assert verdict.action_path == "/programme/urgent-care/"
    elif pending:
        assert verdict.state is GateState.CLEARANCE_PENDING
    if not verdict.is_open:
        assert verdict.heading and verdict.message and verdict.action_label
        assert verdict.action_path.startswith("/programme/")
    # Nothing but an unfinished intake or an open gate allows the visitors' sample session.
    assert verdict.allows_sample is (verdict.state in (GateState.OPEN, GateState.NOT_STARTED))


def test_no_intake_is_not_started_and_allows_the_sample():
    verdict = verdict_for(intake=None, enrolment=None, last_screened_at=None, day=TODAY)
    assert verdict.state is GateState.NOT_STARTED and verdict.allows_sample
