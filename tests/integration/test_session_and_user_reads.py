"""The session row and the signed-in user are read by queries compiled once per process
(backcore/sessions.py, UserManager.get): what the database says still decides every request."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from backcore.accounts.models import User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/profile/"


def _signed_in(client):
    member = MemberFactory()
    client.force_login(member)
    assert client.get(PAGE).status_code == 200
    return member, Session.objects.get(session_key=client.session.session_key)


def test_an_expired_session_row_signs_the_person_out(client):
    _member, session = _signed_in(client)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_deleted_session_row_signs_the_person_out(client):
    _member, session = _signed_in(client)
    Session.objects.filter(pk=session.pk).delete()  # e.g. signed out on another device
    assert client.get(PAGE).status_code == 302


def test_a_deactivated_user_is_signed_out_on_their_next_request(client):
    member, _session = _signed_in(client)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert client.get(PAGE).status_code == 302


def test_a_changed_password_ends_other_sessions(client):
    member, _session = _signed_in(client)
    member.set_password("a-brand-new-password-42")
    member.save(update_fields=["password"])
    assert client.get(PAGE).status_code == 302


def test_user_get_by_pk_is_the_orms_answer(django_assert_num_queries):
    member = MemberFactory()
    with django_assert_num_queries(1):
        found = User.objects.get(pk=member.pk)
    assert (found.pk, found.email, found.is_active) == (member.pk, member.email, True)
    assert found._state.db == "default" and not found._state.adding
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=member.pk + 10_000)
    assert User.objects.get(email=member.email) == member  # other lookups as usual
    assert User.objects.get(pk=str(member.pk)) == member
