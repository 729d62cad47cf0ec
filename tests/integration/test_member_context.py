"""What every signed-in page asks about its viewer (member? coach? unread notifications?) comes
with the user's own row, and a write that changes any of it shows at once, even to a user object
read before it in the same request."""

import pytest
from django.contrib.auth.models import Group

from backcore.accounts.models import COACHES_GROUP, Membership, User
from backcore.accounts.selectors import member_context, user_is_member
from backcore.accounts.services import coach_add, membership_grant
from backcore.notifications.selectors import unread_notification_count
from backcore.notifications.services import notification_mark_read, notify
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notify(*recipients, key="k"):
    return notify(
        recipient_ids=[r.pk for r in recipients],
        topic="community",
        kind="reply",
        event_key=key,
        verb="replied",
        url="/community/",
    )


def test_the_user_read_answers_every_question_in_one_query(django_assert_num_queries):
    member = MemberFactory()
    _notify(member, key="a")
    _notify(member, key="b")
    with django_assert_num_queries(1):
        user = User.objects.get(pk=member.pk)  # how the auth middleware loads the viewer
        assert user_is_member(user=user)
        assert not user.is_coach
        assert unread_notification_count(user=user) == 2
        assert user.profile.user_id == member.pk


def test_any_other_user_object_reads_its_context_once(django_assert_num_queries):
    coach = UserFactory()
    coach_add(user=coach)
    user = User.objects.filter(pk=coach.pk).first()
    with django_assert_num_queries(1):
        assert user.is_coach
        assert not member_context(user=user).is_member  # staff pass user_is_member by staff
        assert unread_notification_count(user=user) == 0


def test_a_membership_granted_in_the_request_opens_at_once():
    user = User.objects.get(pk=UserFactory().pk)
    assert not user_is_member(user=user)
    membership_grant(user=user, source=Membership.Source.FREE)
    assert user_is_member(user=user)
    # and one removed (an operator in admin, an erasure) closes at once
    Membership.objects.get(user=user).delete()
    assert not user_is_member(user=user)


def test_the_bell_follows_notifications_made_and_read_in_the_request():
    member = MemberFactory()
    user = User.objects.get(pk=member.pk)
    assert unread_notification_count(user=user) == 0
    _notify(member, key="one")  # notify() inserts in bulk: no signal, told directly
    assert unread_notification_count(user=user) == 1
    notification_mark_read(member=user)  # an UPDATE: no signal either
    assert unread_notification_count(user=user) == 0


def test_a_coach_group_given_or_taken_shows_at_once():
    user = User.objects.get(pk=UserFactory().pk)
    assert not user.is_coach
    group, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    user.groups.add(group)
    assert user.is_coach
    user.groups.remove(group)
    assert not user.is_coach


def test_a_write_for_someone_else_costs_one_read_again_and_answers_the_same(
    django_assert_num_queries,
):
    member, other = MemberFactory(), MemberFactory()
    user = User.objects.get(pk=member.pk)
    _notify(other)
    with django_assert_num_queries(1):
        assert user_is_member(user=user)
        assert unread_notification_count(user=user) == 0
    with django_assert_num_queries(0):
        assert user.profile.user_id == member.pk  # the profile kept from the first read


def test_the_page_shows_the_current_count(client):
    member = MemberFactory()
    client.force_login(member)
    badge = 'badge-red">1<'
    assert badge not in client.get("/notifications/").content.decode()
    _notify(member, key="x")
    assert badge in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert badge not in client.get("/notifications/").content.decode()
