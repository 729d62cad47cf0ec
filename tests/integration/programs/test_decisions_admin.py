"""The coach's list of progression decisions in admin: what it shows, how coaches narrow and
page it, and that a page costs the same queries however many decisions there are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from programs.models import ProgressionDecision
from tests.factories import MemberFactory
from tests.factories.sessions import HoldExerciseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:programs_progressiondecision_changelist")
MONDAY = date(2026, 11, 23)


def _decisions(n: int, *, member=None, exercise=None, kind="hold", week_start=MONDAY) -> list:
    member = member or MemberFactory()
    exercise = exercise or HoldExerciseFactory()
    return [
        ProgressionDecision.objects.create(
            member=member,
            week_start=week_start - timedelta(weeks=i),
            exercise=exercise,
            kind=kind,
            reason=f"{kind} week {i}",
        )
        for i in range(n)
    ]


def _shown(response) -> list[int]:
    return [decision.pk for decision in response.context["cl"].result_list]


def test_coach_sees_each_decision_with_its_member_exercise_kind_and_reason(client, coach):
    member = MemberFactory(email="steady@example.com")
    plank = HoldExerciseFactory(name="Side plank")
    [decision] = _decisions(1, member=member, exercise=plank, kind="back_off")
    ProgressionDecision.objects.create(
        member=member, week_start=MONDAY, exercise=None, kind="advance_phase", reason="Phase up"
    )
    client.force_login(coach)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("steady@example.com", "Side plank", "Back off", "back_off week 0", "Phase up"):
        assert shown in html
    assert "23 Nov 2026" in html
    change = reverse("admin:programs_progressiondecision_change", args=[decision.pk])
    assert f'href="{change}"' in html
    # the phase's own decision (no exercise) shows the empty value, not an error
    assert "Advance phase" in html


def test_newest_weeks_come_first_and_page_two_holds_the_rest(client, coach):
    decisions = _decisions(30)  # newest first: the list shows 25 a page
    client.force_login(coach)
    first = client.get(LIST)
    assert _shown(first) == [d.pk for d in decisions[:25]]
    second = client.get(LIST + "?p=2")
    assert second.status_code == 200
    assert _shown(second) == [d.pk for d in decisions[25:]]
    assert "30 progression decisions" in first.content.decode()


def test_coach_filters_by_kind_and_week_and_searches_by_email(client, coach, time_machine):
    time_machine.move_to(date(2026, 11, 25))
    holds = _decisions(3, member=MemberFactory(email="holds@example.com"))
    backs = _decisions(2, member=MemberFactory(email="backs@example.com"), kind="back_off")
    client.force_login(coach)
    assert _shown(client.get(LIST + "?kind__exact=back_off")) == [d.pk for d in backs]
    this_week = client.get(LIST + "?week_start__gte=2026-11-18&week_start__lt=2026-11-26")
    assert sorted(_shown(this_week)) == sorted([holds[0].pk, backs[0].pk])
    assert _shown(client.get(LIST + "?q=holds@")) == [d.pk for d in holds]
    page = client.get(LIST).content.decode()
    assert "?kind__exact=back_off" in page and "Past 7 days" in page  # the filters offered


def test_a_filtered_list_links_rows_with_the_filters_to_come_back_to(client, coach):
    [decision] = _decisions(1, kind="back_off")
    client.force_login(coach)
    html = client.get(LIST + "?kind__exact=back_off&o=2").content.decode()
    change = reverse("admin:programs_progressiondecision_change", args=[decision.pk])
    assert f'href="{change}?_changelist_filters=kind__exact%3Dback_off%26o%3D2"' in html


def test_coach_opens_a_decision_from_the_list(client, coach):
    [decision] = _decisions(1)
    client.force_login(coach)
    response = client.get(reverse("admin:programs_progressiondecision_change", args=[decision.pk]))
    assert response.status_code == 200
    assert decision.reason in response.content.decode()


def _sidebar(html: str) -> str:
    start = html.index('id="nav-sidebar"')
    return html[start : html.index("</nav>", start)]


def test_coaches_navigate_admin_by_the_sidebar_breadcrumbs_and_the_index(client, coach):
    _decisions(1)
    client.force_login(coach)
    html = client.get(LIST).content.decode()
    sidebar = _sidebar(html)
    assert f'href="{LIST}"' in sidebar and 'aria-current="page"' in sidebar
    assert f'href="{reverse("admin:exercises_exercise_changelist")}"' in sidebar
    assert '<div class="breadcrumbs">' in html and 'href="/admin/"' in html
    assert 'href="/admin/programs/"' in html
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{LIST}"' in index
    assert reverse("community:moderation") in index and reverse("coach:inbox") in index
    assert client.get(reverse("admin:app_list", args=["programs"])).status_code == 200


def test_members_cannot_open_the_list(client, member):
    client.force_login(member)
    assert client.get(LIST).status_code == 302  # to the admin login


def test_the_list_waits_for_two_factor_when_required(client, coach, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(coach)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


# session, user, the coach's own and group permissions, the page's rows, and its count
# (PostgreSQL first asks its estimate of the table's size, counting only small tables)
def _list_queries() -> int:
    return 6 + (connection.vendor == "postgresql")


@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_runs_the_same_queries_at_one_and_many_rows(
    client, coach, rows, django_assert_num_queries
):
    for _ in range(rows // 2 or 1):
        _decisions(2 if rows > 1 else 1)
    client.force_login(coach)
    with django_assert_num_queries(_list_queries()):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(_list_queries() - (connection.vendor == "postgresql")):
        # filtered: an exact count, no estimate asked
        assert client.get(LIST + "?kind__exact=hold&q=example&p=1").status_code == 200


def test_an_admin_still_deletes_selected_decisions_from_the_list(admin_client):
    decisions = _decisions(2)
    data = {"action": "delete_selected", "_selected_action": [decisions[0].pk]}
    confirm = admin_client.post(LIST, data)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    assert str(decisions[0]) in confirm.content.decode()
    done = admin_client.post(LIST, {**data, "post": "yes"})
    assert done.status_code == 302
    assert list(ProgressionDecision.objects.values_list("pk", flat=True)) == [decisions[1].pk]


def test_the_sidebar_lists_what_each_person_may_open_and_follows_a_permission_change(client, coach):
    """The app list is kept per set of permissions: a coach with fewer sees fewer models, the
    same page for a superuser lists every one, and a permission granted shows on the next page."""
    from django.contrib.auth.models import Permission

    from tests.factories import MemberFactory as PersonFactory

    _decisions(1)
    narrow = PersonFactory(is_staff=True)
    narrow.user_permissions.add(
        Permission.objects.get(
            codename="view_progressiondecision", content_type__app_label="programs"
        )
    )
    superuser = PersonFactory(is_staff=True, is_superuser=True)
    users_list = reverse("admin:accounts_user_changelist")

    def sidebar_of(person) -> str:
        client.force_login(person)
        response = client.get(LIST)
        assert response.status_code == 200
        return _sidebar(response.content.decode())

    narrow_sidebar = sidebar_of(narrow)
    assert f'href="{LIST}"' in narrow_sidebar
    assert 'href="/admin/exercises/' not in narrow_sidebar and users_list not in narrow_sidebar
    assert users_list in sidebar_of(superuser)
    assert 'href="/admin/exercises/' in sidebar_of(coach)
    assert 'href="/admin/exercises/' not in sidebar_of(narrow)  # kept, still right

    narrow.user_permissions.add(
        Permission.objects.get(codename="view_exercise", content_type__app_label="exercises")
    )
    narrow = type(narrow).objects.get(pk=narrow.pk)  # a new request loads permissions afresh
    assert f'href="{reverse("admin:exercises_exercise_changelist")}"' in sidebar_of(narrow)
