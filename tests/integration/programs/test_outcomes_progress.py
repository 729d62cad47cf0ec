"""Progress's outcomes: each measure as an accessible SVG chart with its table, meaningful
changes ringed and said in words, and what happens next when the back is not easing."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from programs.models import OutcomeCheck
from programs.selectors.outcomes import WHAT_HAPPENS_NEXT, outcomes_for
from programs.selectors.sessions import member_today
from programs.services.outcomes import goal_add, recheck_submit
from tests.factories import MemberFactory, enrol

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 9, 1)
ANSWERS = {
    "socks": 1,
    "sitting": 1,
    "shopping_bag": 1,
    "sleeping": 1,
    "walking": 1,
    "floor_reach": 1,
    "chair_rise": 1,
    "standing": 1,
}


def _check(member, day, *, usual, worst=None, goals=None, answers=ANSWERS):
    return recheck_submit(
        member=member,
        today=day,
        pain_usual=usual,
        pain_worst=worst if worst is not None else min(usual + 2, 10),
        function_answers=answers,
        goal_ratings=goals or {},
    )


def _member_with_history(*, start=START):
    member = MemberFactory()
    enrol(member, today=start, pain_now=6)
    OutcomeCheck.objects.filter(member=member, kind="intake").update(function_score=12)
    goal = goal_add(member=member, activity="Tying my shoes", rating=3, today=start)
    _check(member, start + timedelta(days=28), usual=5, goals={goal.pk: 4})
    _check(member, start + timedelta(days=56), usual=3, goals={goal.pk: 6})
    return member, goal


def _svg(chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def test_each_measure_is_a_chart_with_title_description_and_table():
    member, _goal = _member_with_history()
    charts = {c.chart_id: c for c in outcomes_for(member=member).charts}
    assert set(charts) == {
        "chart-outcome-pain",
        "chart-outcome-worst-pain",
        "chart-outcome-function",
        "chart-outcome-goal-1",
    }
    pain = _svg(charts["chart-outcome-pain"])
    assert pain.get("role") == "img"
    assert pain.find(f"{SVG}title").text == "Usual back pain over the last week"
    desc = pain.find(f"{SVG}desc").text
    assert "from 6/10 to 3/10" in desc and "4/10 or less is a meaningful change" in desc
    assert len(pain.findall(f".//{SVG}circle[@class='chart-point']")) == 3  # one per answer
    worst = _svg(charts["chart-outcome-worst-pain"])
    # The intake asks no worst pain: a gap, then the two re-checks.
    assert len(worst.findall(f".//{SVG}circle[@class='chart-point']")) == 2
    table = charts["chart-outcome-pain"].table
    assert '<th scope="col">Date</th>' in table and "1 Sep" in table


def test_meaningful_changes_are_ringed_and_the_target_is_drawn():
    member, _goal = _member_with_history()
    charts = {c.chart_id: c for c in outcomes_for(member=member).charts}
    pain = _svg(charts["chart-outcome-pain"])
    # 6 -> 5 is not meaningful, 6 -> 3 is: only the last usual-pain point is ringed.
    assert [m.get("data-index") for m in pain.findall(f".//{SVG}circle[@class='chart-mark']")] == [
        "2"
    ]
    target = pain.find(f".//{SVG}line[@class='chart-reference chart-target']")
    assert target.get("data-value") == "4"
    goal = _svg(charts["chart-outcome-goal-1"])
    assert (
        goal.find(f".//{SVG}line[@class='chart-reference chart-target']").get("data-value") == "5"
    )  # 3 + 2
    assert [m.get("data-index") for m in goal.findall(f".//{SVG}circle[@class='chart-mark']")] == [
        "2"
    ]
    assert "(a meaningful change)" in charts["chart-outcome-goal-1"].table


def test_progress_says_the_changes_in_words(client):
    member, _goal = _member_with_history()
    client.force_login(member)
    page = client.get("/progress/").content.decode()
    assert "Usual pain: 6 → 3 since September 2026" in page
    assert "Tying my shoes: 3 → 6 since September 2026" in page
    assert "Everyday tasks score: 12 → 8 since September 2026" in page
    assert "Worst pain: 7 → 5 since September 2026" in page
    assert page.count('<figure class="chart" id="chart-outcome-') == 4
    assert "Your last check: what happens next" not in page


def test_a_single_answer_shows_the_start_and_no_chart(client):
    member = MemberFactory()
    enrol(member, pain_now=6)
    client.force_login(member)
    page = client.get("/progress/").content.decode()
    assert "chart-outcome-" not in page
    assert "Your start (" in page and "usual pain 6/10" in page
    due = member_today(member) + timedelta(days=28)
    assert f"the first comes on {due:%-d %B}" in page


# --- the stored verdict and what the member reads next ------------------------------------


def test_each_recheck_stores_the_engines_verdict():
    member = MemberFactory()
    enrol(member, today=START, pain_now=6)
    early = _check(member, START + timedelta(days=14), usual=6)  # too soon to judge
    better = _check(member, START + timedelta(days=28), usual=4)
    stuck = _check(member, START + timedelta(days=56), usual=6)
    assert [early.check.response, better.check.response, stuck.check.response] == [
        "not_yet",
        "responding",
        "not_responding",
    ]
    assert OutcomeCheck.objects.get(member=member, kind="intake").response == ""


def test_a_better_goal_does_not_hide_pain_that_is_not_easing():
    member = MemberFactory()
    enrol(member, today=START, pain_now=6)
    goal = goal_add(member=member, activity="Gardening", rating=2, today=START)
    result = _check(member, START + timedelta(days=56), usual=6, goals={goal.pk: 7})
    assert result.check.response == "not_responding"


def _not_responding(client):
    member = MemberFactory()
    today = member_today(member)
    enrol(member, today=today - timedelta(days=56), pain_now=6)
    client.force_login(member)
    form = {"pain_usual": "6", "pain_worst": "8", **{k: str(v) for k, v in ANSWERS.items()}}
    response = client.post("/today/recheck/", form, follow=True)
    return member, today, response.content.decode()


def test_not_easing_after_eight_weeks_tells_a_coach_and_the_member_reads_what_next(client):
    from programs.models import CoachAlert

    member, today, landing = _not_responding(client)
    alert = CoachAlert.objects.get(member=member, cause="no_improvement")
    assert "8 weeks in" in alert.detail
    assert "a coach has been told" in landing
    assert landing.count(WHAT_HAPPENS_NEXT[0]) == 1, "said once on the page it lands on"
    for page in ("/today/", "/progress/"):
        html = client.get(page).content.decode()
        assert "Your last check: what happens next" in html, page
        assert WHAT_HAPPENS_NEXT[1] in html
        assert f"comes on {today + timedelta(days=28):%-d %B}" in html


def test_what_next_goes_once_a_later_check_shows_improvement(client):
    member, today, _landing = _not_responding(client)
    # A month later the member is better: the next check replaces the message.
    OutcomeCheck.objects.filter(member=member, kind="recheck").update(
        taken_on=today - timedelta(days=28)
    )
    OutcomeCheck.objects.filter(member=member, kind="intake").update(
        taken_on=today - timedelta(days=84)
    )
    _check(member, today, usual=3)
    for page in ("/today/", "/progress/"):
        assert "Your last check: what happens next" not in client.get(page).content.decode()
