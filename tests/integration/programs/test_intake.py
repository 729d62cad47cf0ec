from datetime import timedelta

import pytest
from django.utils import timezone

from programs.models import Enrolment, Intake, PlannedSession, SafetyScreen
from tests.factories.programs import INTAKE_DATA

pytestmark = pytest.mark.django_db
INTAKE_URL = "/programme/intake/"


def details_post(**overrides):
    data = {
        "step": "details",
        "pain_now": "3",
        "pain_worst": "5",
        "pain_areas": ["low_back"],
        "duration": "over_12_weeks",
        "age_band": "40_54",
        "activity_level": "light",
        "equipment": ["wall"],
        "minutes_per_day": "10",
        "training_days": ["0", "1", "2", "3", "4", "5", "6"],
        "goals": "Walk the dog again",
        "fear_bending_harms": "agree",
        "fear_pain_means_harm": "disagree",
        "fear_rest_until_better": "disagree",
    }
    data.update(overrides)
    return data


def test_first_visit_shows_the_red_flag_screen_first(client, member):
    client.force_login(member)
    response = client.get(INTAKE_URL)
    assert response.status_code == 200
    assert b'name="step" value="screen"' in response.content
    assert b"groin" in response.content


def test_no_intake_redirects_today_to_intake(client, member):
    client.force_login(member)
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"] == INTAKE_URL


def test_emergency_sign_blocks_and_never_reaches_a_plan(client, member):
    client.force_login(member)
    response = client.post(INTAKE_URL, {"step": "screen", "flag_bladder_bowel": "on"})
    assert response.status_code == 302
    intake = Intake.objects.get(member=member)
    assert intake.emergency_flagged_at is not None
    assert SafetyScreen.objects.get(member=member).has_emergency

    page = client.get(INTAKE_URL)
    assert b"urgent" in page.content.lower()
    assert b'value="details"' not in page.content
    # Trying to answer "no" to everything now, or to submit details directly, changes nothing.
    client.post(INTAKE_URL, {"step": "screen"})
    client.post(INTAKE_URL, details_post())
    intake.refresh_from_db()
    assert intake.emergency_flagged_at is not None
    assert intake.completed_at is None
    today = client.get("/today/")
    assert today.status_code == 200
    assert b"Please seek urgent medical care today" in today.content
    assert client.get("/programme/").status_code == 200
    assert not Enrolment.objects.filter(member=member).exists()
    assert not PlannedSession.objects.filter(member=member).exists()


def test_emergency_after_enrolment_blocks_the_enrolment(member):
    from programs.services import intake_screen_submit, plan_day
    from tests.factories.programs import enrol

    enrol(member)
    intake_screen_submit(member=member, answers={"flag_both_legs": True})
    assert Enrolment.objects.get(member=member).status == "blocked_emergency"
    PlannedSession.objects.filter(member=member).delete()
    assert plan_day(member=member) is None


def test_clinician_sign_needs_clearance_with_a_date(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen", "flag_night_pain": "on"})
    page = client.get(INTAKE_URL)
    assert b'value="clearance"' in page.content
    assert client.get("/today/")["Location"] == INTAKE_URL

    # Details cannot be skipped to.
    client.post(INTAKE_URL, details_post())
    assert Intake.objects.get(member=member).completed_at is None

    future = timezone.localdate() + timedelta(days=3)
    bad = client.post(INTAKE_URL, {"step": "clearance", "confirm": "on", "cleared_on": future})
    assert bad.status_code == 422
    unconfirmed = client.post(INTAKE_URL, {"step": "clearance", "cleared_on": timezone.localdate()})
    assert unconfirmed.status_code == 422

    cleared_on = timezone.localdate() - timedelta(days=2)
    ok = client.post(INTAKE_URL, {"step": "clearance", "confirm": "on", "cleared_on": cleared_on})
    assert ok.status_code == 302
    intake = Intake.objects.get(member=member)
    assert intake.clinician_cleared_on == cleared_on
    assert SafetyScreen.objects.get(member=member).clinician_cleared_on == cleared_on

    done = client.post(INTAKE_URL, details_post())
    assert done.status_code == 302 and done["Location"] == "/today/"
    assert Enrolment.objects.get(member=member).status == "active"


def test_new_clinician_sign_asks_for_clearance_again(member):
    from programs.services import intake_confirm_clearance, intake_screen_submit

    intake_screen_submit(member=member, answers={"flag_fever": True})
    intake_confirm_clearance(member=member, cleared_on=timezone.localdate())
    again = intake_screen_submit(member=member, answers={"flag_fever": True})
    assert again.clinician_cleared_on == timezone.localdate()
    worse = intake_screen_submit(
        member=member, answers={"flag_fever": True, "flag_weight_loss": True}
    )
    assert worse.clinician_cleared_on is None and worse.needs_clearance
    assert SafetyScreen.objects.filter(member=member).count() == 3


def test_full_intake_with_leg_pain_starts_the_sciatica_track(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    response = client.post(INTAKE_URL, details_post(pain_areas=["low_back", "leg"]))
    assert response.status_code == 302
    intake = Intake.objects.get(member=member)
    assert intake.track == "sciatica" and intake.pain_leg and intake.completed_at
    assert intake.equipment == ["wall"]
    assert intake.fear_bending_harms is True and intake.fear_pain_means_harm is False
    enrolment = Enrolment.objects.select_related("phase").get(member=member)
    assert enrolment.track == "sciatica" and enrolment.phase.order == 1
    assert member.doses.count() > 0
    today = client.get("/today/")
    assert today.status_code == 200
    assert b"Start session" in today.content or b"Rest day" in today.content


def test_the_worst_pain_of_the_last_week_starts_the_worst_pain_series(client, member):
    from programs.models import OutcomeCheck

    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    client.post(INTAKE_URL, details_post(pain_now="3", pain_worst="7"))
    assert Intake.objects.get(member=member).pain_worst == 7
    baseline = OutcomeCheck.objects.get(member=member, kind="intake")
    assert (baseline.pain_usual, baseline.pain_worst) == (3, 7)
    low = client.post(INTAKE_URL, details_post(pain_now="5", pain_worst="2"))
    assert low.status_code == 422
    assert "can&#x27;t be lower than your pain now" in low.content.decode()
    assert Intake.objects.get(member=member).pain_worst == 7  # nothing saved is lost


def test_function_questionnaire_scores_only_when_complete(client, member):
    from programs.content import function_questionnaire

    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    items = function_questionnaire()["items"]
    answers = {f"function_{item['key']}": "1" for item in items}
    client.post(INTAKE_URL, details_post(**answers))
    assert Intake.objects.get(member=member).function_score == len(items)
    partial = dict(list(answers.items())[:2])
    client.post(INTAKE_URL, details_post(**partial))
    intake = Intake.objects.get(member=member)
    assert intake.function_score is None and len(intake.function_answers) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"pain_now": "11"},
        {"pain_worst": ""},
        {"pain_now": "6", "pain_worst": "4"},
        {"training_days": []},
        {"minutes_per_day": "15"},
        {"duration": "forever"},
        {"age_band": ""},
    ],
)
def test_bad_details_are_a_422_and_keep_what_was_saved(client, member, bad):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    response = client.post(INTAKE_URL, details_post(**bad))
    assert response.status_code == 422
    assert Intake.objects.get(member=member).completed_at is None


def test_age_question_starts_blank_so_a_skip_is_never_a_child(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    page = client.get(INTAKE_URL).content.decode()
    select = page[page.index('name="age_band"') :]
    select = select[: select.index("</select>")]
    options = select.split("<option")[1:]
    assert options[0].startswith(' value=""')
    assert not any("selected" in option for option in options[1:])


def test_age_65_plus_without_leg_pain_is_active_ageing(member):
    from tests.factories.programs import enrol

    assert enrol(member, age_band="65_74").track == "active-ageing"
    assert INTAKE_DATA["age_band"] == "40_54"


def test_intake_requires_sign_in(client):
    response = client.get(INTAKE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_members_see_their_track_with_why_and_may_choose_another(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    client.post(INTAKE_URL, details_post(track_choice="active-ageing"))
    intake = Intake.objects.get(member=member)
    assert intake.track == "active-ageing" and intake.track_choice == "active-ageing"
    assert Enrolment.objects.get(member=member).track == "active-ageing"
    page = client.get("/programme/").content.decode()
    assert "Your track: Active ageing." in page and "You chose this track yourself" in page


def test_leg_pain_keeps_the_sciatica_track_whatever_is_chosen(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    client.post(INTAKE_URL, details_post(pain_areas=["leg"], track_choice="general"))
    assert Intake.objects.get(member=member).track == "sciatica"
    page = client.get("/programme/").content.decode()
    assert "Your track: Sciatica." in page and "pain travels down a leg" in page


def test_an_unknown_track_is_a_422(client, member):
    client.force_login(member)
    client.post(INTAKE_URL, {"step": "screen"})
    assert client.post(INTAKE_URL, details_post(track_choice="yoga")).status_code == 422
