"""`profile_of(user)`: the profile every signed-in page reads (header name, timezone), read
with the user on every request (`User.objects.get(pk=…)`, as the auth backends load them) or
once per user object otherwise, and kept on that object like `user.profile`."""

import pytest

from backcore.accounts.models import Profile, User, profile_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_read_brings_the_profile(django_assert_num_queries):
    member_id = MemberFactory().pk
    with django_assert_num_queries(1):
        member = User.objects.get(pk=member_id)
        first = profile_of(member)
        assert first.user_id == member_id
        assert member.profile is first  # the same cache `user.profile` reads


def test_the_profile_is_read_once_per_user_object(django_assert_num_queries):
    member = User.objects.filter(pk=MemberFactory().pk).first()  # any other read of a user
    with django_assert_num_queries(1):
        first = profile_of(member)
        assert profile_of(member) is first
        assert member.profile is first
        assert member.public_name == first.display_name or member.public_name.startswith("Member ")


def test_a_change_shows_on_the_next_request_user(client):
    member = MemberFactory()
    Profile.objects.filter(user=member).update(display_name="Robin", timezone="Asia/Tokyo")
    fresh = User.objects.get(pk=member.pk)  # what the next request loads
    assert fresh.public_name == "Robin"
    assert str(profile_of(fresh).zone) == "Asia/Tokyo"
    Profile.objects.filter(user=member).update(display_name="Sam")
    assert User.objects.get(pk=member.pk).public_name == "Sam"


def test_a_user_without_a_profile_gets_none_and_a_neutral_name(django_assert_num_queries):
    user = User.objects.create_user(email="no-profile@example.com", password=None)
    Profile.objects.filter(user=user).delete()
    with django_assert_num_queries(1):
        user = User.objects.get(pk=user.pk)
        assert profile_of(user) is None
        assert user.public_name == f"Member {user.pk}"
    other = User.objects.filter(pk=user.pk).first()
    with django_assert_num_queries(1):
        assert profile_of(other) is None
        assert profile_of(other) is None
    assert profile_of(User(email="unsaved@example.com")) is None
