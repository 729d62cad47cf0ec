import pytest

from exercises.models import Exercise
from programs.models import Phase, PoolEntry
from programs.seeding import seed_phases
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db


def test_migrations_seed_five_phases_in_order_with_pools():
    phases = list(Phase.objects.order_by("order").values_list("slug", "weekly_cap_percent"))
    assert [slug for slug, _ in phases] == [
        "reconnect",
        "isometric-holds",
        "partial-range",
        "compression-decompression",
        "functional-strength",
    ]
    assert all(5 <= cap <= 10 for _, cap in phases)
    for track in ("general", "sciatica", "active-ageing"):
        assert PoolEntry.objects.filter(phase__slug="reconnect", track=track).count() >= 5


def test_seeding_skips_missing_exercises_and_keeps_coach_edits():
    Phase.objects.filter(slug="reconnect").update(name="Reconnect (edited)")
    PoolEntry.objects.filter(exercise__slug="cat-cow").delete()
    Exercise.objects.filter(slug="cat-cow").delete()
    phases, entries, skipped = seed_phases(Phase=Phase, PoolEntry=PoolEntry, Exercise=Exercise)
    assert phases == 0 and entries == 0
    assert skipped == ["cat-cow"]
    assert Phase.objects.get(slug="reconnect").name == "Reconnect (edited)"


def test_coach_sees_phase_admin_and_intake_admin(client, coach):
    enrol(MemberFactory())
    client.force_login(coach)
    phase = Phase.objects.order_by("order").first()
    assert client.get(f"/admin/programs/phase/{phase.pk}/change/").status_code == 200
    assert client.get("/admin/programs/intake/").status_code == 200
    assert client.get("/admin/programs/safetyscreen/").status_code == 200


def test_admin_speaks_in_names_not_ids_or_masks(client, coach):
    from programs.models import Enrolment, Intake
    from programs.services import intake_screen_submit

    finished = MemberFactory()
    enrol(finished, training_days="1010100")
    unfinished = MemberFactory()
    intake_screen_submit(member=unfinished, answers={})
    client.force_login(coach)
    listing = client.get("/admin/programs/intake/").content.decode()
    assert "Mon, Wed, Fri" in listing and "1010100" not in listing
    unfinished_row = listing[listing.index(unfinished.email) :].split("</tr>")[0]
    assert "—" in unfinished_row and "0/10" not in unfinished_row
    detail = client.get(f"/admin/programs/intake/{Intake.objects.get(member=finished).pk}/change/")
    assert "Mon, Wed, Fri" in detail.content.decode()

    enrolment = Enrolment.objects.select_related("phase").get(member=finished)
    assert str(enrolment).endswith(f"in {enrolment.phase.name} (active)")

    phase = enrolment.phase
    page = client.get(f"/admin/programs/phase/{phase.pk}/change/").content.decode()
    entry = PoolEntry.objects.filter(phase=phase).select_related("exercise").first()
    assert entry.exercise.name in page  # the pool shows exercises by name
    assert "collapse" in page  # the simulation table waits behind its heading


def test_coach_lifts_an_emergency_block_with_a_note_and_the_member_screens_again(client, coach):
    from programs.models import EmergencyLift, Enrolment, Intake, PlannedSession
    from programs.services import intake_screen_submit, plan_day

    member = MemberFactory()
    enrol(member)
    intake_screen_submit(member=member, answers={"flag_leg_weakness": True})
    assert Enrolment.objects.get(member=member).status == "blocked_emergency"
    client.force_login(coach)
    intake = Intake.objects.get(member=member)
    chosen = {"action": "lift_emergency_block", "_selected_action": [intake.pk]}

    # The action first asks for a note and a confirmation; nothing changes yet.
    page = client.post("/admin/programs/intake/", chosen)
    assert page.status_code == 200
    assert b"Coach&#x27;s note" in page.content or b"Coach's note" in page.content
    for missing in ({"note": "", "confirm": "on"}, {"note": "Seen by her GP today, all clear."}):
        refused = client.post("/admin/programs/intake/", {**chosen, "apply": "1", **missing})
        assert refused.status_code == 200 and b"errorlist" in refused.content
    intake.refresh_from_db()
    assert intake.emergency_flagged_at is not None
    assert not EmergencyLift.objects.exists()

    done = client.post(
        "/admin/programs/intake/",
        {**chosen, "apply": "1", "note": "Seen by her GP today, all clear.", "confirm": "on"},
    )
    assert done.status_code == 302
    intake.refresh_from_db()
    assert intake.emergency_flagged_at is None and not intake.flag_leg_weakness
    assert intake.rescreen_required_since is not None
    lift = EmergencyLift.objects.get(member=member)
    assert lift.coach == coach and lift.note == "Seen by her GP today, all clear."
    # No plan until the member has answered the safety screen again.
    PlannedSession.objects.filter(member=member).delete()
    assert plan_day(member=member) is None
    intake_screen_submit(member=member, answers={})
    assert plan_day(member=member) is not None


def test_admin_rejects_mixed_dose_kinds(admin_client):
    phase = Phase.objects.order_by("order").first()
    exercise = Exercise.objects.exclude(
        pk__in=PoolEntry.objects.filter(phase=phase, track="general").values("exercise")
    ).first()
    response = admin_client.post(
        "/admin/programs/poolentry/add/",
        {
            "phase": phase.pk,
            "track": "general",
            "exercise": exercise.pk,
            "order": 9,
            "start_hold_seconds": 10,
            "start_sets": 1,
            "ceiling_reps": 12,
            "ceiling_sets": 2,
        },
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not PoolEntry.objects.filter(phase=phase, exercise=exercise, track="general").exists()
