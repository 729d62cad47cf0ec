"""`User.is_coach`: a compiled read of the Coaches group membership (every forum page asks),
or the prefetched groups when a list already read them."""

import pytest
from django.contrib.auth.models import Group

from backcore.accounts.models import COACHES_GROUP, User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_group_membership_decides_and_changes_show_at_once(django_assert_num_queries):
    member = MemberFactory()
    coaches, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    other, _ = Group.objects.get_or_create(name="Volunteers")
    member.groups.add(other)
    with django_assert_num_queries(1):
        assert member.is_coach is False
    member.groups.add(coaches)
    assert User.objects.get(pk=member.pk).is_coach is True
    member.groups.remove(coaches)
    assert User.objects.get(pk=member.pk).is_coach is False
    assert User(is_superuser=True).is_coach is True
    assert User().is_coach is False


def test_prefetched_groups_cost_no_query(django_assert_num_queries):
    coaches, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    coach, member = MemberFactory(), MemberFactory()
    coach.groups.add(coaches)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=[coach.pk, member.pk]).prefetch_related("groups")
    }
    with django_assert_num_queries(0):
        assert users[coach.pk].is_coach is True
        assert users[member.pk].is_coach is False
