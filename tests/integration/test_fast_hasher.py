"""Every test hashes passwords with the fast hasher (tests/conftest.py), whoever creates the user."""

import pytest
from django.contrib.auth.hashers import get_hasher

from tests.factories import UserFactory


@pytest.mark.django_db
def test_factories_hash_passwords_with_the_fast_test_hasher():
    assert get_hasher().algorithm == "md5"
    assert UserFactory().password.startswith("md5$")
